"""The province snapshot is refreshed by one request at a time; the others serve the last one."""

import datetime

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from buildings.tests.factories import TowerFactory, UnitFactory
from progress import snapshot as coverage
from visits.tests.factories import pilkada_2024

pytestmark = pytest.mark.django_db


@pytest.fixture
def period():
    period = pilkada_2024()
    UnitFactory.create_batch(3, tower=TowerFactory())
    keys = [coverage._snapshot_key(period), coverage._buildings_key(period)]
    keys.append(f"{keys[0]}:refreshing")
    cache.delete_many(keys)
    yield period
    cache.delete_many(keys)


def _age(period, seconds, settings):
    """Make the stored snapshot look `seconds` old."""
    key = coverage._snapshot_key(period)
    stored = list(cache.get(key))
    stored[4] = timezone.now() - datetime.timedelta(seconds=seconds)
    cache.set(key, tuple(stored), 3600)
    return stored[4]


def test_a_stale_snapshot_is_served_while_another_request_refreshes_it(period, settings):
    coverage.province_snapshot_take(period)
    old = _age(period, 10 * settings.COVERAGE_SNAPSHOT_SECONDS, settings)
    cache.add(f"{coverage._snapshot_key(period)}:refreshing", 1, 60)  # another worker's lock
    with CaptureQueriesContext(connection) as queries:
        served = coverage.province_snapshot(period)
    assert served.taken_at == old
    assert len(queries) == 0  # nothing recomputed


def test_the_request_that_gets_the_lock_refreshes_it_and_lets_it_go(period, settings):
    coverage.province_snapshot_take(period)
    old = _age(period, 10 * settings.COVERAGE_SNAPSHOT_SECONDS, settings)
    served = coverage.province_snapshot(period)
    assert served.taken_at > old
    assert cache.get(f"{coverage._snapshot_key(period)}:refreshing") is None


def test_with_no_snapshot_at_all_and_the_lock_taken_a_request_waits_then_computes(
    period, settings, monkeypatch
):
    monkeypatch.setattr(coverage, "SNAPSHOT_WAIT_SECONDS", 0.2)
    cache.add(f"{coverage._snapshot_key(period)}:refreshing", 1, 60)
    served = coverage.province_snapshot(period)
    assert served.total.residential == 3
