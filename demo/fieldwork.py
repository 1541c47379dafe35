"""The demo's week of coklit (demo/data/fieldwork.py): the schedules agreed with the managers,
and the visits walked through the field pages' services, unit by unit."""

import datetime
import uuid

from django.core.files.base import ContentFile

from accounts.audit import audit_context
from demo.data.fieldwork import (
    JAKARTA,
    OUTCOME_CODES,
    SCHEDULES,
    VISIT_NAMESPACE,
    VISITS,
    ScheduleSpec,
    VisitSpec,
)
from demo.pictures import lobby_photo
from demo.rows import DemoRows
from visits.field import STORED, visit_end, visit_start
from visits.models import Schedule, UnitOutcome, Visit
from visits.services import outcome_record


def schedules_seed(rows: DemoRows) -> None:
    """Written as they stand after the managers answered. (The schedule services would email
    each proposal and answer today, where the demo shows a week that already happened.)"""
    for spec in SCHEDULES:
        with audit_context(actor=rows.users[spec.proposed_by]):
            _schedule(rows, spec)


def _schedule(rows: DemoRows, spec: ScheduleSpec) -> None:
    decided = spec.decided_by is not None
    schedule, _created = rows.get_or_create(
        Schedule,
        period=rows.period,
        building=rows.buildings[spec.building],
        tower=rows.tower(spec.building, spec.tower),
        kind=spec.kind,
        date=spec.date,
        start=spec.start,
        defaults={
            "end": spec.end,
            "status": spec.status,
            "note": spec.note,
            "reply": spec.reply,
            "proposed_by": rows.users[spec.proposed_by],
            "decided_by": rows.users[spec.decided_by] if decided else None,
            # Managers answered two days ahead, at the end of an office day.
            "decided_at": (
                datetime.datetime.combine(
                    spec.date - datetime.timedelta(days=2), datetime.time(16, 30), JAKARTA
                )
                if decided
                else None
            ),
        },
    )
    rows.schedules[spec.key] = schedule


def visits_seed(rows: DemoRows) -> None:
    for spec in VISITS:
        with audit_context(actor=rows.users[spec.pantarlih]):
            _visit(rows, spec)


def _visit(rows: DemoRows, spec: VisitSpec) -> None:
    """Started, walked and ended as the field pages do it: the visit finds its assignment and
    the day's schedule, each outcome moves its unit."""
    client_uuid = uuid.uuid5(VISIT_NAMESPACE, spec.key)
    if Visit.objects.filter(client_uuid=client_uuid).exists():
        return  # outcomes are append-only and have no natural key: they come with their visit
    building = rows.buildings[spec.building]
    tower = rows.towers[spec.building, spec.tower]
    photo = ContentFile(lobby_photo(building.name, tower.name), name=f"demo-{spec.key}.jpg")
    started = visit_start(
        pantarlih=rows.users[spec.pantarlih],
        client_uuid=client_uuid,
        tower=tower,
        started_at=spec.started_at,
        note=spec.note,
        latitude=building.latitude,
        longitude=building.longitude,
        photo=photo,
    )
    if started.status != STORED:
        raise ValueError(f"Demo visit {spec.key} was not stored: {started.errors}")
    visit = started.obj
    if visit.schedule != (rows.schedules[spec.schedule] if spec.schedule else None):
        raise ValueError(
            f"Demo visit {spec.key} found schedule {visit.schedule}, not {spec.schedule}"
        )
    rows.created["Visit"] += 1
    _walk(rows, visit, tower, spec)
    visit_end(visit=visit, ended_at=spec.ended_at, access=spec.access)


def _walk(rows: DemoRows, visit: Visit, tower, spec: VisitSpec) -> None:
    numbers = [number for number, _code in spec.walk]
    units = {u.number: u for u in tower.units.filter(number__in=numbers)}
    for i, (number, code) in enumerate(spec.walk):
        outcome = OUTCOME_CODES[code]
        done = outcome == UnitOutcome.Outcome.DONE
        outcome_record(
            visit=visit,
            unit=units[number],
            outcome=outcome,
            recorded_at=spec.started_at + datetime.timedelta(minutes=spec.minutes_per_unit * i),
            # Believable households: 1–4 voters, now and then one moved away or newly 17.
            voters_verified=1 + i % 4 if done else 0,
            voters_removed=1 if done and i % 7 == 3 else 0,
            voters_new=1 if done and i % 5 == 2 else 0,
            sticker=(
                UnitOutcome.Sticker.NONE
                if not done
                else UnitOutcome.Sticker.HANDED_OVER
                if i % 6 == 5
                else UnitOutcome.Sticker.PLACED
            ),
        )
        rows.created["UnitOutcome"] += 1
