"""What a pantarlih's phone downloads again and again: the service worker, which the browser
checks for an update at every navigation and which is answered 304 without a body while it is
unchanged, and the field pages, sent gzipped."""

import gzip

import pytest
from django.urls import reverse

from visits.tests.factories import field_day

pytestmark = pytest.mark.django_db


@pytest.fixture
def day():
    return field_day()


@pytest.fixture
def phone(client, day):
    client.force_login(day.pantarlih)
    return client


def assert_unchanged_worker_is_not_sent_again(browser):
    first = browser.get(reverse("field_sw"))
    assert first.status_code == 200
    assert first["ETag"].startswith('"')  # strong: a digest of the whole script
    assert first["Cache-Control"] == "no-cache"

    again = browser.get(reverse("field_sw"), HTTP_IF_NONE_MATCH=first["ETag"])

    assert again.status_code == 304
    assert again.content == b""
    assert again["ETag"] == first["ETag"]
    # no-store here would make the browser drop its copy, and its next check a full download.
    assert again["Cache-Control"] == "no-cache"


def test_an_unchanged_worker_is_answered_304_without_a_body(client):
    assert_unchanged_worker_is_not_sent_again(client)


def test_a_signed_in_phone_revalidates_the_worker_too(phone):
    assert_unchanged_worker_is_not_sent_again(phone)


def test_another_worker_is_sent_in_full(client):
    response = client.get(reverse("field_sw"), HTTP_IF_NONE_MATCH='"0123456789abcdef"')

    assert response.status_code == 200
    assert b"var CONFIG" in response.content


def test_the_worker_etag_changes_with_the_language(phone):
    indonesian = phone.get(reverse("field_sw"))["ETag"]
    phone.cookies["django_language"] = "en"

    english = phone.get(reverse("field_sw"), HTTP_IF_NONE_MATCH=indonesian)

    assert english.status_code == 200
    assert english["ETag"] != indonesian


def test_the_gzipped_worker_revalidates_with_its_weak_etag(client):
    # GZipMiddleware turns a strong ETag weak (the bytes differ); the check still matches.
    first = client.get(reverse("field_sw"), HTTP_ACCEPT_ENCODING="gzip")
    assert first["Content-Encoding"] == "gzip"
    assert first["ETag"].startswith('W/"')

    again = client.get(
        reverse("field_sw"), HTTP_ACCEPT_ENCODING="gzip", HTTP_IF_NONE_MATCH=first["ETag"]
    )

    assert again.status_code == 304
    assert again.content == b""


def test_a_field_page_is_sent_gzipped_to_a_phone_that_accepts_it(phone, day):
    response = phone.get(reverse("field_grid", args=[day.tower.pk]), HTTP_ACCEPT_ENCODING="gzip")

    assert response.status_code == 200
    assert response["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in response["Vary"]
    assert day.units[0].number in gzip.decompress(response.content).decode()
    assert response["Cache-Control"] == "no-store"  # still never kept by the browser's cache


def test_a_field_page_is_sent_plain_to_a_client_without_gzip(phone):
    response = phone.get(reverse("field_today"))

    assert response.status_code == 200
    assert "Content-Encoding" not in response
    assert "Accept-Encoding" in response["Vary"]
