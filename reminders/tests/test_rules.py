import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from reminders.models import ReminderKind as K
from reminders.rules import Day, rules_evaluate
from reminders.services import reminders_run
from reminders.tests.conftest import FIRST, LAST, jakarta
from visits.models import AccessIssue, Schedule
from visits.tests.factories import AccessIssueFactory, ScheduleFactory

pytestmark = pytest.mark.django_db
D = datetime.timedelta


def due(area, day, at=None):
    return {(r.kind, r.recipient_id, r.key) for r in
            rules_evaluate(Day(day=day, at=at or jakarta(day, 7), period=area.period))}  # fmt: skip


def kinds_for(area, day, user, at=None):
    return {k for k, u, _ in due(area, day, at) if u == user.pk}


def close(unit, at):
    unit.status, unit.status_at = "done", at
    unit.save(update_fields=["status", "status_at"])


def test_nothing_is_due_the_day_before_or_after_the_period(area):
    ScheduleFactory(building=area.building, date=FIRST, status="confirmed")
    for day in (FIRST - D(1), LAST + D(1)):
        result = reminders_run(day=day, dry_run=True)
        assert result.period is None and result.due == []


def test_confirmed_visit_tomorrow_reminds_the_manager_and_the_assigned_pantarlih(area):
    s = ScheduleFactory(building=area.building, date=FIRST + D(1), status="confirmed")
    found = due(area, FIRST)
    assert (K.VISIT_TOMORROW, area.manager.pk, f"schedule:{s.pk}") in found
    assert (K.VISIT_TOMORROW, area.pantarlih.pk, f"schedule:{s.pk}") in found
    assert not kinds_for(area, FIRST, area.pps) & {K.VISIT_TOMORROW}


def test_no_visit_reminder_on_the_last_day_for_a_day_past_the_period(area):
    ScheduleFactory(building=area.building, date=LAST + D(1), status="confirmed")
    assert K.VISIT_TOMORROW not in kinds_for(area, LAST, area.manager)


def test_a_proposal_reminds_the_managers_after_48_hours_not_before(area):
    s = ScheduleFactory(building=area.building, date=FIRST + D(5), proposed_by=area.pantarlih)
    Schedule.objects.filter(pk=s.pk).update(created_at=jakarta(FIRST, 7))
    assert K.PROPOSAL_UNANSWERED not in kinds_for(area, FIRST + D(1), area.manager)
    assert K.PROPOSAL_UNANSWERED in kinds_for(area, FIRST + D(2), area.manager)


def test_an_assigned_building_without_schedule_reminds_its_kelurahan_pps_only(area):
    assert K.NO_SCHEDULE in kinds_for(area, FIRST, area.pps)
    assert K.NO_SCHEDULE not in kinds_for(area, FIRST, area.pps_elsewhere)
    ScheduleFactory(building=area.building, date=FIRST + D(3))
    assert K.NO_SCHEDULE not in kinds_for(area, FIRST, area.pps)


def test_a_building_stalls_three_days_after_its_last_closed_unit(area):
    close(area.units[0], jakarta(FIRST + D(4)))
    assert K.STALLED not in kinds_for(area, FIRST + D(6), area.pps)
    assert K.STALLED in kinds_for(area, FIRST + D(7), area.pps)
    assert K.STALLED in kinds_for(area, FIRST + D(7), area.pantarlih)


def test_a_building_never_started_stalls_from_the_third_day_of_the_period(area):
    assert K.STALLED not in kinds_for(area, FIRST, area.pps)
    assert K.STALLED in kinds_for(area, FIRST + D(3), area.pps)


@pytest.mark.parametrize("days_left", [14, 7, 3])
def test_countdown_at_d14_d7_d3_for_buildings_below_the_pace(area, days_left):
    day = LAST - D(days_left)
    assert K.COUNTDOWN in kinds_for(area, day, area.kpu_kota)
    assert K.COUNTDOWN in kinds_for(area, day, area.pps)
    assert K.COUNTDOWN not in kinds_for(area, day + D(1), area.kpu_kota)


def test_no_countdown_for_a_building_ahead_of_the_pace(area):
    for unit in area.units:
        close(unit, jakarta(FIRST))
    assert K.COUNTDOWN not in kinds_for(area, LAST - D(7), area.kpu_kota)


def test_an_overdue_escalation_goes_to_the_level_that_holds_it(area):
    issue = AccessIssueFactory(building=area.building, raised_by=area.pantarlih,
                               level="kpu_kota", due_at=jakarta(FIRST + D(2), 12))  # fmt: skip
    assert K.ESCALATION_OVERDUE not in kinds_for(area, FIRST + D(2), area.kpu_kota)
    assert K.ESCALATION_OVERDUE in kinds_for(area, FIRST + D(3), area.kpu_kota)
    assert K.ESCALATION_OVERDUE not in kinds_for(area, FIRST + D(3), area.pps)
    AccessIssue.objects.filter(pk=issue.pk).update(status="resolved", resolved_at=jakarta(FIRST))
    assert K.ESCALATION_OVERDUE not in kinds_for(area, FIRST + D(3), area.kpu_kota)


def test_the_digest_goes_to_kpu_kota_and_ppk_on_the_first_and_last_day(area):
    for day in (FIRST, LAST):
        assert (K.DIGEST, area.kpu_kota.pk, f"digest:{day}") in due(area, day)
        assert (K.DIGEST, area.ppk.pk, f"digest:{day}") in due(area, day)
        assert K.DIGEST not in kinds_for(area, day, area.pps)


def test_the_rules_run_a_fixed_number_of_queries(area):
    from accounts.models import Role
    from accounts.tests.factories import UserFactory
    from buildings.tests.factories import kelurahan

    day = Day(day=LAST - D(7), at=jakarta(LAST - D(7), 7), period=area.period)

    def queries():
        with CaptureQueriesContext(connection) as captured:
            found = rules_evaluate(day)
        return len(captured), len(found)

    queries()  # per-process caches (content types) filled
    before, _found = queries()
    UserFactory.create_batch(30, role=Role.PPS, region=kelurahan())
    after, found = queries()
    assert after == before and found > 30  # thirty more recipients, not one query more
