"""A hard day on one phone (issue 14): 200 taps on a 40-floor tower with the signal coming and
going, two reloads without signal, a clock 10 minutes fast, a session that runs out, and the
phone passed to a second officer and back. It ends with every tap stored exactly once, at the
server's time, and every tile showing the server's state."""

import datetime
import random

import pytest
from django.utils import timezone

from buildings.models import Unit
from conftest import sign_in
from visits.models import UnitOutcome
from visits.tests.test_e2e_field import QUEUE_EMPTY, record
from visits.tests.test_e2e_offline import KEPT, open_grid, pantarlih_day
from visits.tests.test_e2e_queue import CLOCK_AHEAD, TEN_MINUTES, items, offline

pytestmark = pytest.mark.django_db(transaction=True)

OUTCOMES = ["not_home", "vacant", "done", "refused", "not_home", "security_refused",
            "no_local_voters", "done", "sent_to_posko", "non_residential"]  # fmt: skip
TAPS = 200


def sign_out_keeping_the_queue(page):
    page.click("header form button[type=submit]")
    ask = page.locator("dialog.ask")
    ask.locator("button.secondary").first.click()  # "Sign out, keep on phone"
    page.wait_for_url(lambda url: "/lapangan/" not in url)


def test_a_hard_day_ends_with_every_tap_stored_once(phone, live_server):
    rng = random.Random(14)
    phone.context.add_init_script(CLOCK_AHEAD % TEN_MINUTES)
    phone.context.add_cookies([{"name": "django_language", "value": "en", "url": live_server.url}])
    rizky = pantarlih_day(floors=40, units_per_floor=6)
    fitri = pantarlih_day(floors=2, units_per_floor=5)
    grid = open_grid(phone, rizky)
    tapped, is_offline = {}, False

    for n, unit in enumerate(rizky.units[:TAPS]):
        if rng.random() < 0.1:  # the signal comes and goes
            is_offline = not is_offline
            offline(phone, is_offline)
        if n in (60, 140):  # a reload in a stairwell: the kept copy predates the taps
            offline(phone)
            is_offline = True
            phone.reload()
            assert phone.is_visible("[data-offline]")
            for earlier in list(tapped)[-5:]:
                css = phone.locator(f'a.u[data-u="{earlier.pk}"]').get_attribute("class")
                assert f"s-{tapped[earlier]}" in css and ("q-wait" in css or "q-sent" in css)
        if n == 100:  # the session runs out
            phone.context.clear_cookies(name="sessionid")
        if n == 110:  # Rizky hands the phone to Fitri with outcomes waiting, and gets it back
            offline(phone, False)
            is_offline = False
            phone.wait_for_function(
                "() => document.querySelector('[data-queue]').textContent.includes('Signed out')"
            )
            waiting = len(items(phone, "wait"))
            assert waiting > 0
            sign_out_keeping_the_queue(phone)
            sign_in(phone, fitri.pantarlih.email)
            phone.goto(f"/lapangan/tower/{fitri.tower.pk}/")
            for other in fitri.units[:5]:
                record(phone, other, "not_home")
            # The bar counts what waits of the officer signed in: Fitri's, all sent.
            phone.wait_for_function(
                "() => document.querySelector('[data-queue]').dataset.count === '0'"
            )
            assert UnitOutcome.objects.filter(visit=fitri.visit).count() == 5
            assert len(items(phone, "wait")) == waiting  # Rizky's, untouched
            phone.click("header form button[type=submit]")
            phone.wait_for_url(lambda url: "/lapangan/" not in url)
            sign_in(phone, rizky.pantarlih.email)
            phone.goto(grid)
            phone.wait_for_function(KEPT, arg=grid)
        outcome = OUTCOMES[n % len(OUTCOMES)]
        record(phone, unit, outcome, voters=n % 4)
        tapped[unit] = outcome

    offline(phone, False)
    phone.wait_for_function(QUEUE_EMPTY, timeout=60_000)
    assert items(phone, "bad") == []

    mine = UnitOutcome.objects.filter(visit=rizky.visit)
    assert mine.count() == TAPS
    assert mine.values("unit").distinct().count() == TAPS
    assert {o.unit_id: o.outcome for o in mine} == {u.pk: tapped[u] for u in tapped}
    now = timezone.now()
    late = [o for o in mine if abs(o.recorded_at - now) > datetime.timedelta(minutes=6)]
    assert not late, "times were not corrected for the phone's clock"
    assert UnitOutcome.objects.filter(visit=fitri.visit).count() == 5
    assert UnitOutcome.objects.count() == TAPS + 5

    phone.reload()
    statuses = dict(Unit.objects.filter(tower=rizky.tower).values_list("pk", "status"))
    shown = phone.evaluate(
        "() => Object.fromEntries([...document.querySelectorAll('a.u')]"
        ".map(a => [a.dataset.u, a.className]))"
    )
    for pk, status in statuses.items():
        css = shown[str(pk)]
        assert f"s-{status}" in css and "q-wait" not in css and "q-bad" not in css, (pk, css)
