"""Forms of the escalation ladder and of staff scheduling (the rules live in the services)."""

from django import forms
from django.utils.translation import gettext_lazy

from accounts.fields import BoundedDateField
from accounts.validators import validate_no_nik
from buildings.forms import DATE, TIME
from buildings.models import Tower
from dashboard.escalation import evidence_clean
from visits.models import AccessIssue, Schedule


class IssueStepForm(forms.Form):
    """A note with an optional evidence file: comment, move up, resolve or reopen."""

    note = forms.CharField(
        label=gettext_lazy("Note"),
        max_length=2000,
        validators=[validate_no_nik],
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    evidence = forms.FileField(
        label=gettext_lazy("Evidence (optional)"),
        required=False,
        help_text=gettext_lazy("A PDF, JPEG or PNG of at most 5 MB: a scan of a letter, a photo."),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}),
    )

    def __init__(self, *args, with_evidence=True, **kwargs):
        super().__init__(*args, **kwargs)
        if not with_evidence:
            del self.fields["evidence"]

    def clean_evidence(self):
        upload = self.cleaned_data.get("evidence")
        try:
            return evidence_clean(upload)
        except forms.ValidationError as error:
            raise forms.ValidationError(error.message_dict["evidence"]) from None


class IssueFilterForm(forms.Form):
    tingkat = forms.ChoiceField(
        label=gettext_lazy("Level"),
        required=False,
        choices=[("", gettext_lazy("All levels")), *AccessIssue.Level.choices],
    )
    status = forms.ChoiceField(
        label=gettext_lazy("Status"),
        required=False,
        choices=[("", gettext_lazy("All statuses")), *AccessIssue.Status.choices],
    )


class StaffScheduleForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=Schedule.Kind.choices)
    tower = forms.ModelChoiceField(
        label=gettext_lazy("Tower"),
        queryset=Tower.objects.none(),
        required=False,
        empty_label=gettext_lazy("Whole building"),
    )
    date = BoundedDateField(label=gettext_lazy("Date"), widget=DATE)
    start = forms.TimeField(label=gettext_lazy("Start"), widget=TIME)
    end = forms.TimeField(label=gettext_lazy("End"), widget=TIME)
    note = forms.CharField(
        label=gettext_lazy("Note for the manager"),
        required=False,
        max_length=1000,
        validators=[validate_no_nik],
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, towers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["tower"].queryset = Tower.objects.filter(pk__in=[t.pk for t in towers])
        self.fields["tower"].choices = [("", self.fields["tower"].empty_label)] + [
            (t.pk, t.name) for t in towers
        ]
