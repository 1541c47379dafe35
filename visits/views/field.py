"""The pantarlih's phone pages: today, the unit grid, a unit, a floor (a visit's start and end
are in visit.py; the offline queue's endpoint and the service worker in sync.py).

Every page reads fine without JavaScript and its forms post normally; the script only
turns a tap on a unit into a queued submission that survives a dead connection.
"""

import datetime
import functools
import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, F, Q
from django.http import HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from accounts.models import Role
from accounts.phones import whatsapp_number
from buildings.models import BuildingManager, Tower, Unit
from residents.field import open_request_for_unit, open_requests_by_unit, open_requests_in
from visits import field
from visits.access import is_overdue, step_due
from visits.forms import FloorForm, OutcomeForm, VisitEndForm
from visits.models import AccessIssue, Assignment, Schedule, Visit
from visits.unit_grid import floor_ranges, grid_floors, legend, range_of

# The service worker keeps a page only when the response carries this header, whose value
# names the page's owner: the server, not the worker, decides what may live on the phone.
OFFLINE_COPY_HEADER = "Coklit-Offline-Copy"
# The banner every kept page carries hidden; the worker shows it on a copy answered offline.
# A tag (with "<") can never come out of escaped user text, so only the banner matches.
OFFLINE_BANNER = ('<p class="offline" data-offline hidden>', '<p class="offline" data-offline>')


def offline_owner(user) -> str:
    """An opaque name for the owner of kept pages: equal for the same user, nothing more."""
    return salted_hmac("visits.offline-copy", str(user.pk)).hexdigest()[:20]


def offline_copy(view):
    """Let the phone keep this page for a reload without signal (templates/visits/sw.js).

    Only today, the grid and the unit page: what a visit needs. The officer card is not kept:
    its signed code proves who the officer is and should not outlive the page on the phone
    (a withdrawn assignment would still show a code); it is shown in the lobby, where the
    checker needs a connection to /cek/ anyway.
    """

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        if request.method == "GET" and response.status_code == 200:
            response[OFFLINE_COPY_HEADER] = offline_owner(request.user)
        return response

    return wrapper


def field_scope(request, queryset):
    """The field pages are the pantarlih's own: any other role finds nothing here (404)."""
    if request.user.role != Role.PANTARLIH:
        return queryset.none()
    return queryset.in_scope(request.user)


def scoped_tower(request, pk):
    towers = field_scope(request, Tower.objects.select_related("building"))
    return get_object_or_404(towers, pk=pk)


# Today lists the officer's access issues; a resolved one stays this long, so they see the answer.
ISSUE_RESOLVED_SHOWN = datetime.timedelta(days=7)
ISSUES_SHOWN = 20


@never_cache
@login_required
@offline_copy
def today(request):
    """The pantarlih's day: assignments, today's schedules, access rules, contacts, progress."""
    user = request.user
    if user.role != Role.PANTARLIH:
        return redirect("home")
    assignments = list(
        Assignment.objects.in_scope(user)
        .filter(pantarlih=user)
        .select_related("period", "building__kelurahan", "tower")
        .order_by("building__name", "tower__name", "pk")
    )
    period = field.current_period(assignments)
    assignments = [a for a in assignments if period and a.period_id == period.pk]
    building_ids = {a.building_id for a in assignments}
    day = timezone.localdate()
    closed = Q(units__residential=True, units__status__in=Unit.CLOSED_STATUSES)
    towers = (
        Tower.objects.in_scope(user)
        .filter(building__in=building_ids)
        .annotate(
            residential=Count("units", filter=Q(units__residential=True)),
            closed=Count("units", filter=closed),
        )
        .order_by("name")
    )
    schedules = (
        Schedule.objects.in_scope(user)
        .filter(building__in=building_ids, date__gte=day)
        .filter(Q(date=day) | Q(kind=Schedule.Kind.POSKO))
        .exclude(status__in=Schedule.OFF_STATUSES)
        .select_related("tower")
        .order_by("date", "start")[:60]
    )
    primaries = {
        m.building_id: m
        for m in BuildingManager.objects.in_scope(user)
        .filter(building__in=building_ids, is_primary=True)
        .select_related("user")
    }
    open_visits = {
        v.tower_id: v
        for v in Visit.objects.in_scope(user).filter(pantarlih=user, ended_at__isnull=True)
    }
    cards = {}
    for a in assignments:
        card = cards.setdefault(
            a.building_id,
            {
                "building": a.building,
                "tps": [],
                "tower_ids": set(),
                "whole": False,
                "towers": [],
                "today": [],
                "posko": [],
                "contact": field.building_contact(a.building, primaries.get(a.building_id)),
                "requests": [],
            },
        )
        card["tps"].append(a.tps)
        if a.tower_id:
            card["tower_ids"].add(a.tower_id)
        else:
            card["whole"] = True
    for tower in towers:
        card = cards[tower.building_id]
        if card["whole"] or tower.pk in card["tower_ids"]:
            tower.visit = open_visits.get(tower.pk)
            card["towers"].append(tower)
    # Residents' requests for a visit, of the towers this officer covers (residents app).
    for request_ in open_requests_in(building_ids):
        card = cards[request_.building_id]
        if card["whole"] or request_.tower_id in card["tower_ids"]:
            request_.wa = whatsapp_number(request_.callback_phone)
            card["requests"].append(request_)
    for schedule in schedules:
        card = cards[schedule.building_id]
        if schedule.date == day:
            card["today"].append(schedule)
        if schedule.kind == Schedule.Kind.POSKO:
            card["posko"].append(schedule)
    # Access issues: the ones this officer raised (resolved ones for a week), and the open ones
    # at the buildings they cover today, whoever raised them. Unresolved first, newest first.
    now = timezone.now()
    resolved = Q(status=AccessIssue.Status.RESOLVED)
    mine = Q(raised_by=user) & (~resolved | Q(resolved_at__gte=now - ISSUE_RESOLVED_SHOWN))
    issues = list(
        AccessIssue.objects.in_scope(user)
        .filter(mine | (Q(building__in=building_ids) & ~resolved))
        .select_related("building", "visit__tower", "raised_by")
        .order_by(F("resolved_at").desc(nulls_first=True), "-created_at")[:ISSUES_SHOWN]
    )
    for issue in issues:
        issue.due = step_due(issue)
        issue.overdue = is_overdue(issue, now)
    return render(
        request,
        "visits/today.html",
        {
            "cards": cards.values(),
            "issues": issues,
            "period": period,
            "day": day,
            "period_open": period and period.contains(day),
        },
    )


@never_cache
@login_required
@offline_copy
def grid(request, pk):
    """A tower's floors and units, each with its status and the manager's occupancy hint."""
    tower = scoped_tower(request, pk)
    show = request.GET.get("show", "")
    flagged = field.refused_twice(tower)
    units = Unit.objects.in_scope(request.user).filter(tower=tower).select_related("occupancy")
    if show == "revisit":
        units = units.filter(Q(status__in=Unit.REVISIT_STATUSES) | Q(pk__in=flagged))
    elif show == "todo":
        units = units.filter(status=Unit.Status.UNVISITED)
    else:
        show = ""
    # One grouped query gives the tower's progress and the size of each floor, from which a
    # big tower's grid is cut into pages of whole floors (?lantai=<first floor of the range>).
    per_floor = field.floor_counts(tower)
    progress = {
        "closed": sum(f["closed"] for f in per_floor),
        "residential": sum(f["homes"] for f in per_floor),
    }
    ranges = floor_ranges([(f["floor"], f["units"]) for f in per_floor])
    shown = range_of(ranges, request.GET.get("lantai", ""))
    if len(ranges) > 1:
        units = units.filter(floor__gte=shown[0], floor__lte=shown[1])
    floors = grid_floors(
        units,
        flagged,
        reverse("field_unit", args=[0]).removesuffix("0/"),
        open_requests_by_unit(tower.pk),
    )
    visit = field.open_visit(request.user, tower)
    return render(
        request,
        "visits/grid.html",
        {
            "tower": tower,
            "floors": floors,
            "show": show,
            "progress": progress,
            "ranges": ranges if len(ranges) > 1 else [],
            "shown": shown,
            "visit": visit,
            "outcome_form": OutcomeForm(initial={"client_uuid": uuid.uuid4()}),
            "floor_form": FloorForm(initial={"client_uuid": uuid.uuid4()}),
            "end_form": VisitEndForm(),
            "legend": legend(),
        },
    )


def answer_errors_to_form(form, answer):
    for name, message in answer.errors.items():
        form.add_error(name if name in form.fields else None, message)


@never_cache
@login_required
@offline_copy
def unit_record(request, pk):
    """One unit: its history and the outcome form (the no-JavaScript way to record)."""
    units = field_scope(request, Unit.objects.select_related("tower__building", "occupancy"))
    unit = get_object_or_404(units, pk=pk)
    visit = field.open_visit(request.user, unit.tower)
    form = OutcomeForm(
        request.POST or None, initial={"client_uuid": uuid.uuid4(), "recorded_at": timezone.now()}
    )
    status = 200
    if request.method == "POST" and visit is None:
        messages.error(request, _("Start a visit at this tower first."))
        return redirect("field_visit_start", pk=unit.tower_id)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        answer = field.outcome_submit(
            pantarlih=request.user,
            client_uuid=data["client_uuid"],
            visit_uuid=visit.client_uuid,
            unit_id=unit.pk,
            outcome=data["outcome"],
            recorded_at=data["recorded_at"] or timezone.now(),
            voters_verified=data["voters_verified"],
            voters_removed=data["voters_removed"],
            voters_new=data["voters_new"],
            sticker=data["sticker"],
        )
        if answer.status == field.CONFLICT:
            form.add_error(None, _("This form was already sent with other content."))
            status = 409
        elif answer.status == field.INVALID:
            answer_errors_to_form(form, answer)
            status = 400
        else:
            messages.success(request, _("Saved: %(unit)s.") % {"unit": unit.number})
            grid = reverse("field_grid", args=[unit.tower_id])
            return redirect(f"{grid}?lantai={unit.floor}#f{unit.floor}")
    elif request.method == "POST":
        status = 400
    history = unit.outcomes.select_related("visit__pantarlih").order_by("-recorded_at")[:10]
    return render(
        request,
        "visits/unit.html",
        {
            "unit": unit,
            "form": form,
            "visit": visit,
            "history": history,
            "resident_request": open_request_for_unit(unit.pk),
        },
        status=status,
    )


@login_required
def floor_record(request, pk):
    """Give every unit of a floor not visited yet the same outcome (form post)."""
    tower = scoped_tower(request, pk)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    form = FloorForm(request.POST)
    visit = field.open_visit(request.user, tower)
    if visit is None:
        messages.error(request, _("Start a visit at this tower first."))
        return redirect("field_visit_start", pk=tower.pk)
    if not form.is_valid():
        for name, errors in form.errors.items():
            messages.error(
                request,
                f"{form.fields[name].label if name in form.fields else ''}: {' '.join(errors)}",
            )
        return redirect("field_grid", pk=tower.pk)
    data = form.cleaned_data
    answers = field.floor_mark(
        pantarlih=request.user,
        visit=visit,
        tower=tower,
        floor=data["floor"],
        outcome=data["outcome"],
        client_uuid=data["client_uuid"],
        recorded_at=timezone.now(),
    )
    stored = sum(a.status == field.STORED for a in answers)
    problems = {m for a in answers for m in a.errors.values()}
    for problem in problems:
        messages.error(request, problem)
    messages.success(
        request,
        _("Floor %(floor)s: %(count)d units recorded.") % {"floor": data["floor"], "count": stored},
    )
    grid = reverse("field_grid", args=[tower.pk])
    return redirect(f"{grid}?lantai={data['floor']}#f{data['floor']}")
