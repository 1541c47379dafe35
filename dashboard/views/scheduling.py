"""Staff scheduling: propose visits and posko days to a building, read the manager's answers,
answer the manager's own proposals, and the week's agenda. The rules live in visits.schedules,
shared with the manager portal."""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.fields import EARLIEST, LATEST
from accounts.roles import PLANNERS, has_role
from buildings.models import Building
from dashboard.forms_escalation import StaffScheduleForm
from dashboard.views.coverage import _prefix
from visits.models import Assignment, CoklitPeriod, Schedule
from visits.schedule_answer import form_errors_add, schedule_answer
from visits.schedules import (
    schedule_answered_by_manager,
    schedule_cancellable,
    schedule_period_for,
    schedule_propose,
)


def may_plan(user) -> bool:
    return has_role(user, PLANNERS)


@login_required
def building_schedules(request, pk):
    _prefix(request)
    building = get_object_or_404(
        Building.objects.in_scope(request.user).select_related("kelurahan"), pk=pk
    )
    towers = list(building.towers.order_by("name"))
    form = StaffScheduleForm(request.POST or None, towers=towers)
    if request.method == "POST":
        if not may_plan(request.user):
            raise PermissionDenied
        if form.is_valid():
            values = form.cleaned_data
            period = schedule_period_for(values["date"])
            assigned = Assignment.objects.filter(building=building, period=period)
            if values["tower"] is not None:
                assigned = assigned.filter(Q(tower__isnull=True) | Q(tower=values["tower"]))
            try:
                if not assigned.exists():
                    raise ValidationError(
                        _(
                            "No pantarlih is assigned to this building in the period; assign one first."
                        )
                    )
                schedule_propose(
                    building=building,
                    proposed_by=request.user,
                    kind=values["kind"],
                    date=values["date"],
                    start=values["start"],
                    end=values["end"],
                    tower=values["tower"],
                    note=values["note"],
                    period=period,
                )
            except ValidationError as error:
                form_errors_add(form, error)
            else:
                messages.success(request, _("Schedule proposed; the manager has been told."))
                return redirect("dashboard_building_schedules", pk=building.pk)
    schedules = list(
        Schedule.objects.filter(building=building)
        .with_state()
        .select_related("tower", "proposed_by", "decided_by")
        .order_by("-date", "-start")
    )
    period = CoklitPeriod.objects.order_by("-starts_on").first()
    assignments = list(
        Assignment.objects.filter(building=building, period=period)
        .select_related("pantarlih", "tower")
        .order_by("tps")
    )
    return render(
        request,
        "dashboard/schedule_building.html",
        {
            "building": building,
            "schedules": schedules,
            "assignments": assignments,
            "form": form if may_plan(request.user) else None,
            "period": period,
        },
    )


def _waits_for_staff(schedule: Schedule, user) -> bool:
    """A manager's proposal (a posko day, or another time) is answered by the KPU side."""
    return (
        may_plan(user)
        and schedule.status == Schedule.Status.PROPOSED
        and not schedule_answered_by_manager(schedule.proposed_by.role)
    )


@login_required
def schedule_detail(request, pk):
    """One schedule and the manager's answer; a manager's proposal is answered here."""
    _prefix(request)
    schedule = get_object_or_404(
        Schedule.objects.in_scope(request.user).select_related(
            "building", "tower", "proposed_by", "decided_by", "counter_of", "period"
        ),
        pk=pk,
    )
    can_answer = _waits_for_staff(schedule, request.user)
    action = request.POST.get("action") if request.method == "POST" else None
    if action and action != "cancel" and not can_answer:
        raise PermissionDenied
    schedule, forms, done = schedule_answer(
        request,
        schedule,
        told={
            "confirm": _("Schedule confirmed; the manager has been told."),
            "decline": _("Schedule declined; the manager has been told."),
            "counter": _("Another time proposed; the manager has been told."),
        },
        may_cancel=may_plan(request.user),
    )
    if done:
        messages.success(request, done)
        return redirect("dashboard_schedule", pk=schedule.pk)
    return render(
        request,
        "dashboard/schedule_detail.html",
        {
            "schedule": schedule,
            "counters": list(
                Schedule.objects.filter(counter_of=schedule)
                .with_state()
                .select_related("proposed_by")
            ),
            "can_answer": can_answer,
            "can_cancel": may_plan(request.user) and schedule_cancellable(schedule),
            **forms,
        },
    )


def _monday(request) -> tuple[datetime.date, bool]:
    value = request.GET.get("minggu", "")
    day, valid = timezone.localdate(), True
    if value:
        try:
            day = datetime.date.fromisoformat(value[:10])
        except ValueError:
            valid = False
        if valid and not EARLIEST <= day <= LATEST:
            # Year 1 or 9999: the week's first or last day would not exist (a 500 before).
            day, valid = timezone.localdate(), False
    return day - datetime.timedelta(days=day.weekday()), valid


@login_required
def schedule_agenda(request):
    """The week's schedules in the user's scope, day by day (?minggu=YYYY-MM-DD moves the week)."""
    _prefix(request)
    monday, valid = _monday(request)
    if not valid:
        messages.error(
            request, _("That is not a date between 2000 and 2100 (YYYY-MM-DD); showing this week.")
        )
    sunday = monday + datetime.timedelta(days=6)
    schedules = list(
        Schedule.objects.in_scope(request.user)
        .filter(date__range=(monday, sunday))
        .with_state()
        .select_related("building__kelurahan", "tower", "proposed_by")
        .order_by("date", "start", "building__name")
    )
    days = [
        (monday + datetime.timedelta(days=i), [s for s in schedules if s.date.weekday() == i])
        for i in range(7)
    ]
    return render(
        request,
        "dashboard/schedule_agenda.html",
        {
            "days": days,
            "monday": monday,
            "sunday": sunday,
            "previous": monday - datetime.timedelta(days=7),
            "next": monday + datetime.timedelta(days=7),
            "today": timezone.localdate(),
            "total": len(schedules),
        },
    )
