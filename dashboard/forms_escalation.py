"""Forms of the escalation ladder and of staff scheduling (the rules live in the services)."""

from django import forms
from django.utils.translation import gettext_lazy

from accounts.fields import BoundedDateField
from accounts.validators import validate_no_nik
from buildings.models import Tower
from dashboard.escalation import evidence_clean
from visits.models import AccessIssue, IssueLetter, LetterOffice, Schedule
from visits.schedule_forms import DATE, TIME


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

    # Moving an issue up hands it to another institution and emails it: asked to confirm.
    confirm = forms.BooleanField(
        label=gettext_lazy("Yes, move the issue up: its new owners are emailed."),
        error_messages={"required": gettext_lazy("Tick the box to confirm moving the issue up.")},
    )

    def __init__(self, *args, with_evidence=True, with_confirm=False, **kwargs):
        super().__init__(*args, **kwargs)
        if not with_evidence:
            del self.fields["evidence"]
        if not with_confirm:
            del self.fields["confirm"]

    def clean_evidence(self):
        upload = self.cleaned_data.get("evidence")
        try:
            return evidence_clean(upload)
        except forms.ValidationError as error:
            raise forms.ValidationError(error.message_dict["evidence"]) from None


class IssueRaiseForm(forms.Form):
    """Staff raise an issue they heard of (a call from the building, a pantarlih's message)."""

    kind = forms.ChoiceField(
        label=gettext_lazy("What happened"),
        choices=AccessIssue.Kind.choices,
        initial=AccessIssue.Kind.MANAGER_REFUSED,
    )
    description = forms.CharField(
        label=gettext_lazy("Description"),
        max_length=4000,
        validators=[validate_no_nik],
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=gettext_lazy(
            "Who refused, when, which towers, what they asked for; how you heard of it."
        ),
    )


class IssueLetterForm(forms.ModelForm):
    """The letter as sent: its date and who signed it (filled from the KPU Kota's office)."""

    class Meta:
        model = IssueLetter
        fields = ["sent_on", "signatory_name", "signatory_nip", "signatory_position"]
        widgets = {"sent_on": DATE}
        help_texts = {
            "sent_on": gettext_lazy("The date on the letter: the manager's two days run from it."),
            "signatory_nip": gettext_lazy("18 digits; empty when the signatory has none."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sent_on"] = BoundedDateField(
            label=self.fields["sent_on"].label,
            help_text=self.fields["sent_on"].help_text,
            widget=DATE,
        )


class LetterOfficeForm(forms.ModelForm):
    class Meta:
        model = LetterOffice
        fields = [
            "signatory_name",
            "signatory_nip",
            "signatory_position",
            "number_pattern",
            "address",
        ]


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
