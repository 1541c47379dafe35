"""A server-rendered SVG chart: daily coverage against the straight line to 100 % on the last day."""

import datetime

from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _

WIDTH, HEIGHT, PAD = 600, 220, 32


def coverage_chart(
    series: list[tuple[datetime.date, int]],
    residential: int,
    starts_on: datetime.date | None,
    ends_on: datetime.date | None,
    today: datetime.date,
    closed: int | None = None,
) -> str:
    """Cumulative % of residential units closed per day, and the target line; '' if no period.

    With `closed` (all units closed now), units closed outside the window's days — before it
    opened, as a new window inherits the old one's statuses — are where the line starts, so
    it ends where the page's figure does.
    """
    if not (starts_on and ends_on and residential):
        return ""
    days = (ends_on - starts_on).days + 1
    plot_w, plot_h = WIDTH - 2 * PAD, HEIGHT - 2 * PAD

    def x(day_index: float) -> float:
        return PAD + plot_w * day_index / days

    def y(percent: float) -> float:
        return PAD + plot_h * (1 - percent / 100)

    closed_by_day = dict(series)
    running = max(0, closed - sum(closed_by_day.values())) if closed is not None else 0
    points = [(x(0), y(100 * running / residential))]
    last = min(today, ends_on)
    for i in range((last - starts_on).days + 1):
        running += closed_by_day.get(starts_on + datetime.timedelta(days=i), 0)
        points.append((x(i + 1), y(100 * running / residential)))
    actual = " ".join(f"{px:.1f},{py:.1f}" for px, py in points)
    percent = 100 * running / residential
    grid = format_html_join(
        "",
        '<line x1="{}" y1="{}" x2="{}" y2="{}" class="grid"/>'
        '<text x="{}" y="{}" class="axis">{}%</text>',
        ((PAD, y(p), WIDTH - PAD, y(p), 2, y(p) + 4, p) for p in (0, 50, 100)),
    )
    return format_html(
        '<svg viewBox="0 0 {w} {h}" class="chart" role="img" aria-label="{label}">'
        "{grid}"
        '<line x1="{x0}" y1="{y0}" x2="{x1}" y2="{y1}" class="target"/>'
        '<polyline points="{actual}" class="actual"/>'
        '<text x="{x0}" y="{h_axis}" class="axis">{start}</text>'
        '<text x="{x1}" y="{h_axis}" class="axis" text-anchor="end">{end}</text>'
        "</svg>",
        w=WIDTH,
        h=HEIGHT,
        label=_(
            "%(percent).0f%% of residential units closed; the dashed line reaches 100%% "
            "on the last day"
        )
        % {"percent": percent},  # fmt: skip
        grid=grid,
        x0=x(0),
        y0=y(0),
        x1=x(days),
        y1=y(100),
        actual=actual,
        h_axis=HEIGHT - 8,
        start=starts_on.strftime("%d-%m"),
        end=ends_on.strftime("%d-%m"),
    )
