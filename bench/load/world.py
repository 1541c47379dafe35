"""The load test's people and pages on top of seed_scale: a period open today, sessions, tokens."""

import datetime
import time
import uuid

from bench.harness.client import csrf_from, request, session_for
from bench.load.mix import DASHBOARD_DATE, PERIOD_NAME


def prepare(users: int) -> dict:
    """A period around today; assignments, open visits, proposed schedules and sessions."""
    from django.db import transaction
    from django.utils import timezone

    from accounts.models import Role, User
    from buildings.models import BuildingManager, Unit
    from visits import field
    from visits.models import Assignment, CoklitPeriod, Schedule

    today = timezone.localdate()
    now = timezone.now()

    with transaction.atomic():
        period, _ = CoklitPeriod.objects.update_or_create(
            name=PERIOD_NAME,
            defaults={"starts_on": today - datetime.timedelta(days=7),
                      "ends_on": today + datetime.timedelta(days=30)},
        )  # fmt: skip
        Schedule.objects.filter(period=period).delete()  # a reused database starts afresh
        pantarlih = []
        seeded = (
            Assignment.objects.filter(pantarlih__email__endswith="@skala.coklit.id")
            .exclude(period=period)
            .select_related("pantarlih", "tower")
            .order_by("pk")[:users]
        )
        for seed in seeded:
            Assignment.objects.get_or_create(
                period=period, pantarlih=seed.pantarlih, building_id=seed.building_id,
                tower=seed.tower, defaults={"tps": seed.tps},
            )  # fmt: skip
            visit = field.visit_start(
                pantarlih=seed.pantarlih,
                client_uuid=uuid.uuid4(),
                tower=seed.tower,
                started_at=now - datetime.timedelta(hours=1),
            )
            assert visit.status == field.STORED, visit.as_json()
            units = list(Unit.objects.filter(tower=seed.tower).values_list("pk", flat=True))
            pantarlih.append({"session": session_for(seed.pantarlih), "tower": seed.tower_id,
                              "visit": str(visit.obj.client_uuid), "units": units})  # fmt: skip

        managers = []
        slots = [datetime.time(7 + m // 2, 30 * (m % 2)) for m in range(24)]  # 07:00 … 18:30
        proposer = seeded[0].pantarlih
        for bm in BuildingManager.objects.select_related("user").order_by("pk")[:users]:
            rows = [
                Schedule(period=period, building_id=bm.building_id, kind=Schedule.Kind.DOOR_TO_DOOR,
                         date=today + datetime.timedelta(days=day), start=start,
                         end=(datetime.datetime.combine(today, start)
                              + datetime.timedelta(minutes=30)).time(),
                         status=Schedule.Status.PROPOSED, proposed_by=proposer)
                for day in range(1, 30) for start in slots
            ]  # fmt: skip
            Schedule.objects.bulk_create(rows)
            schedules = list(
                Schedule.objects.filter(period=period, building_id=bm.building_id)
                .order_by("date", "start")
                .values_list("pk", flat=True)
            )
            managers.append({"session": session_for(bm.user), "schedules": schedules})

        staff = User.objects.filter(email="bench-load@skala.coklit.id").first() or (
            User.objects.create_user(
                "bench-load@skala.coklit.id", None, role=Role.KPU_PROVINSI, is_staff=True
            )
        )
        regions = dashboard_regions()
        staff_sessions = [session_for(staff) for _ in range(users)]
    print(
        f"prepared: {len(pantarlih)} pantarlih, {len(managers)} managers, "
        f"{len(staff_sessions)} staff sessions; period {period.starts_on} – {period.ends_on}"
    )
    return {"pantarlih": pantarlih, "managers": managers, "staff": staff_sessions, **regions}


def dashboard_regions(sample: int = 200) -> dict:
    """What the peak's staff open, a different one each request: buildings with towers (up to
    `sample`), and every kelurahan, kecamatan and kota that has buildings."""
    import random

    from buildings.models import Building

    rows = list(Building.objects.values_list("pk", "kelurahan__code", "towers"))
    kelurahan = sorted({code for _pk, code, _tower in rows})
    with_towers = sorted({pk for pk, _code, tower in rows if tower is not None})
    return {
        "buildings": random.Random(8).sample(with_towers, min(sample, len(with_towers))),
        "kelurahan": kelurahan,
        "kecamatan": sorted({code.rsplit(".", 1)[0] for code in kelurahan}),
        "kota": sorted({code[:5] for code in kelurahan}),
    }


def yardstick_table(*, create: bool):
    """The one-INSERT view's table: made empty before the run, dropped after it."""
    from django.conf import settings
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {settings.YARDSTICK_TABLE}")
        if create:
            cursor.execute(settings.YARDSTICK_TABLE_SQL)
    connection.close()


def province_snapshot_warm():
    """In production beat recomputes the province overview's snapshot every minute, so the
    page reads it; here nobody runs beat, so take it once before the peak, as beat would."""
    from django.db import connection

    from progress.figures import clock_for
    from progress.snapshot import province_snapshot_take

    started = time.perf_counter()
    province_snapshot_take(clock_for(datetime.date.fromisoformat(DASHBOARD_DATE)).period)
    connection.close()
    print(f"\nprovince snapshot taken, as beat does every minute: "
          f"{time.perf_counter() - started:.1f} s")  # fmt: skip


def tokens(port: int, world: dict):
    """Each pantarlih and manager opens a page once, as the browser does, for its CSRF pair."""
    for me in world["pantarlih"]:
        _, content, set_cookie, _ = request(port, "GET", f"/lapangan/tower/{me['tower']}/",
                                            session=me["session"])  # fmt: skip
        me["csrf"] = csrf_from(content, set_cookie)
    for me in world["managers"]:
        _, content, set_cookie, _ = request(port, "GET", f"/portal/jadwal/{me['schedules'][-1]}/",
                                            session=me["session"])  # fmt: skip
        me["csrf"] = csrf_from(content, set_cookie)
        me["next"] = iter(me["schedules"][:-1])
    if any(me["csrf"] is None for me in world["pantarlih"] + world["managers"]):
        raise RuntimeError("a page handed out no CSRF token")
