"""Guards that keep NIK and KK numbers out of everything we store.

Both are 16-digit numbers (a NIK: region code, birth date, serial; a KK number: region code,
issue date, serial). Nothing in this system needs a 16-digit number, so any run of 16 digits,
written plainly or in groups, is refused before it reaches the database.
"""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# 16 digits, optionally grouped by single spaces, dots or dashes, not part of a longer number.
_SIXTEEN_DIGITS = re.compile(r"(?<![\d])\d(?:[ .\-]?\d){15}(?![\d])")

NIK_MESSAGE = _(
    "This looks like a NIK or KK number (16 digits). Those numbers must never be stored "
    "here; remove it and try again."
)


def contains_nik(value) -> bool:
    """True when the text holds something that looks like a NIK or KK number."""
    return bool(value) and bool(_SIXTEEN_DIGITS.search(str(value)))


def validate_no_nik(value) -> None:
    if contains_nik(value):
        raise ValidationError(NIK_MESSAGE, code="nik")
