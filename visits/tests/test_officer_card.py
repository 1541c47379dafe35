"""The officer card and its public check: signed, expiring, rate-limited, telling little."""

import datetime

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from visits.officer_card import card_code, card_read
from visits.tests.factories import field_day

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_rate_limit():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def day():
    day = field_day()
    day.pantarlih.full_name = "Rizky Ramadhan"
    day.pantarlih.unit_name = "Pantarlih TPS 021 Kelurahan Rawajati"
    day.pantarlih.phone = "+6281287654321"
    day.pantarlih.save()
    return day


def english(client):
    client.cookies["django_language"] = "en"
    return client


def test_the_card_shows_name_unit_buildings_validity_qr_and_code(client, day):
    english(client).force_login(day.pantarlih)

    page = client.get(reverse("officer_card")).content.decode()

    code = card_code(day.pantarlih.pk, day.period.ends_on)
    for text in ("Rizky Ramadhan", "Pantarlih TPS 021", day.building.name, code, "<svg"):
        assert text in page, text
    assert day.period.ends_on.strftime("%-d %b %Y") in page


def test_the_code_is_signed_and_carries_the_period_end(day):
    code = card_code(day.pantarlih.pk, day.period.ends_on)

    assert len(code) == 20  # 18 characters in three groups
    assert card_read(code) == (day.pantarlih.pk, day.period.ends_on)
    assert card_read(code.lower().replace("-", " ")) == (day.pantarlih.pk, day.period.ends_on)


def test_the_check_shows_a_valid_officer_and_nothing_private(client, day):
    code = card_code(day.pantarlih.pk, day.period.ends_on)

    response = english(client).get(reverse("officer_check", args=[code]))

    page = response.content.decode()
    assert response.status_code == 200
    for text in ("Valid today", "Rizky Ramadhan", "Field officer (pantarlih)", "Pantarlih TPS 021"):
        assert text in page, text
    assert day.building.name in page and day.building.kelurahan.name in page
    assert day.pantarlih.email not in page
    assert "6281287654321" not in page


def test_the_qr_holds_the_check_url(client, day):
    client.force_login(day.pantarlih)
    code = card_code(day.pantarlih.pk, day.period.ends_on)
    response = client.get(reverse("officer_card"))
    # segno draws the modules, not the text; check the URL the view encoded instead.
    assert code in response.content.decode()
    assert client.get(reverse("officer_check", args=[code])).status_code == 200


def test_the_qr_scales_with_its_box_and_the_check_address_is_written_in_full(client, day, settings):
    # The address the phone reached, not SITE_URL: a demo on another host or port stays right.
    settings.SITE_URL = "http://127.0.0.1:8000"
    settings.ALLOWED_HOSTS = ["coklit.example.id"]
    english(client).force_login(day.pantarlih)

    page = client.get(
        reverse("officer_card"), headers={"host": "coklit.example.id"}, secure=True
    ).content.decode()

    svg = page[page.index("<svg") : page.index(">", page.index("<svg"))]
    assert "viewBox=" in svg and "width=" not in svg and "height=" not in svg
    assert "typing it at https://coklit.example.id/cek/." in page


def test_a_tampered_code_says_so(client, day):
    code = card_code(day.pantarlih.pk, day.period.ends_on)
    # Change the encoded user id: the signature no longer matches.
    tampered = ("B" if code[0] == "A" else "A") + code[1:]

    response = english(client).get(reverse("officer_check", args=[tampered]))

    assert response.status_code == 404
    assert "This code is not valid" in response.content.decode()
    assert "Rizky" not in response.content.decode()


def test_a_code_extended_by_hand_fails_the_signature(client, day):
    real = card_code(day.pantarlih.pk, day.period.ends_on)
    longer = card_code(day.pantarlih.pk, day.period.ends_on + datetime.timedelta(days=365))
    forged = longer[:13] + real[13:]

    assert (
        "This code is not valid"
        in english(client).get(reverse("officer_check", args=[forged])).content.decode()
    )


def test_an_expired_card_says_so(client, day):
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    code = card_code(day.pantarlih.pk, yesterday)

    page = english(client).get(reverse("officer_check", args=[code])).content.decode()

    assert "This card has expired" in page
    assert "Valid today" not in page


def test_an_officer_without_an_assignment_today_is_not_valid(client, day):
    day.period.starts_on = timezone.localdate() + datetime.timedelta(days=2)
    day.period.save()
    code = card_code(day.pantarlih.pk, day.period.ends_on)

    page = english(client).get(reverse("officer_check", args=[code])).content.decode()

    assert "Not valid today" in page


def test_an_unknown_or_deactivated_officer_is_not_found(client, day):
    code = card_code(day.pantarlih.pk, day.period.ends_on)
    day.pantarlih.is_active = False
    day.pantarlih.save()

    response = english(client).get(reverse("officer_check", args=[code]))

    assert response.status_code == 404
    assert "No officer has this code" in response.content.decode()


def test_the_form_takes_a_typed_code_with_spaces_and_lookalike_digits(client, day):
    code = card_code(day.pantarlih.pk, day.period.ends_on)
    typed = code.replace("-", " ").replace("O", "0").replace("I", "1").lower()

    response = client.get(reverse("officer_check_form"), {"kode": typed})

    assert response.status_code == 302
    assert response["Location"] == reverse("officer_check", args=[code])


@pytest.fixture
def one_minute(monkeypatch):
    """The limit counts per clock minute; the test must not straddle two."""
    import types

    monkeypatch.setattr("core.ratelimit.time", types.SimpleNamespace(time=lambda: 1.8e9))


def test_the_check_is_rate_limited_per_address_with_a_clear_429(client, day, one_minute):
    code = card_code(day.pantarlih.pk, day.period.ends_on)
    url = reverse("officer_check", args=[code])
    english(client)
    for _ in range(30):
        assert client.get(url).status_code == 200

    response = client.get(url)
    assert response.status_code == 429
    assert "Wait one minute" in response.content.decode()
    assert client.get(url, REMOTE_ADDR="10.0.0.9").status_code == 200


def test_behind_the_proxy_the_limit_counts_each_client_not_the_proxy(
    client, day, settings, one_minute
):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1  # one nginx, appending the address it saw
    url = reverse("officer_check", args=[card_code(day.pantarlih.pk, day.period.ends_on)])
    proxy = {"REMOTE_ADDR": "10.1.1.1"}
    for _ in range(30):
        assert client.get(url, HTTP_X_FORWARDED_FOR="36.70.1.1", **proxy).status_code == 200
    assert client.get(url, HTTP_X_FORWARDED_FOR="36.70.1.1", **proxy).status_code == 429
    # Another phone behind the same proxy still gets through...
    assert client.get(url, HTTP_X_FORWARDED_FOR="36.70.2.2", **proxy).status_code == 200
    # ...and a forged entry in front of the proxy's own does not change who is counted.
    forged = "1.2.3.4, 36.70.1.1"
    assert client.get(url, HTTP_X_FORWARDED_FOR=forged, **proxy).status_code == 429


def test_sign_in_limits_read_the_same_client_address(rf, settings):
    from allauth.core.internal.httpkit import get_client_ip

    from core.http import client_ip

    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    request = rf.get("/", HTTP_X_FORWARDED_FOR="9.9.9.9, 36.70.1.1", REMOTE_ADDR="10.1.1.1")
    assert client_ip(request) == get_client_ip(request) == "36.70.1.1"
