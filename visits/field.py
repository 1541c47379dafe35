"""The pantarlih's field work: visits and unit outcomes sent from a phone, stored once.

Every submission carries a UUID made on the phone. Sent again (a retry after a dead
connection, ten retries at once), it is answered as the first time ("duplicate"); the same
UUID with other content is a "conflict" (HTTP 409). A concurrent second insert trips the
unique constraint on client_uuid, and the loser reads the winner's row instead.
"""

import dataclasses
import datetime
import uuid

from django.db import IntegrityError, connection, transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from buildings.models import Building, Tower, Unit
from residents.models import VisitRequest
from visits.access import access_issue_raise
from visits.models import AccessIssue, Assignment, CoklitPeriod, Schedule, UnitOutcome, Visit
from visits.services import NewOutcome, outcomes_store

# A phone's clock may run a little ahead of the server's; more than this is refused.
CLOCK_SKEW = datetime.timedelta(minutes=5)
# A phone that was offline on the last day may still send that day's work the day after; then
# the period is closed and its records no longer change.
CLOSED_AFTER = datetime.timedelta(days=1)

STORED, DUPLICATE, CONFLICT, INVALID = "stored", "duplicate", "conflict", "invalid"

# The largest id a unit can have (a 64-bit primary key); a bigger one is no unit at all.
UNIT_ID_MAX = 2**63 - 1


@dataclasses.dataclass(slots=True)
class Answer:
    """What happened to one submission; `status` is one of the four constants above, `obj`
    the row it is about (a stored outcome: the NewOutcome that was stored)."""

    status: str
    obj: object = None
    errors: dict[str, str] = dataclasses.field(default_factory=dict)

    def as_json(self) -> dict:
        data = {"status": self.status}
        if self.errors:
            data["errors"] = self.errors
        return data


def _invalid(field: str, message: str) -> Answer:
    return Answer(INVALID, errors={field: message})


def time_problem(
    moment: datetime.datetime, period: CoklitPeriod, now=None, today: datetime.date | None = None
) -> str:
    """Why a time sent by the phone cannot be taken, or '' when it can (`today`: the date of
    `now` in Jakarta, when the caller knows it)."""
    now = now or timezone.now()
    if (today or timezone.localdate(now)) > period.ends_on + CLOSED_AFTER:
        return _(
            "The coklit period %(name)s closed on %(end)s; its records can no longer change."
        ) % {
            "name": period.name,
            "end": period.ends_on.strftime("%d-%m-%Y"),
        }
    if moment > now + CLOCK_SKEW:
        return _("This time lies in the future; check the phone's clock.")
    if not period.contains(timezone.localdate(moment)):
        return _("This time is outside the coklit period (%(start)s – %(end)s).") % {
            "start": period.starts_on.strftime("%d-%m-%Y"),
            "end": period.ends_on.strftime("%d-%m-%Y"),
        }
    return ""


# --- Unit outcomes -------------------------------------------------------------------------


def _answer_for_existing(existing: UnitOutcome, pantarlih: User, sent: NewOutcome) -> Answer:
    if existing.visit.pantarlih_id != pantarlih.pk:
        return Answer(CONFLICT)
    if NewOutcome.of(existing, existing.visit.client_uuid).content == sent.content:
        return Answer(DUPLICATE, existing)
    return Answer(CONFLICT, existing)


@dataclasses.dataclass(frozen=True, slots=True)
class _Place:
    """Where an outcome goes: its visit (when it is the pantarlih's own), the visit's period,
    and its unit."""

    visit_id: int | None
    visit_building_id: int | None
    period: CoklitPeriod | None
    unit_building_id: int | None  # None: no such unit
    assigned: bool  # the pantarlih is assigned the unit's tower in the visit's period
    asked: bool  # a resident's request for a visit to the unit is open


def _places(pantarlih: User, items: list[NewOutcome]) -> dict[tuple, _Place]:
    """Each (visit UUID, unit id) of the batch: its visit, period, unit, assignment and
    whether a resident asked for a visit to the unit, all read in one statement whatever the
    batch's size.

    Written as SQL: the three ORM queries it replaces (visits with their period, units with
    their tower's assignment, the units' open requests) cost more CPU to build than the
    database took to answer them, half of a one-outcome submission's own.
    """
    pairs = list(dict.fromkeys((i.visit_uuid, i.unit_id) for i in items))
    uuid_field = Visit._meta.get_field("client_uuid")
    date_field = CoklitPeriod._meta.get_field("starts_on")
    params = [pantarlih.pk, VisitRequest.Status.OPEN.value]
    for index, (visit_uuid, unit_id) in enumerate(pairs):
        # An id past a 64-bit key is no unit; 0 finds none either (ids start at 1).
        unit_id = unit_id if unit_id <= UNIT_ID_MAX else 0
        params += [index, uuid_field.get_db_prep_value(visit_uuid, connection), unit_id]
    params.append(pantarlih.pk)
    values = ", ".join(["(%s, %s, %s)"] * len(pairs))
    # The VALUES' columns are column1…column3 on both databases.
    sql = f"""
        SELECT p.column1, v.id, v.building_id, cp.id, cp.name, cp.starts_on, cp.ends_on,
            t.building_id,
            EXISTS (SELECT 1 FROM {Assignment._meta.db_table} a
                WHERE a.pantarlih_id = %s AND a.period_id = v.period_id
                AND a.building_id = t.building_id
                AND (a.tower_id IS NULL OR a.tower_id = u.tower_id)),
            EXISTS (SELECT 1 FROM {VisitRequest._meta.db_table} r
                WHERE r.unit_id = u.id AND r.status = %s)
        FROM (VALUES {values}) AS p
        LEFT JOIN {Visit._meta.db_table} v ON v.client_uuid = p.column2 AND v.pantarlih_id = %s
        LEFT JOIN {CoklitPeriod._meta.db_table} cp ON cp.id = v.period_id
        LEFT JOIN {Unit._meta.db_table} u ON u.id = p.column3
        LEFT JOIN {Tower._meta.db_table} t ON t.id = u.tower_id"""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    periods, places = {}, {}
    for index, visit_id, visit_building, period_id, name, starts, ends, *unit in rows:
        if period_id is not None and period_id not in periods:
            periods[period_id] = CoklitPeriod(
                pk=period_id,
                name=name,
                starts_on=date_field.to_python(starts),
                ends_on=date_field.to_python(ends),
            )
        unit_building, assigned, asked = unit
        places[pairs[index]] = _Place(
            visit_id, visit_building, periods.get(period_id), unit_building, bool(assigned),
            bool(asked),
        )  # fmt: skip
    return places


def outcomes_submit(
    *, pantarlih: User, items: list[NewOutcome], now: datetime.datetime | None = None
) -> list[Answer]:
    """Store a batch of outcomes sent from the phone, each once, whatever how often it arrives;
    one answer per item, in order.

    A fixed number of queries whatever the batch's size: the visits, the units, the
    pantarlih's assignments and the units' open requests are read in one statement (_places),
    the new outcomes are inserted together
    (those whose UUID is already stored are skipped by the insert itself), the units move in
    one statement, and only when some item was sent before (or is refused) are the stored rows
    of those UUIDs read, to answer "duplicate" or "conflict" as the first send was answered.
    """
    if not items:
        return []
    now = now or timezone.now()
    today = timezone.localdate(now)
    places = _places(pantarlih, items)
    answers: list[Answer | None] = [None] * len(items)
    new: dict[uuid.UUID, tuple[int, NewOutcome]] = {}  # the first of each UUID in the batch
    for index, item in enumerate(items):
        place = places[item.visit_uuid, item.unit_id]
        if place.visit_id is None:
            answers[index] = _invalid(
                "visit", _("Unknown visit: start a visit at this building first.")
            )
        elif place.unit_building_id != place.visit_building_id:
            answers[index] = _invalid("unit", _("This unit is not in the building of the visit."))
        elif not place.assigned:
            answers[index] = _invalid(
                "unit",
                _(
                    "This tower is assigned to another pantarlih: record only the towers "
                    "assigned to you."
                ),
            )
        elif problem := time_problem(item.recorded_at, place.period, now, today):
            answers[index] = _invalid("recorded_at", problem)
        elif item.client_uuid not in new:
            new[item.client_uuid] = (index, dataclasses.replace(item, visit_id=place.visit_id))
    asked = {o.unit_id for _index, o in new.values() if places[o.visit_uuid, o.unit_id].asked}
    ids = outcomes_store([outcome for _index, outcome in new.values()], units_asked=asked)
    for (index, outcome), pk in zip(new.values(), ids, strict=True):
        if pk is not None:
            answers[index] = Answer(STORED, outcome)
    # Sent before, twice in this batch, or refused: a UUID already stored is answered as the
    # first send was (a retry after the period closed is still a duplicate, not refused).
    again = {
        item.client_uuid
        for item, answer in zip(items, answers, strict=True)
        if answer is None or answer.status == INVALID
    }
    if again:
        stored = {
            o.client_uuid: o
            for o in UnitOutcome.objects.select_related("visit").filter(client_uuid__in=again)
        }
        for index, item in enumerate(items):
            answer = answers[index]
            if (answer is None or answer.status == INVALID) and item.client_uuid in stored:
                answers[index] = _answer_for_existing(stored[item.client_uuid], pantarlih, item)
    return [answer or Answer(CONFLICT) for answer in answers]


def outcome_submit(
    *,
    pantarlih: User,
    client_uuid: uuid.UUID,
    visit_uuid: uuid.UUID,
    unit_id: int,
    outcome: str,
    recorded_at: datetime.datetime,
    voters_verified: int = 0,
    voters_removed: int = 0,
    voters_new: int = 0,
    sticker: str = UnitOutcome.Sticker.NONE,
    now: datetime.datetime | None = None,
) -> Answer:
    """Store one outcome sent from the phone (see outcomes_submit)."""
    item = NewOutcome(
        client_uuid=client_uuid,
        visit_uuid=visit_uuid,
        unit_id=unit_id,
        outcome=outcome,
        recorded_at=recorded_at,
        voters_verified=voters_verified,
        voters_removed=voters_removed,
        voters_new=voters_new,
        sticker=sticker,
    )
    return outcomes_submit(pantarlih=pantarlih, items=[item], now=now)[0]


def floor_mark(
    *,
    pantarlih: User,
    visit: Visit,
    tower: Tower,
    floor: int,
    outcome: str,
    client_uuid: uuid.UUID,
    recorded_at: datetime.datetime,
) -> list[Answer]:
    """Give every not-yet-visited unit of a floor the same outcome (e.g. a floor of vacant units).

    Each unit's outcome gets a UUID derived from the form's, so the form sent twice stores
    each unit once.
    """
    units = Unit.objects.in_scope(pantarlih).filter(
        tower=tower, floor=floor, status=Unit.Status.UNVISITED
    )
    items = [
        NewOutcome(
            client_uuid=uuid.uuid5(client_uuid, str(unit_id)),
            visit_uuid=visit.client_uuid,
            unit_id=unit_id,
            outcome=outcome,
            recorded_at=recorded_at,
        )
        for unit_id in units.values_list("pk", flat=True)
    ]
    return outcomes_submit(pantarlih=pantarlih, items=items)


# --- Visits --------------------------------------------------------------------------------


def assignment_for(pantarlih: User, tower: Tower, day: datetime.date) -> Assignment | None:
    """The pantarlih's assignment covering this tower on this day (its period holds the day)."""
    return (
        Assignment.objects.in_scope(pantarlih)
        .select_related("period")
        .filter(pantarlih=pantarlih, building=tower.building_id)
        .filter(Q(tower__isnull=True) | Q(tower=tower))
        .filter(period__starts_on__lte=day, period__ends_on__gte=day)
        .first()
    )


def _visit_content(visit: Visit) -> tuple:
    return (visit.tower_id, visit.started_at, visit.access, visit.note)


def visit_start(
    *,
    pantarlih: User,
    client_uuid: uuid.UUID,
    tower: Tower,
    started_at: datetime.datetime,
    access: str = Visit.Access.GRANTED,
    note: str = "",
    latitude=None,
    longitude=None,
    photo=None,
    issue_kind: str = AccessIssue.Kind.SECURITY_REFUSED,
    issue_description: str = "",
    now: datetime.datetime | None = None,
) -> Answer:
    """Start a visit at a tower; when access is denied, end it and raise an access issue."""
    content = (tower.pk, started_at, access, note)
    existing = Visit.objects.filter(client_uuid=client_uuid).first()
    if existing is not None:
        same = existing.pantarlih_id == pantarlih.pk and _visit_content(existing) == content
        return Answer(DUPLICATE if same else CONFLICT, existing)
    now = now or timezone.now()
    if started_at > now + CLOCK_SKEW:
        return _invalid("started_at", _("This time lies in the future; check the phone's clock."))
    day = timezone.localdate(started_at)
    assignment = assignment_for(pantarlih, tower, day)
    if assignment is None:
        return _invalid(
            "started_at",
            _("You have no assignment for this tower in a coklit period open on %(day)s.")
            % {"day": day.strftime("%d-%m-%Y")},
        )
    schedule = (
        Schedule.objects.filter(building=tower.building_id, date=day)
        .filter(Q(tower__isnull=True) | Q(tower=tower))
        .exclude(status__in=Schedule.OFF_STATUSES)
        .order_by("start")
        .first()
    )
    denied = access == Visit.Access.DENIED
    try:
        with transaction.atomic():
            visit = Visit(
                client_uuid=client_uuid,
                period=assignment.period,
                pantarlih=pantarlih,
                building_id=tower.building_id,
                tower=tower,
                schedule=schedule,
                started_at=started_at,
                ended_at=started_at if denied else None,
                access=access,
                note=note,
                latitude=latitude,
                longitude=longitude,
            )
            if photo:
                visit.photo.save(photo.name, photo, save=False)
            visit.save()
            if denied:
                access_issue_raise(
                    building=tower.building,
                    raised_by=pantarlih,
                    kind=issue_kind,
                    description=issue_description,
                    visit=visit,
                )
    except IntegrityError:
        existing = Visit.objects.filter(client_uuid=client_uuid).first()
        if existing is None:
            raise
        same = existing.pantarlih_id == pantarlih.pk and _visit_content(existing) == content
        return Answer(DUPLICATE if same else CONFLICT, existing)
    return Answer(STORED, visit)


@transaction.atomic
def visit_end(
    *,
    visit: Visit,
    ended_at: datetime.datetime,
    access: str,
    note: str = "",
    issue_kind: str = AccessIssue.Kind.SECURITY_REFUSED,
    issue_description: str = "",
) -> Answer:
    """End a visit once; ending it again changes nothing (the first end stands)."""
    visit = Visit.objects.select_for_update().get(pk=visit.pk)
    if visit.ended_at is not None:
        return Answer(DUPLICATE, visit)
    visit.ended_at = max(ended_at, visit.started_at)
    visit.access = access
    if note:
        visit.note = f"{visit.note}\n{note}".strip()
    visit.save(update_fields=["ended_at", "access", "note"])
    if issue_description:
        access_issue_raise(
            building=visit.building,
            raised_by=visit.pantarlih,
            kind=issue_kind,
            description=issue_description,
            visit=visit,
        )
    return Answer(STORED, visit)


# --- Reads ---------------------------------------------------------------------------------


def open_visit(pantarlih: User, tower: Tower) -> Visit | None:
    """The pantarlih's visit at this tower that has not been ended, if any."""
    if not pantarlih.is_authenticated:
        return None
    return (
        Visit.objects.in_scope(pantarlih)
        .filter(pantarlih=pantarlih, building=tower.building_id, ended_at__isnull=True)
        .filter(Q(tower__isnull=True) | Q(tower=tower))
        .order_by("-started_at")
        .first()
    )


def floor_counts(tower: Tower) -> list[dict]:
    """Per floor of the tower, in order: its units, and its residential (`homes`) and closed
    units."""
    return list(
        Unit.objects.filter(tower=tower)
        .values("floor")
        .annotate(
            units=Count("pk"),
            homes=Count("pk", filter=Q(residential=True)),
            closed=Count("pk", filter=Q(residential=True, status__in=Unit.CLOSED_STATUSES)),
        )
        .order_by("floor")
    )


def refused_twice(tower: Tower) -> set[int]:
    """Units of the tower refused at least twice: flagged (⚑) for escalation."""
    return set(Unit.objects.filter(tower=tower).refused_twice().values_list("pk", flat=True))


def current_period(assignments) -> CoklitPeriod | None:
    """The period open today among the assignments' periods, else the most recent one."""
    today = timezone.localdate()
    periods = {a.period_id: a.period for a in assignments}.values()
    open_now = [p for p in periods if p.contains(today)]
    if open_now:
        return max(open_now, key=lambda p: p.starts_on)
    return max(periods, key=lambda p: p.ends_on, default=None)


def building_contact(building: Building, primary_manager) -> dict:
    """Who to call at the building: the contact on duty the manager saved in the building's
    profile ("who answers the phone"), else the primary manager."""
    from accounts.phones import whatsapp_number

    if building.contact_phone or primary_manager is None or not primary_manager.user.phone:
        name, phone, position = building.contact_name, building.contact_phone, ""
    else:
        name, phone = primary_manager.user.full_name, primary_manager.user.phone
        position = primary_manager.position
    return {"name": name, "phone": phone, "position": position, "wa": whatsapp_number(phone)}
