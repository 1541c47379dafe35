"""A database that does not answer is a 503 with Retry-After, never a 500; nothing half-saved.

The outage is simulated by making every connection attempt fail, as psycopg2 does while
PostgreSQL restarts; bench/fault_drill.py and test_fault_pg_restart.py restart a real one.
"""

import uuid
from unittest import mock

import pytest
from django.db import OperationalError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from visits.models import UnitOutcome
from visits.tests.factories import field_day

pytestmark = pytest.mark.django_db

REFUSED = OperationalError("connection to server at 127.0.0.1, port 5432 failed: refused")


@pytest.fixture
def database_down():
    """The database refuses connections until `.stop()` (or the test's end)."""
    patcher = mock.patch(
        "django.db.backends.base.base.BaseDatabaseWrapper.ensure_connection", side_effect=REFUSED
    )
    patcher.start()
    yield patcher
    mock.patch.stopall()


@pytest.fixture
def day():
    return field_day()


@pytest.fixture
def phone(day):
    # As in production: an exception becomes the error page instead of failing the test.
    client = Client(raise_request_exception=False)
    client.force_login(day.pantarlih)
    return client


def _outcome(day):
    return {
        "client_uuid": str(uuid.uuid4()), "visit": str(day.visit.client_uuid),
        "unit": day.units[0].pk, "outcome": "done", "voters_verified": 2, "voters_removed": 0,
        "voters_new": 0, "sticker": "placed", "recorded_at": timezone.now().isoformat(),
    }  # fmt: skip


def _send(client, *items):
    body = {"outcomes": list(items)}
    return client.post(reverse("field_sync"), body, content_type="application/json")


def test_the_phone_gets_a_json_503_then_its_outcome_is_stored_once(phone, day, database_down):
    sent = _outcome(day)
    response = _send(phone, sent)
    assert response.status_code == 503
    assert response["Retry-After"] == "15"
    assert response["Content-Type"] == "application/json"
    assert response.json()["error"]

    database_down.stop()
    assert not UnitOutcome.objects.filter(client_uuid=sent["client_uuid"]).exists()
    assert _send(phone, sent).json()["results"][0]["status"] == "stored"
    assert _send(phone, sent).json()["results"][0]["status"] == "duplicate"
    assert UnitOutcome.objects.filter(client_uuid=sent["client_uuid"]).count() == 1
    day.units[0].refresh_from_db()
    assert day.units[0].outcome_count == 1


def test_a_page_answers_503_in_indonesian_without_reading_the_database(phone, database_down):
    response = phone.get(reverse("field_today"))
    assert response.status_code == 503
    assert response["Retry-After"] == "15"
    assert response["Cache-Control"] == "no-store"
    page = response.content.decode()
    assert '<html lang="id">' in page and "Sementara tidak tersedia" in page
    assert "Traceback" not in page and "OperationalError" not in page


def test_the_503_page_follows_the_language_cookie(phone, database_down):
    phone.cookies["django_language"] = "en"
    page = phone.get(reverse("field_today")).content.decode()
    assert '<html lang="en">' in page and "Temporarily unavailable" in page


def test_healthz_answers_503_when_the_database_is_down(client, database_down):
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "down"


@pytest.fixture
def broken_page(settings):
    """A page that raises an ordinary error (coklit/tests/broken_urls.py)."""
    settings.ROOT_URLCONF = "coklit.tests.broken_urls"
    return "/rusak/"


def test_other_errors_stay_a_plain_500_page(phone, broken_page):
    response = phone.get(broken_page)
    assert response.status_code == 500
    assert not response.has_header("Retry-After")
    page = response.content.decode()
    assert "Kesalahan server" in page and "boom" not in page


def test_an_outage_is_logged_as_one_warning_line_not_a_traceback(
    phone, database_down, caplog, broken_page
):
    from coklit.logs import DatabaseOutageFilter

    with caplog.at_level("WARNING", logger="django.request"):
        phone.get(reverse("field_today"))
    record = next(r for r in caplog.records if r.name == "django.request")
    assert DatabaseOutageFilter().filter(record)
    assert record.levelname == "WARNING" and record.exc_info is None
    assert record.getMessage() == (
        "Service Unavailable: /lapangan/ (database unavailable: " + str(REFUSED) + ")"
    )
    # Any other server error keeps its level and traceback.
    database_down.stop()
    caplog.clear()
    with caplog.at_level("ERROR", logger="django.request"):
        phone.get(broken_page)
    record = next(r for r in caplog.records if r.name == "django.request")
    assert DatabaseOutageFilter().filter(record)
    assert record.levelname == "ERROR" and record.exc_info is not None
