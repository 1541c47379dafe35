"""Schedules: the rules in visits.schedules, and the manager answering in the portal, with the
other side told by email after the commit."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from accounts.models import Role
from accounts.tests.factories import UserFactory
from buildings.tests.factories import TowerFactory
from visits.models import Schedule
from visits.schedules import (
    schedule_cancel,
    schedule_confirm,
    schedule_counter,
    schedule_decline,
    schedule_propose,
)
from visits.tests.factories import ScheduleFactory, pilkada_2024

pytestmark = pytest.mark.django_db

D = datetime.date
T = datetime.time


@pytest.fixture(autouse=True)
def _english():
    """The services word their refusals in the active language; these tests read English."""
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def july_first(monkeypatch):
    """Today is 1 July 2024, inside the Pilkada window, so July schedules lie ahead: a proposal
    whose date has passed can no longer be answered."""
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *args, **kwargs: D(2024, 7, 1))


def _july_second(monkeypatch):
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *args, **kwargs: D(2024, 7, 2))


@pytest.fixture
def proposal(world):
    pps = UserFactory(role=Role.PPS, email="pps.rawajati@uji.coklit.id", full_name="Sari PPS")
    return ScheduleFactory(
        building=world.building_a, proposed_by=pps, date=D(2024, 7, 1), start=T(9), end=T(12)
    )


@pytest.fixture
def manager(client, world):
    client.cookies["django_language"] = "en"
    client.force_login(world.manager_a)
    return client


def _messages(error: ValidationError) -> dict:
    with translation.override("en"):
        return {k: [str(m) for m in v] for k, v in error.message_dict.items()}


def test_a_date_outside_the_period_is_refused_naming_the_date(world):
    with pytest.raises(ValidationError) as error:
        schedule_propose(building=world.building_a, proposed_by=world.manager_a, kind="posko",
                         date=D(2024, 8, 1), start=T(9), end=T(12), period=pilkada_2024())  # fmt: skip
    assert "inside the coklit period" in _messages(error.value)["date"][0]


def test_an_end_before_the_start_is_refused(world):
    with pytest.raises(ValidationError) as error:
        schedule_propose(building=world.building_a, proposed_by=world.manager_a, kind="posko",
                         date=D(2024, 7, 2), start=T(13), end=T(9))  # fmt: skip
    assert "end time must be after" in _messages(error.value)["end"][0]


def test_overlapping_active_schedules_of_one_tower_are_refused(world, proposal):
    with pytest.raises(ValidationError) as error:
        schedule_propose(building=world.building_a, proposed_by=world.manager_a, kind="posko",
                         date=D(2024, 7, 1), start=T(11), end=T(14))  # fmt: skip
    assert (
        "overlaps another schedule on 01-07-2024, 09.00–12.00" in _messages(error.value)["start"][0]
    )
    # Back to back is fine, and so is another tower or a declined slot.
    schedule_propose(building=world.building_a, proposed_by=world.manager_a, kind="posko",
                     date=D(2024, 7, 1), start=T(12), end=T(14))  # fmt: skip
    other = TowerFactory(building=world.building_a, name="Lain")
    schedule_propose(building=world.building_a, proposed_by=world.manager_a, kind="posko",
                     date=D(2024, 7, 1), start=T(9), end=T(12), tower=other)  # fmt: skip


def test_only_a_proposal_can_be_answered(world, proposal):
    schedule_confirm(schedule=proposal, by=world.manager_a)
    with pytest.raises(ValidationError, match="Only a proposal"):
        schedule_decline(schedule=proposal, by=world.manager_a, reason="Tidak bisa")
    with pytest.raises(ValidationError, match="Only a proposal"):
        schedule_confirm(schedule=proposal, by=world.manager_a)


def test_a_proposal_whose_date_has_passed_cannot_be_answered(world, proposal, monkeypatch):
    _july_second(monkeypatch)
    answers = (
        lambda: schedule_confirm(schedule=proposal, by=world.manager_a),
        lambda: schedule_decline(schedule=proposal, by=world.manager_a, reason="Tidak bisa"),
        lambda: schedule_counter(
            schedule=proposal, by=world.manager_a, date=D(2024, 7, 5), start=T(9), end=T(12)
        ),  # fmt: skip
    )
    for answer in answers:
        with pytest.raises(ValidationError, match="proposal's date has passed"):
            answer()
    proposal.refresh_from_db()
    assert proposal.status == Schedule.Status.PROPOSED
    assert not Schedule.objects.filter(counter_of=proposal).exists()


def test_the_portal_offers_no_answer_to_a_proposal_whose_date_has_passed(
    manager, proposal, monkeypatch
):
    _july_second(monkeypatch)
    url = reverse("portal_schedule", args=[proposal.pk])
    page = manager.get(url)
    assert page.context["can_answer"] is False
    assert "date has passed" in page.content.decode() and "Confirm" not in page.content.decode()
    refused = manager.post(url, {"action": "confirm", "answer-reply": ""})
    assert "date has passed" in refused.context["answer_form"].non_field_errors()[0]
    proposal.refresh_from_db()
    assert proposal.status == Schedule.Status.PROPOSED


def test_nobody_answers_their_own_proposal(world):
    own = schedule_propose(building=world.building_a, proposed_by=world.manager_a, kind="posko",
                           date=D(2024, 7, 3), start=T(9), end=T(12))  # fmt: skip
    with pytest.raises(ValidationError, match="other side"):
        schedule_confirm(schedule=own, by=world.manager_a)


def test_manager_confirms_in_the_portal_and_the_proposer_gets_an_email(
    manager, world, proposal, mailoutbox, django_capture_on_commit_callbacks
):
    url = reverse("portal_schedule", args=[proposal.pk])
    assert "Confirm" in manager.get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = manager.post(
            url,
            {
                "action": "confirm",
                "answer-reply": "Lapor ke pos keamanan",
                "status": "done",
                "building": world.building_b.pk,
                "decided_by": world.kpu_provinsi.pk,
            },  # fmt: skip
        )
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == Schedule.Status.CONFIRMED
    assert proposal.building == world.building_a and proposal.decided_by == world.manager_a
    assert proposal.reply == "Lapor ke pos keamanan"
    assert [m.to for m in mailoutbox] == [["pps.rawajati@uji.coklit.id"]]
    assert "Lapor ke pos keamanan" in mailoutbox[0].body
    assert world.building_a.name in mailoutbox[0].subject


def test_declining_needs_a_reason(
    manager, proposal, mailoutbox, django_capture_on_commit_callbacks
):
    url = reverse("portal_schedule", args=[proposal.pk])
    response = manager.post(url, {"action": "decline", "answer-reply": " "})
    assert "Give a reason" in response.context["answer_form"].errors["reply"][0]
    with django_capture_on_commit_callbacks(execute=True):
        manager.post(url, {"action": "decline", "answer-reply": "Ada acara warga di lobi"})
    proposal.refresh_from_db()
    assert proposal.status == Schedule.Status.DECLINED and proposal.reply.startswith("Ada acara")
    assert len(mailoutbox) == 1


def test_a_counter_proposal_declines_the_original_and_waits_for_the_proposer(
    manager, world, proposal, mailoutbox, django_capture_on_commit_callbacks
):
    url = reverse("portal_schedule", args=[proposal.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = manager.post(
            url,
            {
                "action": "counter",
                "counter-date": "2024-07-01",
                "counter-start": "13:00",
                "counter-end": "16:00",
                "counter-note": "Pagi ada kerja bakti",
            },  # fmt: skip
        )
    counter = Schedule.objects.get(counter_of=proposal)
    assert response["Location"] == reverse("portal_schedule", args=[counter.pk])
    proposal.refresh_from_db()
    assert proposal.status == Schedule.Status.DECLINED
    assert (counter.status, counter.proposed_by, counter.start) == (
        Schedule.Status.PROPOSED, world.manager_a, T(13))  # fmt: skip
    assert mailoutbox[0].to == ["pps.rawajati@uji.coklit.id"]
    assert "01-07-2024, 09.00–12.00" in mailoutbox[0].body
    # The manager does not answer their own counter.
    assert "Waiting for the other side" in manager.get(response["Location"]).content.decode()


def test_a_counter_outside_the_period_names_the_date_and_keeps_the_proposal(manager, proposal):
    response = manager.post(
        reverse("portal_schedule", args=[proposal.pk]),
        {
            "action": "counter",
            "counter-date": "2024-09-01",
            "counter-start": "13:00",
            "counter-end": "12:00",
        },  # fmt: skip
    )
    errors = response.context["counter_form"].errors
    assert "inside the coklit period" in errors["date"][0]
    assert "end time must be after" in errors["end"][0]
    proposal.refresh_from_db()
    assert proposal.status == Schedule.Status.PROPOSED
    assert not Schedule.objects.filter(counter_of=proposal).exists()


def test_manager_proposes_a_posko_day_and_pps_and_pantarlih_hear_of_it(
    manager, world, mailoutbox, django_capture_on_commit_callbacks
):
    pps = UserFactory(role=Role.PPS, region=world.building_a.kelurahan, email="pps@uji.coklit.id")
    url = reverse("portal_schedules", args=[world.building_a.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = manager.post(
            url,
            {
                "date": "2024-07-06",
                "start": "09:00",
                "end": "15:00",
                "note": "Lobi Tower A",
                "status": "confirmed",
            },  # fmt: skip
        )
    assert response.status_code == 302
    posko = Schedule.objects.get(building=world.building_a, kind="posko", date=D(2024, 7, 6))
    assert posko.status == Schedule.Status.PROPOSED and posko.proposed_by == world.manager_a
    assert sorted(m.to[0] for m in mailoutbox) == sorted([pps.email, world.pantarlih_a.email])


def test_an_overlapping_posko_day_names_the_field_and_stores_nothing(manager, world, proposal):
    url = reverse("portal_schedules", args=[world.building_a.pk])
    response = manager.post(url, {"date": "2024-07-01", "start": "10:00", "end": "11:00"})
    assert response.status_code == 200
    assert "overlaps another schedule" in response.context["form"].errors["start"][0]
    assert not Schedule.objects.filter(kind="posko", date=D(2024, 7, 1)).exists()


def test_a_proposal_from_kpu_side_notifies_the_managers(
    world, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        schedule_propose(building=world.building_a, proposed_by=world.pantarlih_a,
                         kind="door_to_door", date=D(2024, 7, 8), start=T(9), end=T(12))  # fmt: skip
    assert [m.to for m in mailoutbox] == [[world.manager_a.email]]


def test_manager_of_another_building_cannot_answer(client, world, proposal):
    client.force_login(world.manager_b)
    url = reverse("portal_schedule", args=[proposal.pk])
    assert client.post(url, {"action": "confirm"}).status_code == 404
    proposal.refresh_from_db()
    assert proposal.status == Schedule.Status.PROPOSED


def test_a_cancellation_needs_a_reason_and_tells_everyone_involved(
    world, proposal, july_first, mailoutbox, django_capture_on_commit_callbacks
):
    schedule_confirm(schedule=proposal, by=world.manager_a)
    with pytest.raises(ValidationError) as error:
        schedule_cancel(schedule=proposal, by=world.manager_a, reason="  ")
    assert "reason" in _messages(error.value)["reply"][0]
    with django_capture_on_commit_callbacks(execute=True):
        schedule_cancel(schedule=proposal, by=world.manager_a, reason="Lift dalam perbaikan.")
    proposal.refresh_from_db()
    assert proposal.status == "cancelled" and proposal.reply == "Lift dalam perbaikan."
    told = {address for message in mailoutbox for address in message.to}
    # the proposer (PPS) and the building's pantarlih, never the manager who cancelled
    assert told == {proposal.proposed_by.email, world.pantarlih_a.email}
    assert all("Lift dalam perbaikan." in m.body for m in mailoutbox)


def test_past_or_answered_schedules_cannot_be_cancelled(world, proposal, july_first):
    past = ScheduleFactory(building=world.building_a, date=D(2024, 6, 28), start=T(9), end=T(10))
    with pytest.raises(ValidationError) as error:
        schedule_cancel(schedule=past, by=world.manager_a, reason="Terlambat.")
    assert "in the past" in " ".join(error.value.messages)
    schedule_decline(schedule=proposal, by=world.manager_a, reason="Penuh.")
    with pytest.raises(ValidationError) as error:
        schedule_cancel(schedule=proposal, by=world.manager_a, reason="Batal.")
    assert "declined" in " ".join(error.value.messages)


def test_manager_cancels_a_confirmed_visit_in_the_portal(manager, world, proposal, july_first):
    schedule_confirm(schedule=proposal, by=world.manager_a)
    url = reverse("portal_schedule", args=[proposal.pk])
    assert manager.get(url).context["can_cancel"] is True
    refused = manager.post(url, {"action": "cancel", "cancel-reason": ""})
    assert refused.status_code == 200 and refused.context["cancel_form"].errors["reason"]
    proposal.refresh_from_db()
    assert proposal.status == "confirmed"
    done = manager.post(url, {"action": "cancel", "cancel-reason": "Ada acara warga."}, follow=True)
    assert b"Schedule cancelled" in done.content
    proposal.refresh_from_db()
    assert proposal.status == "cancelled" and proposal.decided_by == world.manager_a
    assert manager.get(url).context["can_cancel"] is False


def test_confirming_in_the_portal_runs_the_same_few_queries_however_many_schedules(
    manager, world, proposal
):
    # Session and user, the scoped read, then in one transaction the lock, the overlap check,
    # the audit row (with its read of the row before), the update and the outbox row: none of
    # them per schedule, so a building with twenty more schedules costs the same.
    confirm = {"action": "confirm", "answer-reply": "Lapor ke pos keamanan"}

    def confirmed(schedule) -> int:
        with CaptureQueriesContext(connection) as captured:
            response = manager.post(reverse("portal_schedule", args=[schedule.pk]), confirm)
        assert response.status_code == 302
        return len(captured)

    alone = confirmed(proposal)
    for day in range(2, 21):
        ScheduleFactory(building=world.building_a, proposed_by=proposal.proposed_by,
                        date=D(2024, 7, day), tower=TowerFactory(building=world.building_a))  # fmt: skip
    later = ScheduleFactory(building=world.building_a, proposed_by=proposal.proposed_by,
                            date=D(2024, 7, 22), tower=TowerFactory(building=world.building_a))  # fmt: skip
    assert confirmed(later) == alone
    later.refresh_from_db()
    assert later.status == Schedule.Status.CONFIRMED
