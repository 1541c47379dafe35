from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Briefing
from accounts.validators import NIK_MESSAGE, contains_nik
from buildings.models import Building
from regions.models import Region


class SheetUploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Spreadsheet (CSV or XLSX)"),
        help_text=gettext_lazy("Columns: email, gedung, tower, tps"),
    )

    MAX_BYTES = 2 * 1024 * 1024

    def clean_file(self):
        f = self.cleaned_data["file"]
        if f.size > self.MAX_BYTES:
            raise ValidationError(_("The file is larger than 2 MB."))
        return f


class BriefingForm(forms.ModelForm):
    online_link = forms.URLField(
        label=gettext_lazy("Online link"), required=False, assume_scheme="https"
    )

    class Meta:
        model = Briefing
        fields = ["title", "starts_at", "place", "online_link", "region"]
        widgets = {"starts_at": forms.DateTimeInput(attrs={"type": "datetime-local"})}

    def __init__(self, *args, kotas, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = kotas
        self.fields["region"].empty_label = None

    def clean(self):
        data = super().clean()
        if not data.get("place") and not data.get("online_link"):
            raise ValidationError(_("Give a place, an online link, or both."))
        return data


DB_INT_MAX = 2**63 - 1


class IdsChoiceField(forms.ModelMultipleChoiceField):
    """Refuses ids past the database's integer range, which crash an `__in` lookup."""

    def _check_values(self, value):
        for pk in value if isinstance(value, (list, tuple)) else []:
            try:
                too_large = abs(int(str(pk).strip())) > DB_INT_MAX
            except ValueError:
                continue  # Django's own check answers non-numbers
            if too_large:
                raise forms.ValidationError(
                    self.error_messages["invalid_pk_value"],
                    code="invalid_pk_value",
                    params={"pk": pk},
                )
        return super()._check_values(value)


class BriefingInviteForm(forms.Form):
    """Everyone managing a building in the session's kota, or the managers of chosen buildings."""

    buildings = IdsChoiceField(
        label=gettext_lazy("Only the managers of these buildings"),
        queryset=Building.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy("Choose none to invite every manager of the kota."),
    )

    def __init__(self, *args, buildings, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["buildings"].queryset = buildings


def kotas_in_scope(prefix: str):
    return Region.objects.filter(level=Region.Level.KOTA, code__startswith=prefix[:5]).order_by(
        "code"
    )


class SearchForm(forms.Form):
    """The search box: a name, an address, a kelurahan or a managing organisation."""

    q = forms.CharField(label=gettext_lazy("Search"), max_length=100)

    def clean_q(self):
        query = " ".join(self.cleaned_data["q"].split())
        # Refused, not searched: no building holds one, and the query goes no further.
        if contains_nik(query):
            raise ValidationError(NIK_MESSAGE, code="nik")
        if len(query) < 2:
            raise ValidationError(_("Type at least 2 characters."), code="min_length")
        return query
