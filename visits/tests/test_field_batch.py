"""A batch from the phone is stored in a fixed number of queries, with every guarantee of one
sent alone: each UUID stored once, the same answer to a resend, the newest outcome by phone
time wins, and the towers' totals follow."""

import datetime
import os
import random
import threading
import uuid

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from buildings import totals
from buildings.models import TowerTotals, Unit
from visits.models import UnitOutcome
from visits.tests.factories import field_day

pytestmark = pytest.mark.django_db

URL = reverse("field_sync")


def item(day, unit, **changes):
    data = {
        "client_uuid": str(uuid.uuid4()),
        "visit": str(day.visit.client_uuid),
        "unit": unit.pk,
        "outcome": "done",
        "voters_verified": 2,
        "voters_removed": 0,
        "voters_new": 0,
        "sticker": "placed",
        "recorded_at": (timezone.now() - datetime.timedelta(minutes=5)).isoformat(),
    }
    data.update(changes)
    return data


def send(client, items):
    return client.post(URL, {"outcomes": items}, content_type="application/json")


def _queries(client, items) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = send(client, items)
    assert response.status_code == 200
    assert {r["status"] for r in response.json()["results"]} == {"stored"}
    return len(captured)


def test_a_batch_takes_the_same_queries_whatever_its_size(client):
    day = field_day(floors=5, units_per_floor=12)
    client.force_login(day.pantarlih)
    send(client, [item(day, day.units[-1])])  # the first request of a session also saves it
    one = _queries(client, [item(day, day.units[0])])
    ten = _queries(client, [item(day, u) for u in day.units[1:11]])
    fifty = _queries(
        client, [item(day, u) for u in day.units[11:61]][:49] + [item(day, day.units[0])]
    )
    assert ten == fifty, (one, ten, fifty)
    # One unit needs no lock in id order (the update takes it): one query fewer.
    assert one <= ten <= one + 1
    assert ten <= 10, "session, user, visits, units with their assignment, insert, lock, update"
    assert UnitOutcome.objects.count() == 62
    assert not totals.drift().towers


def test_a_resent_batch_reads_the_stored_rows_once(client):
    day = field_day(floors=2, units_per_floor=10)
    client.force_login(day.pantarlih)
    batch = [item(day, u) for u in day.units]
    stored = _queries(client, batch)
    with CaptureQueriesContext(connection) as captured:
        again = send(client, batch).json()["results"]
    assert {r["status"] for r in again} == {"duplicate"}
    assert len(captured) <= stored + 1
    assert UnitOutcome.objects.count() == 20


def test_several_outcomes_of_one_unit_in_a_batch_count_all_and_the_newest_wins(client):
    day = field_day()
    client.force_login(day.pantarlih)
    unit = day.units[0]
    now = timezone.now()
    items = [
        item(day, unit, outcome="not_home", sticker="", voters_verified=0,
             recorded_at=(now - datetime.timedelta(minutes=30)).isoformat()),
        item(day, unit, outcome="done", voters_verified=4,
             recorded_at=(now - datetime.timedelta(minutes=10)).isoformat()),
        item(day, unit, outcome="refused", sticker="", voters_verified=0,
             recorded_at=(now - datetime.timedelta(minutes=20)).isoformat()),
    ]  # fmt: skip
    results = send(client, items).json()["results"]
    assert [r["status"] for r in results] == ["stored"] * 3
    unit.refresh_from_db()
    assert (unit.status, unit.voters_verified, unit.outcome_count, unit.refusal_count) == (
        "done",
        4,
        3,
        1,
    )
    tower = TowerTotals.objects.get(tower=day.tower)
    assert (tower.closed_units, tower.outcome_count, tower.voters_verified) == (1, 3, 4)


def test_the_same_uuid_twice_in_a_batch_with_other_content_is_a_conflict(client):
    day = field_day()
    client.force_login(day.pantarlih)
    first = item(day, day.units[0])
    changed = {**first, "voters_verified": 5}
    response = send(client, [first, dict(first), changed])
    assert response.status_code == 409
    assert [r["status"] for r in response.json()["results"]] == [
        "stored",
        "duplicate",
        "conflict",
    ]
    assert UnitOutcome.objects.count() == 1


def test_a_resend_after_the_period_closed_is_still_a_duplicate(client):
    day = field_day()
    client.force_login(day.pantarlih)
    sent = item(day, day.units[0])
    assert send(client, [sent]).json()["results"][0]["status"] == "stored"
    day.period.ends_on = timezone.localdate() - datetime.timedelta(days=5)
    day.period.starts_on = day.period.ends_on - datetime.timedelta(days=20)
    day.period.save()
    again = send(client, [sent, item(day, day.units[1])]).json()["results"]
    assert [r["status"] for r in again] == ["duplicate", "invalid"]


@pytest.mark.django_db(transaction=True)
def test_concurrent_batches_sharing_uuids_store_each_once_and_keep_the_totals():
    if connection.vendor != "postgresql":
        if os.environ.get("CI") == "true":
            pytest.fail("CI runs this on PostgreSQL")
        pytest.skip("needs PostgreSQL's concurrent transactions (CI runs it there)")
    day = field_day(floors=4, units_per_floor=10)
    rng = random.Random(7)
    batch = [item(day, u) for u in day.units] + [
        item(day, rng.choice(day.units), outcome="not_home", sticker="", voters_verified=0)
        for _ in range(20)
    ]
    senders = 8
    barrier = threading.Barrier(senders)
    answers: list[list[str]] = []
    errors: list[BaseException] = []

    def worker(seed):
        from django.db import connections

        try:
            mine = list(batch)
            random.Random(seed).shuffle(mine)  # the same UUIDs, each phone in its own order
            client = Client()
            client.force_login(day.pantarlih)
            barrier.wait()
            response = send(client, mine)
            assert response.status_code == 200, response.content
            by_uuid = {r["client_uuid"]: r["status"] for r in response.json()["results"]}
            answers.append([by_uuid[i["client_uuid"]] for i in batch])
        except BaseException as e:  # noqa: BLE001 - reported below, from the main thread
            errors.append(e)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(senders)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert not errors, errors
    assert UnitOutcome.objects.count() == len(batch)
    for column in zip(*answers, strict=True):  # one UUID, as every sender was answered
        assert sorted(column) == ["duplicate"] * (senders - 1) + ["stored"]
    for unit in Unit.objects.filter(tower=day.tower):
        assert unit.outcome_count == unit.outcomes.count()
    assert not totals.drift().towers
