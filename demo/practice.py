"""The demo's practice window around today (demo/data/practice.py): the period, its
assignments and tomorrow's plan, Kalibata City's public page, and two residents' requests."""

import datetime
import uuid

from django.utils import timezone

from buildings.models import Unit
from demo.data.people import ASSIGNMENTS
from demo.data.practice import (
    DEMO_TOKEN,
    OPEN_REQUEST,
    POSKO_TOMORROW,
    PRACTICE_PERIOD_NAME,
    REQUEST_NAMESPACE,
    REQUEST_VISIT,
    TOMORROW_MANAGER,
    TOMORROW_PLAN,
    VISITED_REQUEST,
    WINDOW_AFTER,
    WINDOW_BEFORE,
)
from demo.rows import DemoRows
from lobby.services import visit_request_submit
from residents.models import PublicLink, VisitRequest
from visits.models import Assignment, CoklitPeriod, Schedule, UnitOutcome, Visit
from visits.services import outcome_record


def practice_window_seed(rows: DemoRows) -> CoklitPeriod:
    """A coklit window around today, so the field pages and the portal can be tried live.

    The Pilkada 2024 data stays as it is; this period is moved to surround today
    whenever the demo is seeded again, and the pantarlih are assigned in it too.
    """
    today = timezone.localdate()
    starts_on = today - datetime.timedelta(days=WINDOW_BEFORE)
    ends_on = today + datetime.timedelta(days=WINDOW_AFTER)
    period, _created = rows.get_or_create(
        CoklitPeriod,
        name=PRACTICE_PERIOD_NAME,
        defaults={"starts_on": starts_on, "ends_on": ends_on},
    )
    if not period.contains(today):
        period.starts_on, period.ends_on = starts_on, ends_on
        period.save(update_fields=["starts_on", "ends_on"])
    for user_key, building_key, tower_name, tps in ASSIGNMENTS:
        rows.get_or_create(
            Assignment,
            period=period,
            pantarlih=rows.users[user_key],
            building=rows.buildings[building_key],
            tower=rows.tower(building_key, tower_name),
            defaults={"tps": tps},
        )
    tomorrow = today + datetime.timedelta(days=1)
    posko = POSKO_TOMORROW
    schedule, created = rows.get_or_create(
        Schedule,
        period=period,
        building=rows.buildings[posko["building"]],
        kind=Schedule.Kind.POSKO,
        proposed_by=rows.users[posko["proposed_by"]],
        defaults={
            "date": tomorrow,
            "start": posko["start"],
            "end": posko["end"],
            "note": posko["note"],
        },
    )
    if not created and schedule.status == Schedule.Status.PROPOSED and schedule.date < today:
        schedule.date = tomorrow
        schedule.save(update_fields=["date"])
    _tomorrow_plan(rows, period, tomorrow)
    return period


def _tomorrow_plan(rows: DemoRows, period: CoklitPeriod, tomorrow: datetime.date) -> None:
    kalibata, manager = rows.buildings["kalibata"], rows.users[TOMORROW_MANAGER]
    for tower, kind, start, end, proposer, note in TOMORROW_PLAN:
        # The KPU side's proposals the manager confirmed; the manager's own waits for them.
        confirmed = proposer != TOMORROW_MANAGER
        schedule, created = rows.get_or_create(
            Schedule,
            period=period,
            building=kalibata,
            tower=rows.towers["kalibata", tower],
            kind=kind,
            proposed_by=rows.users[proposer],
            defaults={
                "date": tomorrow,
                "start": datetime.time(start),
                "end": datetime.time(end),
                "note": note,
                "status": Schedule.Status.CONFIRMED if confirmed else Schedule.Status.PROPOSED,
                "decided_by": manager if confirmed else None,
                "decided_at": timezone.now() if confirmed else None,
            },
        )
        active = schedule.status in Schedule.OPEN_STATUSES
        if not created and active and schedule.date < timezone.localdate():
            schedule.date = tomorrow
            schedule.save(update_fields=["date"])


def visit_requests_seed(rows: DemoRows, period: CoklitPeriod) -> None:
    """Kalibata City's public page and posters, and two requests in the practice window, one
    of them closed by a visit. The page's address is fixed (the README links it), so its link
    is written directly: public_link_current would draw a random one."""
    kalibata = rows.buildings["kalibata"]
    if not PublicLink.objects.filter(building=kalibata).exists():
        PublicLink.objects.create(
            building=kalibata, token=DEMO_TOKEN, created_by=rows.users["pengelola.kalibata"]
        )
        rows.created["PublicLink"] += 1

    jasmine = rows.towers["kalibata", "Tower Jasmine"]
    if VisitRequest.objects.filter(period=period, unit__tower=jasmine).exists():
        return
    now = timezone.now()
    units = {
        u.number: u
        for u in jasmine.units.filter(number__in=[OPEN_REQUEST["unit"], VISITED_REQUEST["unit"]])
    }
    for spec in (OPEN_REQUEST, VISITED_REQUEST):
        visit_request_submit(
            period=period,
            unit=units[spec["unit"]],
            best_time=spec["best_time"],
            note=spec["note"],
            callback_phone=spec.get("callback_phone", ""),
            now=now - spec["asked"],
        )
    _request_visited(rows, period, kalibata, units[VISITED_REQUEST["unit"]], now)
    rows.created["VisitRequest"] += 2
    rows.created["Visit"] += 1


def _request_visited(rows: DemoRows, period: CoklitPeriod, building, unit: Unit, now) -> None:
    """Rizky's visit yesterday evening records the unit, which closes the request the way any
    outcome does (visits.services). Written directly: the field pages' visit_start and
    visit_end would log the visit twice where the demo has always logged it once."""
    spec = REQUEST_VISIT
    yesterday = timezone.localdate(now) - datetime.timedelta(days=1)
    zone = timezone.get_current_timezone()
    started = datetime.datetime.combine(yesterday, spec["started"], tzinfo=zone)
    visit = Visit.objects.create(
        client_uuid=uuid.uuid5(REQUEST_NAMESPACE, "jasmine-request-visit"),
        period=period,
        pantarlih=rows.users[spec["pantarlih"]],
        building=building,
        tower=unit.tower,
        started_at=started,
        ended_at=started + datetime.timedelta(minutes=spec["minutes"]),
        access=Visit.Access.GRANTED,
        note=spec["note"],
    )
    outcome_record(
        visit=visit,
        unit=unit,
        outcome=UnitOutcome.Outcome.DONE,
        recorded_at=started + datetime.timedelta(minutes=spec["recorded_after"]),
        voters_verified=spec["voters_verified"],
        sticker=UnitOutcome.Sticker.PLACED,
        client_uuid=uuid.uuid5(REQUEST_NAMESPACE, "jasmine-request-outcome"),
    )
