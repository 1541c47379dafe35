"""Jakarta-scale synthetic data for the benchmarks (`manage.py seed_scale`): never for a
database anyone uses.

Defaults: 2,000 buildings, 400,000 units in towers of realistic sizes (at most 6,000 towers;
about 1,200 are made), 30,000 pantarlih, 2,000 managers, 1,000,000 unit outcomes over the
Pilkada 2024 window, written with bulk inserts. Every unit's status is its newest outcome, as
outcomes_store would have left it; the towers' totals follow by trigger.
"""

import datetime
import random
import uuid
from zoneinfo import ZoneInfo

from django.contrib.auth.hashers import make_password

from accounts.models import Role, User
from buildings.models import Building, BuildingManager, Tower, Unit
from demo.data.fieldwork import PERIOD_NAME
from regions.models import Region
from visits.models import AccessIssue, Assignment, CoklitPeriod, UnitOutcome, Visit

JAKARTA = ZoneInfo("Asia/Jakarta")
BATCH = 10_000
OUTCOME_WEIGHTS = {  # roughly what pantarlih find in high-rises
    Unit.Status.DONE: 55,
    Unit.Status.NOT_HOME: 20,
    Unit.Status.VACANT: 8,
    Unit.Status.REFUSED: 4,
    Unit.Status.SECURITY_REFUSED: 3,
    Unit.Status.NO_LOCAL_VOTERS: 5,
    Unit.Status.NON_RESIDENTIAL: 2,
    Unit.Status.SENT_TO_POSKO: 3,
}


def _bulk(model, rows):
    for start in range(0, len(rows), BATCH):
        model.objects.bulk_create(rows[start : start + BATCH], batch_size=BATCH)


def scale_seed(*, rng, buildings, towers, units, pantarlih, outcomes) -> dict:
    period = CoklitPeriod.objects.get(name=PERIOD_NAME)
    kelurahan = list(Region.objects.filter(level=Region.Level.KELURAHAN))
    password = make_password(None)  # unusable: these accounts never sign in

    kinds = [Building.Kind.APARTEMEN] * 6 + [Building.Kind.RUSUNAWA] * 3 + [Building.Kind.RUSUNAMI]
    # Coordinates inside Jakarta for the map, one building in twenty without; drawn from a
    # generator of their own, so the rest of the data is what it was before they were added.
    where = random.Random(buildings)
    spots = [
        None if i % 20 == 19 else (round(where.uniform(-6.37, -6.09), 6),
                                   round(where.uniform(106.69, 106.97), 6))
        for i in range(buildings)
    ]  # fmt: skip
    _bulk(Building, [
        Building(name=f"Skala {i:04d}", kind=rng.choice(kinds), kelurahan=rng.choice(kelurahan),
                 address=f"Jl. Skala No. {i}", latitude=spots[i] and spots[i][0],
                 longitude=spots[i] and spots[i][1])
        for i in range(buildings)
    ])  # fmt: skip
    building_rows = list(Building.objects.filter(name__startswith="Skala ").order_by("pk"))

    # Towers as Jakarta builds them, made until the units run out: rusun of 5–16 floors with
    # 8–20 units a floor, apartment towers of 15–60 floors with 4–20; plus one of 2,040 units
    # (60 floors × 34), the largest grid a pantarlih opens. They go round the buildings, so most
    # have one or two and some none yet (imported before anyone entered their towers).
    shapes = [(60, 34)]
    planned = 60 * 34
    while planned < units and len(shapes) < towers:
        if rng.random() < 0.4:
            floors, per_floor = rng.randint(5, 16), rng.randint(8, 20)
        else:
            floors, per_floor = rng.randint(15, 60), rng.randint(4, 20)
        floors = min(floors, -(-(units - planned) // per_floor))
        shapes.append((floors, per_floor))
        planned += floors * per_floor
    order = rng.sample(range(buildings), buildings)
    tower_rows = []
    for i, (floors, per_floor) in enumerate(shapes):
        building = building_rows[order[i % buildings]]
        tower_rows.append(Tower(building=building, name=f"T{i // buildings + 1}", floors=floors,
                                expected_voters=floors * per_floor * 2))  # fmt: skip
    _bulk(Tower, tower_rows)
    tower_rows = list(Tower.objects.filter(building__in=building_rows).order_by("pk"))

    unit_rows = []
    for tower, (floors, per_floor) in zip(tower_rows, shapes, strict=True):
        for floor in range(1, floors + 1):
            for slot in range(1, per_floor + 1):
                if len(unit_rows) == units:
                    break
                unit_rows.append(Unit(tower=tower, floor=floor, number=f"{floor:02d}{slot:02d}",
                                      residential=not (floor == 1 and slot <= 2)))  # fmt: skip

    # Outcomes: visits of up to 20 neighbouring units, spread over the window's first 25 days.
    # Each unit's status is set to its newest outcome before the units are written, as
    # outcome_record would have left it, and so are its running totals.
    codes, weights = zip(*OUTCOME_WEIGHTS.items(), strict=True)
    start = datetime.datetime.combine(period.starts_on, datetime.time(8), tzinfo=JAKARTA)
    visit_specs, outcome_specs = [], []
    made = 0
    while made < outcomes:
        first = rng.randrange(len(unit_rows))
        tower = unit_rows[first].tower
        started = start + datetime.timedelta(days=rng.randrange(25), minutes=rng.randrange(600))
        visit_specs.append((tower, started))
        for k in range(min(20, outcomes - made)):
            index = (first + k) % len(unit_rows)
            unit = unit_rows[index]
            if unit.tower is not tower:
                break
            code = rng.choices(codes, weights)[0]
            at = started + datetime.timedelta(minutes=3 * k)
            voters = rng.randint(1, 4) if code == Unit.Status.DONE else 0
            outcome_specs.append((len(visit_specs) - 1, index, code, at, voters))
            if unit.status_at is None or unit.status_at <= at:
                unit.status, unit.status_at, unit.voters_verified = code, at, voters
            unit.outcome_count += 1
            unit.refusal_count += code in Unit.REFUSAL_STATUSES
            made += 1
    _bulk(Unit, unit_rows)

    officers = [
        User(email=f"pantarlih{i:05d}@skala.coklit.id", full_name=f"Pantarlih Skala {i}",
             role=Role.PANTARLIH, password=password)
        for i in range(pantarlih)
    ] + [
        User(email=f"pengelola{i:04d}@skala.coklit.id", full_name=f"Pengelola Skala {i}",
             role=Role.PENGELOLA, password=password)
        for i in range(buildings)
    ]  # fmt: skip
    _bulk(User, officers)
    scale_users = User.objects.filter(email__endswith="@skala.coklit.id").order_by("pk")
    officer_rows = list(scale_users.filter(role=Role.PANTARLIH))
    manager_rows = list(scale_users.filter(role=Role.PENGELOLA))
    _bulk(BuildingManager, [
        BuildingManager(user=manager_rows[i], building=b, is_primary=True)
        for i, b in enumerate(building_rows) if i % 10  # one building in ten has no manager
    ])  # fmt: skip
    _bulk(Assignment, [
        Assignment(period=period, pantarlih=officer, building=tower_rows[i % len(tower_rows)].building,
                   tower=tower_rows[i % len(tower_rows)], tps=f"{i % 999 + 1:03d}")
        for i, officer in enumerate(officer_rows)
    ])  # fmt: skip
    visits = [
        Visit(client_uuid=uuid.UUID(int=rng.getrandbits(128)), period=period,
              pantarlih=officer_rows[rng.randrange(len(officer_rows))],
              building_id=tower.building_id, tower=tower, started_at=started)
        for tower, started in visit_specs
    ]  # fmt: skip
    _bulk(Visit, visits)
    _bulk(UnitOutcome, [
        UnitOutcome(visit=visits[v], unit=unit_rows[u], outcome=code, recorded_at=at,
                    voters_verified=voters,
                    sticker=UnitOutcome.Sticker.PLACED if code == Unit.Status.DONE
                    else UnitOutcome.Sticker.NONE)
        for v, u, code, at, voters in outcome_specs
    ])  # fmt: skip

    issues = [
        AccessIssue(building=b, kind=AccessIssue.Kind.SECURITY_REFUSED,
                    description="Ditolak petugas keamanan di lobi.", raised_by=officer_rows[0])
        for b in rng.sample(building_rows, max(1, buildings // 20))
    ]  # fmt: skip
    _bulk(AccessIssue, issues)
    return {
        "buildings": len(building_rows),
        "towers": len(tower_rows),
        "units": len(unit_rows),
        "pantarlih": len(officer_rows),
        "visits": len(visits),
        "outcomes": len(outcome_specs),
    }
