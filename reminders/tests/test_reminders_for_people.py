"""Issue #16, item 7: reminders written for people.

`send_reminders --dry-run` printed "would send stalled to user 4 (building:1:since:…)"; the
daily digest gave three counts; the D-14/7/3 list gave names only; the "stalled" email did not
say that an open access issue may explain the stall.
"""

import datetime

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from accounts.emails import email_render
from buildings.tests.factories import BuildingFactory, TowerFactory, UnitFactory, kelurahan
from reminders.models import ReminderKind as K
from reminders.models import ReminderLog
from reminders.rules import Day, rules_evaluate
from reminders.services import reminder_message
from reminders.tests.conftest import FIRST, LAST, jakarta
from visits.tests.factories import AccessIssueFactory, AssignmentFactory

pytestmark = pytest.mark.django_db
D = datetime.timedelta


def _close(units, at):
    for unit in units:
        unit.status, unit.status_at = "done", at
        unit.save(update_fields=["status", "status_at"])


def _reminder(area, day, kind, user):
    found = [
        r
        for r in rules_evaluate(Day(day=day, at=jakarta(day, 7), period=area.period))
        if r.kind == kind and r.recipient_id == user.pk
    ]
    assert len(found) == 1, found
    return found[0]


def _email(area, day, kind, user) -> tuple[str, str]:
    """(subject, text) of the reminder, in English."""
    r = _reminder(area, day, kind, user)
    log = ReminderLog(kind=r.kind, recipient=user, key=r.key, day=day, payload=r.payload)
    message = reminder_message(log)
    subject, text, _html = email_render(message["template"], message["context"], "en")
    return subject, text


def _buildings(area, closed_per_building):
    """Buildings of Rawajati assigned to the area's pantarlih, 40 units each, so many of them
    closed on the first day."""
    buildings = []
    for name, closed in closed_per_building:
        building = BuildingFactory(name=name, kelurahan=kelurahan())
        tower = TowerFactory(building=building, name="A")
        units = [UnitFactory(tower=tower, number=f"A-{n:02d}") for n in range(40)]
        _close(units[:closed], jakarta(FIRST))
        AssignmentFactory(period=area.period, pantarlih=area.pantarlih, building=building)
        buildings.append(building)
    return buildings


@pytest.fixture
def four(area):
    """Three more buildings of Rawajati beside the area's (4 units, none closed): 40 units each,
    4, 10 and 30 of them closed on the first day."""
    return _buildings(
        area, (("Gedung Empat", 4), ("Gedung Sepuluh", 10), ("Gedung Tiga Puluh", 30))
    )


def test_the_dry_run_names_the_recipient_and_role_the_subject_and_first_line(area, capsys):
    area.pps.full_name = "Siti Rahmawati"
    area.pps.save(update_fields=["full_name"])

    call_command("send_reminders", "--date", str(FIRST), "--dry-run")

    out = capsys.readouterr().out
    assert "user " not in out and "building:" not in out
    lines = out.splitlines()
    mine = next(i for i, line in enumerate(lines) if "Siti Rahmawati" in line)
    # Indonesian, the default language: the role, the subject, then the email's first line.
    assert "PPS" in lines[mine] and "Rawajati" in lines[mine]
    assert "Belum ada jadwal coklit: Rusun Uji" in lines[mine]
    assert lines[mine + 1].strip().startswith("Rusun Uji")
    assert not ReminderLog.objects.exists() and not mail.outbox


def test_the_dry_run_header_is_worded_in_the_operators_language(area, capsys):
    with translation.override("en"):
        call_command("send_reminders", "--date", str(FIRST), "--dry-run")

    out = capsys.readouterr().out
    assert "would send to" in out and "due" in out


def test_the_digest_gives_coverage_days_left_pace_and_the_three_furthest_behind(area, four):
    day = FIRST + D(10)  # 11 of 31 days gone: the straight line stands at 35.5 %

    subject, text = _email(area, day, K.DIGEST, area.kpu_kota)

    # 4 + 3 × 40 units, 44 closed: 35.5 %; 21 days left counting today, 80 open: 3.8 a day.
    assert "Units closed so far: 44 of 124 (35.5 %)" in text
    assert "Days left: 21" in text
    assert "Pace needed: 3.8 units a day" in text
    furthest = text[text.index("Furthest behind") :]
    assert furthest.index("Rusun Uji") < furthest.index("Gedung Empat")
    assert furthest.index("Gedung Empat") < furthest.index("Gedung Sepuluh")
    assert "Gedung Tiga Puluh" not in furthest  # 75 %: ahead of the line
    assert "Gedung Sepuluh: 25.0 % closed, 30 units open, 10.5 points behind" in furthest


def test_the_countdown_gives_each_buildings_figures(area, four):
    day = LAST - D(7)

    subject, text = _email(area, day, K.COUNTDOWN, area.kpu_kota)

    # 24 of 31 days gone: the line stands at 77.4 %.
    assert "Rusun Uji: 0.0 % closed, 4 units open, 77.4 points behind" in text
    assert "Gedung Sepuluh: 25.0 % closed, 30 units open, 52.4 points behind" in text


def test_the_stalled_email_names_the_open_access_issue_that_explains_it(area):
    issue = AccessIssueFactory(building=area.building, raised_by=area.pantarlih,
                               kind="security_refused", level="kpu_kota")  # fmt: skip

    subject, text = _email(area, FIRST + D(3), K.STALLED, area.pps)

    assert "An access issue is still open here" in text
    assert "Security refused entry" in text and "KPU Kota" in text
    assert f"/dasbor/masalah/{issue.pk}/" in text


def test_the_stalled_email_without_an_issue_says_nothing_of_one(area):
    subject, text = _email(area, FIRST + D(3), K.STALLED, area.pps)

    assert "access issue" not in text


def test_the_richer_rules_still_run_a_fixed_number_of_queries(area, four):
    day = Day(day=LAST - D(7), at=jakarta(LAST - D(7), 7), period=area.period)

    def queries():
        with CaptureQueriesContext(connection) as captured:
            found = rules_evaluate(day)
        return len(captured), len(found)

    queries()  # per-process caches (content types) filled
    before, found = queries()
    _buildings(area, [(f"Gedung Tambahan {n}", n * 5) for n in range(6)])
    after, more = queries()
    assert after == before and more > found
