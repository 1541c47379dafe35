"""Counts of a kota or the province run into the tens of thousands: they are grouped as the
reader's language writes them (77.062 in Indonesian, 77,062 in English), never 77062."""

import datetime
import re
import types

import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from core.numbers import grouping
from dashboard.charts import coverage_chart
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


@pytest.mark.parametrize(
    ("language", "text"), [("id", "1.500 dari 61.833"), ("en", "1,500 of 61,833")]
)
def test_each_chart_point_groups_its_counts(language, text):
    start, end = datetime.date(2024, 6, 24), datetime.date(2024, 7, 23)
    with translation.override(language):
        svg = coverage_chart([(start, 1500)], 61833, start, end, datetime.date(2024, 6, 26))

    titles = re.findall(r'<circle [^>]*class="pt"><title>([^<]+)</title>', svg)
    assert titles and text in titles[0], titles


@pytest.mark.parametrize(("language", "separator"), [("id", "."), ("en", ",")])
def test_grouping_takes_the_active_languages_separator(language, separator):
    with translation.override(language):
        group = grouping()

    assert group(0) == "0"
    assert group(999) == "999"
    assert group(1234567) == f"1{separator}234{separator}567"


@pytest.mark.parametrize(
    ("language", "text"),
    [("id", "2.040 unit di 60 lantai: 2.040 baru, 0 sudah ada"),
     ("en", "2,040 units on 60 floors: 2,040 new, 0 already there")],
)  # fmt: skip
def test_the_generators_preview_groups_a_big_towers_units(language, text):
    floors = [types.SimpleNamespace(floor=f, first=f"{f}01", last=f"{f}34", count=34)
              for f in range(1, 61)]  # fmt: skip
    preview = types.SimpleNamespace(
        total=2040, new=2040, existing=0, floors=floors, doubles_count=0, visited_count=0
    )
    with translation.override(language):
        html = render_to_string("portal/_unit_preview.html", {"preview": preview})

    assert text in " ".join(html.split())


def test_the_night_before_says_how_many_of_how_many_it_lists_grouped():
    with translation.override("en"):
        html = render_to_string("dashboard/_tomorrow_more.html", {"total": 1234, "shown": 200})

    assert "The first 200 of 1,234 are listed" in html
