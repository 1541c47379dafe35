"""Server-rendered SVG charts: daily coverage against the straight line to 100 % on the last day.

One chart for the region in view and one small chart per child region or building (small
multiples, same scales), with a "today" marker at the clock's day, dates on the x axis, and
each day's value in a <title> (read on hover) and in a table (`trends`) for screen readers and
phones, where nothing hovers.
"""

import datetime
import functools
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from core.numbers import grouping

WIDTH, HEIGHT, PAD = 600, 220, 32


@dataclass(frozen=True)
class _Frame:
    width: int
    height: int
    left: int
    right: int
    top: int
    bottom: int


MAIN = _Frame(WIDTH, HEIGHT, PAD, PAD, PAD, PAD)
SMALL = _Frame(300, 120, 8, 8, 10, 22)


def _n(value: float) -> str:
    """A coordinate, to a tenth (format_html escapes its arguments to strings first)."""
    return f"{value:.1f}"


def short_date(day: datetime.date) -> str:
    """ "24 Jun", "1 Agu": a day in the active language's short form."""
    return _short_date(day, get_language())


@functools.lru_cache(maxsize=2048)
def _short_date(day: datetime.date, language: str) -> str:
    # A kota page labels ~200 points; formatting each date anew was a tenth of its time.
    return date_format(day, "j M")


def _tick_days(days: int) -> list[int]:
    """Which days (0-based) carry a label: every few days, and the last one."""
    step = 2 if days <= 14 else 7 if days <= 49 else 14
    ticks = list(range(0, days, step))
    if ticks and days - 1 - ticks[-1] < (step + 1) // 2:
        ticks.pop()  # too close to the last day's label
    return [*ticks, days - 1]


def running_closed(
    series: list[tuple[datetime.date, int]],
    starts_on: datetime.date,
    last: datetime.date,
    closed: int | None,
) -> tuple[int, list[tuple[datetime.date, int]]]:
    """Units closed before the window's first day, and the running count at the end of each
    day from the first to `last`.

    With `closed` (all units closed now), units closed outside the window's days — before it
    opened, as a new window inherits the old one's statuses — are where the count starts, so
    it ends where the page's figure does.
    """
    by_day = dict(series)
    running = max(0, closed - sum(by_day.values())) if closed is not None else 0
    start, rows = running, []
    for i in range((last - starts_on).days + 1):
        day = starts_on + datetime.timedelta(days=i)
        running += by_day.get(day, 0)
        rows.append((day, running))
    return start, rows


def _chart(frame, series, residential, starts_on, ends_on, today, closed, *, label, name=""):
    """The chart's SVG; `label(percent)` is its accessible name."""
    days = (ends_on - starts_on).days + 1
    plot_w = frame.width - frame.left - frame.right
    plot_h = frame.height - frame.top - frame.bottom
    small = frame is SMALL

    def x(day_index: float) -> float:
        return frame.left + plot_w * day_index / days

    def y(percent: float) -> float:
        return frame.top + plot_h * (1 - percent / 100)

    start, rows = running_closed(series, starts_on, min(today, ends_on), closed)
    points = [(x(0), y(100 * start / residential))] + [
        (x(i + 1), y(100 * n / residential)) for i, (_day, n) in enumerate(rows)
    ]
    actual = " ".join(f"{px:.1f},{py:.1f}" for px, py in points)
    percent = 100 * (rows[-1][1] if rows else start) / residential

    point = _(
        "%(day)s: %(percent).0f%% closed (%(closed)s of %(residential)s units); "
        "straight line %(target).0f%%"
    )

    group = grouping()
    residential_text = group(residential)

    def title(i: int, day: datetime.date, n: int) -> str:
        text = point % {"day": short_date(day), "percent": 100 * n / residential,
                        "closed": group(n), "residential": residential_text,
                        "target": 100 * (i + 1) / days}  # fmt: skip
        return f"{name} · {text}" if name else text

    dots = format_html_join(
        "",
        '<circle cx="{}" cy="{}" r="{}" class="pt"><title>{}</title></circle>',
        (
            (_n(x(i + 1)), _n(y(100 * n / residential)), 3 if small else 4, title(i, day, n))
            for i, (day, n) in enumerate(rows)
        ),
    )
    grid = format_html_join(
        "",
        '<line x1="{}" y1="{}" x2="{}" y2="{}" class="grid"/>',
        ((frame.left, y(p), frame.width - frame.right, y(p)) for p in (0, 50, 100)),
    )
    if not small:
        grid += format_html_join(
            "",
            '<text x="{}" y="{}" class="axis">{}%</text>',
            ((2, y(p) + 4, p) for p in (0, 50, 100)),
        )
    ticks = [0, days - 1] if small else _tick_days(days)
    axis_y = frame.height - (6 if small else 8)
    xlabels = format_html_join(
        "",
        '<line x1="{x}" y1="{y0}" x2="{x}" y2="{y1}" class="tick"/>'
        '<text x="{x}" y="{ty}" class="axis" text-anchor="{anchor}">{text}</text>',
        (
            {
                "x": _n(x(i + 1)),
                "y0": y(0),
                "y1": y(0) + 4,
                "ty": axis_y,
                "anchor": "start" if small and i == 0 else "end" if i == days - 1 else "middle",
                "text": short_date(starts_on + datetime.timedelta(days=i)),
            }
            for i in ticks
        ),
    )
    marker = ""
    if starts_on <= today <= ends_on:
        at = x((today - starts_on).days + 1)
        marker = format_html(
            '<line x1="{x}" y1="{y0}" x2="{x}" y2="{y1}" class="today"/>{text}',
            x=_n(at),
            y0=frame.top - (0 if small else 14),
            y1=y(0),
            text=""
            if small
            else format_html(
                '<text x="{}" y="{}" class="axis today-label" text-anchor="{}">{} · {}</text>',
                _n(at),
                frame.top - 18,
                "end"
                if at > frame.width * 0.8
                else "start"
                if at < frame.width * 0.2
                else "middle",
                _("Today"),
                short_date(today),
            ),
        )
    return format_html(
        '<svg viewBox="0 0 {w} {h}" class="{cls}" role="img" aria-label="{label}">'
        "{grid}{xlabels}{marker}"
        '<line x1="{x0}" y1="{y0}" x2="{x1}" y2="{y1}" class="target"/>'
        '<polyline points="{actual}" class="actual"/>{dots}'
        "</svg>",
        w=frame.width,
        h=frame.height,
        cls="chart-small" if small else "chart",
        label=label(percent),
        grid=grid,
        xlabels=xlabels,
        marker=marker,
        x0=x(0),
        y0=y(0),
        x1=x(days),
        y1=y(100),
        actual=actual,
        dots=dots,
    )


def coverage_chart(
    series: list[tuple[datetime.date, int]],
    residential: int,
    starts_on: datetime.date | None,
    ends_on: datetime.date | None,
    today: datetime.date,
    closed: int | None = None,
) -> str:
    """Cumulative % of residential units closed per day, and the target line; '' if no period.

    See running_closed for `closed`.
    """
    if not (starts_on and ends_on and residential):
        return ""

    def label(percent: float) -> str:
        return _(
            "%(percent).0f%% of residential units closed; the dashed line reaches 100%% "
            "on the last day"
        ) % {"percent": percent}  # fmt: skip

    return _chart(MAIN, series, residential, starts_on, ends_on, today, closed, label=label)


@dataclass
class Panel:
    """One child region (or building) of the page: its figures and its small chart."""

    item: object
    figures: object
    svg: str


@dataclass
class Trends:
    """The small multiples, and the same values as a table: a row per day with the straight
    line, the region's total and each child's running share closed (None: no unit data)."""

    panels: list[Panel]
    names: list[str]
    rows: list[tuple[datetime.date, float, float, list[float | None]]]

    def table(self) -> list[tuple[str, str, str, list[str | None]]]:
        """`rows` as the table shows them: the short date and whole percents (as the template's
        floatformat:0 would round them; a kota's table has ~200 cells, and the filter cost more
        than the rest of the table)."""
        return [
            (short_date(day), _percent(target), _percent(whole),
             [None if value is None else _percent(value) for value in values])
            for day, target, whole, values in self.rows
        ]  # fmt: skip


def _percent(value: float) -> str:
    """A share to a whole percent, rounded half up like floatformat:0."""
    return str(int(Decimal(repr(value)).quantize(Decimal(1), rounding=ROUND_HALF_UP)))


def trends(
    children: list[tuple[object, object]],
    child_series: list[list[tuple[datetime.date, int]]],
    total,
    series: list[tuple[datetime.date, int]],
    starts_on: datetime.date | None,
    ends_on: datetime.date | None,
    today: datetime.date,
) -> Trends | None:
    """Small multiples of `children` ((item, figures) with figures.residential and .closed;
    `child_series` their daily series, in the same order) and the table of their values."""
    if not (starts_on and ends_on and total.residential and children):
        return None
    days = (ends_on - starts_on).days + 1
    last = min(today, ends_on)
    panels, columns = [], []
    for (item, f), own in zip(children, child_series, strict=True):
        svg = ""
        if f.residential:

            def label(percent: float, name=item.name) -> str:
                return _(
                    "%(name)s: %(percent).0f%% of residential units closed; the dashed line "
                    "reaches 100%% on the last day"
                ) % {"name": name, "percent": percent}  # fmt: skip

            svg = _chart(SMALL, own, f.residential, starts_on, ends_on, today, f.closed,
                         name=item.name, label=label)  # fmt: skip
            _start, rows = running_closed(own, starts_on, last, f.closed)
            columns.append([100 * n / f.residential for _day, n in rows])
        else:
            columns.append(None)
        panels.append(Panel(item=item, figures=f, svg=mark_safe(svg)))
    _start, total_rows = running_closed(series, starts_on, last, total.closed)
    rows = [
        (
            day,
            100 * (i + 1) / days,
            100 * n / total.residential,
            [column[i] if column else None for column in columns],
        )
        for i, (day, n) in enumerate(total_rows)
    ]
    return Trends(panels=panels, names=[item.name for item, _f in children], rows=rows)
