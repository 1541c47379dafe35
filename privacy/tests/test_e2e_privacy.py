"""The privacy notice on the smallest phone, and a person's data page in the admin: no
horizontal scroll, no Content-Security-Policy violation, links reached by tapping."""

import pytest
from allauth.account.models import EmailAddress

from accounts.models import User
from accounts.tests.factories import UserFactory
from buildings.tests.factories import kelurahan
from conftest import sign_in
from privacy.models import PrivacyContact

pytestmark = pytest.mark.django_db(transaction=True)


def _watch(page):
    violations = []
    page.on(
        "console",
        lambda message: (
            violations.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    return violations


def test_the_notice_is_one_tap_from_sign_in_and_fits_a_360_px_phone(small_phone):
    PrivacyContact(office="PPID KPU Provinsi DKI Jakarta", email="ppid@kpu-dki.example.id").save()
    violations = _watch(small_phone)
    small_phone.goto("/akun/login/")
    small_phone.click("a[href='/privasi/']")
    small_phone.wait_for_url("**/privasi/")
    assert "PPID KPU Provinsi DKI Jakarta" in small_phone.inner_text("main")
    width = small_phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, width
    small_phone.click("button[name=language][value=en]")
    small_phone.wait_for_load_state("networkidle")
    assert "Privacy notice" in small_phone.inner_text("h1")
    assert not violations, violations


def test_kpu_provinsi_reaches_a_persons_data_from_the_account(laptop, world_live):
    violations = _watch(laptop)
    sign_in(laptop, world_live["provinsi"].email)
    laptop.goto(f"/admin/accounts/user/{world_live['officer'].pk}/change/")
    laptop.click("a[href$='/data-pribadi/']")
    laptop.wait_for_url("**/data-pribadi/")
    with laptop.expect_download() as download:
        laptop.click("a[href$='data-pribadi.json']")
    assert download.value.suggested_filename == f"data-pribadi-{world_live['officer'].pk}.json"
    assert not violations, violations


@pytest.fixture
def world_live():
    provinsi = UserFactory(
        email="provinsi@uji.coklit.id", role=User.Role.KPU_PROVINSI, is_staff=True
    )
    EmailAddress.objects.create(user=provinsi, email=provinsi.email, verified=True, primary=True)
    officer = UserFactory(
        email="petugas@uji.coklit.id", role=User.Role.PANTARLIH, region=kelurahan()
    )
    return {"provinsi": provinsi, "officer": officer}
