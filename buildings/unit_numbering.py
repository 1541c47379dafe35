"""Unit numbers from a manager's description: floors from first to last without the skipped
ones, and a numbering pattern such as "{tower}-{lantai:2}-{unit:2}" that gives "A-12-05".

Pure: nothing here reads or writes the database. buildings/unit_generator.py makes the rows.
"""

import re
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from accounts.validators import contains_nik
from buildings.models import Unit

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
