import re
import time

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth.password_validation import validate_password
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.tests.factories import UserFactory
from conftest import PASSWORD

pytestmark = pytest.mark.django_db

LOGIN = "/akun/login/"


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def officer():
    user = UserFactory(email="petugas@uji.coklit.id", role="pantarlih")
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user


def _login(client, email, password):
    return client.post(LOGIN, {"login": email, "password": password})


def test_sign_in_with_email_and_password_lands_home(client, officer):
    response = _login(client, "Petugas@Uji.Coklit.id", PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == reverse("home")


def test_session_key_changes_at_sign_in(client, officer):
    client.get(LOGIN)
    before = client.session.session_key
    _login(client, officer.email, PASSWORD)
    assert client.session.session_key != before


def test_failed_logins_are_limited_per_account_and_the_limit_lifts_by_itself(
    client, officer, monkeypatch
):
    for _ in range(5):
        assert _login(client, officer.email, "salah-sandi").status_code == 200
    # The sixth attempt is refused even with the right password...
    blocked = _login(client, officer.email, PASSWORD)
    assert blocked.status_code in (200, 429)
    assert "_auth_user_id" not in client.session
    # ...and six minutes later the account signs in again: no lasting lockout.
    later = time.time() + 6 * 60
    monkeypatch.setattr(time, "time", lambda: later)  # the clock moves on, for everyone
    assert _login(client, officer.email, PASSWORD).status_code == 302
    assert "_auth_user_id" in client.session


def test_failed_logins_are_limited_per_ip(client, officer):
    for n in range(60):
        _login(client, f"tidak-ada-{n}@uji.coklit.id", "salah-sandi")
    blocked = _login(client, officer.email, PASSWORD)
    assert "_auth_user_id" not in client.session
    assert blocked.status_code in (200, 429)


def _from(client, address):
    client.defaults["REMOTE_ADDR"] = address
    return client


def test_a_stranger_guessing_elsewhere_cannot_lock_the_officer_out(client, officer):
    # Issue #13: five wrong passwords from anywhere blocked the right one for 5 minutes, for ever.
    attacker = _from(client.__class__(), "203.0.113.9")
    for _ in range(10):
        _login(attacker, officer.email, "salah-sandi")

    phone = _from(client, "198.51.100.7")
    assert _login(phone, officer.email, PASSWORD).status_code == 302


def test_twenty_failures_behind_one_carrier_nat_do_not_block_a_correct_sign_in(client, officer):
    nat = _from(client, "100.64.0.1")
    for n in range(20):
        _login(nat, f"rekan-{n}@uji.coklit.id", "salah-sandi")

    assert _login(nat, officer.email, PASSWORD).status_code == 302


def test_a_hammered_account_is_offered_the_emailed_code(client, officer):
    for n in range(20):
        _login(_from(client.__class__(), f"203.0.113.{n}"), officer.email, "salah-sandi")

    page = _login(_from(client, "198.51.100.7"), officer.email, "salah-lagi")
    messages = [str(m) for m in page.context["messages"]]
    assert any("code" in m or "kode" in m for m in messages)
    assert "/akun/login/code/" in page.content.decode()


def test_password_reset_answers_the_same_for_known_and_unknown_emails(client, officer):
    known = client.post("/akun/password/reset/", {"email": officer.email})
    unknown = client.post("/akun/password/reset/", {"email": "siapa@uji.coklit.id"})
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"]


def test_login_page_answers_the_same_for_known_and_unknown_emails(client, officer):
    known = _login(client, officer.email, "salah-sandi-1")
    unknown = _login(client, "siapa@uji.coklit.id", "salah-sandi-1")
    assert known.status_code == unknown.status_code == 200
    assert known.context["form"].errors == unknown.context["form"].errors


def test_sign_in_by_emailed_code(client, officer, mailoutbox):
    response = client.post("/akun/login/code/", {"email": officer.email})
    assert response.status_code == 302
    assert len(mailoutbox) == 1
    code = re.search(r"^([A-Z0-9]{4}-[A-Z0-9]{4})$", mailoutbox[0].body, re.M).group(1)
    response = client.post("/akun/login/code/confirm/", {"code": code})
    assert response.status_code == 302
    assert "_auth_user_id" in client.session


def test_sign_up_is_closed_without_an_invitation(client):
    response = client.get("/akun/signup/")
    assert response.status_code == 200
    assert "account/signup_closed.html" in [t.name for t in response.templates]


def test_admin_login_goes_through_allauth(client):
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)


@pytest.mark.parametrize(
    "password,ok",
    [
        ("pendek7", False),  # shorter than 8
        ("password123", False),  # a common password
        ("kalibatacity", True),  # no composition rules
        ("pantarlih naik tangga darurat lantai dua puluh tiga di tower jasmine pagi", True),
    ],
)
def test_password_rules_follow_nist(password, ok):
    if ok:
        validate_password(password)
    else:
        with pytest.raises(ValidationError):
            validate_password(password)


def test_staff_session_expires_after_30_idle_minutes(client):
    staff = UserFactory(role="kpu_kota")
    client.force_login(staff)
    client.get(reverse("home"))
    assert client.session.get_expiry_age() == 30 * 60


def test_pantarlih_session_lasts_the_working_day(client, officer):
    client.force_login(officer)
    client.get(reverse("home"))
    assert client.session.get_expiry_age() == 14 * 60 * 60


def test_changing_a_password_ends_the_other_sessions(client, officer):
    other = type(client)()
    other.force_login(officer)
    assert other.get(reverse("home")).status_code == 200
    officer.set_password("kata sandi baru yang panjang")
    officer.save()
    assert other.get(reverse("home")).status_code == 302


def test_deactivating_an_account_ends_its_sessions(client, officer):
    client.force_login(officer)
    officer.is_active = False
    officer.save()
    response = client.get(reverse("home"))
    assert response.status_code == 302 and response["Location"].startswith(LOGIN)


def test_pages_open_in_indonesian_even_for_an_english_browser(client):
    response = client.get(LOGIN, HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert response.context["LANGUAGE_CODE"] == "id"
    client.post("/i18n/setlang/", {"language": "en", "next": LOGIN})
    assert client.get(LOGIN).context["LANGUAGE_CODE"] == "en"


def test_a_manager_lands_in_the_portal(client):
    from buildings.tests.factories import BuildingManagerFactory

    manager = BuildingManagerFactory().user
    client.force_login(manager)
    response = client.get(reverse("home"))
    assert response.status_code == 302 and response["Location"] == reverse("portal_home")


def test_the_chosen_language_is_remembered_for_emails_and_the_next_device(client, officer):
    client.force_login(officer)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    client.get(reverse("home"))
    officer.refresh_from_db()
    assert officer.language == "en"
    other = type(client)()  # another phone: no cookie, the account's choice applies
    other.force_login(officer)
    assert other.get(LOGIN.replace("login/", "password/change/")).context["LANGUAGE_CODE"] == "en"


def test_an_expired_form_gets_a_page_in_the_apps_words_without_inline_style():
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    response = client.post("/akun/login/", {"login": "a@b.id", "password": "x"})
    assert response.status_code == 403
    page = response.content.decode()
    assert "Formulir sudah kedaluwarsa" in page and "<style" not in page and "style=" not in page
