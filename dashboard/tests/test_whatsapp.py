"""Issue #16, item 9: WhatsApp where people coordinate.

Every schedule, proposal, access issue and letter gets a "Share on WhatsApp" link with the text
prefilled (wa.me, with the building's number where known, written 62…); phone numbers are
tap-to-call and tap-to-WhatsApp. One helper does it for every page (accounts/templatetags/
phone_links.py).
"""

import datetime
from urllib.parse import parse_qs, unquote, urlsplit

import pytest
from django.template import Context, Template
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from buildings.models import Building
from dashboard.escalation import issue_letter_sent
from visits.tests.factories import AccessIssueFactory, ScheduleFactory

pytestmark = pytest.mark.django_db


def _render(source: str, **context) -> str:
    return Template("{% load phone_links %}" + source).render(Context(context))


def _share(html: str) -> tuple[str, str]:
    """(number, text) of the page's "Share on WhatsApp" link."""
    start = html.index('class="button secondary share-wa')
    href = html[html.rindex("<a", 0, start) :].split('href="', 1)[1].split('"', 1)[0]
    parts = urlsplit(href.replace("&amp;", "&"))
    assert parts.netloc == "wa.me"
    return parts.path.strip("/"), unquote(parse_qs(parts.query)["text"][0])


@pytest.fixture
def contact(world):
    """Marunda's contact on duty, typed as people type it."""
    Building.objects.filter(pk=world.building_b.pk).update(
        contact_name="Pak Darto", contact_phone="0812-7777-0001"
    )
    return Building.objects.get(pk=world.building_b.pk)


@pytest.fixture
def english(client):
    client.cookies["django_language"] = "en"
    return client


def test_a_phone_is_tap_to_call_and_tap_to_whatsapp_in_the_62_form():
    html = _render("{% phone_links phone %}", phone="0812-3456-7890")

    assert 'href="tel:+6281234567890"' in html
    assert 'href="https://wa.me/6281234567890"' in html


def test_a_landline_is_tap_to_call_only():
    html = _render("{% phone_links phone %}", phone="(021) 7998 1234")

    assert 'href="tel:+62217998' in html and "wa.me" not in html


def test_a_share_without_a_number_lets_the_sender_choose_the_chat():
    html = _render('{% whatsapp_share "Jadwal coklit: 2 Juli" %}')

    assert 'href="https://wa.me/?text=Jadwal%20coklit%3A%202%20Juli"' in html


def test_the_schedule_page_shares_the_schedule_with_the_building(world, contact, english):
    schedule = ScheduleFactory(building=contact, proposed_by=world.pps_marunda,
                               date=datetime.date(2024, 7, 2), status="proposed")  # fmt: skip
    english.force_login(world.kpu_kota_utara)

    number, text = _share(
        english.get(reverse("dashboard_schedule", args=[schedule.pk])).content.decode()
    )

    assert number == "6281277770001"
    assert "Marunda Uji" in text and "02-07-2024" in text and "Proposed" in text


def test_every_schedule_of_the_building_list_can_be_shared(world, contact, english):
    ScheduleFactory(building=contact, proposed_by=world.pps_marunda, date=datetime.date(2024, 7, 3))
    english.force_login(world.pps_marunda)

    html = english.get(reverse("dashboard_building_schedules", args=[contact.pk])).content.decode()

    assert html.count("share-wa") >= 2  # the world's schedule and this one


def test_the_issue_page_shares_the_issue(world, contact, english):
    issue = AccessIssueFactory(building=contact, raised_by=world.pantarlih_b, level="kpu_kota",
                               kind="security_refused")  # fmt: skip
    english.force_login(world.bawaslu_utara)

    number, text = _share(english.get(reverse("dashboard_issue", args=[issue.pk])).content.decode())

    assert number == "6281277770001"
    assert "Marunda Uji" in text and "Security refused entry" in text and "KPU Kota" in text


def test_the_letter_page_shares_the_letter_by_its_number(world, contact, english):
    issue = AccessIssueFactory(building=contact, raised_by=world.pantarlih_b, level="kpu_kota")
    letter = issue_letter_sent(issue=issue, by=world.kpu_kota_utara, sent_on=timezone.localdate(issue.created_at),
                               signatory_name="Dra. Ani", signatory_position="Ketua")  # fmt: skip
    english.force_login(world.kpu_kota_utara)

    html = english.get(reverse("dashboard_issue_letter", args=[issue.pk])).content.decode()
    number, text = _share(html)

    assert number == "6281277770001"
    assert letter.number in text and "Marunda Uji" in text
    assert "share-wa no-print" in html  # never on the printed page


def test_phones_on_staff_pages_are_tap_to_call_and_whatsapp(world, english):
    User.objects.filter(pk=world.pantarlih_b.pk).update(phone="+6281299990002")
    english.force_login(world.kpu_kota_utara)

    tower = english.get(reverse("dashboard_tower", args=[world.tower_b.pk])).content.decode()

    assert 'href="tel:+6281299990002"' in tower and 'href="https://wa.me/6281299990002"' in tower
