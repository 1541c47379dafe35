"""The manager portal's forms. Each lists its fields explicitly: a manager posting extra fields
(building, status, kelurahan, …) changes nothing they were not offered."""

import re

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.validators import validate_no_nik
from buildings.models import Building, Tower, Unit, UnitOccupancy
from buildings.unit_generator import (
    DEFAULT_NUMBER_FORMAT,
    FLOOR_MAX,
    FLOOR_MIN,
    KEEP,
    MAX_UNITS_PER_FLOOR,
    NUMBER_FORMAT_MAX_LENGTH,
    REPLACE,
)
from visits.evidence import evidence_clean


class BuildingProfileForm(forms.ModelForm):
    class Meta:
        model = Building
        fields = [
            "address",
            "access_hours",
            "access_requirements",
            "access_report_point",
            "access_notes",
            "contact_name",
            "contact_phone",
            "posko_available",
        ]
        widgets = {
            "access_notes": forms.Textarea(attrs={"rows": 3}),
            "contact_phone": forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
        }
        help_texts = {"contact_phone": gettext_lazy("e.g. 0812 3456 7890; saved as +62…")}


class TowerForm(forms.ModelForm):
    class Meta:
        model = Tower
        fields = ["name", "floors"]
        help_texts = {"floors": gettext_lazy("The top floor's number.")}

    def __init__(self, *args, building: Building, **kwargs):
        super().__init__(*args, **kwargs)
        self.building = building

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        others = Tower.objects.filter(building=self.building, name__iexact=name)
        if self.instance.pk:
            others = others.exclude(pk=self.instance.pk)
        if others.exists():
            raise forms.ValidationError(
                _("This building already has a tower named “%(name)s”.") % {"name": name}
            )
        return name

    def save(self, commit=True):
        self.instance.building = self.building
        return super().save(commit)


def _floor_list(value: str) -> list[int]:
    parts = [p for p in re.split(r"[\s,;]+", value or "") if p]
    try:
        return [int(p) for p in parts]
    except ValueError:
        raise forms.ValidationError(
            _("Write floor numbers separated by commas, e.g. 4, 13, 14.")
        ) from None


class UnitGenerateForm(forms.Form):
    first_floor = forms.IntegerField(
        label=gettext_lazy("First floor"), initial=1, min_value=FLOOR_MIN, max_value=FLOOR_MAX
    )
    last_floor = forms.IntegerField(
        label=gettext_lazy("Last floor"),
        min_value=FLOOR_MIN,
        max_value=FLOOR_MAX,
        required=False,
        help_text=gettext_lazy("Empty: the tower's top floor."),
    )
    units_per_floor = forms.IntegerField(
        label=gettext_lazy("Units per floor"), min_value=1, max_value=MAX_UNITS_PER_FLOOR
    )
    skip_floors = forms.CharField(
        label=gettext_lazy("Floors that do not exist"),
        required=False,
        help_text=gettext_lazy("e.g. 4, 13, 14"),
    )
    number_format = forms.CharField(
        label=gettext_lazy("Numbering pattern"),
        initial=DEFAULT_NUMBER_FORMAT,
        max_length=NUMBER_FORMAT_MAX_LENGTH,
        help_text=gettext_lazy(
            "{lantai}, {unit} and {tower}; {lantai:2} writes floor 5 as 05. "
            "“{lantai:2}{unit:2}” gives 0512, “{tower}-{lantai}-{unit:2}” gives A-5-12."
        ),
    )
    non_residential = forms.BooleanField(
        label=gettext_lazy("These units are not dwellings (shops, offices)"), required=False
    )
    # Asked only when the floors already have units the pattern does not name (units_generate).
    existing_units = forms.ChoiceField(
        label=gettext_lazy("Units already on these floors that the pattern does not name"),
        required=False,
        choices=[
            (
                REPLACE,
                gettext_lazy(
                    "Replace them: renumber them to the pattern and remove the extra ones "
                    "(units with a visit recorded are kept)"
                ),
            ),
            (KEEP, gettext_lazy("Keep them beside the new units")),
        ],
        widget=forms.RadioSelect,
    )

    def __init__(self, data=None, *args, **kwargs):
        # An oversize pattern is refused by max_length; it must not be echoed back into the page.
        if data is not None and len(data.get("number_format", "")) > NUMBER_FORMAT_MAX_LENGTH:
            data = data.copy()
            data["number_format"] = ""
        super().__init__(data, *args, **kwargs)

    def clean_skip_floors(self):
        return _floor_list(self.cleaned_data["skip_floors"])

    def plan(self) -> dict:
        """The cleaned values units_preview and units_generate take."""
        values = self.cleaned_data
        return {
            "units_per_floor": values["units_per_floor"],
            "first_floor": values["first_floor"],
            "last_floor": values["last_floor"],
            "skip_floors": values["skip_floors"],
            "number_format": values["number_format"],
        }


class UnitDeleteForm(forms.Form):
    """Units of one floor to delete; only units no outcome has touched are offered."""

    def __init__(self, *args, units: list[Unit], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["units"] = forms.TypedMultipleChoiceField(
            label=gettext_lazy("Units to remove"),
            coerce=int,
            choices=[(unit.pk, unit.number) for unit in units if not unit.outcome_count],
            widget=forms.CheckboxSelectMultiple,
            error_messages={"required": gettext_lazy("Tick the units to remove.")},
        )


class UnitForm(forms.ModelForm):
    class Meta:
        model = Unit
        fields = ["floor", "number", "residential"]

    def __init__(self, *args, tower: Tower, **kwargs):
        super().__init__(*args, **kwargs)
        self.tower = tower

    def clean_number(self):
        number = self.cleaned_data["number"].strip()
        if Unit.objects.filter(tower=self.tower, number__iexact=number).exists():
            raise forms.ValidationError(
                _("Unit number %(number)s already exists in tower %(tower)s.")
                % {"number": number, "tower": self.tower.name}
            )
        return number

    def save(self, commit=True):
        self.instance.tower = self.tower
        return super().save(commit)


class FloorForm(forms.Form):
    """Every unit of one floor: its occupancy, the best time to visit, and whether it is a
    dwelling. Fields are named by the unit's id, so a unit of another floor cannot be sent."""

    STATUS_CHOICES = [("", gettext_lazy("Not reported"))] + list(UnitOccupancy.Status.choices)

    def __init__(self, *args, units: list[Unit], **kwargs):
        super().__init__(*args, **kwargs)
        self.units = units
        for unit in units:
            occupancy = getattr(unit, "occupancy_or_none", None)
            self.fields[f"status_{unit.pk}"] = forms.ChoiceField(
                label=unit.number,
                choices=self.STATUS_CHOICES,
                required=False,
                initial=occupancy.status if occupancy else "",
            )
            self.fields[f"best_{unit.pk}"] = forms.CharField(
                label=_("Best time to find residents (%(number)s)") % {"number": unit.number},
                max_length=UnitOccupancy._meta.get_field("best_time").max_length,
                required=False,
                validators=[validate_no_nik],
                initial=occupancy.best_time if occupancy else "",
                widget=forms.TextInput(attrs={"placeholder": _("e.g. after 18.00")}),
            )
            self.fields[f"residential_{unit.pk}"] = forms.BooleanField(
                label=_("%(number)s is a dwelling") % {"number": unit.number},
                required=False,
                initial=unit.residential,
            )

    def rows(self):
        for unit in self.units:
            yield (
                unit,
                self[f"status_{unit.pk}"],
                self[f"best_{unit.pk}"],
                self[f"residential_{unit.pk}"],
            )

    def values(self) -> dict[int, dict]:
        data = self.cleaned_data
        return {
            unit.pk: {
                "status": data[f"status_{unit.pk}"],
                "best_time": data[f"best_{unit.pk}"].strip(),
                "residential": data[f"residential_{unit.pk}"],
            }
            for unit in self.units
        }


class FloorAllForm(forms.Form):
    """One answer for every unit of a floor (e.g. a floor of offices)."""

    status = forms.ChoiceField(
        label=gettext_lazy("Set every unit on this floor to"), choices=UnitOccupancy.Status.choices
    )
    best_time = forms.CharField(
        label=gettext_lazy("Best time to find residents"),
        max_length=UnitOccupancy._meta.get_field("best_time").max_length,
        required=False,
        validators=[validate_no_nik],
    )


class OccupancyUploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Spreadsheet (CSV or XLSX)"),
        help_text=gettext_lazy(
            "Columns: tower, lantai, nomor, status, waktu_terbaik. Status: dihuni (occupied), "
            "kosong (vacant) or usaha (business use). No names or ID numbers."
        ),
    )

    MAX_BYTES = 5 * 1024 * 1024

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > self.MAX_BYTES:
            raise forms.ValidationError(_("The file is larger than 5 MB."))
        return upload


class IssueReplyForm(forms.Form):
    note = forms.CharField(
        label=gettext_lazy("Your answer"),
        max_length=2000,
        validators=[validate_no_nik],
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    # The same checks and metadata stripping as the staff's evidence (visits/evidence.py).
    evidence = forms.FileField(
        label=gettext_lazy("Attachment (optional)"),
        required=False,
        help_text=gettext_lazy(
            "A PDF, JPEG or PNG of at most 5 MB, e.g. your letter to the security vendor."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}),
    )

    def clean_evidence(self):
        try:
            return evidence_clean(self.cleaned_data.get("evidence"))
        except forms.ValidationError as error:
            raise forms.ValidationError(error.message_dict["evidence"]) from None
