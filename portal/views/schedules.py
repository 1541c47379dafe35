"""The manager portal's schedules and access issues: answer proposals, propose posko days,
answer access issues. Rules and notifications live in visits.schedules and visits.access."""

import segno
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Prefetch
from django.http import Http404, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.formats import date_format
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from buildings.models import Building
from outbox.services import outbox_enqueue
from portal.forms import IssueReplyForm
from portal.views.buildings import PLACED, managed_building, manager_required
from visits.access import access_issue_reply
from visits.calendar import (
    CALENDAR_STATUSES,
    FEED_STATUSES,
    feed_token,
    feed_token_valid,
    schedules_ics,
)
from visits.models import AccessIssue, AccessIssueEvent, CoklitPeriod, Schedule
from visits.schedule_answer import form_errors_add, schedule_answer
from visits.schedule_forms import (
    PoskoProposeForm,
)
from visits.schedules import (
    schedule_cancellable,
    schedule_contacts,
    schedule_date_passed,
    schedule_period_for,
    schedule_propose,
)
from visits.tasks import access_issue_reply_notify


@manager_required
def portal_schedules(request, pk):
    building = managed_building(request, pk)
    form = PoskoProposeForm(request.POST or None, building=building)
    if request.method == "POST" and form.is_valid():
        values = form.cleaned_data
        try:
            schedule_propose(
                building=building,
                proposed_by=request.user,
                kind=Schedule.Kind.POSKO,
                date=values["date"],
                start=values["start"],
                end=values["end"],
                tower=values["tower"],
                note=values["note"],
                period=schedule_period_for(values["date"]),
            )
        except ValidationError as error:
            form_errors_add(form, error)
        else:
            messages.success(
                request, _("Posko day proposed; KPU's PPS and pantarlih have been told.")
            )
            return redirect("portal_schedules", pk=building.pk)
    schedules = list(
        Schedule.objects.filter(building=building)
        .with_state()
        .select_related("tower", "proposed_by", "decided_by", "counter_of")
        .order_by("-date", "-start")
    )
    waiting = [s for s in schedules if _waits_for(s, request.user)]
    period = CoklitPeriod.objects.order_by("-starts_on").first()
    feed_url = request.build_absolute_uri(
        reverse("portal_calendar_feed", args=[building.pk, feed_token(building)])
    )
    return render(
        request,
        "portal/portal_schedules.html",
        {
            "building": building,
            "schedules": schedules,
            "waiting": waiting,
            "form": form,
            "period": period,
            "feed_url": feed_url,
            # webcal:// opens the phone's calendar app, which subscribes to the feed.
            "webcal_url": "webcal://" + feed_url.split("://", 1)[1],
        },
    )


def _waits_for(schedule: Schedule, user) -> bool:
    return (
        schedule.status == Schedule.Status.PROPOSED
        and schedule.proposed_by_id != user.pk
        and schedule.proposed_by.role != user.Role.PENGELOLA
        and not schedule_date_passed(schedule)
    )


# Every answer is a service in its own transaction (visits.schedules), so the request needs
# none around it: that saves a savepoint on each answer and a transaction on each view.
@transaction.non_atomic_requests
@manager_required
def portal_schedule(request, pk):
    """One schedule: confirm it, decline it with a reason, or propose another time."""
    schedules = Schedule.objects.in_scope(request.user)
    if request.method != "POST":
        # What the page shows; a counter's original and who answered are read only if any.
        # Each join more costs the planner more than the query it saves (7 joins: ~3 ms).
        schedules = schedules.select_related("building", "tower", "proposed_by")
    # An answer needs the row alone: the service re-reads it under a lock.
    schedule = get_object_or_404(schedules, pk=pk)
    schedule, forms, done = schedule_answer(
        request,
        schedule,
        told={
            "confirm": _("Schedule confirmed; the proposer has been told."),
            "decline": _("Schedule declined; the proposer has been told."),
            "counter": _("Another time proposed; the proposer has been told."),
        },
        may_cancel=True,
    )
    if done:
        messages.success(request, done)
        return redirect("portal_schedule", pk=schedule.pk)
    history = list(Schedule.objects.filter(counter_of=schedule).with_state())
    contacts = schedule_contacts(schedule)
    return render(
        request,
        "portal/portal_schedule.html",
        {
            "schedule": schedule,
            "building": schedule.building,
            "contacts": contacts,
            "wa_text": _(
                "Hello, this is the manager of %(building)s about the coklit %(kind)s on %(date)s, %(start)s–%(end)s."
            )
            % {
                "building": schedule.building.name,
                "kind": schedule.get_kind_display().lower(),
                "date": date_format(schedule.date, "l, d-m-Y"),
                "start": schedule.start.strftime("%H.%M"),
                "end": schedule.end.strftime("%H.%M"),
            },
            "in_calendar": schedule.status in CALENDAR_STATUSES,
            "can_answer": _waits_for(schedule, request.user),
            "date_passed": schedule.status == Schedule.Status.PROPOSED
            and schedule_date_passed(schedule),
            "can_cancel": schedule_cancellable(schedule),
            "counters": history,
            **forms,
        },
    )


@manager_required
def portal_issues(request, pk):
    building = managed_building(request, pk)
    return _issues_page(request, building)


def _issues_page(request, building, form=None, form_issue_pk=None):
    issues = list(
        AccessIssue.objects.filter(building=building)
        .select_related("raised_by", "handled_by")
        .prefetch_related(
            Prefetch(
                "events",
                queryset=AccessIssueEvent.objects.select_related("actor").order_by(
                    "created_at", "pk"
                ),
            )
        )
        .order_by("status", "-created_at")
    )
    return render(
        request,
        "portal/portal_issues.html",
        {
            "building": building,
            "issues": issues,
            "form": IssueReplyForm(),
            "bound_form": form,
            "form_issue_pk": form_issue_pk,
        },
    )


@manager_required
def portal_issue_reply(request, pk):
    # Scope first, method second: outside the scope is a 404 for GET and POST alike.
    issue = get_object_or_404(
        AccessIssue.objects.in_scope(request.user).select_related("building"), pk=pk
    )
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    url = reverse("portal_issues", kwargs={"pk": issue.building_id})
    place = f"{PLACED} issue-{issue.pk}"  # the answer shows in the issue's own card
    if issue.status == AccessIssue.Status.RESOLVED:
        messages.error(
            request, _("This issue is resolved; it takes no more answers."), extra_tags=place
        )
        return redirect(f"{url}#issue-{issue.pk}")
    form = IssueReplyForm(request.POST, request.FILES)
    if not form.is_valid():
        return _issues_page(request, issue.building, form=form, form_issue_pk=issue.pk)
    with transaction.atomic():
        event = access_issue_reply(
            issue=issue,
            manager=request.user,
            note=form.cleaned_data["note"],
            evidence=form.cleaned_data["evidence"],
        )
        # Through the outbox, so a broker outage never loses the notice (outbox/services.py).
        outbox_enqueue(access_issue_reply_notify, event.pk)
    messages.success(request, _("Your answer was added to the issue's history."), extra_tags=place)
    return redirect(f"{url}#issue-{issue.pk}")


# --- Calendars and the lobby notice ----------------------------------------------------------


def _check_url(request) -> str:
    """Where a resident or a guard checks an officer's card (the public check page)."""
    return request.build_absolute_uri(reverse("officer_check_form"))


def _calendar_response(body: str, filename: str | None = None) -> HttpResponse:
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    if filename:
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@manager_required
def portal_schedule_ics(request, pk):
    """One confirmed visit or posko day as an .ics file: "add to calendar" on a phone."""
    schedule = get_object_or_404(
        Schedule.objects.in_scope(request.user)
        .filter(status__in=CALENDAR_STATUSES)
        .select_related("building", "tower"),
        pk=pk,
    )
    body = schedules_ics(
        [schedule],
        name=schedule.building.name,
        host=request.get_host(),
        check_url=_check_url(request),
    )
    return _calendar_response(body, f"coklit-{schedule.date:%Y-%m-%d}-{schedule.pk}.ics")


def portal_calendar_feed(request, pk, token):
    """A building's confirmed visits and posko days as a calendar feed to subscribe to. A
    calendar app cannot sign in: the token in the address is the key (visits.calendar)."""
    if request.method != "GET":
        return HttpResponseNotAllowed(["GET"])
    if not feed_token_valid(pk, token):
        raise Http404
    building = get_object_or_404(Building, pk=pk, active=True)
    schedules = (
        Schedule.objects.filter(building=building, status__in=FEED_STATUSES)
        .select_related("building", "tower")
        .order_by("date", "start")
    )
    # Nobody is signed in: the feed speaks the site's language, the same for every reader.
    with translation.override(settings.LANGUAGE_CODE):
        body = schedules_ics(
            schedules,
            name=_("Coklit at %(building)s") % {"building": building.name},
            host=request.get_host(),
            check_url=_check_url(request),
        )
    response = _calendar_response(body)
    response["Cache-Control"] = "private, max-age=900"
    return response


@manager_required
def portal_schedule_notice(request, pk):
    """A printable A4 notice for the lobby: when the officers come (or the posko is open),
    what residents should have ready, and where anyone can check an officer's card."""
    schedule = get_object_or_404(
        Schedule.objects.in_scope(request.user)
        .filter(status=Schedule.Status.CONFIRMED)
        .select_related("building", "tower", "period"),
        pk=pk,
    )
    check_url = _check_url(request)
    qr = segno.make(check_url, error="m").svg_inline(scale=4, border=2, omitsize=True)
    return render(
        request,
        "portal/portal_notice.html",
        {
            "schedule": schedule,
            "building": schedule.building,
            "check_url": check_url,
            "qr": mark_safe(qr),  # noqa: S308 - segno's own markup around our URL
        },
    )
