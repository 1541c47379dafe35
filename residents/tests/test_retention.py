"""Residents' callback numbers go when the period ends; their requests 90 days after it."""

import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone

from buildings.tests.factories import UnitFactory
from lobby.services import visit_request_submit
from residents.models import VisitRequest
from residents.retention import purge_closed_periods
from visits.tests.factories import CoklitPeriodFactory

pytestmark = pytest.mark.django_db

PHONE = "+6281234567890"


def period_ended(days_ago: int):
    end = timezone.localdate() - datetime.timedelta(days=days_ago)
    return CoklitPeriodFactory(starts_on=end - datetime.timedelta(days=30), ends_on=end)


def requests_in(period, n=2):
    return [
        visit_request_submit(period=period, unit=UnitFactory(), best_time="sore", callback_phone=p)
        for p in (PHONE, "")[:n]
    ]


@pytest.fixture
def periods():
    return {
        "long_closed": period_ended(91),
        "just_closed": period_ended(10),
        "open": CoklitPeriodFactory(),
    }


def test_a_period_closed_91_days_ago_loses_its_requests_an_open_one_nothing(periods):
    for period in periods.values():
        requests_in(period)

    counts = purge_closed_periods()

    assert counts == {"callback numbers erased": 2, "visit requests deleted": 2}
    assert not VisitRequest.objects.filter(period=periods["long_closed"]).exists()
    just_closed = VisitRequest.objects.filter(period=periods["just_closed"])
    assert just_closed.count() == 2 and not just_closed.exclude(callback_phone="").exists()
    still_open = VisitRequest.objects.filter(period=periods["open"])
    assert still_open.count() == 2 and still_open.filter(callback_phone=PHONE).count() == 1


def test_a_dry_run_counts_and_touches_nothing(periods):
    for period in periods.values():
        requests_in(period)
    before = list(VisitRequest.objects.values_list("pk", "callback_phone").order_by("pk"))

    counts = purge_closed_periods(dry_run=True)

    assert counts == {"callback numbers erased": 2, "visit requests deleted": 2}
    assert list(VisitRequest.objects.values_list("pk", "callback_phone").order_by("pk")) == before


def test_the_retention_counts_from_the_setting(periods, settings):
    requests_in(periods["just_closed"])
    settings.PRIVACY_RETENTION_DAYS = 5
    assert purge_closed_periods()["visit requests deleted"] == 2


def test_a_held_period_keeps_its_requests_but_not_the_numbers(periods):
    from privacy.models import RetentionHold

    RetentionHold.objects.create(period=periods["long_closed"], reason="Sengketa di Bawaslu.")
    requests_in(periods["long_closed"])

    assert purge_closed_periods() == {"callback numbers erased": 1, "visit requests deleted": 0}
    assert not VisitRequest.objects.exclude(callback_phone="").exists()


def test_the_command_and_apply_retention_both_purge(periods, capsys):
    requests_in(periods["long_closed"])
    call_command("purge_resident_requests", "--dry-run")
    assert "visit requests deleted: 2" in capsys.readouterr().out
    assert VisitRequest.objects.count() == 2

    call_command("apply_retention")
    assert not VisitRequest.objects.exists()
