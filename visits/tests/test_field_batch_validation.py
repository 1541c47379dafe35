"""Each item of a batch from the phone is checked field by field: a bad field is named in that
item's answer with the reason, in the officer's language, and the good items beside it are
stored all the same."""

import datetime
import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from visits.models import UnitOutcome
from visits.tests.factories import field_day

pytestmark = pytest.mark.django_db

URL = reverse("field_sync")
MISSING = object()


def item(day, unit, /, **changes):
    data = {
        "client_uuid": str(uuid.uuid4()),
        "visit": str(day.visit.client_uuid),
        "unit": unit.pk,
        "outcome": "done",
        "voters_verified": 2,
        "voters_removed": 0,
        "voters_new": 1,
        "sticker": "placed",
        "recorded_at": (timezone.now() - datetime.timedelta(minutes=5)).isoformat(),
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not MISSING}


def send(client, items, language="en"):
    client.cookies["django_language"] = language
    return client.post(URL, {"outcomes": items}, content_type="application/json")


@pytest.fixture
def day(client):
    day = field_day()
    client.force_login(day.pantarlih)
    return day


BAD_FIELDS = [
    ("client_uuid", "not-a-uuid", "Enter a valid UUID."),
    ("client_uuid", MISSING, "This field is required."),
    ("visit", "visit-7", "Enter a valid UUID."),
    ("visit", "", "This field is required."),
    ("unit", 0, "Ensure this value is greater than or equal to 1."),
    ("unit", "12b", "Enter a whole number."),
    ("unit", MISSING, "This field is required."),
    ("outcome", "unvisited", "Select a valid choice. unvisited is not one of the available choices."),
    ("outcome", None, "This field is required."),
    ("voters_verified", 100, "Ensure this value is less than or equal to 99."),
    ("voters_verified", 2.5, "Enter a whole number."),
    ("voters_verified", MISSING, "Coklit done: enter the number of voters verified (0 if none)."),
    ("voters_removed", -1, "Ensure this value is greater than or equal to 0."),
    ("voters_new", "two", "Enter a whole number."),
    ("sticker", "lost", "Select a valid choice. lost is not one of the available choices."),
    ("sticker", "", "Coklit done: say whether the sticker was placed (Bawaslu checks it)."),
    ("recorded_at", "yesterday", "Enter a valid date/time."),
    ("recorded_at", "1900-01-01T10:00", "Enter a date between 2000 and 2100."),
    ("recorded_at", MISSING, "This field is required."),
    ("recorded_at", ["2024-06-25T10:00"], "This field is required. Expected a single value."),
    ("voters_new", {"n": 1}, "Expected a single value."),
    ("unit", True, "This field is required. Expected a single value."),
]  # fmt: skip


@pytest.mark.parametrize(("field", "value", "message"), BAD_FIELDS)
def test_a_bad_field_is_named_in_its_items_answer_and_the_good_items_are_stored(
    client, day, field, value, message
):
    batch = [item(day, day.units[0]), item(day, day.units[1], **{field: value}),
             item(day, day.units[2])]  # fmt: skip

    response = send(client, batch)

    assert response.status_code == 200
    results = response.json()["results"]
    assert [r["status"] for r in results] == ["stored", "invalid", "stored"]
    assert results[1]["errors"] == {field: message}
    assert "errors" not in results[0] and "errors" not in results[2]
    stored = set(UnitOutcome.objects.values_list("client_uuid", flat=True))
    assert {str(u) for u in stored} == {batch[0]["client_uuid"], batch[2]["client_uuid"]}


def test_every_bad_field_of_an_item_is_named_at_once(client, day):
    bad = {"client_uuid": "x", "visit": 7, "unit": -3, "outcome": "gone", "voters_verified": "",
           "voters_removed": 200, "voters_new": "many", "sticker": "lost", "recorded_at": "soon"}  # fmt: skip

    results = send(client, [bad, item(day, day.units[0])]).json()["results"]

    assert [r["status"] for r in results] == ["invalid", "stored"]
    assert list(results[0]["errors"]) == [
        "outcome", "voters_removed", "voters_new", "sticker", "client_uuid", "recorded_at",
        "visit", "unit",
    ]  # fmt: skip
    assert results[0]["client_uuid"] == "x"


def test_the_reasons_are_in_indonesian_by_default(client, day):
    batch = [
        item(day, day.units[0], client_uuid="x"),
        item(day, day.units[1], voters_verified=120),
        item(day, day.units[2], sticker=""),
        item(day, day.units[3], unit=[1]),
    ]

    results = send(client, batch, language="id").json()["results"]

    assert [r["errors"] for r in results] == [
        {"client_uuid": "Masukan UUID yang benar."},
        {"voters_verified": "Pastikan nilai ini lebih kecil dari atau sama dengan 99."},
        {"sticker": "Coklit selesai: pilih apakah stiker ditempel (Bawaslu memeriksanya)."},
        {"unit": "Bidang ini tidak boleh kosong. Isian ini harus berupa satu nilai."},
    ]


def test_numbers_sent_as_text_are_read_as_a_form_reads_them(client, day):
    batch = [item(day, day.units[0], unit=str(day.units[0].pk), voters_verified="3.0",
                  voters_removed=" 1 ", voters_new=2.0, sticker="", outcome="not_home")]  # fmt: skip

    results = send(client, batch).json()["results"]

    assert results == [{"client_uuid": batch[0]["client_uuid"], "status": "stored"}]
    stored = UnitOutcome.objects.get()
    assert (stored.voters_verified, stored.voters_removed, stored.voters_new) == (3, 1, 2)
    assert stored.sticker == "none"


def test_a_unit_id_past_any_key_is_no_unit_of_the_visit(client, day):
    results = send(client, [item(day, day.units[0], unit=2**63)]).json()["results"]

    assert results[0]["status"] == "invalid"
    assert list(results[0]["errors"]) == ["unit"]


def test_a_batch_over_two_periods_and_buildings_takes_the_queries_of_one(client, day):
    """The visits, units, assignments and open requests are read in one statement, whichever
    periods and buildings the batch spans."""
    other = field_day(pantarlih=day.pantarlih)
    send(client, [item(day, day.units[-1])])  # the first request of a session also saves it
    with CaptureQueriesContext(connection) as one_visit:
        assert send(client, [item(day, u) for u in day.units[:4]]).status_code == 200
    mixed = [item(day, u) for u in day.units[4:6]] + [
        {**item(other, u), "visit": str(other.visit.client_uuid)} for u in other.units[:2]
    ]
    with CaptureQueriesContext(connection) as two_visits:
        results = send(client, mixed).json()["results"]

    assert [r["status"] for r in results] == ["stored"] * 4
    assert len(two_visits) == len(one_visit)
