"""The demo's places (demo/data/places.py): buildings, towers and their units, and the
occupancy hints the managers reported."""

from accounts.audit import audit_context
from buildings.models import Building, Tower, Unit, UnitOccupancy
from buildings.unit_generator import units_generate
from demo.data.places import BUILDINGS, OCCUPANCY, BuildingSpec, TowerSpec
from demo.rows import DemoRows
from regions.models import Region


def buildings_seed(rows: DemoRows, regions: dict[str, Region]) -> None:
    for spec in BUILDINGS:
        _building(rows, spec, regions[spec.kelurahan])


def _building(rows: DemoRows, spec: BuildingSpec, kelurahan: Region) -> None:
    building, _created = rows.get_or_create(
        Building,
        name__iexact=spec.name,
        kelurahan=kelurahan,
        defaults={
            "name": spec.name,
            "kind": spec.kind,
            "address": spec.address,
            "latitude": spec.latitude,
            "longitude": spec.longitude,
            "manager_org": spec.manager_org,
            "access_notes": spec.access_notes,
            "contact_name": spec.contact_name,
            "contact_phone": spec.contact_phone,
            "posko_available": spec.posko_available,
        },
    )
    rows.buildings[spec.key] = building
    for tower_spec in spec.towers:
        tower, _created = rows.get_or_create(
            Tower,
            building=building,
            name=tower_spec.name,
            defaults={"floors": tower_spec.floors, "expected_voters": tower_spec.expected_voters},
        )
        rows.towers[spec.key, tower_spec.name] = tower
        _units(rows, tower, tower_spec)


def _units(rows: DemoRows, tower: Tower, spec: TowerSpec) -> None:
    # Shops first, so the floor-by-floor pass below keeps them as they are.
    runs = [(spec.ground_floor_shops, 1, False)] if spec.ground_floor_shops else []
    runs.append((spec.units_per_floor, spec.floors, True))
    for units_per_floor, last_floor, residential in runs:
        result = units_generate(
            tower=tower,
            units_per_floor=units_per_floor,
            last_floor=last_floor,
            skip_floors=spec.skip_floors,
            number_format=spec.number_format,
            residential=residential,
        )
        if result.created:
            rows.created["Unit"] += result.created


def occupancy_seed(rows: DemoRows) -> None:
    """Each hint as its manager entered it, one unit at a time; a hint changed since the last
    run stays as it is. (The portal's occupancy_write writes a whole sheet at once, and the
    building's timeline would read one line for them all.)"""
    for building_key, tower_name, number, status, best_time in OCCUPANCY:
        unit = Unit.objects.get(tower=rows.towers[building_key, tower_name], number=number)
        manager = rows.manager_of(building_key)
        with audit_context(actor=manager):
            rows.get_or_create(
                UnitOccupancy,
                unit=unit,
                defaults={"status": status, "best_time": best_time, "reported_by": manager},
            )
