"""Form fields for dates and times that a person or a phone sends: inside a sane range.

Django accepts year 1 and year 9999; converting such a time to Jakarta time then overflows (a
500, and on the phone's queue a batch that is retried for ever). Every date and time a form or
the sync JSON takes goes through these fields instead.
"""

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

EARLIEST, LATEST = datetime.date(2000, 1, 1), datetime.date(2100, 12, 31)
OUT_OF_RANGE = _("Enter a date between 2000 and 2100.")


class _Bounded:
    def to_python(self, value):
        try:
            result = super().to_python(value)
        except OverflowError as error:
            raise ValidationError(OUT_OF_RANGE, code="out_of_range") from error
        day = result.date() if isinstance(result, datetime.datetime) else result
        if day is not None and not EARLIEST <= day <= LATEST:
            raise ValidationError(OUT_OF_RANGE, code="out_of_range")
        return result


class BoundedDateField(_Bounded, forms.DateField):
    pass


class BoundedDateTimeField(_Bounded, forms.DateTimeField):
    pass
