"""Generating a tower's units floor by floor, the way managers describe them.

A manager rarely has a unit list to upload; they know "floors 1 to 30, eight units a floor,
no 4th, 13th or 14th floor, numbered A-12-05". `units_generate` turns that into unit rows.
Running it again is harmless: numbers the tower already has are left as they are.
"""

import string
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.audit import UPDATE, audit_bulk
from accounts.models import User
from accounts.validators import contains_nik
from buildings.models import Tower, Unit

DEFAULT_NUMBER_FORMAT = "{floor:02d}{unit:02d}"
NUMBER_FORMAT_FIELDS = {"tower", "floor", "unit"}
MAX_UNITS_PER_FLOOR = 200
FLOOR_MIN, FLOOR_MAX = -10, 150
NUMBER_MAX_LENGTH = Unit._meta.get_field("number").max_length


@dataclass(frozen=True)
class UnitGenerateResult:
    created: int
    existing: int
    floors: list[int]

    @property
    def total(self) -> int:
        return self.created + self.existing


def unit_numbers(
    *,
    tower_name: str,
    floors: Iterable[int],
    units_per_floor: int,
    number_format: str = DEFAULT_NUMBER_FORMAT,
) -> list[tuple[int, str]]:
    """(floor, number) for every unit, in order; a ValidationError explains a bad plan.

    `number_format` is a Python format string with {tower}, {floor} and {unit}, e.g.
    "{tower}-{floor:02d}-{unit:02d}" gives "A-12-05".
    """
    _check_number_format(number_format)
    if not 1 <= units_per_floor <= MAX_UNITS_PER_FLOOR:
        raise ValidationError(
            _("Units per floor must be between 1 and %(max)s.") % {"max": MAX_UNITS_PER_FLOOR},
            code="units_per_floor",
        )
    plan = []
    seen = {}
    for floor in floors:
        for unit in range(1, units_per_floor + 1):
            number = number_format.format(tower=tower_name, floor=floor, unit=unit).strip()
            if not number or len(number) > NUMBER_MAX_LENGTH:
                raise ValidationError(
                    _("Unit number “%(number)s” must have 1 to %(max)s characters.")
                    % {"number": number, "max": NUMBER_MAX_LENGTH},
                    code="number_length",
                )
            if number in seen:
                raise ValidationError(
                    _(
                        "The numbering gives “%(number)s” twice (floor %(first)s and floor "
                        "%(second)s); include {floor} and {unit} in the format."
                    )
                    % {"number": number, "first": seen[number], "second": floor},
                    code="number_duplicate",
                )
            seen[number] = floor
            plan.append((floor, number))
    if any(contains_nik(number) for _floor, number in plan):
        raise ValidationError(
            _("The numbering gives 16-digit unit numbers, which look like a NIK."),
            code="nik",
        )
    return plan


def floors_plan(*, first_floor: int, last_floor: int, skip_floors: Iterable[int] = ()) -> list[int]:
    """The floor numbers from first to last, without the ones the building does not use."""
    if not FLOOR_MIN <= first_floor <= last_floor <= FLOOR_MAX:
        raise ValidationError(
            _("Floors must run upwards, between %(min)s and %(max)s.")
            % {"min": FLOOR_MIN, "max": FLOOR_MAX},
            code="floors",
        )
    skipped = set(skip_floors)
    floors = [f for f in range(first_floor, last_floor + 1) if f not in skipped]
    if not floors:
        raise ValidationError(_("Every floor in the range is skipped."), code="floors")
    return floors


@transaction.atomic
def units_generate(
    *,
    tower: Tower,
    units_per_floor: int,
    first_floor: int = 1,
    last_floor: int | None = None,
    skip_floors: Iterable[int] = (),
    number_format: str = DEFAULT_NUMBER_FORMAT,
    residential: bool = True,
    by: User | None = None,
) -> UnitGenerateResult:
    """Create the units of `tower` from first_floor to last_floor (default: its top floor).

    Skipped floors (many Jakarta towers have no 4th, 13th or 14th) get no units; units whose
    number the tower already has are kept unchanged, so a floor can be generated again with
    more units without touching what was recorded on the others.
    """
    floors = floors_plan(
        first_floor=first_floor,
        last_floor=tower.floors if last_floor is None else last_floor,
        skip_floors=skip_floors,
    )
    plan = unit_numbers(
        tower_name=tower.name,
        floors=floors,
        units_per_floor=units_per_floor,
        number_format=number_format,
    )
    # Lock the tower so two managers generating at once cannot both insert the same numbers.
    Tower.objects.select_for_update().filter(pk=tower.pk).first()
    existing = set(Unit.objects.filter(tower=tower).values_list("number", flat=True))
    new_units = [
        Unit(tower=tower, floor=floor, number=number, residential=residential)
        for floor, number in plan
        if number not in existing
    ]
    Unit.objects.bulk_create(new_units, batch_size=2000)
    if new_units:
        # One audit row for the batch: the tower's unit count before and after, by whom.
        before = len(existing)
        changes = {"units": (before, before + len(new_units))}
        audit_bulk(Tower, [(tower.pk, str(tower), UPDATE, changes)], actor=by)
    return UnitGenerateResult(
        created=len(new_units), existing=len(plan) - len(new_units), floors=floors
    )


def _check_number_format(number_format: str) -> None:
    try:
        names = {
            name.split(".")[0].split("[")[0]
            for _text, name, _spec, _conv in string.Formatter().parse(number_format)
            if name is not None
        }
        number_format.format(tower="A", floor=1, unit=1)
    except (ValueError, KeyError, IndexError, AttributeError):
        names = None
    if names is None or not names <= NUMBER_FORMAT_FIELDS or "unit" not in names:
        raise ValidationError(
            _(
                "The number format may use only {tower}, {floor} and {unit}, and must "
                "use {unit}, e.g. “{floor:02d}{unit:02d}”."
            ),
            code="number_format",
        )
