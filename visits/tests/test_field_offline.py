"""The service worker that keeps field pages for a reload without signal, and what the
server tells it: which pages may be kept, for whom, and with which banner."""

import json
import re

import pytest
from django.contrib.staticfiles.storage import StaticFilesStorage
from django.urls import reverse

from accounts.tests.factories import UserFactory
from visits.tests.factories import field_day
from visits.views.field import OFFLINE_BANNER, OFFLINE_COPY_HEADER, offline_owner

pytestmark = pytest.mark.django_db


class HashedStorage(StaticFilesStorage):
    """Names like WhiteNoise's CompressedManifestStaticFilesStorage gives them in production."""

    def url(self, name):
        stem, dot, ext = name.rpartition(".")
        return super().url(f"{stem}.0123456789ab{dot}{ext}")


@pytest.fixture
def day():
    return field_day()


@pytest.fixture
def phone(client, day):
    client.force_login(day.pantarlih)
    return client


def config(response):
    return json.loads(re.search(r"var CONFIG = (.*);", response.content.decode())[1])


def test_the_worker_is_javascript_served_under_the_field_pages(client):
    response = client.get(reverse("field_sw"))

    assert reverse("field_sw") == "/lapangan/sw.js"  # its folder is its scope: /lapangan/
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/javascript")
    assert response["Cache-Control"] == "no-cache"
    assert "Content-Security-Policy" in response
    settings = config(response)
    assert settings["scope"] == "/lapangan/"
    assert settings["header"] == OFFLINE_COPY_HEADER
    assert settings["banner"] == list(OFFLINE_BANNER)
    assert settings["precache"] == [
        "/static/css/app.css",
        "/static/js/field.js",
        "/lapangan/luring/",
    ]


def test_a_signed_in_phone_keeps_the_worker_to_revalidate_it(phone):
    # Not no-store: the script holds no data, and the browser needs a copy to send
    # If-None-Match (test_sw_cache.py).
    response = phone.get(reverse("field_sw"))

    assert response.status_code == 200
    assert response["Cache-Control"] == "no-cache"


def test_the_worker_caches_the_hashed_files_production_serves(client, settings):
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": f"{__name__}.HashedStorage"},
    }

    settings_js = config(client.get(reverse("field_sw")))

    assert settings_js["precache"][:2] == [
        "/static/css/app.0123456789ab.css",
        "/static/js/field.0123456789ab.js",
    ]
    assert settings_js["assets"] == {
        "/static/css/app.css": "/static/css/app.0123456789ab.css",
        "/static/js/field.js": "/static/js/field.0123456789ab.js",
    }


def test_the_worker_changes_with_the_language_so_its_offline_page_follows(client):
    indonesian = config(client.get(reverse("field_sw")))["version"]
    client.cookies["django_language"] = "en"
    english = config(client.get(reverse("field_sw")))["version"]

    assert indonesian != english


def test_the_offline_page_is_public_and_names_nobody(client, phone, day):
    anonymous = client.get(reverse("field_offline"))
    signed_in = phone.get(reverse("field_offline"))

    assert anonymous.status_code == 200
    assert signed_in.status_code == 200
    assert day.pantarlih.full_name not in signed_in.content.decode()
    assert "csrfmiddlewaretoken" not in signed_in.content.decode()
    assert OFFLINE_COPY_HEADER not in signed_in


def test_today_the_grid_and_a_unit_may_be_kept_by_their_owner(phone, day):
    owner = offline_owner(day.pantarlih)
    for url in (
        reverse("field_today"),
        reverse("field_grid", args=[day.tower.pk]),
        reverse("field_grid", args=[day.tower.pk]) + "?show=todo",
        reverse("field_unit", args=[day.units[0].pk]),
    ):
        response = phone.get(url)
        assert response.status_code == 200, url
        assert response[OFFLINE_COPY_HEADER] == owner, url
        assert response.content.decode().count(OFFLINE_BANNER[0]) == 1, url


def test_another_pantarlih_is_another_owner(day):
    assert offline_owner(day.pantarlih) != offline_owner(UserFactory(role="pantarlih"))


def test_the_officer_card_forms_and_the_queue_are_never_kept(phone, day):
    responses = [
        phone.get(reverse("officer_card")),
        phone.get(reverse("field_visit_start", args=[day.tower.pk])),
        phone.get(reverse("field_visit_end", args=[day.visit.pk])),
        phone.post(reverse("field_unit", args=[day.units[0].pk]), {}),
        phone.post(reverse("field_sync"), "{}", content_type="application/json"),
    ]

    for response in responses:
        assert OFFLINE_COPY_HEADER not in response, response.request["PATH_INFO"]


def test_nothing_is_kept_for_a_page_outside_the_scope(phone, client):
    other = field_day()

    response = phone.get(reverse("field_grid", args=[other.tower.pk]))

    assert response.status_code == 404
    assert OFFLINE_COPY_HEADER not in response


def test_a_building_name_cannot_fake_the_offline_banner(phone, day):
    day.building.name = OFFLINE_BANNER[0]
    day.building.save()

    html = phone.get(reverse("field_grid", args=[day.tower.pk])).content.decode()

    assert html.count(OFFLINE_BANNER[0]) == 1


def test_the_banner_and_the_offline_page_speak_indonesian(client, phone, day):
    grid = phone.get(reverse("field_grid", args=[day.tower.pk])).content.decode()
    offline = client.get(reverse("field_offline")).content.decode()

    assert "Luring: salinan ini disimpan di ponsel ini pada" in grid
    assert "Tidak ada koneksi" in offline
    assert "Kartu petugas memerlukan koneksi." in offline
