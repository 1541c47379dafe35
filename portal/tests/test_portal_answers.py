"""After every post the manager sees the answer where the eye is, and the portal says what is
true now (issue 17, items 2 and 3): an answered issue no longer waits, a proposal is listed once,
a proposal whose day passed has expired, and a counter-proposal is not a refusal."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from accounts.tests.factories import UserFactory
from visits.access import access_issue_raise, access_issue_reply
from visits.models import AccessIssue, Schedule
from visits.schedules import schedule_counter
from visits.tests.factories import ScheduleFactory

pytestmark = pytest.mark.django_db

D, T = datetime.date, datetime.time


@pytest.fixture(autouse=True)
def july_first(monkeypatch):
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *args, **kwargs: D(2024, 7, 1))


@pytest.fixture
def manager(client, world):
    client.cookies["django_language"] = "en"
    client.force_login(world.manager_a)
    return client


@pytest.fixture
def pps(world):
    return UserFactory(role=Role.PPS, region=world.building_a.kelurahan, full_name="Sari PPS")


@pytest.fixture
def issue(world):
    return access_issue_raise(
        building=world.building_a,
        raised_by=world.pantarlih_a,
        kind=AccessIssue.Kind.SECURITY_REFUSED,
        description="Satpam Tower A menolak.",
    )


# --- Item 2: the answer where the eye is -----------------------------------------------------


def test_a_refused_nik_in_the_profile_is_summed_up_at_the_top_of_the_form(manager, world):
    url = reverse("portal_building_edit", args=[world.building_a.pk])

    response = manager.post(
        url, {"address": "Jl. Raya Kalibata", "access_notes": "3174084501900003"}
    )

    page = response.content.decode()
    assert response.status_code == 200
    summary = page[page.index('class="error-summary"') :]
    assert summary.index('role="alert"') < summary.index("</div>")
    assert 'href="#id_access_notes"' in summary and "NIK" in summary[: summary.index("</div>")]
    # The summary comes before the first field of the form.
    assert page.index('class="error-summary"') < page.index('name="address"')
    world.building_a.refresh_from_db()
    assert world.building_a.address != "Jl. Raya Kalibata"


def test_the_answer_to_an_issue_is_shown_in_that_issues_card_not_at_the_top(manager, world, issue):
    other = access_issue_raise(
        building=world.building_a, raised_by=world.pantarlih_a,
        kind=AccessIssue.Kind.OTHER, description="Lift barang mati.",
    )  # fmt: skip

    response = manager.post(reverse("portal_issue_reply", args=[issue.pk]), {"note": "Sudah."})
    page = manager.get(response["Location"]).content.decode()

    note = page.index("Your answer was added to the issue&#x27;s history.")
    assert page.index(f'id="issue-{issue.pk}"') < note
    card_end = page.index("</article>", page.index(f'id="issue-{issue.pk}"'))
    assert note < card_end
    assert page.count("Your answer was added") == 1
    assert f'id="issue-{other.pk}"' in page
    assert 'role="status" tabindex="-1" data-focus' in page


# --- Item 3: states that are true now --------------------------------------------------------


def test_home_stops_asking_for_an_answer_once_the_manager_answered(manager, world, issue):
    others = AccessIssue.objects.filter(building=world.building_a).exclude(pk=issue.pk)
    others.update(status=AccessIssue.Status.RESOLVED, resolved_at=timezone.now())
    home = manager.get(reverse("portal_home")).content.decode()
    assert "waits for your answer" in home

    access_issue_reply(issue=issue, manager=world.manager_a, note="Sudah kami tegur vendornya.")

    home = manager.get(reverse("portal_home")).content.decode()
    assert "waits for your answer" not in home
    assert "you answered; KPU acts next" in home


def test_a_proposal_waiting_for_the_manager_is_listed_once(manager, world, pps):
    proposal = ScheduleFactory(building=world.building_a, proposed_by=pps, date=D(2024, 7, 3))
    confirmed = ScheduleFactory(
        building=world.building_a, proposed_by=pps, date=D(2024, 7, 4), status="confirmed"
    )

    response = manager.get(reverse("portal_home"))

    assert [s.pk for s in response.context["waiting"]] == [proposal.pk]
    assert [s.pk for s in response.context["upcoming"]] == [confirmed.pk]
    url = reverse("portal_schedule", args=[proposal.pk])
    page = response.content.decode()
    upcoming = page[page.index("Next visits and posko days") :]
    assert f'href="{url}"' not in upcoming


def test_a_proposal_whose_day_passed_reads_expired(manager, world, pps):
    past = ScheduleFactory(building=world.building_a, proposed_by=pps, date=D(2024, 6, 26))

    page = manager.get(reverse("portal_schedules", args=[world.building_a.pk])).content.decode()

    assert past.state == Schedule.EXPIRED
    assert '<span class="badge expired">Expired</span>' in page
    assert ">Proposed<" not in page


def test_a_counter_proposal_is_shown_to_the_pps_as_another_time_not_declined(
    client, world, pps, django_capture_on_commit_callbacks
):
    proposal = ScheduleFactory(building=world.building_a, proposed_by=pps, date=D(2024, 7, 2),
                               start=T(9), end=T(12))  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        schedule_counter(schedule=proposal, by=world.manager_a, date=D(2024, 7, 2),
                         start=T(13), end=T(16), note="Pagi ada kerja bakti")  # fmt: skip
    client.cookies["django_language"] = "en"
    client.force_login(pps)

    listing = client.get(reverse("dashboard_building_schedules", args=[world.building_a.pk]))
    detail = client.get(reverse("dashboard_schedule", args=[proposal.pk]))

    proposal.refresh_from_db()
    assert proposal.status == Schedule.Status.DECLINED  # stored as before
    for page in (listing.content.decode(), detail.content.decode()):
        assert '<span class="badge countered">Another time proposed</span>' in page
        assert ">Declined<" not in page
