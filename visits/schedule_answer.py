"""Answering a schedule from a POST: the one handler the manager's portal and the staff's
scheduling pages share."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from visits.schedule_forms import ScheduleAnswerForm, ScheduleCancelForm, ScheduleSlotForm
from visits.schedules import schedule_cancel, schedule_confirm, schedule_counter, schedule_decline


def form_errors_add(form, error: ValidationError) -> None:
    """Put a service's ValidationError on the form, by field where it names one."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            target = field if field in form.fields else None
            for message in ValidationError(errors).messages:
                form.add_error(target, message)
    else:
        for message in error.messages:
            form.add_error(None, message)


def schedule_answer(request, schedule, *, told: dict[str, str], may_cancel: bool):
    """Confirm, decline, counter or cancel a schedule from the POSTed action; shared by both sides.

    Returns (schedule — the counter-proposal after a counter —, the forms for the template,
    the success message or None). The services decide whether the answer is allowed; a
    cancellation also needs `may_cancel` (the caller's say on whether the user is a side).
    """
    action = request.POST.get("action") if request.method == "POST" else None
    answer_form = ScheduleAnswerForm(
        request.POST if action in ("confirm", "decline") else None, prefix="answer"
    )
    counter_form = ScheduleSlotForm(
        request.POST if action == "counter" else None,
        prefix="counter",
        initial={"date": schedule.date, "start": schedule.start, "end": schedule.end},
    )
    cancel_form = ScheduleCancelForm(request.POST if action == "cancel" else None, prefix="cancel")
    forms = {"answer_form": answer_form, "counter_form": counter_form, "cancel_form": cancel_form}
    if action == "cancel" and not may_cancel:
        raise PermissionDenied
    try:
        if action in ("confirm", "decline") and answer_form.is_valid():
            reply = answer_form.cleaned_data["reply"]
            if action == "confirm":
                schedule_confirm(schedule=schedule, by=request.user, reply=reply)
            else:
                schedule_decline(schedule=schedule, by=request.user, reason=reply)
            return schedule, forms, told[action]
        if action == "counter" and counter_form.is_valid():
            values = counter_form.cleaned_data
            schedule = schedule_counter(
                schedule=schedule,
                by=request.user,
                date=values["date"],
                start=values["start"],
                end=values["end"],
                note=values["note"],
            )
            return schedule, forms, told["counter"]
        if action == "cancel" and cancel_form.is_valid():
            schedule_cancel(
                schedule=schedule, by=request.user, reason=cancel_form.cleaned_data["reason"]
            )
            return schedule, forms, _("Schedule cancelled; everyone involved has been told.")
    except ValidationError as error:
        target = {"counter": counter_form, "cancel": cancel_form}.get(action, answer_form)
        form_errors_add(target, error)
    return schedule, forms, None
