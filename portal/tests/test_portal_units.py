"""Generating a tower's units a second time, removing units made by mistake, and undoing either
(issue 17, item 1): a tower is never doubled without the manager choosing it, units that a visit
reached are always kept, and every change is audited."""

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from buildings.models import Unit, UnitOccupancy
from buildings.tests.factories import TowerFactory, UnitOccupancyFactory
from buildings.unit_generator import (
    KEEP,
    REPLACE,
    units_delete,
    units_generate,
    units_preview,
    units_undo,
)
from visits.services import outcome_record
from visits.tests.factories import VisitFactory

pytestmark = pytest.mark.django_db

OLD = "{tower}-{lantai:2}{unit:2}"  # the earlier default: "Gardenia-0801"


def _gardenia(building=None):
    """The issue's tower: 7 floors of 6 units, numbered with the tower's name in front."""
    tower = TowerFactory(name="Gardenia", floors=7, **({"building": building} if building else {}))
    units_generate(tower=tower, units_per_floor=6, number_format=OLD)
    return tower


def _visited(unit):
    visit = VisitFactory(building=unit.tower.building)
    outcome_record(visit=visit, unit=unit, outcome="not_home", recorded_at=visit.started_at)
    unit.refresh_from_db()
    return unit


def test_another_pattern_over_existing_units_is_refused_naming_them_until_the_manager_chooses():
    tower = _gardenia()

    with translation.override("en"), pytest.raises(ValidationError) as error:
        units_generate(tower=tower, units_per_floor=6, existing_units=None)

    assert error.value.code == "doubles"
    assert "42 units" in error.value.messages[0]
    assert "Gardenia-0101, Gardenia-0102" in error.value.messages[0]
    assert tower.units.count() == 42


def test_replacing_renumbers_the_units_so_the_tower_keeps_42_with_their_occupancy():
    tower = _gardenia()
    vacant = Unit.objects.get(tower=tower, number="Gardenia-0305")
    UnitOccupancyFactory(unit=vacant, status=UnitOccupancy.Status.VACANT, best_time="")

    result = units_generate(tower=tower, units_per_floor=6, existing_units=REPLACE)

    assert (result.created, result.renamed, result.deleted) == (0, 42, 0)
    assert tower.units.count() == 42
    assert sorted(tower.units.filter(floor=3).values_list("number", flat=True)) == [
        "0301", "0302", "0303", "0304", "0305", "0306",
    ]  # fmt: skip
    vacant.refresh_from_db()
    assert vacant.number == "0305" and vacant.occupancy.status == "vacant"


def test_replacing_with_fewer_units_per_floor_removes_the_extra_and_adds_none():
    tower = _gardenia()

    result = units_generate(tower=tower, units_per_floor=4, existing_units=REPLACE)

    assert (result.created, result.renamed, result.deleted) == (0, 28, 14)
    assert tower.units.count() == 28


def test_units_a_visit_reached_are_kept_whatever_the_manager_chooses():
    tower = _gardenia()
    visited = _visited(Unit.objects.get(tower=tower, number="Gardenia-0101"))

    preview = units_preview(tower=tower, units_per_floor=6)
    result = units_generate(tower=tower, units_per_floor=6, existing_units=REPLACE)

    assert preview.visited == ["Gardenia-0101"] and preview.doubles_count == 41
    assert result.kept_visited == ["Gardenia-0101"]
    visited.refresh_from_db()
    assert visited.number == "Gardenia-0101" and visited.outcome_count == 1
    # The other 41 were renumbered and the pattern's 0101 made anew: KPU can merge the two.
    assert (result.renamed, result.created) == (41, 1)
    assert tower.units.count() == 43


def test_keeping_puts_the_new_units_beside_the_old_as_before():
    tower = _gardenia()

    result = units_generate(tower=tower, units_per_floor=6, existing_units=KEEP)

    assert result.created == 42 and tower.units.count() == 84


def test_the_preview_names_the_first_and_last_unit_of_each_floor_and_writes_nothing():
    tower = TowerFactory(name="Jasmine", floors=30)

    preview = units_preview(
        tower=tower,
        units_per_floor=20,
        skip_floors=[4, 13, 14],
        number_format="J-{lantai:2}{unit:2}",
    )

    assert [(f.floor, f.first, f.last, f.count) for f in preview.floors[:3]] == [
        (1, "J-0101", "J-0120", 20),
        (2, "J-0201", "J-0220", 20),
        (3, "J-0301", "J-0320", 20),
    ]
    assert preview.floors[3].floor == 5 and len(preview.floors) == 27
    assert (preview.total, preview.new, preview.doubles_count) == (540, 540, 0)
    assert not tower.units.exists()


def test_undo_after_replacing_gives_every_unit_its_old_number_back():
    tower = _gardenia()
    before = sorted(tower.units.values_list("pk", "number"))
    result = units_generate(tower=tower, units_per_floor=5, existing_units=REPLACE)
    assert tower.units.count() == 35

    undone = units_undo(tower=tower, undo=result.undo.as_dict(), by=None)

    assert (undone.renamed, undone.restored, undone.kept) == (35, 7, [])
    after = sorted(tower.units.values_list("number", flat=True))
    assert after == sorted(number for _pk, number in before)


def test_undo_after_generating_removes_the_new_units_but_not_one_visited_since():
    tower = TowerFactory(name="Herbras", floors=2)
    result = units_generate(tower=tower, units_per_floor=3)
    _visited(Unit.objects.get(tower=tower, number="0203"))

    undone = units_undo(tower=tower, undo=result.undo.as_dict(), by=None)

    assert (undone.removed, undone.kept) == (5, ["0203"])
    assert list(tower.units.values_list("number", flat=True)) == ["0203"]


def test_removing_units_spares_visited_ones_and_undo_brings_them_back_with_occupancy():
    tower = _gardenia()
    floor = list(Unit.objects.filter(tower=tower, floor=2).order_by("number"))
    UnitOccupancyFactory(unit=floor[0], status="occupied", best_time="setelah 18.00")
    _visited(floor[1])

    result = units_delete(tower=tower, unit_ids=[u.pk for u in floor], by=None)

    assert result.deleted == 5 and result.kept_visited == ["Gardenia-0202"]
    assert list(tower.units.filter(floor=2).values_list("number", flat=True)) == ["Gardenia-0202"]

    units_undo(tower=tower, undo=result.undo.as_dict(), by=None)

    assert tower.units.filter(floor=2).count() == 6
    back = Unit.objects.get(tower=tower, number="Gardenia-0201")
    assert (back.occupancy.status, back.occupancy.best_time) == ("occupied", "setelah 18.00")


def test_every_renumbering_and_removal_is_audited_with_who(world):
    tower = _gardenia(world.building_a)
    manager = world.manager_a

    units_generate(tower=tower, units_per_floor=5, existing_units=REPLACE, by=manager)

    renamed = LogEntry.objects.filter(
        content_type__model="unit", action=LogEntry.Action.UPDATE, actor=manager
    )
    assert renamed.count() == 35
    assert any(entry.changes == {"number": ["Gardenia-0101", "0101"]} for entry in renamed)
    removed = LogEntry.objects.filter(content_type__model="unit", action=LogEntry.Action.DELETE)
    assert removed.count() == 7
    tower_row = LogEntry.objects.get_for_object(tower).filter(actor=manager).get()
    assert tower_row.changes == {"units": ["42", "35"]}


# --- Through the portal ----------------------------------------------------------------------


def _generate(client, tower, **extra):
    data = {"action": "generate", "first_floor": "1", "last_floor": "", "units_per_floor": "6",
            "number_format": "{lantai:2}{unit:2}", **extra}  # fmt: skip
    return client.post(reverse("portal_tower", args=[tower.pk]), data)


def test_the_portal_asks_before_doubling_a_tower_and_shows_the_preview(client, world):
    tower = _gardenia(world.building_a)
    client.force_login(world.manager_a)
    client.cookies["django_language"] = "en"

    response = _generate(client, tower)

    assert response.status_code == 200
    page = response.content.decode()
    assert "choose whether to replace them or keep them beside the new ones" in page
    assert 'class="error-summary"' in page and "data-focus" in page
    assert "Gardenia-0101" in page and 'value="replace"' in page
    assert tower.units.count() == 42


def test_the_portal_replaces_then_undoes_from_the_session(client, world):
    tower = _gardenia(world.building_a)
    client.force_login(world.manager_a)

    response = _generate(client, tower, existing_units="replace")

    assert response.status_code == 302 and response["Location"].endswith("#units-done")
    assert tower.units.filter(number="0101").exists() and tower.units.count() == 42
    page = client.get(reverse("portal_tower", args=[tower.pk])).content.decode()
    assert 'name="action" value="undo"' in page

    client.post(reverse("portal_tower", args=[tower.pk]), {"action": "undo"})

    assert tower.units.filter(number="Gardenia-0101").exists() and tower.units.count() == 42
    page = client.get(reverse("portal_tower", args=[tower.pk])).content.decode()
    assert 'value="undo"' not in page  # one undo per change


def test_the_live_preview_answers_with_the_names_and_the_units_that_would_double(client, world):
    tower = _gardenia(world.building_a)
    client.force_login(world.manager_a)
    client.cookies["django_language"] = "en"
    url = reverse("portal_tower_preview", args=[tower.pk])

    page = client.get(url, {"first_floor": 1, "units_per_floor": 6,
                            "number_format": "{lantai:2}{unit:2}"}).content.decode()  # fmt: skip

    assert "<td>0701</td><td>0706</td>" in page
    assert "42 units already on these floors" in page and "Gardenia-0101" in page
    bad = client.get(url, {"first_floor": 1, "units_per_floor": 6, "number_format": "{unit[0]}"})
    assert "may use only {tower}, {lantai} and {unit}" in bad.content.decode()
    assert tower.units.count() == 42


def test_the_floor_page_removes_ticked_units_and_offers_no_visited_one(client, world):
    tower = _gardenia(world.building_a)
    visited = _visited(Unit.objects.get(tower=tower, number="Gardenia-0702"))
    client.force_login(world.manager_a)
    url = reverse("portal_floor", args=[tower.pk, 7])

    page = client.get(url).content.decode()
    assert f'name="units" value="{visited.pk}"' not in page
    gone = Unit.objects.get(tower=tower, number="Gardenia-0701")
    forged = client.post(url, {"action": "delete", "units": [gone.pk, visited.pk]})
    assert forged.status_code == 200 and tower.units.count() == 42  # not offered, not taken

    response = client.post(url, {"action": "delete", "units": [gone.pk]})

    assert response.status_code == 302
    assert not Unit.objects.filter(pk=gone.pk).exists() and tower.units.count() == 41
