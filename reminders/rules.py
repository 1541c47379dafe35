"""The reminder rules of DESIGN.md flow 8: each returns who gets what on a given Jakarta day.

A rule runs a fixed number of queries, whatever the number of buildings or recipients, and
returns `Reminder`s; services.reminders_run claims them in the ReminderLog and sends them.
`day` is the Jakarta date of the run and `at` the moment the rules consider "now".
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count
from django.utils import timezone

from accounts.models import Role, User
from accounts.roles import DIGEST_READERS, PROVINCE_WIDE, REGION_STAFF
from buildings.models import Building, BuildingManager, Unit
from progress.at_risk import behind_rows

# The one place reminders read the dashboard's coverage rules (issue #18 gives them a home of
# their own below both): the figures, the clock and the straight line the dashboard shows.
from progress.figures import STALLED_AFTER_DAYS, Clock, Figures, building_figures
from reminders.models import DigestOptOut, ReminderKind
from visits.models import AccessIssue, Assignment, CoklitPeriod, Schedule
from visits.schedules import schedule_answered_by_manager

PROPOSAL_UNANSWERED_AFTER = datetime.timedelta(hours=48)
# A proposal for tomorrow still unanswered is reminded from this hour (WIB) of the day before,
# once: the answering side has had the office day, and there is still time to call. Beat's
# hourly runs (07:00-19:00) reach it five times; a replayed day runs at 07:00 and skips it.
PROPOSAL_TOMORROW_FROM = datetime.time(15, 0)
# The answering side was emailed the proposal when it was made: not again within the hour.
PROPOSAL_TOMORROW_FRESH = datetime.timedelta(hours=1)
COUNTDOWN_DAYS = (14, 7, 3)
# The digest names this many buildings furthest behind the straight line.
DIGEST_BEHIND_SHOWN = 3
# Whoever handles an access issue at each step of the escalation ladder.
LEVEL_ROLES = {
    AccessIssue.Level.PPS: Role.PPS,
    AccessIssue.Level.KPU_KOTA: Role.KPU_KOTA,
    AccessIssue.Level.DINAS: Role.DINAS,
    AccessIssue.Level.BAWASLU: Role.BAWASLU,
}


@dataclass(frozen=True)
class Reminder:
    kind: str
    recipient_id: int
    key: str
    payload: dict = field(default_factory=dict, compare=False, hash=False)


@dataclass
class Day:
    """What every rule needs to know about the run: the day, the moment, the open period."""

    day: datetime.date
    at: datetime.datetime
    period: CoklitPeriod

    @property
    def clock(self) -> Clock:
        return Clock(period=self.period, today=self.day)


class Staff:
    """The active region-scoped staff, loaded once: who of a role covers a kelurahan code."""

    def __init__(self, roles):
        self.by_role = defaultdict(list)
        rows = User.objects.filter(is_active=True, role__in=roles).values_list(
            "pk", "role", "region__code"
        )
        for pk, role, code in rows:
            self.by_role[role].append((pk, code))

    def covering(self, role: str, code: str) -> list[int]:
        return [
            pk
            for pk, region in self.by_role.get(role, ())
            if (region and code.startswith(region)) or (not region and role in PROVINCE_WIDE)
        ]


def _managers(building_ids) -> dict[int, list[int]]:
    out = defaultdict(list)
    rows = BuildingManager.objects.filter(building_id__in=building_ids, user__is_active=True)
    for building_id, user_id in rows.values_list("building_id", "user_id"):
        out[building_id].append(user_id)
    return out


def _assigned(period, building_ids) -> dict[int, list[tuple[int, int | None]]]:
    """(pantarlih, tower or None) per building, for the period's active pantarlih."""
    out = defaultdict(list)
    rows = Assignment.objects.filter(
        period=period, building_id__in=building_ids, pantarlih__is_active=True
    ).values_list("building_id", "pantarlih_id", "tower_id")
    for building_id, pantarlih_id, tower_id in rows:
        out[building_id].append((pantarlih_id, tower_id))
    return out


def visit_tomorrow(d: Day) -> list[Reminder]:
    """A visit or posko day confirmed for tomorrow: the building's managers and its pantarlih."""
    tomorrow = d.day + datetime.timedelta(days=1)
    if not d.period.contains(tomorrow):
        return []
    schedules = list(
        Schedule.objects.filter(
            period=d.period, date=tomorrow, status=Schedule.Status.CONFIRMED
        ).values_list("pk", "building_id", "tower_id")
    )
    building_ids = {b for _, b, _ in schedules}
    managers, assigned = _managers(building_ids), _assigned(d.period, building_ids)
    out = []
    for pk, building_id, tower_id in schedules:
        people = {(m, "manager") for m in managers[building_id]}
        people |= {
            (p, "pantarlih")
            for p, t in assigned[building_id]
            if tower_id is None or t is None or t == tower_id
        }
        for user_id, as_ in sorted(people):
            out.append(
                Reminder(
                    ReminderKind.VISIT_TOMORROW,
                    user_id,
                    f"schedule:{pk}",
                    {"schedule": pk, "as": as_},
                )  # fmt: skip
            )
    return out


def proposal_unanswered(d: Day) -> list[Reminder]:
    """A proposal still unanswered 48 hours after it was made: the building's managers."""
    schedules = list(
        Schedule.objects.filter(
            period=d.period,
            status=Schedule.Status.PROPOSED,
            created_at__lte=d.at - PROPOSAL_UNANSWERED_AFTER,
            date__gte=d.day,
        ).values_list("pk", "building_id")
    )
    managers = _managers({b for _, b in schedules})
    return [
        Reminder(ReminderKind.PROPOSAL_UNANSWERED, m, f"schedule:{pk}", {"schedule": pk})
        for pk, building_id in schedules
        for m in managers[building_id]
    ]


def proposal_tomorrow(d: Day, staff: Staff) -> list[Reminder]:
    """A proposal for tomorrow still unanswered, from 15:00 the day before: the side that must
    answer it and a copy to whoever proposed it.

    The side that answers (visits.schedules.schedule_answered_by_manager): the building's
    managers answer the KPU side's proposal; a manager's own proposal is answered by the
    kelurahan's PPS (by KPU Kota where no PPS is on file).
    """
    if timezone.localtime(d.at).time() < PROPOSAL_TOMORROW_FROM:
        return []
    rows = list(
        Schedule.objects.filter(
            date=d.day + datetime.timedelta(days=1),
            status=Schedule.Status.PROPOSED,
            created_at__lte=d.at - PROPOSAL_TOMORROW_FRESH,
        ).values_list(
            "pk", "building_id", "building__kelurahan__code", "proposed_by_id",
            "proposed_by__role", "proposed_by__is_active",
        )
    )  # fmt: skip
    managers = _managers({b for _, b, _, _, role, _ in rows if schedule_answered_by_manager(role)})
    out = []
    for pk, building_id, code, proposer, role, proposer_active in rows:
        if schedule_answered_by_manager(role):
            answer = set(managers[building_id])
        else:
            answer = set(staff.covering(Role.PPS, code)) or set(staff.covering(Role.KPU_KOTA, code))
        people = {(u, "answer") for u in answer - {proposer}}
        if proposer_active:
            people.add((proposer, "proposer"))
        for user_id, as_ in sorted(people):
            payload = {"schedule": pk, "as": as_, "reminded": len(answer - {proposer})}
            out.append(Reminder(ReminderKind.PROPOSAL_TOMORROW, user_id, f"schedule:{pk}", payload))
    return out


def _assigned_buildings(period):
    return Building.objects.filter(active=True, assignments__period=period).distinct()


def no_schedule(d: Day, staff: Staff) -> list[Reminder]:
    """An assigned building with no schedule in the period: the kelurahan's PPS."""
    live = Schedule.objects.filter(period=d.period).exclude(status__in=Schedule.OFF_STATUSES)
    rows = (
        _assigned_buildings(d.period)
        .exclude(pk__in=live.values("building_id"))
        .values_list("pk", "kelurahan__code")
    )
    return [
        Reminder(
            ReminderKind.NO_SCHEDULE, pps, f"building:{pk}:period:{d.period.pk}", {"building": pk}
        )  # fmt: skip
        for pk, code in rows
        for pps in staff.covering(Role.PPS, code)
    ]


def stalled(d: Day, staff: Staff) -> list[Reminder]:
    """No unit closed for 3 days inside the period: the kelurahan's PPS and the pantarlih.

    The key carries the day the stall began, so a building that moves and stalls again is
    reminded again, but one stall is reminded once.
    """
    buildings = _assigned_buildings(d.period)
    figures = building_figures(buildings)
    rows = [
        (pk, code, figures.get(pk)) for pk, code in buildings.values_list("pk", "kelurahan__code")
    ]
    found = []
    for pk, code, f in rows:
        if f is None or not f.residential or f.open_units <= 0:
            continue
        since = d.period.starts_on
        if f.last_closed_at is not None:
            since = max(since, timezone.localdate(f.last_closed_at))
        if (d.day - since).days >= STALLED_AFTER_DAYS:
            found.append((pk, code, since))
    assigned = _assigned(d.period, {pk for pk, _, _ in found})
    out = []
    for pk, code, since in found:
        key = f"building:{pk}:since:{since.isoformat()}"
        payload = {"building": pk, "since": since.isoformat()}
        people = set(staff.covering(Role.PPS, code)) | {p for p, _ in assigned[pk]}
        out += [Reminder(ReminderKind.STALLED, u, key, payload) for u in sorted(people)]
    return out


def _building_line(f: Figures, behind: float) -> dict:
    """A building's figures as a reminder stores them (JSON): % closed, units open, points
    behind the straight line."""
    return {
        "percent": round(f.percent, 1),
        "open": f.open_units,
        "behind": round(behind, 1),
        "no_units": not f.residential,
    }


def countdown(d: Day, staff: Staff) -> list[Reminder]:
    """At D-14, D-7 and D-3, the buildings below the straight line: KPU Kota and PPS.

    One email per person listing the buildings of their area, each with its figures (% closed,
    units open, points behind the line), not one email per building.
    """
    days_left = (d.period.ends_on - d.day).days
    if days_left not in COUNTDOWN_DAYS:
        return []
    buildings = _assigned_buildings(d.period)
    figures = building_figures(buildings)
    expected = 100.0 * d.clock.elapsed_fraction
    behind = defaultdict(list)
    lines = {}
    for pk, code in buildings.values_list("pk", "kelurahan__code"):
        f = figures.get(pk)
        if f is None or not f.residential or f.percent >= expected:
            continue
        lines[str(pk)] = _building_line(f, expected - f.percent)
        for role in (Role.KPU_KOTA, Role.PPS):
            for user_id in staff.covering(role, code):
                behind[user_id].append(pk)
    key = f"period:{d.period.pk}:d-{days_left}"
    return [
        Reminder(
            ReminderKind.COUNTDOWN,
            user_id,
            key,
            {
                "buildings": sorted(ids),
                "days_left": days_left,
                "figures": {str(pk): lines[str(pk)] for pk in ids},
            },
        )
        for user_id, ids in sorted(behind.items())
    ]


def escalation_overdue(d: Day, staff: Staff) -> list[Reminder]:
    """An access issue past its step's deadline: whoever handles that level in its area."""
    issues = (
        AccessIssue.objects.exclude(status=AccessIssue.Status.RESOLVED)
        .filter(due_at__lt=d.at)
        .values_list("pk", "level", "due_at", "building__kelurahan__code")
    )
    out = []
    for pk, level, due_at, code in issues:
        key = f"issue:{pk}:{level}:{due_at:%Y%m%d%H%M}"
        for user_id in staff.covering(LEVEL_ROLES[level], code):
            out.append(Reminder(ReminderKind.ESCALATION_OVERDUE, user_id, key, {"issue": pk}))
    return out


def digest(d: Day, staff: Staff) -> list[Reminder]:
    """Every morning, KPU Kota and PPK get the figures of their area (unless they opted out):
    yesterday's closed units, open access issues, buildings behind; the share closed so far,
    the days left, the pace still needed and the buildings furthest behind the line."""
    yesterday = d.day - datetime.timedelta(days=1)
    assigned = _assigned_buildings(d.period)
    figures = building_figures(assigned)
    buildings = list(assigned.select_related("kelurahan").only("pk", "name", "kelurahan__code"))
    expected = 100.0 * d.clock.elapsed_fraction
    start = timezone.make_aware(datetime.datetime.combine(yesterday, datetime.time()))
    closed_yesterday = dict(
        Unit.objects.filter(
            residential=True,
            status__in=Unit.CLOSED_STATUSES,
            status_at__gte=start,
            status_at__lt=start + datetime.timedelta(days=1),
        )
        .values_list("tower__building__kelurahan__code")
        .annotate(n=Count("pk"))
    )
    per_code = defaultdict(lambda: [0, 0, 0])
    for code, n in closed_yesterday.items():
        per_code[code][0] += n
    area = defaultdict(list)  # recipient → the buildings of their area
    for building in buildings:
        code = building.kelurahan.code
        f = figures.get(building.pk)
        if f is None:
            continue
        per_code[code][1] += f.open_issues
        if f.residential and f.open_units and f.percent < expected:
            per_code[code][2] += 1
        for role in sorted(DIGEST_READERS):
            for user_id in staff.covering(role, code):
                area[user_id].append(building)
    opted_out = set(DigestOptOut.objects.values_list("user_id", flat=True))
    totals = defaultdict(lambda: [0, 0, 0])
    for code, counts in per_code.items():
        for role in sorted(DIGEST_READERS):
            for user_id in staff.covering(role, code):
                for i in range(3):
                    totals[user_id][i] += counts[i]
    out = []
    for role in sorted(DIGEST_READERS):
        for user_id, _ in staff.by_role.get(role, ()):
            if user_id in opted_out:
                continue
            closed_n, issues, at_risk = totals.get(user_id, (0, 0, 0))
            payload = {"day": yesterday.isoformat(), "closed": closed_n,
                       "open_issues": issues, "at_risk": at_risk,
                       **_digest_figures(d, area.get(user_id, []), figures)}  # fmt: skip
            out.append(Reminder(ReminderKind.DIGEST, user_id, f"digest:{d.day}", payload))
    return out


def _digest_figures(d: Day, buildings: list, figures: dict) -> dict:
    """The area's share closed so far, days left, pace needed and the buildings furthest
    behind the straight line, as the dashboard reckons them (progress)."""
    total = Figures()
    for building in buildings:
        total.add_units(figures[building.pk])
    pace = d.clock.pace_needed(total)
    behind = behind_rows(buildings, figures, d.clock)[:DIGEST_BEHIND_SHOWN]
    return {
        "residential": total.residential,
        "closed_total": total.closed,
        "percent": round(total.percent, 1),
        "days_left": d.clock.days_left,
        "pace": None if pace is None else round(pace, 1),
        "behind": [
            {
                "building": r.building.pk,
                "name": r.building.name,
                **_building_line(r.figures, r.behind),
            }
            for r in behind
        ],  # fmt: skip
    }


def rules_evaluate(d: Day) -> list[Reminder]:
    """Every rule, in the order people should read them."""
    staff = Staff(REGION_STAFF - {Role.KPU_PROVINSI})
    return [
        *visit_tomorrow(d),
        *proposal_unanswered(d),
        *proposal_tomorrow(d, staff),
        *no_schedule(d, staff),
        *stalled(d, staff),
        *countdown(d, staff),
        *escalation_overdue(d, staff),
        *digest(d, staff),
    ]
