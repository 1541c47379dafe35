"""Counts of a kota or the province run into the tens of thousands: they are grouped as the
reader's language writes them (77.062 in Indonesian, 77,062 in English), never 77062."""

import types

import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from visits.tests.factories import field_day

TOTAL = types.SimpleNamespace(
    percent=63.9, closed=39518, residential=61833, voters_verified=77062, expected_voters=124402,
    voters_percent=61.9, revisits=125700, refused_twice=2312, open_issues=9, buildings=1316,
    buildings_without_units=132, buildings_not_started=0, towers=1184, towers_without_units=0,
    towers_not_started=0,
)  # fmt: skip


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("id", ["39.518 dari 61.833", "77.062", "124.402 DPS", "1.488", "125.700", "2.312",
                "1.316", "1.184"]),
        ("en", ["39,518 of 61,833", "77,062", "124,402 DPS", "1,488", "125,700", "2,312",
                "1,316", "1,184"]),
    ],
)  # fmt: skip
def test_the_coverage_figures_group_thousands_in_the_readers_language(language, expected):
    clock = types.SimpleNamespace(days_left=15)
    with translation.override(language):
        html = render_to_string(
            "dashboard/_figures.html", {"total": TOTAL, "clock": clock, "pace": 1487.6}
        )

    for text in expected:
        assert text in html, (text, html)
    assert "39518" not in html and "77062" not in html


@pytest.mark.django_db
def test_the_grid_header_groups_a_big_towers_counts(client):
    day = field_day(floors=51, units_per_floor=20)  # 1,020 units
    client.force_login(day.pantarlih)

    page = client.get(reverse("field_grid", args=[day.tower.pk])).content.decode()
    client.cookies["django_language"] = "en"
    page_en = client.get(reverse("field_grid", args=[day.tower.pk])).content.decode()

    assert "0 dari 1.020 tuntas" in page
    assert "0 of 1,020 closed" in page_en
