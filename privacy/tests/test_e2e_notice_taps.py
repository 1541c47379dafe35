"""The privacy notice and the ways to it are tapped on a 360 px phone: every link on the way
(sign-in, the officer card, the public check, the residents' page, the manager's portal) and
the contact's email and phone on the notice are at least 44 px high, with no horizontal
scroll and no Content-Security-Policy violation."""

import pytest
from allauth.account.models import EmailAddress

from accounts.models import User
from accounts.tests.factories import UserFactory
from buildings.tests.factories import BuildingManagerFactory
from conftest import sign_in
from privacy.models import PrivacyContact
from visits.tests.factories import field_day

pytestmark = pytest.mark.django_db(transaction=True)

LINK = "a[href^='/privasi/']"


def _watch(page):
    violations = []
    page.on(
        "console",
        lambda message: (
            violations.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    return violations


def _heights(page, selector) -> list[tuple[str, int]]:
    return page.eval_on_selector_all(
        selector,
        "els => els.map(e => [e.textContent.trim(), Math.round(e.getBoundingClientRect().height)])",
    )


def _signs_in(user):
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user


def _fits(page):
    assert page.evaluate("document.documentElement.scrollWidth") <= 360, page.url


def test_every_way_to_the_notice_is_a_44_px_tap(small_phone):
    from lobby.services import public_link_current

    day = field_day()
    token = public_link_current(day.building).token
    violations = _watch(small_phone)
    for path in ("/akun/login/", "/cek/", f"/warga/{token}/"):
        small_phone.goto(path)
        heights = _heights(small_phone, LINK)
        assert heights and all(h >= 44 for _, h in heights), (path, heights)
        _fits(small_phone)
    sign_in(small_phone, _signs_in(day.pantarlih).email)
    small_phone.goto("/lapangan/kartu/")
    heights = _heights(small_phone, LINK)
    assert heights and all(h >= 44 for _, h in heights), heights
    assert not violations, violations


def test_a_signed_in_manager_reaches_the_notice_from_the_portal(small_phone):
    manager = _signs_in(UserFactory(role=User.Role.PENGELOLA, email="pengelola@uji.coklit.id"))
    BuildingManagerFactory(user=manager)
    violations = _watch(small_phone)
    sign_in(small_phone, manager.email)
    small_phone.goto("/portal/")
    heights = _heights(small_phone, LINK)
    assert heights and all(h >= 44 for _, h in heights), heights
    small_phone.click(LINK)
    small_phone.wait_for_url("**/privasi/**")
    _fits(small_phone)
    assert not violations, violations


def test_the_contacts_email_and_phone_on_the_notice_are_44_px_taps(small_phone):
    PrivacyContact(
        office="PPID KPU Provinsi DKI Jakarta", email="ppid@kpu-dki.example.id",
        phone="+62214247000", address="Jl. Salemba Raya No. 15", hours="Senin–Jumat",
    ).save()  # fmt: skip
    violations = _watch(small_phone)
    for path in ("/privasi/", "/privasi/?lang=en"):
        small_phone.goto(path)
        heights = _heights(small_phone, ".privacy a[href^='mailto:'], .privacy a[href^='tel:']")
        assert len(heights) == 2 and all(h >= 44 for _, h in heights), heights
        _fits(small_phone)
    assert not violations, violations
