"""The offline queue's endpoint: each outcome stored once, whatever how often it is sent."""

import datetime
import threading
import time
import uuid

import pytest
from auditlog.models import LogEntry
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from buildings.models import Unit
from visits.models import UnitOutcome
from visits.tests.factories import field_day

pytestmark = pytest.mark.django_db

URL = reverse("field_sync")


@pytest.fixture
def day():
    return field_day()


def item(day, unit=None, **changes):
    data = {
        "client_uuid": str(uuid.uuid4()),
        "visit": str(day.visit.client_uuid),
        "unit": (unit or day.units[0]).pk,
        "outcome": "done",
        "voters_verified": 3,
        "voters_removed": 1,
        "voters_new": 0,
        "sticker": "placed",
        "recorded_at": timezone.now().isoformat(),
    }
    data.update(changes)
    return data


def send(client, *items):
    client.cookies["django_language"] = "en"
    return client.post(URL, {"outcomes": list(items)}, content_type="application/json")


@pytest.fixture
def phone(client, day):
    client.force_login(day.pantarlih)
    return client


def test_an_outcome_is_stored_and_moves_the_unit_status(phone, day):
    response = send(phone, item(day))

    assert response.status_code == 200
    assert [r["status"] for r in response.json()["results"]] == ["stored"]
    stored = UnitOutcome.objects.get()
    assert (stored.voters_verified, stored.voters_removed, stored.sticker) == (3, 1, "placed")
    day.units[0].refresh_from_db()
    assert day.units[0].status == "done"


def test_an_outcome_is_its_own_audit_record_with_no_copy_in_the_audit_log(phone, day):
    before = LogEntry.objects.count()
    send(phone, item(day))

    stored = UnitOutcome.objects.select_related("visit").get()
    assert (stored.visit.pantarlih, stored.created_at is not None) == (day.pantarlih, True)
    assert LogEntry.objects.count() == before


def test_the_same_uuid_sent_twice_is_stored_once_and_answered_as_the_first_time(phone, day):
    sent = item(day)
    first = send(phone, sent)
    again = send(phone, sent)

    assert first.status_code == again.status_code == 200
    assert again.json()["results"] == [{"client_uuid": sent["client_uuid"], "status": "duplicate"}]
    assert UnitOutcome.objects.count() == 1


def test_the_same_uuid_twice_in_one_batch_is_stored_once(phone, day):
    sent = item(day)
    response = send(phone, sent, sent)

    assert [r["status"] for r in response.json()["results"]] == ["stored", "duplicate"]
    assert UnitOutcome.objects.count() == 1


def test_the_same_uuid_with_other_content_is_a_409_conflict(phone, day):
    sent = item(day)
    send(phone, sent)
    response = send(phone, {**sent, "outcome": "not_home"})

    assert response.status_code == 409
    assert response.json()["results"][0]["status"] == "conflict"
    assert list(UnitOutcome.objects.values_list("outcome", flat=True)) == ["done"]


def test_another_pantarlih_reusing_a_uuid_gets_a_conflict_not_the_row(client, phone, day):
    sent = item(day)
    send(phone, sent)
    other = field_day()
    client.force_login(other.pantarlih)
    response = send(
        client, {**sent, "visit": str(other.visit.client_uuid), "unit": other.units[0].pk}
    )

    assert response.status_code == 409
    assert UnitOutcome.objects.count() == 1


def test_a_late_upload_of_an_older_outcome_does_not_undo_a_newer_one(phone, day):
    now = timezone.now()
    newer = item(day, outcome="done", recorded_at=now.isoformat())
    older = item(
        day, outcome="not_home", recorded_at=(now - datetime.timedelta(hours=1)).isoformat()
    )
    send(phone, newer)
    send(phone, older)

    unit = Unit.objects.get(pk=day.units[0].pk)
    assert unit.status == "done"
    assert UnitOutcome.objects.filter(unit=unit).count() == 2


def test_outcomes_are_appended_and_the_newest_by_phone_time_wins(phone, day):
    now = timezone.now()
    send(
        phone,
        item(day, outcome="not_home", recorded_at=(now - datetime.timedelta(hours=2)).isoformat()),
        item(day, outcome="refused", recorded_at=(now - datetime.timedelta(minutes=1)).isoformat()),
        item(day, outcome="done", recorded_at=(now - datetime.timedelta(hours=1)).isoformat()),
    )

    assert Unit.objects.get(pk=day.units[0].pk).status == "refused"
    assert UnitOutcome.objects.count() == 3


def test_a_time_in_the_future_is_refused_naming_the_field(phone, day):
    future = (timezone.now() + datetime.timedelta(minutes=30)).isoformat()
    response = send(phone, item(day, recorded_at=future))

    result = response.json()["results"][0]
    assert result["status"] == "invalid"
    assert "future" in result["errors"]["recorded_at"]
    assert not UnitOutcome.objects.exists()


def test_a_small_clock_skew_is_accepted(phone, day):
    ahead = (timezone.now() + datetime.timedelta(minutes=2)).isoformat()
    assert send(phone, item(day, recorded_at=ahead)).json()["results"][0]["status"] == "stored"


def test_a_time_outside_the_period_is_refused(phone, day):
    before = timezone.make_aware(
        datetime.datetime.combine(
            day.period.starts_on - datetime.timedelta(days=1), datetime.time(10)
        )
    )
    result = send(phone, item(day, recorded_at=before.isoformat())).json()["results"][0]

    assert result["status"] == "invalid"
    assert "outside the coklit period" in result["errors"]["recorded_at"]


def test_bad_items_are_answered_one_by_one_and_good_ones_still_stored(phone, day):
    response = send(
        phone,
        item(day, outcome="unvisited"),
        item(day, voters_verified=-1),
        item(day, unit=day.units[1]),
        {"client_uuid": "not-a-uuid"},
    )

    results = response.json()["results"]
    assert [r["status"] for r in results] == ["invalid", "invalid", "stored", "invalid"]
    assert "outcome" in results[0]["errors"]
    assert "voters_verified" in results[1]["errors"]
    assert set(results[3]["errors"]) >= {"client_uuid", "visit", "unit", "outcome", "recorded_at"}
    assert UnitOutcome.objects.count() == 1


def test_a_unit_of_another_building_is_refused(phone, day):
    other = field_day()
    result = send(phone, item(day, unit=other.units[0])).json()["results"][0]

    assert result == {**result, "status": "invalid"}
    assert "unit" in result["errors"]


def test_someone_elses_visit_is_refused(phone, day):
    other = field_day()
    result = send(phone, item(day, visit=str(other.visit.client_uuid))).json()["results"][0]

    assert result["status"] == "invalid" and "visit" in result["errors"]


def test_a_broken_body_is_a_400_with_a_message(phone):
    response = phone.post(URL, "{not json", content_type="application/json")

    assert response.status_code == 400
    assert "outcomes" in response.json()["error"]


def test_signed_out_sends_are_answered_401_with_where_to_sign_in(client, day):
    """Not the sign-in page (which the queue would take for a bad answer and retry for ever):
    a JSON 401 the phone reads as "sign in again", keeping its queue."""
    response = send(client, item(day))

    assert response.status_code == 401
    answer = response.json()
    assert answer["signed_out"] is True
    assert answer["login"].startswith(reverse("account_login"))
    assert "sign in again" in answer["error"]
    assert abs(answer["now"] / 1000 - time.time()) < 5
    assert not UnitOutcome.objects.exists()


def test_every_answer_carries_the_servers_clock(phone, day):
    response = send(phone, item(day))

    assert abs(response.json()["now"] / 1000 - time.time()) < 5


def test_coklit_done_without_sticker_or_count_is_refused_naming_the_field(phone, day):
    """Bawaslu audits the sticker: a rushed "done" is never stored as "no sticker, 0 voters"."""
    bare = item(day)
    del bare["sticker"], bare["voters_verified"]

    result = send(phone, bare).json()["results"][0]

    assert result["status"] == "invalid"
    assert set(result["errors"]) == {"sticker", "voters_verified"}
    assert "sticker" in result["errors"]["sticker"]
    ok = send(phone, item(day, outcome="not_home", sticker="", voters_verified="")).json()
    assert ok["results"][0]["status"] == "stored"
    assert UnitOutcome.objects.get().sticker == "none"


@pytest.mark.django_db(transaction=True)
def test_ten_concurrent_sends_of_the_same_uuid_store_one_row():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL's concurrent transactions (CI runs it there)")
    day = field_day()
    sent = item(day)
    barrier = threading.Barrier(10)
    answers = []

    def worker():
        from django.db import connections

        client = Client()
        client.force_login(day.pantarlih)
        barrier.wait()
        response = client.post(URL, {"outcomes": [sent]}, content_type="application/json")
        answers.append((response.status_code, response.json()["results"][0]["status"]))
        connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert UnitOutcome.objects.filter(client_uuid=sent["client_uuid"]).count() == 1
    assert sorted(status for _code, status in answers) == ["duplicate"] * 9 + ["stored"]
    assert {code for code, _status in answers} == {200}


def test_values_of_the_wrong_json_type_are_invalid_not_a_crash(phone, day):
    # Found by the fuzz tests (issue #8): a list or a number where a date is expected was a 500.
    response = send(
        phone,
        item(day, recorded_at=["2024-06-25T10:00"]),
        item(day, recorded_at=1719284400),
        item(day, voters_verified={"n": 3}),
        {**item(day), "unit": True},
    )

    assert response.status_code == 200
    results = response.json()["results"]
    assert [r["status"] for r in results] == ["invalid"] * 4
    assert set(results[0]["errors"]) == {"recorded_at"}
    assert set(results[2]["errors"]) == {"voters_verified"}
    assert UnitOutcome.objects.count() == 0
