"""Access issues in the manager portal: history, the manager's answer, resolution."""

import pytest
from django.urls import reverse
from django.utils import timezone

from visits.access import access_issue_raise
from visits.models import AccessIssue, AccessIssueEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def manager(client, world):
    client.cookies["django_language"] = "en"
    client.force_login(world.manager_a)
    return client


@pytest.fixture
def issue(world):
    return access_issue_raise(
        building=world.building_a,
        raised_by=world.pantarlih_a,
        kind=AccessIssue.Kind.SECURITY_REFUSED,
        description="Satpam Tower A menolak, belum ada surat dari pengelola.",
    )


def test_manager_sees_the_issue_with_its_history(manager, world, issue):
    page = manager.get(reverse("portal_issues", args=[world.building_a.pk])).content.decode()
    assert "Security refused entry" in page and "Satpam Tower A menolak" in page
    assert "Raised" in page and f'id="issue-{issue.pk}"' in page


def test_manager_answers_and_the_raiser_is_told(
    manager, world, issue, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = manager.post(
            reverse("portal_issue_reply", args=[issue.pk]),
            {"note": "Surat sudah kami teruskan ke vendor keamanan.", "status": "resolved"},
        )
    assert response["Location"].endswith(f"#issue-{issue.pk}")
    event = issue.events.get(action=AccessIssueEvent.Action.MANAGER_REPLY)
    assert event.actor == world.manager_a and event.note.startswith("Surat sudah")
    issue.refresh_from_db()
    assert issue.status == AccessIssue.Status.OPEN  # only KPU resolves it
    assert [m.to for m in mailoutbox] == [[world.pantarlih_a.email]]
    assert "Surat sudah kami teruskan" in mailoutbox[0].body


def test_an_empty_or_nik_answer_is_refused_on_the_page(manager, world, issue):
    url = reverse("portal_issue_reply", args=[issue.pk])
    response = manager.post(url, {"note": "3174084501900003"})
    assert response.status_code == 200
    assert "NIK" in response.context["bound_form"].errors["note"][0]
    assert response.context["form_issue_pk"] == issue.pk
    assert not issue.events.filter(action=AccessIssueEvent.Action.MANAGER_REPLY).exists()
    assert manager.get(url).status_code == 405


def test_a_resolved_issue_shows_when_and_takes_no_answer(manager, world, issue):
    issue.status = AccessIssue.Status.RESOLVED
    issue.resolved_at = timezone.now()
    issue.resolution = "Pantarlih diterima setelah surat KPU Kota."
    issue.save()
    page = manager.get(reverse("portal_issues", args=[world.building_a.pk])).content.decode()
    assert "Resolved on" in page and "diterima setelah surat" in page
    assert reverse("portal_issue_reply", args=[issue.pk]) not in page
    # Posting an answer anyway is refused and stores nothing.
    response = manager.post(
        reverse("portal_issue_reply", args=[issue.pk]), {"note": "Terlambat, tapi kami jawab."}
    )
    assert response.status_code == 302
    assert not issue.events.filter(action=AccessIssueEvent.Action.MANAGER_REPLY).exists()


def test_an_issue_without_history_says_so_instead_of_an_empty_list(manager, world, issue):
    issue.events.all().delete()
    page = manager.get(reverse("portal_issues", args=[world.building_a.pk])).content.decode()
    assert "No history yet." in page and '<ol class="history">' not in page
