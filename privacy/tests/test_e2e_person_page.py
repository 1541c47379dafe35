"""KPU Provinsi answers a request from a 360 px phone: the person's data page fits the screen
(a long email in its title wrapped past the edge) and its downloads and erasure are whole
44 px taps."""

import pytest
from allauth.account.models import EmailAddress

from accounts.models import User
from accounts.tests.factories import UserFactory
from conftest import sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_personal_data_page_fits_a_360_px_phone(small_phone):
    provinsi = UserFactory(
        email="provinsi@uji.coklit.id", role=User.Role.KPU_PROVINSI, is_staff=True
    )
    EmailAddress.objects.create(user=provinsi, email=provinsi.email, verified=True, primary=True)
    person = UserFactory(
        role=User.Role.PENGELOLA, full_name="Yohanes Pratama",
        email="pengelola.kalibata.city.tower.jasmine@contoh.coklit.id",
    )  # fmt: skip
    violations = []
    small_phone.on(
        "console",
        lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None,
    )
    sign_in(small_phone, provinsi.email)
    small_phone.goto(f"/admin/accounts/user/{person.pk}/data-pribadi/")

    assert small_phone.evaluate("document.documentElement.scrollWidth") <= 360
    taps = small_phone.eval_on_selector_all(
        "a[href*='data-pribadi.'], input.deletelink",
        "els => els.map(e => Math.round(e.getBoundingClientRect().height))",
    )
    assert len(taps) == 3 and min(taps) >= 44, taps
    assert not violations, violations
