"""The demo's residents (called by visits.demo's seed): Kalibata City's public page and
posters, with two requests in the practice window around today, one of them closed by a
visit. Everything is looked up before it is created, like the rest of the demo.

- Tower Jasmine J-0806 asked yesterday, for the afternoon: open, on Rizky's phone today.
- Tower Jasmine J-0703 asked three days ago, for the evening, with a WhatsApp number; Rizky
  visited it yesterday evening (coklit done), which closed the request and erased the number.
"""

import datetime
import uuid

from django.utils import timezone

from buildings.models import Unit
from residents.models import PublicLink, VisitRequest
from residents.services import visit_request_submit
from visits.models import UnitOutcome, Visit
from visits.services import outcome_record

# Kalibata City's public page in the demo: /warga/KBCJKT24/ (fixed, so the README can link it).
DEMO_TOKEN = "KBCJKT24"
_NAMESPACE = uuid.UUID("5d0c8e8a-7f0e-4b7a-9d6c-2a1b3c4d5e6f")


def residents_demo_seed(*, users, buildings, towers, period, created) -> None:
    """`users`, `buildings`, `towers`: the demo's own dictionaries (visits.demo); `period`:
    the practice window around today; `created` counts the rows made, by model name."""
    kalibata = buildings["kalibata"]
    if not PublicLink.objects.filter(building=kalibata).exists():
        PublicLink.objects.create(
            building=kalibata, token=DEMO_TOKEN, created_by=users["pengelola.kalibata"]
        )
        created["PublicLink"] += 1

    jasmine = towers["kalibata", "Tower Jasmine"]
    now = timezone.now()
    if not VisitRequest.objects.filter(period=period, unit__tower=jasmine).exists():
        _open_request(period, Unit.objects.get(tower=jasmine, number="J-0806"), now)
        _visited_request(
            period, Unit.objects.get(tower=jasmine, number="J-0703"), now, users, kalibata
        )
        created["VisitRequest"] += 2
        created["Visit"] += 1


def _open_request(period, unit, now):
    visit_request_submit(
        period=period,
        unit=unit,
        best_time=VisitRequest.BestTime.AFTERNOON,
        note="Kami pulang kerja sekitar pukul 17.30.",
        now=now - datetime.timedelta(days=1, hours=3),
    )


def _visited_request(period, unit, now, users, building):
    """Asked three days ago; Rizky's visit yesterday evening records the unit, which closes
    the request the way any outcome does (visits.services)."""
    visit_request_submit(
        period=period,
        unit=unit,
        best_time=VisitRequest.BestTime.EVENING,
        note="Bel rusak, mohon ketuk pintu.",
        callback_phone="+6281200007031",
        now=now - datetime.timedelta(days=3),
    )
    yesterday = timezone.localdate(now) - datetime.timedelta(days=1)
    zone = timezone.get_current_timezone()
    started = datetime.datetime.combine(yesterday, datetime.time(18, 40), tzinfo=zone)
    visit = Visit.objects.create(
        client_uuid=uuid.uuid5(_NAMESPACE, "jasmine-request-visit"),
        period=period,
        pantarlih=users["pantarlih.rizky"],
        building=building,
        tower=unit.tower,
        started_at=started,
        ended_at=started + datetime.timedelta(minutes=25),
        access=Visit.Access.GRANTED,
        note="Kunjungan sore atas permintaan warga lewat halaman gedung.",
    )
    outcome_record(
        visit=visit,
        unit=unit,
        outcome=UnitOutcome.Outcome.DONE,
        recorded_at=started + datetime.timedelta(minutes=12),
        voters_verified=3,
        sticker=UnitOutcome.Sticker.PLACED,
        client_uuid=uuid.uuid5(_NAMESPACE, "jasmine-request-outcome"),
    )
