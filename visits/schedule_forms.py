"""The forms of a schedule's answer, shared by both sides: the manager's portal and the staff's
scheduling pages (visits/schedule_answer.py handles them)."""

from django import forms
from django.utils.translation import gettext_lazy

from accounts.fields import BoundedDateField
from accounts.validators import validate_no_nik
from buildings.models import Building, Tower

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


class ScheduleAnswerForm(forms.Form):
    """Confirm (with an optional note) or decline (with a reason) a proposal."""

    reply = forms.CharField(
        label=gettext_lazy("Note or reason"),
        required=False,
        max_length=1000,
        validators=[validate_no_nik],
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ScheduleCancelForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason for cancelling"),
        max_length=1000,
        validators=[validate_no_nik],
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ScheduleSlotForm(forms.Form):
    date = BoundedDateField(label=gettext_lazy("Date"), widget=DATE)
    start = forms.TimeField(label=gettext_lazy("Start"), widget=TIME)
    end = forms.TimeField(label=gettext_lazy("End"), widget=TIME)
    note = forms.CharField(
        label=gettext_lazy("Note"),
        required=False,
        max_length=1000,
        validators=[validate_no_nik],
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class PoskoProposeForm(ScheduleSlotForm):
    tower = forms.ModelChoiceField(
        label=gettext_lazy("Tower"),
        queryset=Tower.objects.none(),
        required=False,
        empty_label=gettext_lazy("Whole building (lobby)"),
    )
    field_order = ["date", "start", "end", "tower", "note"]

    def __init__(self, *args, building: Building, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["tower"].queryset = Tower.objects.filter(building=building).order_by("name")
        self.fields["tower"].label_from_instance = lambda tower: tower.name
