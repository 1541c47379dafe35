"""Fuzzing the manager portal's forms: hostile input gives no 500 and stores nothing invalid.

`FUZZ_EXAMPLES=1000 bin/test coklit/tests/test_fuzz*.py` is the full run (issue #8); by
default each endpoint gets a few dozen examples so the suite stays fast.
"""

import pytest
from django.urls import reverse
from hypothesis import given

from coklit.tests.fuzzing import FUZZ, file_bytes, file_names, form_data, post_and_check

pytestmark = pytest.mark.django_db

DATES = ["2024-06-25", "2024-07-01", "2023-01-01", "2024-06-24"]
TIMES = ["09:00", "10:00", "16:00", "08:30"]


@pytest.fixture
def manager(client, world):
    client.force_login(world.manager_a)
    return client


@FUZZ
@given(data=form_data(
    ["address", "access_hours", "access_requirements", "access_report_point", "access_notes",
     "contact_name", "contact_phone", "posko_available"],
    {"contact_phone": ["0812 3456 7890", "+6281234567890"], "posko_available": ["on", ""]},
))  # fmt: skip
def test_profile(manager, world, data):
    post_and_check(manager, reverse("portal_building_edit", args=[world.building_a.pk]), data)


@FUZZ
@given(data=form_data(["name", "floors"], {"name": ["C", "Tower D"], "floors": ["1", "20", "200"]}))
def test_tower_add(manager, world, data):
    post_and_check(manager, reverse("portal_tower_add", args=[world.building_a.pk]), data)


@FUZZ
@given(
    data=form_data(
        ["action", "first_floor", "last_floor", "units_per_floor", "skip_floors", "number_format",
         "non_residential", "name", "floors", "floor", "number", "residential", "existing_units"],
        {"action": ["generate", "preview", "undo", "unit", "tower"], "first_floor": ["1", "-2", "0"],
         "existing_units": ["replace", "keep", "x"],
         "last_floor": ["3", "40"], "units_per_floor": ["2", "10"],
         "skip_floors": ["4, 13", "4"], "number_format": ["{tower}-{floor:02d}{unit:02d}",
         "{floor}{unit}", "{x}"], "floor": ["1", "-1"], "number": ["A-0201"]},
    )
)  # fmt: skip
def test_tower_page_forms(manager, world, data):
    post_and_check(manager, reverse("portal_tower", args=[world.tower_a.pk]), data)


@FUZZ
@given(data=form_data(
    ["action", "status", "best_time", "status_{u}", "best_{u}", "residential_{u}", "units"],
    {"action": ["units", "all", "delete"], "status": ["occupied", "vacant", "closed"],
     "status_{u}": ["occupied", "vacant"], "units": ["{u}", "0", "x"]},
))  # fmt: skip
def test_floor_occupancy(manager, world, data):
    unit = str(world.unit_a.pk)
    data = {k.replace("{u}", unit): v.replace("{u}", unit) if isinstance(v, str) else v
            for k, v in data.items()}  # fmt: skip
    url = reverse("portal_floor", args=[world.tower_a.pk, world.unit_a.floor])
    post_and_check(manager, url, data)


@FUZZ
@given(raw=file_bytes, name=file_names)
def test_occupancy_upload(manager, world, raw, name, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile(name or "x", raw)
    url = reverse("portal_occupancy_upload", args=[world.building_a.pk])
    post_and_check(manager, url, {}, files={"file": upload})


@FUZZ
@given(data=form_data(["date", "start", "end", "note", "tower"],
                      {"date": DATES, "start": TIMES, "end": TIMES}))  # fmt: skip
def test_schedule_propose(manager, world, data):
    data.setdefault("tower", str(world.tower_a.pk))
    post_and_check(manager, reverse("portal_schedules", args=[world.building_a.pk]), data)


@FUZZ
@given(data=form_data(
    ["action", "answer-reply", "counter-date", "counter-start", "counter-end", "counter-note",
     "cancel-reason"],
    {"action": ["confirm", "decline", "counter", "cancel"], "counter-date": DATES,
     "counter-start": TIMES, "counter-end": TIMES},
))  # fmt: skip
def test_schedule_answer_and_counter(manager, world, data):
    url = reverse("portal_schedule", args=[world.side["a"]["schedule"].pk])
    post_and_check(manager, url, data)


@FUZZ
@given(data=form_data(["note"]))
def test_issue_reply(manager, world, data):
    url = reverse("portal_issue_reply", args=[world.side["a"]["accessissue"].pk])
    post_and_check(manager, url, data)
