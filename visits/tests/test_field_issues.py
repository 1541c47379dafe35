"""What became of an access issue, on the officer's today page; and the visit start that raises
one, which says "turned away" only when access was denied."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import UserFactory
from visits.access import STEP_DAYS, access_issue_raise
from visits.models import AccessIssue
from visits.tests.factories import AccessIssueFactory, field_day

pytestmark = pytest.mark.django_db


@pytest.fixture
def day():
    return field_day()


@pytest.fixture
def phone(client, day):
    client.force_login(day.pantarlih)
    client.cookies["django_language"] = "en"
    return client


def raise_issue(day, **changes) -> AccessIssue:
    issue = access_issue_raise(
        building=day.building,
        raised_by=day.pantarlih,
        kind=AccessIssue.Kind.SECURITY_REFUSED,
        description="Satpam menolak tanpa surat tugas.",
        visit=day.visit,
    )
    if changes:
        AccessIssue.objects.filter(pk=issue.pk).update(**changes)
        issue.refresh_from_db()
    return issue


def issues_section(client) -> str:
    page = client.get(reverse("field_today")).content.decode()
    found = re.search(r'<section class="card my-issues".*?</section>', page, re.S)
    return re.sub(r"\s+", " ", found.group(0)) if found else ""


def test_today_shows_no_issue_section_when_there_is_none(phone):
    assert issues_section(phone) == ""


def test_an_issue_i_raised_shows_where_what_its_step_and_its_deadline(phone, day):
    issue = raise_issue(day)
    due = timezone.localtime(issue.created_at + datetime.timedelta(days=STEP_DAYS))

    section = issues_section(phone)

    assert "Your access issues" in section
    assert f"{day.building.name} · {day.tower.name}" in section
    assert "Security refused entry" in section
    assert f"Raised {timezone.localtime(issue.created_at):%-d %b} by you" in section
    assert "Waiting for PPS" in section
    assert f"Due: {due:%-d %b %H.%M}" in section
    assert "Overdue" not in section


def test_an_issue_taken_by_pps_says_pps_is_handling_it(phone, day):
    raise_issue(day, status=AccessIssue.Status.IN_PROGRESS)

    assert "PPS is handling it" in issues_section(phone)


def test_an_escalated_issue_names_the_level_and_its_new_deadline(phone, day):
    due = timezone.now() + datetime.timedelta(days=1, hours=3)
    raise_issue(day, level=AccessIssue.Level.KPU_KOTA, due_at=due)

    section = issues_section(phone)

    assert "Escalated to KPU Kota (letter to the manager)" in section
    assert f"Due: {timezone.localtime(due):%-d %b %H.%M}" in section
    assert "Waiting for PPS" not in section


def test_an_issue_past_its_deadline_is_marked_overdue(phone, day):
    raise_issue(day, due_at=timezone.now() - datetime.timedelta(hours=2))

    assert "Overdue" in issues_section(phone)


def test_a_resolved_issue_shows_the_answer_for_a_week_then_goes(phone, day):
    resolved_at = timezone.now() - datetime.timedelta(days=2)
    raise_issue(
        day,
        status=AccessIssue.Status.RESOLVED,
        resolved_at=resolved_at,
        resolution="Pengelola memberi izin; lapor ke pos lobi.",
    )

    section = issues_section(phone)
    assert f"Resolved on {timezone.localtime(resolved_at):%-d %b}." in section
    assert "Pengelola memberi izin; lapor ke pos lobi." in section
    assert "Due:" not in section

    AccessIssue.objects.update(resolved_at=timezone.now() - datetime.timedelta(days=8))
    assert issues_section(phone) == ""


def test_open_issues_of_colleagues_at_my_buildings_show_who_raised_them(phone, day):
    colleague = UserFactory(role="pantarlih", full_name="Budi Santoso")
    AccessIssueFactory(
        building=day.building, raised_by=colleague, kind=AccessIssue.Kind.MANAGER_REFUSED
    )
    AccessIssueFactory(
        building=day.building,
        raised_by=colleague,
        kind=AccessIssue.Kind.STICKER_REFUSED,
        status=AccessIssue.Status.RESOLVED,
        resolved_at=timezone.now(),
    )

    section = issues_section(phone)

    assert "Manager refuses coklit" in section and "by Budi Santoso" in section
    assert "Sticker refused" not in section  # a colleague's resolved issue is their news


def test_issues_at_buildings_outside_my_assignments_are_not_shown(phone, day):
    elsewhere = field_day()
    AccessIssueFactory(building=elsewhere.building, raised_by=elsewhere.pantarlih)

    assert issues_section(phone) == ""
    assert elsewhere.building.name not in phone.get(reverse("field_today")).content.decode()


def test_todays_queries_do_not_grow_with_the_number_of_issues(phone, day):
    raise_issue(day)
    url = reverse("field_today")
    phone.get(url)  # the first page of a session also saves the session
    with CaptureQueriesContext(connection) as one:
        phone.get(url)
    for n in range(5):
        more = field_day(pantarlih=day.pantarlih, period=day.period)
        raise_issue(more, level=AccessIssue.Level.DINAS, status=AccessIssue.Status.IN_PROGRESS)
        AccessIssueFactory(
            building=more.building, raised_by=UserFactory(role="pantarlih", full_name=f"P{n}")
        )

    with CaptureQueriesContext(connection) as many:
        page = phone.get(url).content.decode()

    assert page.count("Escalated to Dinas Perumahan") == 5 and page.count("by P") == 5
    assert len(many.captured_queries) == len(one.captured_queries)


def test_the_visit_start_page_works_without_javascript(phone, day):
    page = phone.get(reverse("field_visit_start", args=[day.tower.pk])).content.decode()

    # Without the script the issue fields show and the button keeps its first label; the
    # script swaps in the "turned away" label it finds on the button.
    assert '<div class="issue">' in page and 'name="issue_description"' in page
    assert re.search(r'<button type="submit" data-denied="Record turned away">\s*Start visit', page)
    assert re.search(r'<script src="[^"]*/js/visit_start\.js" defer></script>', page)


def test_a_turned_away_officer_finds_the_issue_on_today(phone, day):
    day.visit.delete()
    form = {
        "client_uuid": "4f0c9a8e-5b0e-4e8f-9f3c-1f2b3c4d5e6f",
        "started_at": timezone.localtime().strftime("%Y-%m-%d %H:%M:%S"),
        "access": "denied",
        "issue_kind": "security_refused",
        "issue_description": "Satpam minta surat dari pengelola.",
    }

    response = phone.post(reverse("field_visit_start", args=[day.tower.pk]), form, follow=True)

    section = re.sub(r"\s+", " ", response.content.decode())
    assert response.redirect_chain[-1][0] == reverse("field_today")
    assert f"{day.building.name} · {day.tower.name}</strong> · Security refused entry" in section
    assert "Waiting for PPS" in section
