"""The strict Content-Security-Policy breaks nothing: every main page loads without a violation."""

import pytest

from conftest import sign_in

pytestmark = pytest.mark.django_db(transaction=True)

PAGES = {
    "kpu.provinsi@demo.coklit.id": ["/", "/dasbor/", "/undangan/", "/admin/",
                                    "/admin/buildings/building/", "/admin/buildings/unit/"],
    "pengelola.kalibata@demo.coklit.id": ["/portal/"],
    "pantarlih.rizky@demo.coklit.id": ["/lapangan/", "/lapangan/kartu/"],
}  # fmt: skip


def test_main_pages_load_without_a_policy_violation(phone, settings):
    from demo.builder import demo_seed
    from demo.data.people import DEMO_PASSWORD

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    demo_seed()
    violations = []
    phone.on(
        "console",
        lambda message: (
            violations.append((phone.url, message.text))
            if "Content Security Policy" in message.text
            else None
        ),
    )
    phone.goto("/akun/login/")
    phone.goto("/cek/")
    for email, paths in PAGES.items():
        phone.context.clear_cookies()
        sign_in(phone, email, DEMO_PASSWORD)
        for path in paths:
            response = phone.goto(path)
            assert response.status == 200, (email, path, response.status)
            phone.wait_for_load_state("networkidle")
    # The field grid runs its script; the portal and dashboard pages their links.
    phone.goto("/lapangan/")
    grid = phone.locator("a[href*='/lapangan/tower/']").first
    grid.click()
    phone.wait_for_load_state("networkidle")
    assert not violations, violations
