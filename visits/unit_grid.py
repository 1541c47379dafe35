"""A tower's floors and unit tiles as HTML: the pantarlih's grid (visits/views/field.py) and
the same grid read-only for staff (dashboard/views/towers.py) draw them the same way."""

import itertools

from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from buildings.models import Unit
from residents.models import BestTime

# A phone draws at most about this many unit tiles on one page: a bigger tower's grid comes in
# ranges of whole floors, each its own page (kept for offline use like any other).
GRID_PAGE_UNITS = 600

# The values a grid reads per unit, in this order.
GRID_FIELDS = (
    "floor", "pk", "number", "status", "residential", "occupancy__status", "occupancy__best_time",
)  # fmt: skip


def short_labels() -> dict[str, str]:
    """The few letters a unit tile shows for its status (the legend spells them out)."""
    return {
        Unit.Status.UNVISITED: "",
        Unit.Status.DONE: _("Done"),
        Unit.Status.NOT_HOME: _("Away"),
        Unit.Status.REFUSED: _("Refused"),
        Unit.Status.SECURITY_REFUSED: _("Security"),
        Unit.Status.VACANT: _("Vacant"),
        Unit.Status.NON_RESIDENTIAL: _("Non-res."),
        Unit.Status.NO_LOCAL_VOTERS: _("No DKI"),
        Unit.Status.SENT_TO_POSKO: _("Posko"),
    }


def floor_ranges(counts: list[tuple[int, int]], limit: int = GRID_PAGE_UNITS):
    """(first floor, last floor) ranges of whole floors, in order, that split a tower's units
    (`counts`: (floor, units) in floor order) into pages of about equal size, none past
    `limit` unless one floor alone is. A tower within the limit is one range."""
    total = sum(n for _floor, n in counts)
    if not counts:
        return []
    pages = -(-total // limit)
    target = -(-total // pages)
    ranges, first, last, size = [], None, None, 0
    for floor, n in counts:
        if first is not None and (size >= target or size + n > limit):
            ranges.append((first, last))
            first, size = None, 0
        if first is None:
            first = floor
        last, size = floor, size + n
    ranges.append((first, last))
    return ranges


def range_of(ranges: list[tuple[int, int]], asked: str) -> tuple[int, int] | None:
    """The range holding the floor a `lantai` query value names (the grid links give each
    range's first floor); the first range when it is missing or not a floor."""
    if not ranges:
        return None
    asked = asked.strip()
    if asked.lstrip("-").isdigit() and len(asked) < 5:
        floor = int(asked)
        for first, last in ranges:
            if first <= floor <= last:
                return first, last
    return ranges[0]


def legend() -> list[tuple[str, str, str]]:
    labels = short_labels()
    return [(code, labels[code], label) for code, label in Unit.Status.choices]


def grid_floors(
    units, flagged: set[int], unit_url: str | None, requested: dict[int, str] | None = None
) -> list[tuple[int, str]]:
    """(floor, tiles HTML) for the units queryset, in floor and number order. With a
    `unit_url` (ending in "/", the unit's id is appended) each tile is a link; without, a
    read-only tile. `requested`: unit id → the best time residents gave when they asked
    for a visit (residents.field.open_requests_by_unit)."""
    rows = units.order_by("floor", "number").values_list(*GRID_FIELDS)
    labels = {code: escape(label) for code, label in short_labels().items()}
    hints = {
        "vacant": escape(_("vacant?")),
        "business": escape(_("business?")),
        # Read by a screen reader before the manager's best time to find residents.
        "best_time": escape(_("Best time:")),
    }
    asks = request_labels(requested or {})
    return [
        (floor, tiles(group, unit_url, labels, hints, flagged, asks))
        for floor, group in itertools.groupby(rows, key=lambda row: row[0])
    ]


def request_labels(requested: dict[int, str]) -> dict[int, str]:
    """Unit id → the tile's escaped mark for a resident's request ("asked · afternoon")."""
    times = dict(BestTime.choices)
    out = {}
    for pk, best_time in requested.items():
        when = times.get(best_time, "")
        title = escape(_("Residents asked for a visit · %(time)s") % {"time": when})
        short = escape(_("asked · %(time)s") % {"time": when})
        out[pk] = f'<em class="rq" title="{title}">{short}</em>'
    return out


def tiles(rows, unit_url, labels, hints, flagged, asks=None) -> str:
    """A floor's unit tiles as HTML. Built here rather than in a template loop: 800 units
    through the template engine take ~40 ms, this takes ~1 ms (bench/field_bench.py).
    Every text that is not a number or a status code is escaped."""
    out = []
    for _floor, pk, number, status, residential, occupancy, best_time in rows:
        css = f"u s-{status}{' flag' if pk in flagged else ''}{'' if residential else ' nr'}"
        hint = hints.get(occupancy) if status == Unit.Status.UNVISITED else None
        inner = f"{escape(number)}<small>{labels[status]}</small>{f'<i>{hint}</i>' if hint else ''}"
        if best_time and status not in Unit.CLOSED_STATUSES:
            # A small clock and the manager's best time, so the officer plans the round
            # (the unit page has the whole text; the tile shows what fits).
            inner += (
                f'<b class="bt" title="{escape(best_time)}"><span class="visually-hidden">'
                f"{hints['best_time']} </span>{escape(best_time)}</b>"
            )
        if asks and pk in asks:
            inner += asks[pk]
        if unit_url is None:
            out.append(f'<span class="{css}" data-u="{pk}">{inner}</span>')
        else:
            out.append(f'<a href="{unit_url}{pk}/" class="{css}" data-u="{pk}">{inner}</a>')
    return mark_safe("".join(out))  # noqa: S308 - every piece escaped above
