import datetime
import uuid

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.tests.factories import UserFactory
from buildings.tests.factories import BuildingFactory, TowerFactory, UnitFactory
from visits.models import AccessIssue, Assignment, CoklitPeriod, Schedule, UnitOutcome, Visit
from visits.tests.factories import (
    AccessIssueFactory,
    AssignmentFactory,
    ScheduleFactory,
    UnitOutcomeFactory,
    VisitFactory,
    pilkada_2024,
)

pytestmark = pytest.mark.django_db


def wib(day, hour, minute=0, month=6):
    return timezone.make_aware(datetime.datetime(2024, month, day, hour, minute))


# COKLIT PERIOD


def test_migrations_seed_the_pilkada_2024_window():
    period = pilkada_2024()
    assert (period.starts_on, period.ends_on) == (
        datetime.date(2024, 6, 24),
        datetime.date(2024, 7, 24),
    )


def test_period_ending_before_it_starts_is_rejected():
    with pytest.raises(IntegrityError), transaction.atomic():
        CoklitPeriod.objects.create(
            name="Terbalik", starts_on=datetime.date(2029, 7, 1), ends_on=datetime.date(2029, 6, 30)
        )


def test_period_of_a_single_day_is_accepted():
    day = datetime.date(2029, 7, 1)
    assert CoklitPeriod.objects.create(name="Sehari", starts_on=day, ends_on=day).contains(day)


def test_period_name_is_unique():
    with pytest.raises(IntegrityError), transaction.atomic():
        CoklitPeriod.objects.create(
            name=pilkada_2024().name,
            starts_on=datetime.date(2029, 6, 1),
            ends_on=datetime.date(2029, 7, 1),
        )


def test_period_contains_its_first_and_last_day_only():
    period = pilkada_2024()
    assert period.contains(datetime.date(2024, 6, 24))
    assert period.contains(datetime.date(2024, 7, 24))
    assert not period.contains(datetime.date(2024, 6, 23))
    assert not period.contains(datetime.date(2024, 7, 25))


def test_days_left_counts_today_and_stops_at_zero():
    period = pilkada_2024()
    assert period.days_left(datetime.date(2024, 6, 1)) == 31
    assert period.days_left(datetime.date(2024, 7, 24)) == 1
    assert period.days_left(datetime.date(2024, 8, 1)) == 0


def test_open_on_finds_the_period_of_a_day():
    assert list(CoklitPeriod.objects.open_on(datetime.date(2024, 7, 1))) == [pilkada_2024()]
    assert not CoklitPeriod.objects.open_on(datetime.date(2024, 8, 1)).exists()


# ASSIGNMENT


def test_assignment_to_the_same_tower_twice_is_rejected():
    tower = TowerFactory()
    first = AssignmentFactory(building=tower.building, tower=tower)
    with pytest.raises(IntegrityError), transaction.atomic():
        AssignmentFactory(
            pantarlih=first.pantarlih, building=tower.building, tower=tower, tps="099"
        )


def test_assignment_to_the_whole_building_twice_is_rejected():
    first = AssignmentFactory(tower=None)
    with pytest.raises(IntegrityError), transaction.atomic():
        AssignmentFactory(pantarlih=first.pantarlih, building=first.building, tower=None)


def test_a_pantarlih_may_cover_several_towers_of_a_building():
    building = BuildingFactory()
    pantarlih = UserFactory()
    for tower in TowerFactory.create_batch(2, building=building):
        AssignmentFactory(pantarlih=pantarlih, building=building, tower=tower)
    AssignmentFactory(pantarlih=pantarlih, building=building, tower=None)
    assert Assignment.objects.filter(pantarlih=pantarlih).count() == 3


def test_two_pantarlih_may_share_a_tower():
    tower = TowerFactory()
    AssignmentFactory(building=tower.building, tower=tower, tps="021")
    AssignmentFactory(building=tower.building, tower=tower, tps="021")
    assert Assignment.objects.filter(tower=tower).count() == 2


# SCHEDULE


@pytest.mark.parametrize("end", [datetime.time(9, 0), datetime.time(8, 0)])
def test_schedule_must_end_after_it_starts(end):
    with pytest.raises(IntegrityError), transaction.atomic():
        ScheduleFactory(start=datetime.time(9, 0), end=end)


def test_schedule_kind_must_be_a_known_kind():
    with pytest.raises(IntegrityError), transaction.atomic():
        ScheduleFactory(kind="telepon")


def test_schedule_status_must_be_a_known_status():
    with pytest.raises(IntegrityError), transaction.atomic():
        ScheduleFactory(status="maybe")


def test_new_schedule_is_a_proposal():
    assert ScheduleFactory().status == Schedule.Status.PROPOSED


# VISIT


def test_visit_client_uuid_is_unique():
    visit = VisitFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        VisitFactory(client_uuid=visit.client_uuid)


def test_visit_ending_before_it_started_is_rejected():
    with pytest.raises(IntegrityError), transaction.atomic():
        VisitFactory(started_at=wib(26, 9, 0), ended_at=wib(26, 8, 59))


def test_visit_may_end_when_it_starts_or_be_still_open():
    VisitFactory(started_at=wib(26, 9, 0), ended_at=wib(26, 9, 0))
    VisitFactory(started_at=wib(26, 9, 0), ended_at=None)
    assert Visit.objects.count() == 2


def test_visit_access_must_be_a_known_value():
    with pytest.raises(IntegrityError), transaction.atomic():
        VisitFactory(access="maybe")


# UNIT OUTCOME


@pytest.mark.parametrize("outcome", ["unvisited", "moved", ""])
def test_unit_outcome_rejects_unvisited_and_unknown_codes(outcome):
    with pytest.raises(IntegrityError), transaction.atomic():
        UnitOutcomeFactory(outcome=outcome)


@pytest.mark.parametrize("outcome", UnitOutcome.Outcome.values[1:])
def test_unit_outcome_accepts_the_eight_outcome_codes(outcome):
    assert UnitOutcomeFactory(outcome=outcome).outcome == outcome


def test_there_are_eight_outcome_codes_without_unvisited():
    codes = [value for value, _label in UnitOutcome._meta.get_field("outcome").choices]
    assert len(codes) == 8
    assert "unvisited" not in codes


def test_unit_outcome_sticker_must_be_a_known_value():
    with pytest.raises(IntegrityError), transaction.atomic():
        UnitOutcomeFactory(sticker="peeled")


# ACCESS ISSUE


def test_resolved_access_issue_needs_a_resolution_time():
    with pytest.raises(IntegrityError), transaction.atomic():
        AccessIssueFactory(status=AccessIssue.Status.RESOLVED, resolved_at=None)


def test_resolved_access_issue_with_a_time_is_accepted():
    issue = AccessIssueFactory(status=AccessIssue.Status.RESOLVED, resolved_at=wib(28, 15, 0))
    assert issue.status == AccessIssue.Status.RESOLVED


@pytest.mark.parametrize(
    "field", [{"kind": "noise"}, {"level": "presiden"}, {"status": "forgotten"}]
)
def test_access_issue_kind_level_and_status_must_be_known_values(field):
    with pytest.raises(IntegrityError), transaction.atomic():
        AccessIssueFactory(**field)


def test_new_access_issue_is_open_at_the_pps_step():
    issue = AccessIssueFactory()
    assert (issue.level, issue.status) == (AccessIssue.Level.PPS, AccessIssue.Status.OPEN)


# __str__


def test_str_of_every_visits_model_is_readable():
    pantarlih = UserFactory(full_name="Rizky Ramadhan", email="rizky@example.id")
    building = BuildingFactory(name="Kalibata City")
    tower = TowerFactory(building=building, name="Tower Jasmine")
    unit = UnitFactory(tower=tower, number="J-0512", floor=5)
    assignment = AssignmentFactory(pantarlih=pantarlih, building=building, tower=tower, tps="021")
    whole = AssignmentFactory(pantarlih=pantarlih, building=building, tps="022")
    schedule = ScheduleFactory(building=building, date=datetime.date(2024, 6, 26))
    visit = VisitFactory(
        client_uuid=uuid.uuid4(), pantarlih=pantarlih, building=building, started_at=wib(26, 9, 5)
    )
    outcome = UnitOutcomeFactory(visit=visit, unit=unit, outcome=UnitOutcome.Outcome.DONE)
    issue = AccessIssueFactory(building=building)

    who = "Rizky Ramadhan <rizky@example.id>"
    assert str(pilkada_2024()) == "Pilkada DKI Jakarta 2024"
    assert str(assignment) == f"{who} – Kalibata City / Tower Jasmine (TPS 021)"
    assert str(whole) == f"{who} – Kalibata City (TPS 022)"
    assert str(schedule) == f"Kalibata City – {schedule.get_kind_display()} 26-06-2024"
    assert str(visit) == f"Kalibata City – {who} 26-06-2024 09:05"
    assert outcome.get_outcome_display() in str(outcome)
    assert str(issue) == (
        f"Kalibata City – {issue.get_kind_display()} ({issue.get_status_display()})"
    )


def test_visit_str_shows_jakarta_time_after_loading_from_the_database():
    visit = VisitFactory(started_at=wib(26, 9, 5))
    assert str(Visit.objects.get(pk=visit.pk)).endswith("26-06-2024 09:05")
