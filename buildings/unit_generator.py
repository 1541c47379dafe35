"""Generating a tower's units floor by floor, the way managers describe them.

A manager rarely has a unit list to upload; they know "floors 1 to 30, eight units a floor,
no 4th, 13th or 14th floor, numbered A-12-05". `units_generate` turns that into unit rows.
Running it again is harmless: numbers the tower already has are left as they are.
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.audit import UPDATE, audit_bulk
from accounts.models import User
from accounts.validators import contains_nik
from buildings.models import Tower, Unit

DEFAULT_NUMBER_FORMAT = "{lantai:2}{unit:2}"
# The numbering pattern is a small grammar of our own, never Python's str.format (whose width
# and index syntax let one form field allocate gigabytes or raise): literal text and the fields
# below, each optionally zero-padded to 1-3 digits. "{floor:02d}" of earlier versions is still
# read as {floor:2}.
NUMBER_FORMAT_FIELDS = {"tower": "tower", "menara": "tower", "floor": "floor", "lantai": "floor",
                        "unit": "unit"}  # fmt: skip
NUMBER_FORMAT_MAX_LENGTH = 60
_FIELD = re.compile(r"\{([a-z]+)(?::0?([1-3])d?)?\}")
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

    `number_format` uses {tower}, {lantai} (or {floor}) and {unit}, each optionally padded
    with zeros to 1-3 digits: "{tower}-{lantai:2}-{unit:2}" gives "A-12-05".
    """
    pattern = number_pattern_parse(number_format)
    if not 1 <= units_per_floor <= MAX_UNITS_PER_FLOOR:
        raise ValidationError(
            _("Units per floor must be between 1 and %(max)s.") % {"max": MAX_UNITS_PER_FLOOR},
            code="units_per_floor",
        )
    plan = []
    seen = {}
    for floor in floors:
        for unit in range(1, units_per_floor + 1):
            number = _number(pattern, tower=tower_name, floor=floor, unit=unit)
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


def number_pattern_parse(number_format: str) -> list[str | tuple[str, int]]:
    """The pattern as literal strings and (field, width) pairs; a ValidationError if it is not
    one of ours."""
    refused = ValidationError(
        _(
            "The numbering pattern may use only {tower}, {lantai} and {unit}, each with an "
            "optional width of 1 to 3 digits ({lantai:2} writes floor 5 as 05), and must use "
            "{unit}, e.g. “{tower}-{lantai:2}{unit:2}”."
        ),
        code="number_format",
    )
    if len(number_format) > NUMBER_FORMAT_MAX_LENGTH:
        raise refused
    parts: list[str | tuple[str, int]] = []
    position = 0
    for match in _FIELD.finditer(number_format):
        parts.append(number_format[position : match.start()])
        field = NUMBER_FORMAT_FIELDS.get(match[1])
        if field is None or (field == "tower" and match[2]):
            raise refused
        parts.append((field, int(match[2] or 0)))
        position = match.end()
    parts.append(number_format[position:])
    literals = [part for part in parts if isinstance(part, str)]
    if any("{" in text or "}" in text for text in literals):
        raise refused
    if not any(isinstance(part, tuple) and part[0] == "unit" for part in parts):
        raise refused
    return [part for part in parts if part != ""]


def _number(pattern: list[str | tuple[str, int]], **values) -> str:
    text = []
    for part in pattern:
        if isinstance(part, str):
            text.append(part)
        else:
            field, width = part
            value = values[field]
            text.append(str(value) if field == "tower" else str(value).zfill(width))
    return "".join(text).strip()
