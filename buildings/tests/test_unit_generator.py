import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import translation

from buildings.models import Unit
from buildings.tests.factories import TowerFactory, UnitFactory
from buildings.unit_generator import units_generate
from buildings.unit_numbering import unit_numbers

pytestmark = pytest.mark.django_db


def numbers(tower):
    return list(tower.units.order_by("floor", "number").values_list("floor", "number"))


def test_every_floor_up_to_the_towers_top_gets_its_units_numbered_floor_then_unit():
    tower = TowerFactory(floors=3)

    result = units_generate(tower=tower, units_per_floor=2)

    assert (result.created, result.existing, result.floors) == (6, 0, [1, 2, 3])
    assert numbers(tower) == [
        (1, "0101"),
        (1, "0102"),
        (2, "0201"),
        (2, "0202"),
        (3, "0301"),
        (3, "0302"),
    ]
    assert set(tower.units.values_list("status", "residential")) == {("unvisited", True)}


def test_floors_the_building_does_not_use_get_no_units():
    tower = TowerFactory(floors=15)

    result = units_generate(tower=tower, units_per_floor=1, first_floor=3, skip_floors=[4, 13, 14])

    assert result.floors == [3, 5, 6, 7, 8, 9, 10, 11, 12, 15]
    assert not tower.units.filter(floor__in=[1, 2, 4, 13, 14]).exists()


def test_the_numbering_can_carry_the_tower_name():
    tower = TowerFactory(name="A", floors=12)

    units_generate(
        tower=tower,
        units_per_floor=2,
        first_floor=12,
        number_format="{tower}-{floor:02d}-{unit:02d}",
    )

    assert numbers(tower) == [(12, "A-12-01"), (12, "A-12-02")]


def test_generating_again_keeps_recorded_units_and_adds_only_the_new_ones():
    tower = TowerFactory(floors=2)
    visited = UnitFactory(tower=tower, floor=1, number="0101", status=Unit.Status.DONE)

    result = units_generate(tower=tower, units_per_floor=3, last_floor=1)

    assert (result.created, result.existing) == (2, 1)
    visited.refresh_from_db()
    assert visited.status == Unit.Status.DONE
    assert tower.units.count() == 3


def test_basement_floors_and_shops_can_be_generated():
    tower = TowerFactory(floors=1)

    units_generate(
        tower=tower,
        units_per_floor=1,
        first_floor=-1,
        last_floor=0,
        number_format="B{floor}-{unit}",
        residential=False,
    )

    assert list(tower.units.values_list("number", "residential").order_by("floor")) == [
        ("B-1-1", False),
        ("B0-1", False),
    ]


@pytest.mark.parametrize(
    "number_format",
    ["{floor:02d}", "{unit}{owner}", "{unit", "{}{unit}", "{tower:03d}{unit}"],
)
def test_a_number_format_without_unit_or_with_unknown_fields_is_refused(number_format):
    with translation.override("en"), pytest.raises(ValidationError) as error:
        unit_numbers(tower_name="A", floors=[1], units_per_floor=2, number_format=number_format)

    assert error.value.code == "number_format"


@pytest.mark.parametrize(
    "number_format",
    [
        "{unit:,>100000000}",  # Python's format would build a 100 MB string (issue #13)
        "{unit:>999999999}",
        "{unit[0]}",  # Python's format would raise: a 500
        "{floor[x]}{unit}",
        "{floor.real}{unit}",
        "{unit!r}",
        "{lantai:4}{unit}",  # widths are 1 to 3
        "x" * 61 + "{unit}",
    ],
)
def test_a_pattern_outside_our_grammar_is_refused_without_being_run(number_format):
    with pytest.raises(ValidationError) as error:
        unit_numbers(tower_name="A", floors=[1], units_per_floor=2, number_format=number_format)

    assert error.value.code == "number_format"


@pytest.mark.parametrize(
    "number_format, numbers",
    [
        ("{lantai:2}{unit:2}", ["0501", "0502"]),
        ("{tower}-{lantai}-{unit:3}", ["A-5-001", "A-5-002"]),
        ("{menara}{floor:02d}{unit:02d}", ["A0501", "A0502"]),  # the earlier spelling
        ("{unit:1}", ["1", "2"]),
    ],
)
def test_the_pattern_grammar_pads_with_zeros(number_format, numbers):
    plan = unit_numbers(tower_name="A", floors=[5], units_per_floor=2, number_format=number_format)

    assert [number for _floor, number in plan] == numbers


def test_a_numbering_that_repeats_a_number_on_two_floors_is_refused_before_writing():
    tower = TowerFactory(floors=3)

    with translation.override("en"), pytest.raises(ValidationError) as error:
        units_generate(tower=tower, units_per_floor=2, number_format="{unit}")

    assert error.value.messages == [
        "The numbering gives “1” twice (floor 1 and floor 2); include {floor} and {unit} in "
        "the format."
    ]
    assert not tower.units.exists()


@pytest.mark.parametrize(
    "kwargs, code",
    [
        ({"units_per_floor": 0}, "units_per_floor"),
        ({"units_per_floor": 201}, "units_per_floor"),
        ({"units_per_floor": 2, "first_floor": 5, "last_floor": 4}, "floors"),
        ({"units_per_floor": 2, "last_floor": 151}, "floors"),
        ({"units_per_floor": 2, "first_floor": -11}, "floors"),
        ({"units_per_floor": 2, "last_floor": 1, "skip_floors": [1]}, "floors"),
        ({"units_per_floor": 2, "number_format": "{tower}{floor:020d}{unit}"}, "number_format"),
        (
            {"units_per_floor": 2, "number_format": "Blok-Sangat-Panjang-{floor}-{unit}"},
            "number_length",
        ),  # fmt: skip
        ({"units_per_floor": 2, "number_format": "31740812039{floor:03d}{unit:02d}"}, "nik"),
    ],
)
def test_an_impossible_plan_is_refused_and_writes_nothing(kwargs, code):
    tower = TowerFactory(floors=3)

    with pytest.raises(ValidationError) as error:
        units_generate(tower=tower, **kwargs)

    assert error.value.code == code
    assert not tower.units.exists()


def test_the_generate_units_command_reports_what_it_created(capsys):
    tower = TowerFactory(name="B", floors=5)

    call_command(
        "generate_units",
        "--tower",
        str(tower.pk),
        "--units-per-floor",
        "4",
        "--skip",
        "4",
        "--format",
        "{tower}{floor}{unit:02d}",
    )

    assert "16 units created, 0 already there, on 4 floors." in capsys.readouterr().out
    assert tower.units.filter(number="B501").exists()


def test_the_generate_units_command_explains_a_bad_plan():
    tower = TowerFactory(floors=5)

    with translation.override("en"), pytest.raises(CommandError, match="between 1 and 200"):
        call_command("generate_units", "--tower", str(tower.pk), "--units-per-floor", "0")


def test_generating_units_leaves_one_audit_row_for_the_tower(client, world):
    from auditlog.models import LogEntry

    tower = TowerFactory(building=world.building_a, name="Audit", floors=3)
    client.force_login(world.manager_a)
    client.post(
        reverse("portal_tower", args=[tower.pk]),
        {"action": "generate", "first_floor": "1", "last_floor": "3", "units_per_floor": "4",
         "number_format": "{tower}-{floor}{unit:02d}"},
    )  # fmt: skip
    assert tower.units.count() == 12
    entry = LogEntry.objects.get_for_object(tower).get(action=LogEntry.Action.UPDATE)
    assert entry.actor == world.manager_a and entry.changes == {"units": ["0", "12"]}
