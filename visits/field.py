"""The pantarlih's field work: visits and unit outcomes sent from a phone, stored once.

Every submission carries a UUID made on the phone. Sent again (a retry after a dead
connection, ten retries at once), it is answered as the first time ("duplicate"); the same
UUID with other content is a "conflict" (HTTP 409). A concurrent second insert trips the
unique constraint on client_uuid, and the loser reads the winner's row instead.
"""

import dataclasses
import datetime
import uuid

from django.db import IntegrityError, transaction
from django.db.models import BooleanField, Count, Exists, OuterRef, Q, Value
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from buildings.models import Building, Tower, Unit
from visits.access import access_issue_raise
from visits.models import AccessIssue, Assignment, CoklitPeriod, Schedule, UnitOutcome, Visit
from visits.services import NewOutcome, outcomes_store

# A phone's clock may run a little ahead of the server's; more than this is refused.
CLOCK_SKEW = datetime.timedelta(minutes=5)
# A phone that was offline on the last day may still send that day's work the day after; then
# the period is closed and its records no longer change.
CLOSED_AFTER = datetime.timedelta(days=1)

STORED, DUPLICATE, CONFLICT, INVALID = "stored", "duplicate", "conflict", "invalid"

# Open statuses: the unit needs another visit.
REVISIT_STATUSES = frozenset(
    {
        Unit.Status.NOT_HOME,
        Unit.Status.REFUSED,
        Unit.Status.SECURITY_REFUSED,
        Unit.Status.SENT_TO_POSKO,
    }
)


@dataclasses.dataclass
class Answer:
    """What happened to one submission; `status` is one of the four constants above."""

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


def time_problem(moment: datetime.datetime, period: CoklitPeriod, now=None) -> str:
    """Why a time sent by the phone cannot be taken, or '' when it can."""
    now = now or timezone.now()
    if timezone.localdate(now) > period.ends_on + CLOSED_AFTER:
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


def _outcome_content(outcome: UnitOutcome, visit_uuid) -> tuple:
    return (
        str(visit_uuid),
        outcome.unit_id,
        outcome.outcome,
        outcome.voters_verified,
        outcome.voters_removed,
        outcome.voters_new,
        outcome.sticker,
        outcome.recorded_at,
    )


def _answer_for_existing(existing: UnitOutcome, pantarlih: User, content: tuple) -> Answer:
    if existing.visit.pantarlih_id != pantarlih.pk:
        return Answer(CONFLICT)
    if _outcome_content(existing, existing.visit.client_uuid) == content:
        return Answer(DUPLICATE, existing)
    return Answer(CONFLICT, existing)


@dataclasses.dataclass(frozen=True)
class OutcomeItem:
    """One outcome as the phone sent it (the cleaned data of an OutcomeItemForm)."""

    client_uuid: uuid.UUID
    visit: uuid.UUID
    unit: int
    outcome: str
    recorded_at: datetime.datetime
    voters_verified: int = 0
    voters_removed: int = 0
    voters_new: int = 0
    sticker: str = UnitOutcome.Sticker.NONE

    @property
    def content(self) -> tuple:
        return (str(self.visit), self.unit, self.outcome, self.voters_verified,
                self.voters_removed, self.voters_new, self.sticker, self.recorded_at)  # fmt: skip


def outcomes_submit(
    *, pantarlih: User, items: list[OutcomeItem], now: datetime.datetime | None = None
) -> list[Answer]:
    """Store a batch of outcomes sent from the phone, each once, whatever how often it arrives;
    one answer per item, in order.

    A fixed number of queries whatever the batch's size: the visits, the units and the
    pantarlih's assignments are read once, the new outcomes are inserted together (those
    whose UUID is already stored are skipped by the insert itself), the units move in one
    statement, and only when some item was sent before (or is refused) are the stored rows of
    those UUIDs read, to answer "duplicate" or "conflict" as the first send was answered.
    """
    if not items:
        return []
    visits = {
        v.client_uuid: v
        for v in Visit.objects.select_related("period").filter(
            pantarlih=pantarlih, client_uuid__in={i.visit for i in items}
        )
    }
    periods = {v.period_id for v in visits.values()}
    units = Unit.objects.filter(pk__in={i.unit for i in items})
    if len(periods) == 1:
        # The common case, one visit's period: whether the unit's tower is assigned to the
        # pantarlih comes with the unit, in the same query.
        covering = Assignment.objects.filter(
            pantarlih=pantarlih, period__in=periods, building=OuterRef("tower__building_id")
        ).filter(Q(tower__isnull=True) | Q(tower=OuterRef("tower_id")))
        units = units.annotate(assigned=Exists(covering))
    else:
        units = units.annotate(assigned=Value(None, output_field=BooleanField()))
    units = {
        pk: (tower_id, building_id, assigned)
        for pk, tower_id, building_id, assigned in units.values_list(
            "pk", "tower_id", "tower__building_id", "assigned"
        )
    }
    assigned = set()
    if len(periods) > 1:
        assigned = set(
            Assignment.objects.filter(
                pantarlih=pantarlih,
                period__in=periods,
                building__in={v.building_id for v in visits.values()},
            ).values_list("period_id", "building_id", "tower_id")
        )
    answers: list[Answer | None] = [None] * len(items)
    new: dict[uuid.UUID, tuple[int, NewOutcome]] = {}  # the first of each UUID in the batch
    for index, item in enumerate(items):
        visit = visits.get(item.visit)
        unit = units.get(item.unit)
        if visit is None:
            answers[index] = _invalid(
                "visit", _("Unknown visit: start a visit at this building first.")
            )
        elif unit is None or unit[1] != visit.building_id:
            answers[index] = _invalid("unit", _("This unit is not in the building of the visit."))
        elif not (
            unit[2]
            or (visit.period_id, visit.building_id, None) in assigned
            or (visit.period_id, visit.building_id, unit[0]) in assigned
        ):
            answers[index] = _invalid(
                "unit",
                _(
                    "This tower is assigned to another pantarlih: record only the towers "
                    "assigned to you."
                ),
            )
        elif problem := time_problem(item.recorded_at, visit.period, now):
            answers[index] = _invalid("recorded_at", problem)
        elif item.client_uuid not in new:
            new[item.client_uuid] = (
                index,
                NewOutcome(
                    visit_id=visit.pk,
                    unit_id=item.unit,
                    outcome=item.outcome,
                    recorded_at=item.recorded_at,
                    voters_verified=item.voters_verified,
                    voters_removed=item.voters_removed,
                    voters_new=item.voters_new,
                    sticker=item.sticker,
                    client_uuid=item.client_uuid,
                ),
            )
    ids = outcomes_store([outcome for _index, outcome in new.values()])
    for (index, outcome), pk in zip(new.values(), ids, strict=True):
        if pk is not None:
            answers[index] = Answer(STORED, UnitOutcome(pk=pk, **dataclasses.asdict(outcome)))
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
                answers[index] = _answer_for_existing(
                    stored[item.client_uuid], pantarlih, item.content
                )
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
    item = OutcomeItem(
        client_uuid=client_uuid,
        visit=visit_uuid,
        unit=unit_id,
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
        OutcomeItem(
            client_uuid=uuid.uuid5(client_uuid, str(unit_id)),
            visit=visit.client_uuid,
            unit=unit_id,
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
        .exclude(status__in=[Schedule.Status.DECLINED, Schedule.Status.CANCELLED])
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
