"""The night before: what tomorrow holds in a region, and what still waits for someone.

Read by the "Besok" page (dashboard/views/tomorrow.py) in a fixed number of queries, whatever
the number of buildings, towers or schedules: tomorrow's schedules, the primary managers and
the assignments of their buildings, those buildings' towers, then the towers without a
pantarlih and the buildings without a contact across the region (counted, the first few
listed).
"""

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef, Q

from accounts.models import Role, User
from accounts.phones import whatsapp_number
from buildings.models import Building, BuildingManager, Tower
from visits.field import building_contact
from visits.models import Assignment, CoklitPeriod, Schedule
from visits.schedules import schedule_answered_by_manager

# Each list shows this many rows (a kota rarely has more a day; the province does); the page
# gives every total and lets the user choose a smaller area.
LISTED = 50


@dataclass(frozen=True)
class Cover:
    """An active pantarlih's assignment in the period: the whole building (no tower) or one."""

    tower_id: int | None
    name: str
    tps: str


@dataclass
class ScheduleRow:
    schedule: Schedule
    contact: dict  # visits.field.building_contact: name, phone, position, wa
    pantarlih: list[Cover]  # who covers the schedule's tower (or the whole building)
    manager_answers: bool  # a proposal waits for the building's managers, else the KPU side


@dataclass
class Tomorrow:
    day: datetime.date
    period: CoklitPeriod | None
    # Proposals nobody answered, confirmed ones, declined or cancelled ones: the first LISTED
    # rows of each, and how many there are.
    waiting: list[ScheduleRow] = field(default_factory=list)
    waiting_count: int = 0
    confirmed: list[ScheduleRow] = field(default_factory=list)
    confirmed_count: int = 0
    called_off: list[ScheduleRow] = field(default_factory=list)
    called_off_count: int = 0
    # Towers without a pantarlih that something tomorrow concerns, then the others.
    towers_tomorrow: list[Tower] = field(default_factory=list)
    towers_tomorrow_count: int = 0
    # (kelurahan code, kelurahan name, towers) of the other towers, most towers first.
    towers_elsewhere: list[tuple[str, str, int]] = field(default_factory=list)
    towers_elsewhere_count: int = 0
    towers_elsewhere_areas: int = 0  # how many kelurahan they lie in
    no_contact: list[Building] = field(default_factory=list)
    no_contact_count: int = 0

    @property
    def towers_count(self) -> int:
        return self.towers_tomorrow_count + self.towers_elsewhere_count


def _covering(covers: list[Cover], tower_id: int | None) -> list[Cover]:
    """The assignments that cover a tower (None: the whole building): the tower's own and
    the whole-building ones."""
    return [c for c in covers if tower_id is None or c.tower_id in (None, tower_id)]


def assigned_in(period: CoklitPeriod | None, buildings) -> Q:
    """A filter on the towers of `buildings`: some active pantarlih covers it in the period, by
    name or through a whole-building assignment. Two plain IN subqueries, which PostgreSQL
    hashes once (a correlated EXISTS per tower cost ten times as much at Jakarta scale)."""
    # Excluding the few inactive officers is cheaper than joining every assignment to its user.
    inactive = User.objects.filter(role=Role.PANTARLIH, is_active=False).values("pk")
    active = Assignment.objects.filter(period=period, building__in=buildings).exclude(
        pantarlih__in=inactive
    )
    by_name = active.filter(tower__isnull=False).values("tower_id")
    whole = active.filter(tower__isnull=True).values("building_id")
    return Q(pk__in=by_name) | Q(building_id__in=whole)


def without_contact():
    """A filter on Building: nobody to call on file. The rule of visits.field.building_contact:
    the contact on duty's phone, else the primary manager's."""
    reachable = BuildingManager.objects.filter(building=OuterRef("pk"), is_primary=True).exclude(
        user__phone=""
    )
    return Q(contact_phone="") & ~Exists(reachable)


def tomorrow_read(buildings, day: datetime.date, period: CoklitPeriod | None) -> Tomorrow:
    """What `day` (tomorrow) holds for the buildings of the queryset (already scoped)."""
    out = Tomorrow(day=day, period=period)
    schedules = list(
        Schedule.objects.filter(building__in=buildings.values("pk"), date=day)
        .select_related("building__kelurahan", "tower", "proposed_by")
        .order_by("start", "building__name", "pk")
    )
    waiting = [s for s in schedules if s.status == Schedule.Status.PROPOSED]
    confirmed = [s for s in schedules if s.status in Schedule.AGREED_STATUSES]
    called_off = [s for s in schedules if s.status in Schedule.OFF_STATUSES]
    out.waiting_count, out.confirmed_count = len(waiting), len(confirmed)
    out.called_off_count = len(called_off)
    shown = waiting[:LISTED] + confirmed[:LISTED] + called_off[:LISTED]
    live: dict[int, list[Schedule]] = {}  # what happens tomorrow, by building
    for s in waiting + confirmed:
        live.setdefault(s.building_id, []).append(s)
    primaries = {
        m.building_id: m
        for m in BuildingManager.objects.filter(
            building_id__in={s.building_id for s in shown}, is_primary=True
        ).select_related("user")
    }
    covers: dict[int, list[Cover]] = {}
    for building_id, tower_id, name, email, tps in (
        Assignment.objects.filter(period=period, building_id__in=live, pantarlih__is_active=True)
        .order_by("tps", "pantarlih__full_name")
        .values_list("building_id", "tower_id", "pantarlih__full_name", "pantarlih__email", "tps")
    ):
        covers.setdefault(building_id, []).append(Cover(tower_id, name or email, tps))
    for schedules_of, rows in (
        (waiting, out.waiting), (confirmed, out.confirmed), (called_off, out.called_off)
    ):  # fmt: skip
        for s in schedules_of[:LISTED]:
            rows.append(ScheduleRow(
                schedule=s,
                contact=building_contact(s.building, primaries.get(s.building_id)),
                pantarlih=_covering(covers.get(s.building_id, []), s.tower_id),
                manager_answers=schedule_answered_by_manager(s.proposed_by.role),
            ))  # fmt: skip
    # Towers without a pantarlih that something tomorrow concerns (a schedule of the tower, or
    # of its whole building), unless it was called off. Read as plain rows: their buildings
    # came with the schedules.
    building_of = {s.building_id: s.building for s in waiting + confirmed}
    bare = []
    for pk, building_id, name in Tower.objects.filter(building_id__in=live).values_list(
        "pk", "building_id", "name"
    ):
        concerned = [s for s in live[building_id] if s.tower_id in (None, pk)]
        if concerned and not _covering(covers.get(building_id, []), pk):
            tower = Tower(pk=pk, building=building_of[building_id], name=name)
            tower.tomorrow = concerned
            bare.append(tower)
    bare.sort(key=lambda t: (t.building.name, t.name))
    out.towers_tomorrow, out.towers_tomorrow_count = bare[:LISTED], len(bare)
    scope = buildings.filter(active=True).values("pk")
    elsewhere = (
        Tower.objects.filter(building__in=scope)
        .exclude(pk__in=[t.pk for t in bare])
        .exclude(assigned_in(period, scope))
    )
    by_kelurahan = list(
        elsewhere.values_list("building__kelurahan__code", "building__kelurahan__name")
        .annotate(n=Count("pk"))
        .order_by("-n", "building__kelurahan__name")
    )
    out.towers_elsewhere_count = sum(n for _code, _name, n in by_kelurahan)
    out.towers_elsewhere = by_kelurahan[:LISTED]
    out.towers_elsewhere_areas = len(by_kelurahan)
    # Buildings nobody can call: the ones with a schedule tomorrow first.
    unreachable = buildings.filter(without_contact(), active=True)
    out.no_contact_count = unreachable.count()
    out.no_contact = list(
        unreachable.annotate(tomorrow=Q(pk__in=list(live)))
        .select_related("kelurahan")
        .order_by("-tomorrow", "name")[:LISTED]
    )
    return out


def building_contacts(building: Building) -> tuple[dict, list[BuildingManager]]:
    """Who answers the phone at a building (visits.field.building_contact) and every manager
    on file, the primary first, each with the number WhatsApp wants (`wa`): for the staff
    building page."""
    managers = list(
        BuildingManager.objects.filter(building=building)
        .select_related("user")
        .order_by("-is_primary", "user__full_name")
    )
    for m in managers:
        m.wa = whatsapp_number(m.user.phone)
    primary = next((m for m in managers if m.is_primary), None)
    return building_contact(building, primary), managers
