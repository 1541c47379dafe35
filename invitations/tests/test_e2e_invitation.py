"""End to end in Chromium: a KPU Kota operator invites a manager, who signs up on a phone."""

import re

import pytest

from accounts.models import User
from accounts.tests.factories import UserFactory
from buildings.models import BuildingManager
from buildings.tests.factories import BuildingFactory
from conftest import sign_in
from regions.models import Region

pytestmark = [pytest.mark.django_db(transaction=True)]


def test_operator_invites_a_manager_who_signs_up_on_a_phone(laptop, phone, mailoutbox):
    from allauth.account.models import EmailAddress

    selatan = Region.objects.get(code="31.74")
    operator = UserFactory(
        email="operator@uji.coklit.id", role="kpu_kota", region=selatan, is_staff=True
    )
    EmailAddress.objects.create(user=operator, email=operator.email, verified=True, primary=True)
    building = BuildingFactory(
        name="Kalibata City", kelurahan=Region.objects.get(code="31.74.08.1003")
    )

    # The operator, on a laptop, fills in the invitation form.
    sign_in(laptop, operator.email)
    laptop.goto("/undangan/")
    laptop.fill("input[name=full_name]", "Yohanes Pratama")
    laptop.fill("input[name=email]", "yohanes@uji.coklit.id")
    laptop.fill("input[name=phone]", "0812 8813 0457")
    laptop.select_option("select[name=role]", "pengelola")
    laptop.select_option("select[name=building]", str(building.pk))
    laptop.click("main form button[type=submit]")
    laptop.wait_for_selector(".messages .success")
    assert "yohanes@uji.coklit.id" in laptop.inner_text("table")

    # The manager opens the emailed link on a phone and creates the account.
    link = re.search(r"http://\S+(/undangan/terima/\S+/)", mailoutbox[-1].body).group(1)
    phone.goto(link)
    assert phone.input_value("input[name=email]") == "yohanes@uji.coklit.id"
    phone.fill("input[name=password1]", "lobi tower jasmine pagi")
    phone.fill("input[name=password2]", "lobi tower jasmine pagi")
    phone.click("main form button[type=submit]")
    phone.wait_for_url("**/")
    assert "Kalibata City" in phone.inner_text("main")
    # Nothing on the page is wider than the phone.
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390

    manager = User.objects.get(email="yohanes@uji.coklit.id")
    assert manager.role == "pengelola" and manager.phone == "+6281288130457"
    assert BuildingManager.objects.filter(user=manager, building=building).exists()

    # The link works once.
    phone.goto(link)
    assert "Masuk" in phone.inner_text("main")


def test_the_form_asks_only_what_the_role_needs_and_keeps_the_role_for_the_next(
    laptop, phone, mailoutbox
):
    """Issue #16: a building fixes the kelurahan, a TPS is asked of a pantarlih only, the role
    stays after sending, and the sign-up page says who invited whom as what."""
    from allauth.account.models import EmailAddress

    selatan = Region.objects.get(code="31.74")
    operator = UserFactory(email="operator@uji.coklit.id", full_name="Agus Setiawan",
                           role="kpu_kota", region=selatan, is_staff=True)  # fmt: skip
    EmailAddress.objects.create(user=operator, email=operator.email, verified=True, primary=True)
    building = BuildingFactory(
        name="Apartemen Taman Rasuna", kelurahan=Region.objects.get(code="31.74.08.1003")
    )
    sign_in(laptop, operator.email)
    laptop.goto("/undangan/")
    region, tps = laptop.locator("#id_region"), laptop.locator("#id_tps")

    laptop.select_option("select[name=role]", "pengelola")
    assert not region.is_visible() and not tps.is_visible()
    laptop.select_option("select[name=role]", "pantarlih")
    assert region.is_visible() and tps.is_visible()
    laptop.select_option("select[name=building]", str(building.pk))
    assert not region.is_visible() and tps.is_visible()

    laptop.fill("input[name=full_name]", "Sari Wulandari")
    laptop.fill("input[name=email]", "sari@uji.coklit.id")
    laptop.fill("input[name=tps]", "12")
    laptop.click("main form button[type=submit]")
    laptop.wait_for_selector(".messages .success")
    assert laptop.input_value("select[name=role]") == "pantarlih"
    assert laptop.input_value("select[name=building]") == str(building.pk)
    assert laptop.input_value("input[name=email]") == ""

    link = re.search(r"http://\S+(/undangan/terima/\S+/)", mailoutbox[-1].body).group(1)
    phone.goto(link)
    invited = phone.inner_text(".invited-as")
    assert "TPS 012" in invited and "Apartemen Taman Rasuna" in invited
    assert "Agus Setiawan" in invited
