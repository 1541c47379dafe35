"""Issue #16, item 1: every step change tells the new owner, the page says what each step is.

Moving an issue up the ladder told nobody: the next owner learned of it when the 2-day clock
had run out, and Bawaslu, the top step, was then told to move it up, by an email signed
"KPU Kota" that linked to the building.
"""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from accounts.tests.factories import UserFactory
from dashboard.escalation import STEP_GUIDE, issue_escalate
from reminders.models import ReminderLog
from reminders.services import reminder_message
from visits.models import AccessIssue
from visits.tests.factories import AccessIssueFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def english(world):
    """The people of Marunda's ladder read English, so the wording can be checked."""
    User.objects.filter(pk__in=[u.pk for u in _ladder(world)]).update(language="en")


def _ladder(world):
    return [world.pps_marunda, world.kpu_kota_utara, world.dinas, world.bawaslu_utara,
            world.kpu_kota_selatan, world.kpu_provinsi]  # fmt: skip


def _issue(world, **extra):
    return AccessIssueFactory(building=world.building_b, raised_by=world.pantarlih_b, **extra)


def _url(issue):
    return reverse("dashboard_issue", args=[issue.pk])


def _by_recipient(mailoutbox):
    return {m.to[0]: m for m in mailoutbox}


def test_moving_up_emails_the_new_owner_and_copies_the_previous_one(
    world, english, client, mailoutbox, django_capture_on_commit_callbacks
):
    issue = _issue(world)
    client.force_login(world.pps_marunda)
    client.post(_url(issue), {"action": "take"})
    client.force_login(world.kpu_provinsi)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_url(issue), {
            "action": "escalate", "escalate-note": "Pengelola tidak menjawab telepon.",
            "escalate-confirm": "on",
        })  # fmt: skip

    assert response.status_code == 302
    mails = _by_recipient(mailoutbox)
    # The KPU Kota of Jakarta Utara owns the step now; the PPS who held it gets a copy; the
    # KPU Kota of another kota and the one who acted get nothing.
    assert set(mails) == {world.kpu_kota_utara.email, world.pps_marunda.email}
    owner, copy = mails[world.kpu_kota_utara.email], mails[world.pps_marunda.email]
    link = f"/dasbor/masalah/{issue.pk}/"
    for mail in (owner, copy):
        assert link in mail.body and link in mail.alternatives[0][0]
        assert "Pengelola tidak menjawab telepon." in mail.body
        assert "Deadline:" in mail.body and "left)" in mail.body
        assert str(STEP_GUIDE["kpu_kota"]) in mail.body
    assert "moved up to you" in owner.subject and "it is now yours" in owner.body
    assert owner.subject.startswith("Access issue at Marunda Uji")
    assert copy.subject.startswith("Copy:")
    assert "from your step (PPS)" in copy.body and "still comment" in copy.body


def test_nobody_held_the_step_below_so_its_owners_get_the_copy(
    world, english, mailoutbox, django_capture_on_commit_callbacks
):
    issue = _issue(world, level="kpu_kota")
    with django_capture_on_commit_callbacks(execute=True):
        issue_escalate(issue=issue, by=world.kpu_provinsi, note="Surat tidak dijawab.")

    mails = _by_recipient(mailoutbox)
    assert set(mails) == {world.dinas.email, world.kpu_kota_utara.email}
    assert "moved up to you: Dinas Perumahan" in mails[world.dinas.email].subject
    assert mails[world.kpu_kota_utara.email].subject.startswith("Copy:")


def test_the_top_step_is_told_it_is_the_top_step(
    world, english, client, mailoutbox, django_capture_on_commit_callbacks
):
    issue = _issue(world, level="dinas")
    client.force_login(world.dinas)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(_url(issue), {
            "action": "escalate", "escalate-note": "Teguran tidak diindahkan.",
            "escalate-confirm": "on",
        })  # fmt: skip

    mail = _by_recipient(mailoutbox)[world.bawaslu_utara.email]
    assert "reached the top step: Bawaslu" in mail.subject
    assert "This is the top step of the ladder" in mail.body
    assert "move it up" not in mail.body.lower()
    assert f"/dasbor/masalah/{issue.pk}/" in mail.body
    # Signed by the one who moved it, not by a KPU Kota.
    assert f"{world.dinas.full_name} · Dinas Perumahan" in mail.body


def test_each_step_change_email_goes_once_even_if_the_task_runs_again(
    world, english, mailoutbox, django_capture_on_commit_callbacks
):
    from visits.tasks import access_issue_step_notify

    issue = _issue(world, level="dinas")
    with django_capture_on_commit_callbacks(execute=True):
        issue_escalate(issue=issue, by=world.kpu_provinsi, note="Naik.")
    sent = len(mailoutbox)
    event = issue.events.get(action="escalated")
    access_issue_step_notify.run(event.pk, None)
    assert sent and len(mailoutbox) == sent


def test_the_previous_owner_may_comment_and_nothing_else(world, client):
    client.cookies["django_language"] = "en"
    issue = _issue(world, level="kpu_kota")
    client.force_login(world.pps_marunda)

    page = client.get(_url(issue)).content.decode()
    assert "You held the step below" in page
    assert 'id="act-comment"' in page and 'id="act-escalate"' not in page
    assert client.post(_url(issue), {"action": "comment", "comment-note": "Sudah saya telepon."})[
        "Location"
    ].endswith(_url(issue))
    assert issue.events.get(action="comment").actor == world.pps_marunda
    for action in ("take", "resolve", "escalate", "letter"):
        assert client.post(_url(issue), {"action": action}).status_code == 403, action
    # Two steps below: reading only.
    higher = _issue(world, level="dinas")
    assert client.post(_url(higher), {"action": "comment", "comment-note": "x"}).status_code == 403


def test_moving_up_asks_for_confirmation(world, client):
    client.cookies["django_language"] = "en"
    issue = _issue(world)
    client.force_login(world.pps_marunda)

    response = client.post(_url(issue), {"action": "escalate", "escalate-note": "Naik."})

    assert response.status_code == 200
    assert "Tick the box to confirm moving the issue up." in response.content.decode()
    assert AccessIssue.objects.get(pk=issue.pk).level == "pps"
    assert 'name="escalate-confirm"' in response.content.decode()


def test_each_step_says_what_it_means_and_the_deadline_shows_the_time_left(world, client):
    client.cookies["django_language"] = "en"
    issue = _issue(world, level="dinas", due_at=timezone.now() + datetime.timedelta(hours=30))
    client.force_login(world.bawaslu_utara)

    page = client.get(_url(issue)).content.decode()

    for level in ("pps", "kpu_kota", "dinas", "bawaslu"):
        assert str(STEP_GUIDE[level]) in page
    assert 'class="now" aria-current="step"><strong>Dinas Perumahan' in page
    assert "1\xa0day, 5\xa0hours left" in page
    late = _issue(world, level="dinas", due_at=timezone.now() - datetime.timedelta(hours=3))
    assert "Overdue by 3\xa0hours" in client.get(_url(late)).content.decode()


def test_bawaslu_who_took_the_top_step_is_not_offered_to_take_it_again(world, client):
    client.cookies["django_language"] = "en"
    issue = _issue(world, level="bawaslu")
    client.force_login(world.bawaslu_utara)
    client.post(_url(issue), {"action": "take"})
    page = client.get(_url(issue)).content.decode()
    assert 'value="take"' not in page and 'id="act-comment"' in page


def test_the_top_step_page_says_there_is_no_step_above(world, client):
    client.cookies["django_language"] = "en"
    client.force_login(world.kpu_provinsi)
    page = client.get(_url(_issue(world, level="bawaslu"))).content.decode()
    assert "This is the top step: there is no step above it." in page
    assert 'id="act-escalate"' not in page


def test_the_issue_list_shows_the_time_left(world, client):
    client.cookies["django_language"] = "en"
    _issue(world, due_at=timezone.now() + datetime.timedelta(hours=5, minutes=30))
    client.force_login(world.pps_marunda)
    page = client.get(reverse("dashboard_issues")).content.decode()
    assert "5\xa0hours, 29\xa0minutes left" in page or "5\xa0hours, 30\xa0minutes left" in page


@pytest.mark.parametrize("level", ["pps", "bawaslu"])
def test_the_overdue_reminder_links_to_the_issue_and_words_the_top_step(world, english, level):
    issue = _issue(world, level=level, due_at=timezone.now() - datetime.timedelta(hours=2))
    owner = world.pps_marunda if level == "pps" else world.bawaslu_utara
    log = ReminderLog.objects.create(
        kind=ReminderLog.Kind.ESCALATION_OVERDUE, recipient=owner, key=f"issue:{issue.pk}",
        day=timezone.localdate(), payload={"issue": issue.pk}, created_at=timezone.now(),
    )  # fmt: skip

    message = reminder_message(log)

    assert message["context"]["url"].endswith(f"/dasbor/masalah/{issue.pk}/")
    from django.template.loader import render_to_string
    from django.utils import translation

    with translation.override("en"):
        body = render_to_string("emails/reminder_escalation_overdue.txt", message["context"])
    assert "KPU" not in body.split("Automatic reminder")[-1]  # not signed by a KPU Kota
    assert "Automatic reminder" in body
    if level == "bawaslu":
        assert "top step of the ladder" in body and "move it up" not in body
    else:
        assert "move it up to KPU Kota" in body


def test_a_new_pps_member_of_the_kelurahan_is_an_owner_of_the_first_step(
    world, english, client, mailoutbox, django_capture_on_commit_callbacks
):
    colleague = UserFactory(
        role="pps", region=world.pps_marunda.region, email="pps-2@uji.coklit.id", language="en"
    )
    client.force_login(world.pps_marunda)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("dashboard_issue_new", args=[world.building_b.pk]),
            {"kind": "manager_refused", "description": "Pengelola menolak lewat telepon."},
        )
    assert [m.to[0] for m in mailoutbox] == [colleague.email]
    assert "at your step: PPS" in mailoutbox[0].subject
