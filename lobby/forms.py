import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from accounts.phones import normalize_phone, whatsapp_number
from accounts.validators import validate_no_nik
from buildings.models import Building, Unit
from residents.models import BestTime

NOTE_MAX = 200


def _bare(number: str) -> str:
    """A unit number without case, spaces or separators: 'j 0106' and 'J-0106' match."""
    return re.sub(r"[\W_]+", "", number).upper()


class VisitRequestForm(forms.Form):
    """ "Belum didatangi? Minta kunjungan": no name, no NIK, a number only with consent."""

    token = forms.CharField(widget=forms.HiddenInput, max_length=40)
    tower = forms.TypedChoiceField(label=_("Tower"), coerce=int)
    unit = forms.CharField(
        label=_("Unit number"),
        max_length=20,
        validators=[validate_no_nik],
        help_text=_("As written on your door."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
    )
    best_time = forms.ChoiceField(
        label=_("When is someone home?"), choices=BestTime.choices, widget=forms.RadioSelect
    )
    note = forms.CharField(
        label=_("Note for the officer (optional)"),
        required=False,
        max_length=NOTE_MAX,
        validators=[validate_no_nik],
        help_text=_("For example: ring twice. No names or ID numbers."),
        widget=forms.Textarea(attrs={"rows": 2, "maxlength": NOTE_MAX}),
    )
    callback = forms.BooleanField(
        label=_("I agree to be called back on WhatsApp at this number to arrange the visit."),
        required=False,
    )
    phone = forms.CharField(
        label=_("WhatsApp number (optional)"),
        required=False,
        max_length=20,
        validators=[validate_no_nik],
        help_text=_("Kept only until the visit, and at the latest until the coklit period ends."),
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )

    def __init__(self, *args, building: Building, towers, **kwargs):
        super().__init__(*args, **kwargs)
        self.building = building
        self.fields["tower"].choices = [(t.pk, t.name) for t in towers]

    def clean(self):
        data = super().clean()
        tower_id, typed = data.get("tower"), data.get("unit")
        if tower_id and typed:
            data["unit"] = self._unit(tower_id, typed)
        phone, callback = data.get("phone"), data.get("callback")
        if phone and not callback:
            self.add_error(
                "callback",
                _("Tick this box to be called back, or leave the number out."),
            )
        elif callback and not phone and "phone" not in self.errors:
            self.add_error("phone", _("Give the number to call back, or untick the box."))
        return data

    def clean_phone(self):
        value = self.cleaned_data["phone"]
        if not value:
            return ""
        value = normalize_phone(value)
        if not whatsapp_number(value):
            raise ValidationError(_("Give a mobile number that has WhatsApp."), code="mobile")
        return value

    def _unit(self, tower_id: int, typed: str):
        """The unit of the tower with this number (one query), or an error naming the field."""
        numbers = Unit.objects.filter(tower_id=tower_id, tower__building=self.building)
        numbers = list(numbers.values_list("pk", "number"))
        wanted = typed.strip().upper()
        match = next((pk for pk, n in numbers if n.upper() == wanted), None)
        if match is None:
            bare = [pk for pk, n in numbers if _bare(n) == _bare(typed)]
            match = bare[0] if len(bare) == 1 else None
        if match is None:
            self.add_error(
                "unit",
                _("There is no unit %(unit)s in this tower. Write it as on your door.")
                % {"unit": typed.strip()},
            )
            return None
        return Unit.objects.select_related("tower").get(pk=match)
