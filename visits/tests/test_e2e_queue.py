"""The pantarlih's queue played as officers play it (issue 14): a phone with a wrong clock, a
phone passed between two officers, a reload in a stairwell, a double tap, the unit page without
signal, a session that ended. Each test checks the database: every outcome stored exactly once,
or visibly refused with its reason."""

import datetime

import pytest
from django.utils import timezone

from conftest import PASSWORD, sign_in
from visits.models import UnitOutcome, Visit
from visits.tests.test_e2e_field import QUEUE_EMPTY, QUEUE_ITEMS, record
from visits.tests.test_e2e_offline import CONTROLLED, KEPT, open_grid, pantarlih_day

pytestmark = pytest.mark.django_db(transaction=True)

# The phone's clock runs `ms` ahead of the real one (a hand-set clock on a cheap phone).
CLOCK_AHEAD = """(() => {
  const ahead = %d, Real = Date;
  class PhoneDate extends Real {
    constructor(...a) { if (a.length) super(...a); else super(Real.now() + ahead); }
    static now() { return Real.now() + ahead; }
  }
  window.Date = PhoneDate;
})();"""
TEN_MINUTES = 10 * 60 * 1000
SENT = "u => document.querySelector(`a.u[data-u='${u}']`).classList.contains('q-sent')"


def offline(page, on=True):
    """No signal. Chromium's offline emulation has let a POST through now and then (one run in
    ten): the queue's endpoint is refused as well, so no outcome slips out while "offline"."""
    page.context.set_offline(on)
    if on:
        page.route("**/lapangan/kirim/", lambda route: route.abort("internetdisconnected"))
    else:
        page.unroute("**/lapangan/kirim/")


def items(page, state=None):
    found = page.evaluate(QUEUE_ITEMS)
    return [i for i in found if state is None or i["state"] == state]


def tile(page, unit):
    return page.locator(f'a.u[data-u="{unit.pk}"]')


def english(page, live_server):
    page.context.add_cookies([{"name": "django_language", "value": "en", "url": live_server.url}])


def test_a_phone_ten_minutes_fast_stores_its_taps_at_the_servers_time(phone, live_server):
    phone.context.add_init_script(CLOCK_AHEAD % TEN_MINUTES)
    day = pantarlih_day()
    open_grid(phone, day)

    record(phone, day.units[0], "not_home")
    phone.wait_for_function(QUEUE_EMPTY)
    stored = UnitOutcome.objects.get(unit=day.units[0])
    assert abs(stored.recorded_at - timezone.now()) < datetime.timedelta(minutes=1)
    assert tile(phone, day.units[0]).get_attribute("class").count("q-sent") == 1

    # A phone that never learnt the offset (its first page came from the offline copy): the
    # server refuses the time, the answer carries the server's clock, the time is corrected
    # once and sent again. Nothing lost, nothing refused.
    phone.evaluate("localStorage.removeItem('coklit.clock')")
    offline(phone)
    phone.reload()
    phone.evaluate("localStorage.removeItem('coklit.clock')")
    record(phone, day.units[1], "vacant")
    assert len(items(phone, "wait")) == 1
    offline(phone, False)
    phone.wait_for_function(QUEUE_EMPTY, timeout=30_000)
    assert items(phone, "bad") == []
    second = UnitOutcome.objects.get(unit=day.units[1])
    assert abs(second.recorded_at - timezone.now()) < datetime.timedelta(minutes=1)
    assert UnitOutcome.objects.count() == 2


def test_what_the_server_still_refuses_stays_red_with_its_reason_until_fixed_or_discarded(
    phone, live_server
):
    english(phone, live_server)
    day = pantarlih_day()
    open_grid(phone, day)
    # A visit the server no longer knows (PPS deleted a visit started by mistake).
    offline(phone)
    record(phone, day.units[2], "not_home")
    Visit.objects.filter(pk=day.visit.pk).delete()
    offline(phone, False)
    phone.wait_for_function(QUEUE_EMPTY, timeout=30_000)

    red = tile(phone, day.units[2])
    assert "q-bad" in red.get_attribute("class")
    assert "refused: tap the red units" in phone.inner_text("[data-queue]")
    red.click()
    reason = phone.inner_text("#rec-refused")
    assert "Unknown visit" in reason
    phone.click("#rec [data-discard]")
    phone.wait_for_load_state()
    assert "q-bad" not in tile(phone, day.units[2]).get_attribute("class")
    assert items(phone, "bad") == []
    assert not UnitOutcome.objects.exists()


def test_a_shared_phone_keeps_each_officers_queue_for_its_owner(phone, live_server):
    english(phone, live_server)
    rizky, fitri = pantarlih_day(), pantarlih_day()
    open_grid(phone, rizky)
    phone.route("**/lapangan/kirim/", lambda route: route.abort())  # a dead connection
    record(phone, rizky.units[0], "not_home")
    record(phone, rizky.units[1], "vacant")
    assert len(items(phone, "wait")) == 2

    phone.click("header form button[type=submit]")  # Sign out
    ask = phone.locator("dialog.ask")
    assert "2 outcomes not sent" in ask.inner_text()
    ask.locator("button", has_text="Send now").click()
    phone.wait_for_function(
        "() => document.querySelector('dialog.ask p').textContent.includes('Not sent')"
    )
    assert "/lapangan/" in phone.url  # still signed in: nothing was sent
    ask.locator("button", has_text="Sign out, keep on phone").click()
    phone.wait_for_url(lambda url: "/lapangan/" not in url)

    sign_in(phone, fitri.pantarlih.email)
    phone.wait_for_url("**/lapangan/")
    phone.unroute("**/lapangan/kirim/")
    phone.goto(f"/lapangan/tower/{fitri.tower.pk}/")
    record(phone, fitri.units[0], "not_home")
    phone.wait_for_function(
        QUEUE_EMPTY.replace(
            "every(i => i.state !== 'wait')", "filter(i => i.state === 'wait').length === 2"
        )
    )
    # Fitri's page sent her outcome and neither sent nor dropped Rizky's.
    assert list(UnitOutcome.objects.values_list("unit", flat=True)) == [fitri.units[0].pk]
    assert len(items(phone, "wait")) == 2
    assert not items(phone, "bad")
    phone.click("header form button[type=submit]")  # nothing of hers waits: no question
    phone.wait_for_url(lambda url: "/lapangan/" not in url)

    sign_in(phone, rizky.pantarlih.email)
    phone.wait_for_url("**/lapangan/")
    phone.wait_for_function(QUEUE_EMPTY, timeout=30_000)
    assert UnitOutcome.objects.filter(visit=rizky.visit).count() == 2
    assert UnitOutcome.objects.count() == 3


def test_after_an_offline_reload_the_tiles_show_what_the_queue_holds(phone, live_server):
    english(phone, live_server)
    day = pantarlih_day(floors=12, units_per_floor=8)
    open_grid(phone, day)
    first, second, third, fourth = day.units[0], day.units[1], day.units[-2], day.units[-1]
    record(phone, first, "not_home")
    record(phone, second, "vacant")
    phone.wait_for_function(QUEUE_EMPTY)

    offline(phone)
    record(phone, third, "refused")
    record(phone, fourth, "not_home")
    phone.reload()  # the kept copy predates all four taps

    for unit, status, state in [
        (first, "s-not_home", "q-sent"),
        (second, "s-vacant", "q-sent"),
        (third, "s-refused", "q-wait"),
        (fourth, "s-not_home", "q-wait"),
    ]:
        css = tile(phone, unit).get_attribute("class")
        assert status in css and state in css, (unit.number, css)
    # Wherever the officer has scrolled, the bar at the bottom says the phone is offline.
    tile(phone, fourth).scroll_into_view_if_needed()
    bar = phone.locator("[data-queue]")
    assert "Offline" in bar.inner_text() and "2 waiting to send" in bar.inner_text()
    box = bar.bounding_box()
    assert 0 <= box["y"] and box["y"] + box["height"] <= 844

    offline(phone, False)
    phone.wait_for_function(QUEUE_EMPTY, timeout=30_000)
    phone.wait_for_function(SENT, arg=fourth.pk)
    assert UnitOutcome.objects.count() == 4
    assert UnitOutcome.objects.values("unit").distinct().count() == 4


def test_a_double_tap_on_save_records_one_unit_and_opens_no_other(phone, live_server):
    day = pantarlih_day(floors=8, units_per_floor=8)
    open_grid(phone, day)
    # The status bar floats at the bottom; hidden here so that a tile is under the finger.
    phone.evaluate(
        "document.querySelectorAll('[data-queue]')"
        ".forEach(e => e.style.setProperty('display', 'none', 'important'))"
    )
    target = day.units[20]
    tile(phone, target).click()
    phone.click("#rec-form label.o-not_home")
    save = phone.locator("#rec-form button[type=submit]").bounding_box()
    x, y = save["x"] + 40, save["y"] + save["height"] / 2  # over the first column of tiles

    phone.mouse.dblclick(x, y)

    phone.wait_for_function(QUEUE_EMPTY)
    assert not phone.locator("#rec").is_visible()
    assert [i["unit"] for i in items(phone)] == [target.pk]
    assert list(UnitOutcome.objects.values_list("unit", flat=True)) == [target.pk]
    # A tile really was under the finger: without the guard the second tap had opened it.
    phone.wait_for_timeout(500)
    under = phone.evaluate(
        "([x, y]) => document.elementFromPoint(x, y).closest('a.u') !== null", [x, y]
    )
    assert under


def test_the_sheet_keeps_the_unit_number_and_save_on_screen(phone, live_server):
    phone.set_viewport_size({"width": 360, "height": 640})
    day = pantarlih_day(floors=4, units_per_floor=6)
    open_grid(phone, day)
    for unit in day.units[:2]:
        tile(phone, unit).click()
        phone.click("#rec-form label.o-done")
        phone.locator("#rec-form input[name=voters_verified]").fill("2")
        for selector in ("#rec-title", "#rec-form button[type=submit]"):
            box = phone.locator(selector).bounding_box()
            assert box["y"] >= 0 and box["y"] + box["height"] <= 640, (unit.number, selector)
        assert phone.inner_text("#rec-title") == unit.number
        phone.click("#rec-form button[type=submit]")
        # "Done" asks for the sticker: nothing is stored as "no sticker" by default.
        assert "stiker" in phone.inner_text("#rec-err").lower()
        phone.click("#rec-form .stickers label >> nth=0")
        phone.click("#rec-form button[type=submit]")
        phone.wait_for_selector("#rec", state="hidden")
    phone.wait_for_function(QUEUE_EMPTY)
    assert sorted(UnitOutcome.objects.values_list("sticker", "voters_verified")) == [
        ("placed", 2),
        ("placed", 2),
    ]


def test_the_common_case_is_three_taps_and_a_number(phone, live_server):
    day = pantarlih_day()
    open_grid(phone, day)
    tile(phone, day.units[0]).click()  # 1
    phone.click("#rec-form label.o-done_placed")  # 2
    assert phone.evaluate("document.activeElement.name") == "voters_verified"  # keyboard up
    phone.keyboard.type("3")
    phone.click("#rec-form button[type=submit]")  # 3
    phone.wait_for_function(QUEUE_EMPTY)
    stored = UnitOutcome.objects.get()
    assert (stored.outcome, stored.sticker, stored.voters_verified) == ("done", "placed", 3)


def test_the_unit_page_without_signal_queues_the_outcome(phone, live_server):
    english(phone, live_server)
    day = pantarlih_day()
    unit = day.units[3]
    open_grid(phone, day)
    page = f"/lapangan/unit/{unit.pk}/"
    phone.goto(page)
    phone.wait_for_function(KEPT, arg=page)

    offline(phone)
    phone.reload()
    assert phone.is_visible("[data-offline]")
    phone.click("label.o-not_home")
    phone.click("#unit-form button[type=submit]")
    phone.wait_for_url(f"**/lapangan/tower/{day.tower.pk}/#f{unit.floor}")
    assert "waiting to send" in phone.inner_text("main > .messages")
    assert "q-wait" in tile(phone, unit).get_attribute("class")
    assert not UnitOutcome.objects.exists()

    offline(phone, False)
    phone.wait_for_function(QUEUE_EMPTY, timeout=30_000)
    assert UnitOutcome.objects.filter(unit=unit, outcome="not_home").count() == 1
    assert UnitOutcome.objects.count() == 1


def test_a_session_that_ended_asks_to_sign_in_again_and_keeps_the_queue(phone, live_server):
    english(phone, live_server)
    day = pantarlih_day()
    grid = open_grid(phone, day)
    phone.context.clear_cookies(name="sessionid")  # the session ran out at the end of the day

    record(phone, day.units[0], "not_home")
    bar = phone.locator("[data-queue]")
    phone.wait_for_function(
        "() => document.querySelector('[data-queue]').textContent.includes('Signed out')"
    )
    assert "1 waiting to send" in bar.inner_text()
    assert len(items(phone, "wait")) == 1
    bar.locator("a").click()

    phone.fill("input[name=password]", PASSWORD)
    phone.fill("input[name=login]", day.pantarlih.email)
    phone.click("main form button[type=submit]")
    phone.wait_for_url(f"**{grid}")
    phone.wait_for_function(CONTROLLED)
    phone.wait_for_function(QUEUE_EMPTY, timeout=30_000)
    assert UnitOutcome.objects.filter(unit=day.units[0]).count() == 1
