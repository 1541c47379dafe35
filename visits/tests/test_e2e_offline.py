"""A tab reloaded without signal (Android kills background tabs): the service worker answers
with the page kept on the phone, marked offline, and the queue goes on; signing out, or
another pantarlih signing in, leaves no page of the first one on the phone."""

import pytest
from allauth.account.models import EmailAddress

from conftest import sign_in
from visits.models import UnitOutcome
from visits.tests.factories import field_day
from visits.tests.test_e2e_field import QUEUE_EMPTY, record

pytestmark = pytest.mark.django_db(transaction=True)

CONTROLLED = "() => !!navigator.serviceWorker.controller"
KEPT = """async (path) => {
  for (const name of await caches.keys()) {
    if (name.startsWith('coklit-field-pages-') && await (await caches.open(name)).match(path)) return true;
  }
  return false;
}"""


def pantarlih_day(**kwargs):
    day = field_day(**kwargs)
    day.pantarlih.email = f"pantarlih{day.pantarlih.pk}@uji.coklit.id"
    day.pantarlih.save()
    EmailAddress.objects.create(
        user=day.pantarlih, email=day.pantarlih.email, verified=True, primary=True
    )
    return day


def open_grid(page, day):
    """Sign in (today installs the worker), then open the grid, which the worker keeps."""
    sign_in(page, day.pantarlih.email)
    page.wait_for_url("**/lapangan/")
    page.wait_for_function(CONTROLLED)
    grid = f"/lapangan/tower/{day.tower.pk}/"
    page.goto(grid)
    page.wait_for_function(KEPT, arg=grid)
    return grid


def test_a_grid_opened_once_reloads_offline_and_its_outcome_is_sent_once(phone, live_server):
    day = pantarlih_day(floors=2, units_per_floor=5)
    context = phone.context
    context.add_cookies([{"name": "django_language", "value": "en", "url": live_server.url}])
    violations = []
    phone.on(
        "console",
        lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None,
    )
    open_grid(phone, day)
    assert not phone.is_visible("[data-offline]")

    context.set_offline(True)
    phone.reload()
    assert phone.is_visible("[data-offline]")
    assert "statuses may have changed" in phone.inner_text("[data-offline]")
    record(phone, day.units[3], "not_home")
    assert "1 waiting to send" in phone.inner_text("[data-queue]")
    assert not UnitOutcome.objects.exists()

    context.set_offline(False)
    phone.wait_for_function(QUEUE_EMPTY, timeout=30_000)
    assert UnitOutcome.objects.filter(unit=day.units[3], outcome="not_home").count() == 1
    assert UnitOutcome.objects.count() == 1
    phone.reload()
    assert not phone.is_visible("[data-offline]")
    assert UnitOutcome.objects.count() == 1
    assert not violations, violations


def test_a_field_page_never_opened_shows_the_offline_page(phone, live_server):
    day = pantarlih_day()
    context = phone.context
    context.add_cookies([{"name": "django_language", "value": "en", "url": live_server.url}])
    open_grid(phone, day)

    context.set_offline(True)
    phone.goto("/lapangan/kartu/")
    assert "No connection" in phone.inner_text("h1")


def test_signing_out_leaves_no_field_page_on_the_phone(phone, live_server):
    day = pantarlih_day()
    grid = open_grid(phone, day)

    phone.click("header form button[type=submit]")  # Sign out
    phone.wait_for_url(lambda url: "/lapangan/" not in url)
    assert not phone.evaluate(KEPT, grid)
    assert (
        phone.evaluate("async () => (await caches.keys()).filter(n => n.includes('-pages-'))") == []
    )

    phone.context.set_offline(True)
    phone.goto(grid)
    assert phone.locator("a.u").count() == 0
    assert day.building.name not in phone.content()


def test_another_pantarlih_signing_in_empties_the_first_ones_pages(phone, live_server):
    first, second = pantarlih_day(), pantarlih_day()
    grid = open_grid(phone, first)

    phone.context.clear_cookies()  # the session ended without the sign-out button
    sign_in(phone, second.pantarlih.email)
    phone.wait_for_url("**/lapangan/")
    phone.wait_for_function(KEPT, arg="/lapangan/")
    assert not phone.evaluate(KEPT, grid)
    assert (
        len(phone.evaluate("async () => (await caches.keys()).filter(n => n.includes('-pages-'))"))
        == 1
    )
