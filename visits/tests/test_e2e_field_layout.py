"""The field pages laid out on a 390 px phone: what the officer reads is next to what it names."""

import pytest

from conftest import sign_in
from visits.models import UnitOutcome
from visits.tests.test_e2e_field import QUEUE_EMPTY
from visits.tests.test_e2e_offline import pantarlih_day

pytestmark = pytest.mark.django_db(transaction=True)


def test_each_voter_count_box_sits_under_its_own_label(phone):
    day = pantarlih_day()
    sign_in(phone, day.pantarlih.email)
    phone.goto(f"/lapangan/unit/{day.units[0].pk}/")
    phone.click("label.o-done")  # the counts belong to "done" and show with it

    for name in ("voters_verified", "voters_removed", "voters_new"):
        label = phone.locator(f"label[for=id_{name}]").bounding_box()
        box = phone.locator(f"input[name={name}]").bounding_box()
        assert box["y"] >= label["y"] + label["height"] - 1, name
        assert box["y"] - (label["y"] + label["height"]) < 40, name
        assert abs(box["x"] - label["x"]) < 2, name
        assert label["x"] + label["width"] <= box["x"] + box["width"] + 1, name


def test_marking_a_floor_opens_under_it_blank_and_asks_first(phone):
    day = pantarlih_day(floors=3, units_per_floor=5)
    sign_in(phone, day.pantarlih.email)
    phone.goto(f"/lapangan/tower/{day.tower.pk}/")
    asked = []

    phone.click("#f2 .fm")
    assert phone.eval_on_selector("#mark", "m => m.previousElementSibling.id") == "f2"
    assert phone.input_value("#floor-form select[name=outcome]") == ""
    phone.click("#floor-form button[type=submit]")  # nothing chosen: nothing happens
    assert not UnitOutcome.objects.exists()

    phone.select_option("#floor-form select[name=outcome]", "vacant")
    phone.once("dialog", lambda d: (asked.append(d.message), d.dismiss()))
    phone.click("#floor-form button[type=submit]")
    assert phone.locator("#f2 a.u.s-vacant").count() == 0
    phone.once("dialog", lambda d: (asked.append(d.message), d.accept()))
    phone.click("#floor-form button[type=submit]")
    phone.wait_for_function(QUEUE_EMPTY)

    assert "5 unit" in asked[0] and "lantai 2" in asked[0]
    assert UnitOutcome.objects.filter(outcome="vacant", unit__floor=2).count() == 5
    assert UnitOutcome.objects.count() == 5


def test_ending_a_visit_shows_the_issue_fields_only_when_access_was_not_granted(phone):
    day = pantarlih_day()
    sign_in(phone, day.pantarlih.email)
    phone.goto(f"/lapangan/kunjungan/{day.visit.pk}/selesai/")
    issue = phone.locator("[name=issue_description]")

    assert phone.locator("main form select").first.get_attribute("name") == "access"
    assert issue.is_hidden()
    phone.select_option("[name=access]", "partial")
    assert issue.is_visible()
    phone.select_option("[name=access]", "granted")
    assert issue.is_hidden()


def test_saved_unit_message_shows_where_the_officer_is(phone):
    day = pantarlih_day(floors=12, units_per_floor=8)
    unit = day.units[-1]
    sign_in(phone, day.pantarlih.email)
    phone.goto(f"/lapangan/unit/{unit.pk}/")

    phone.click("label.o-done_placed")
    phone.fill("input[name=voters_verified]", "2")
    phone.click("main form button[type=submit]")
    phone.wait_for_url(f"**/lapangan/tower/{day.tower.pk}/#f{unit.floor}")

    toast = phone.locator("main > .messages li").bounding_box()
    assert phone.inner_text("main > .messages") == f"Tersimpan: {unit.number}."
    assert 0 <= toast["y"] and toast["y"] + toast["height"] <= 844
    assert phone.evaluate("window.scrollY") > 0


def test_header_and_back_links_are_44_px_tall_on_a_touch_screen(phone):
    day = pantarlih_day()
    phone.goto("/akun/login/")
    for selector in ("header.top nav a", "header.top nav button.link"):
        assert phone.locator(selector).first.bounding_box()["height"] >= 44, selector

    sign_in(phone, day.pantarlih.email)
    phone.goto(f"/lapangan/tower/{day.tower.pk}/")
    for selector in ("header.top nav button.link", ".field > p.muted > a"):
        for box in phone.locator(selector).all():
            assert box.bounding_box()["height"] >= 44, selector
