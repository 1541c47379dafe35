"""The rule "proposed for tomorrow, still unanswered": from 15:00 the day before, the side that
must answer is reminded, and the proposer gets a copy; once per schedule and person."""

import datetime

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import Role
from buildings.tests.factories import BuildingFactory, BuildingManagerFactory
from reminders import services
from reminders.models import ReminderKind as K
from reminders.models import ReminderLog
from reminders.rules import PROPOSAL_TOMORROW_FROM, Day, proposal_tomorrow, rules_evaluate
from reminders.tests.conftest import FIRST, jakarta
from visits.models import Schedule
from visits.tests.factories import ScheduleFactory

pytestmark = pytest.mark.django_db
D = datetime.timedelta
DAY, TOMORROW = FIRST + D(3), FIRST + D(4)  # 27 and 28 June 2024


def _proposal(area, proposed_by, **values):
    values = {"building": area.building, "date": TOMORROW, "proposed_by": proposed_by,
              "start": datetime.time(9), "end": datetime.time(12), **values}  # fmt: skip
    schedule = ScheduleFactory(**values)
    # Made in the morning of the day before.
    Schedule.objects.filter(pk=schedule.pk).update(created_at=jakarta(DAY, 8))
    return schedule


def _due(area, hour=16, day=DAY):
    d = Day(day=day, at=jakarta(day, hour), period=area.period)
    return {(r.recipient_id, r.key, r.payload["as"]) for r in rules_evaluate(d)
            if r.kind == K.PROPOSAL_TOMORROW}  # fmt: skip


@pytest.fixture
def at_four_pm(monkeypatch):
    """It is 16:00 on DAY in Jakarta, when beat runs the rules (reminders_run reads the clock)."""
    monkeypatch.setattr(timezone, "now", lambda: jakarta(DAY, 16))


def test_a_kpu_proposal_reminds_the_buildings_managers_and_copies_the_proposer(area):
    s = _proposal(area, area.pps)
    assert _due(area) == {
        (area.manager.pk, f"schedule:{s.pk}", "answer"),
        (area.pps.pk, f"schedule:{s.pk}", "proposer"),
    }


def test_a_managers_proposal_reminds_the_kelurahan_pps_not_another(area):
    s = _proposal(area, area.manager, kind="posko")
    due = _due(area)
    assert due == {
        (area.pps.pk, f"schedule:{s.pk}", "answer"),
        (area.manager.pk, f"schedule:{s.pk}", "proposer"),
    }
    assert area.pps_elsewhere.pk not in {u for u, _, _ in due}


def test_without_a_pps_the_managers_proposal_goes_to_kpu_kota(area):
    area.pps.is_active = False
    area.pps.save()
    s = _proposal(area, area.manager, kind="posko")
    assert (area.kpu_kota.pk, f"schedule:{s.pk}", "answer") in _due(area)


def test_nothing_before_three_in_the_afternoon(area):
    _proposal(area, area.pps)
    before = (datetime.datetime.combine(DAY, PROPOSAL_TOMORROW_FROM) - D(minutes=1)).hour
    assert _due(area, hour=before) == set()
    assert _due(area, hour=7) == set()
    assert _due(area, hour=PROPOSAL_TOMORROW_FROM.hour)


@pytest.mark.parametrize("status", ["confirmed", "declined", "cancelled", "done"])
def test_nothing_for_an_answered_schedule(area, status):
    _proposal(area, area.pps, status=status, decided_by=area.manager)
    assert _due(area) == set()


def test_nothing_for_the_day_after_tomorrow_nor_for_today(area):
    _proposal(area, area.pps, date=TOMORROW + D(1))
    _proposal(area, area.pps, date=DAY, start=datetime.time(13), end=datetime.time(14))
    assert _due(area) == set()


def test_a_proposal_made_within_the_hour_waits_for_the_next_run(area):
    s = _proposal(area, area.pps)
    Schedule.objects.filter(pk=s.pk).update(created_at=jakarta(DAY, 15) + D(minutes=30))
    assert _due(area, hour=16) == set()
    assert _due(area, hour=17)


def test_an_inactive_proposer_gets_no_copy(area):
    area.pps.is_active = False
    area.pps.save()
    s = _proposal(area, area.pps)
    assert _due(area) == {(area.manager.pk, f"schedule:{s.pk}", "answer")}


def test_sent_once_however_often_beat_runs(area, at_four_pm):
    _proposal(area, area.pps)
    for _ in range(3):  # 16:00, 17:00, 18:00: claimed the first time only
        for pk in services.reminders_run(day=DAY).to_send:
            services.reminder_deliver(log_id=pk)
    logs = ReminderLog.objects.filter(kind=K.PROPOSAL_TOMORROW)
    assert logs.count() == 2 and set(logs.values_list("status", flat=True)) == {"sent"}
    tomorrow_mails = [m for m in mail.outbox if "28-06-2024" in m.subject]
    assert sorted(m.to[0] for m in tomorrow_mails) == sorted([area.manager.email, area.pps.email])


def test_the_emails_name_the_building_date_time_and_a_link_to_act(area, at_four_pm):
    area.building.contact_name, area.building.contact_phone = "Satpam Lobi", "+6281234500001"
    area.building.save()
    s = _proposal(area, area.pps, kind="posko", start=datetime.time(9), end=datetime.time(15))
    for pk in services.reminders_run(day=DAY).to_send:
        services.reminder_deliver(log_id=pk)
    to = {m.to[0]: m for m in mail.outbox if "28-06-2024" in m.subject}
    manager, proposer = to[area.manager.email], to[area.pps.email]
    for message in (manager, proposer):
        assert "Rusun Uji" in message.subject and "Rusun Uji" in message.body
        assert "28-06-2024" in message.body and "09.00–15.00 WIB" in message.body
        assert message.alternatives and "Rusun Uji" in message.alternatives[0][0]
    # Indonesian by default; the manager acts in the portal, the PPS on the staff side.
    assert manager.body.startswith("Yth. Bapak/Ibu")
    assert f"/portal/jadwal/{s.pk}/" in manager.body
    assert area.pps.full_name in manager.body
    assert f"/dasbor/jadwal/{s.pk}/" in proposer.body
    assert "+6281234500001" in proposer.body  # who to call tonight


def test_each_recipient_reads_it_in_their_language(area, at_four_pm):
    area.manager.language = "en"
    area.manager.save()
    _proposal(area, area.pps)
    for pk in services.reminders_run(day=DAY).to_send:
        services.reminder_deliver(log_id=pk)
    to = {m.to[0]: m for m in mail.outbox if "28-06-2024" in m.subject}
    assert "awaits your answer" in to[area.manager.email].subject
    assert to[area.manager.email].body.startswith("Dear ")
    assert to[area.pps.email].body.startswith("Yth. Bapak/Ibu")


def test_a_proposal_answered_after_the_claim_is_not_sent(area, at_four_pm):
    s = _proposal(area, area.pps)
    ids = services.reminders_run(day=DAY).to_send
    Schedule.objects.filter(pk=s.pk).update(status="confirmed", decided_by=area.manager)
    outcomes = {services.reminder_deliver(log_id=pk)[0] for pk in ids
                if ReminderLog.objects.get(pk=pk).kind == K.PROPOSAL_TOMORROW}  # fmt: skip
    assert outcomes == {"dropped"}
    assert not [m for m in mail.outbox if "28-06-2024" in m.subject]


def test_the_rule_runs_a_fixed_number_of_queries(area):
    from reminders.rules import Staff

    d = Day(day=DAY, at=jakarta(DAY, 16), period=area.period)
    staff = Staff({Role.PPS, Role.KPU_KOTA})

    def queries():
        with CaptureQueriesContext(connection) as captured:
            found = proposal_tomorrow(d, staff)
        return len(captured), len(found)

    _proposal(area, area.pps)
    before, found = queries()
    for i in range(8):
        building = BuildingFactory(name=f"Gedung {i}")
        manager = BuildingManagerFactory(building=building).user
        _proposal(area, manager if i % 2 else area.pps, building=building)
    after, more = queries()
    assert after == before and more > found
