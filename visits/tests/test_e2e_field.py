"""A pantarlih's day on a phone in Chromium: sign in, start a visit, record units, lose the
connection, keep recording, get it back, and find every outcome stored exactly once."""

import pytest
from allauth.account.models import EmailAddress

from conftest import sign_in
from visits.models import UnitOutcome, Visit
from visits.tests.factories import field_day

pytestmark = pytest.mark.django_db(transaction=True)

# The phone's queue is kept per officer under "coklit.items.<owner>" (static/js/field.js).
QUEUE_ITEMS = """() => Object.keys(localStorage).filter(k => k.startsWith('coklit.items.'))
  .flatMap(k => JSON.parse(localStorage.getItem(k)))"""
QUEUE_EMPTY = f"() => ({QUEUE_ITEMS})().every(i => i.state !== 'wait')"
QUEUE_KEY = "() => Object.keys(localStorage).find(k => k.startsWith('coklit.items.'))"


def record(page, unit, outcome="done", voters=1):
    """Tap the unit, choose the outcome ("done" takes its voter count and sticker), save."""
    page.click(f'a.u[data-u="{unit.pk}"]')
    if outcome == "done":
        page.click("#rec-form label.o-done_placed")
        page.fill("#rec-form input[name=voters_verified]", str(voters))
    else:
        page.click(f"#rec-form label.o-{outcome}")
    page.click("#rec-form button[type=submit]")
    page.wait_for_selector(".tap-shield", state="hidden")  # the double-tap guard, 350 ms


def test_a_day_in_the_field_loses_nothing_and_doubles_nothing(phone, live_server):
    day = field_day(floors=3, units_per_floor=10)
    Visit.objects.filter(pk=day.visit.pk).delete()  # the phone starts its own visit
    pantarlih = day.pantarlih
    pantarlih.email = "rizky@uji.coklit.id"
    pantarlih.save()
    EmailAddress.objects.create(user=pantarlih, email=pantarlih.email, verified=True, primary=True)
    context = phone.context
    context.add_cookies([{"name": "django_language", "value": "en", "url": live_server.url}])
    floor = {f: [u for u in day.units if u.floor == f] for f in (1, 2, 3)}

    sign_in(phone, pantarlih.email)
    phone.wait_for_url("**/lapangan/")
    assert day.building.name in phone.content()
    phone.click("text=Start visit")
    phone.click("main form button[type=submit]")
    phone.wait_for_url(f"**/lapangan/tower/{day.tower.pk}/")
    assert Visit.objects.filter(pantarlih=pantarlih).count() == 1

    for unit in floor[1] + floor[2]:
        record(phone, unit, "done" if unit.floor == 1 else "not_home")
    phone.wait_for_function(QUEUE_EMPTY)
    assert UnitOutcome.objects.count() == 20

    context.set_offline(True)
    for unit in floor[3][:5]:
        record(phone, unit, "vacant")
    assert "5 waiting to send" in phone.inner_text("[data-queue]")
    key = phone.evaluate(QUEUE_KEY)
    waiting = phone.evaluate("k => localStorage.getItem(k)", key)
    assert UnitOutcome.objects.count() == 20

    context.set_offline(False)
    phone.wait_for_function(QUEUE_EMPTY, timeout=30_000)
    assert UnitOutcome.objects.count() == 25

    # The page retries what it already sent (a reply lost on the way back): nothing doubles.
    phone.evaluate("([k, q]) => localStorage.setItem(k, q)", [key, waiting])
    phone.reload()
    phone.wait_for_function(QUEUE_EMPTY, timeout=30_000)
    assert UnitOutcome.objects.count() == 25
    assert UnitOutcome.objects.values("client_uuid").distinct().count() == 25
    statuses = {u.pk: u.status for u in day.tower.units.all()}
    assert [statuses[u.pk] for u in floor[3][:6]] == ["vacant"] * 5 + ["unvisited"]
    assert "15 of 30 closed" in phone.content()
