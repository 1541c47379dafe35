"""What a data protection officer reads about retention: the command's report and a run in the
admin, in the reader's language and in words (never a key like `visit_photos`), with every
period accounted for, also those not due yet."""

import datetime
import sys
import types
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape

from privacy import retention
from privacy.models import RetentionRun
from privacy.retention import KINDS, RESIDENT_KINDS
from visits.models import CoklitPeriod

pytestmark = pytest.mark.django_db


def _report(language: str) -> list[str]:
    out = StringIO()
    call_command("apply_retention", "--dry-run", "--language", language, stdout=out)
    return out.getvalue().splitlines()


@pytest.fixture
def residents(monkeypatch):
    """The residents' purge, as residents.retention reports it."""
    fake = types.ModuleType("residents.retention")
    fake.purge_closed_periods = lambda *, now=None, dry_run=False: {
        "callback numbers erased": 3,
        "visit requests deleted": 0,
    }
    monkeypatch.setitem(sys.modules, "residents.retention", fake)
    monkeypatch.setattr(retention.apps, "is_installed", lambda label: True)


@pytest.mark.parametrize("language", ["id", "en"])
def test_the_residents_lines_are_words_in_the_reports_language(residents, language):
    lines = _report(language)

    assert "  callback numbers erased: 3" not in lines  # residents.retention's key
    with translation.override(language):
        label = str(RESIDENT_KINDS["callback numbers erased"])
        nothing = str(RESIDENT_KINDS["visit requests deleted"])
    assert f"  {label}: 3" in lines
    assert not [line for line in lines if line.startswith(f"  {nothing}")]  # zero: not listed


def test_a_period_not_due_yet_is_listed_with_the_day_its_retention_falls_due():
    today = timezone.localdate()
    CoklitPeriod.objects.create(
        name="Periode berjalan", starts_on=today - datetime.timedelta(days=5),
        ends_on=today + datetime.timedelta(days=20),
    )  # fmt: skip
    due = today + datetime.timedelta(days=20 + 90 + 1)

    lines = _report("en")

    line = next(line for line in lines if line.startswith("Periode berjalan"))
    assert due.isoformat() in line and "nothing removed yet" in line


def test_a_run_in_the_admin_reads_as_words(client, world):
    run = RetentionRun.objects.create(
        ran_at=timezone.now(), days=90,
        counts={"Latihan": {"visit_photos": 2, "invitations": 1},
                "residents": {"callback numbers erased": 3}},
    )  # fmt: skip
    client.force_login(world.kpu_provinsi)

    for url in (
        reverse("admin:privacy_retentionrun_change", args=[run.pk]),
        reverse("admin:privacy_retentionrun_changelist"),
    ):
        page = client.get(url).content.decode()
        assert "visit_photos" not in page and ">callback numbers erased" not in page, url
        assert "{&quot;" not in page, url  # no dict shown as it is stored
    page = client.get(reverse("admin:privacy_retentionrun_change", args=[run.pk]))
    text = page.content.decode()
    assert escape(f"{KINDS['visit_photos']}: 2") in text
    assert escape(f"{RESIDENT_KINDS['callback numbers erased']}: 3") in text


def test_the_history_of_a_setting_answers_the_same_for_any_id(client, world):
    """Other staff get a 403 whether the row exists or not: the answer confirms nothing."""
    run = RetentionRun.objects.create(ran_at=timezone.now(), days=90, counts={})
    client.force_login(world.kpu_kota_selatan)
    for pk in (run.pk, run.pk + 1000):
        for view in ("change", "delete", "history"):
            url = reverse(f"admin:privacy_retentionrun_{view}", args=[pk])
            assert client.get(url).status_code == 403, url


def test_text_typed_in_the_admin_cannot_forge_or_clear_the_report(monkeypatch):
    """A hold's reason (or a period's name) is printed on one line, without the control
    characters a terminal obeys: no forged report line, no cleared screen."""
    from privacy.models import RetentionHold

    today = timezone.localdate()
    period = CoklitPeriod.objects.create(
        name="Periode\x1b]0;judul\x07 sengketa", starts_on=today - datetime.timedelta(days=150),
        ends_on=today - datetime.timedelta(days=120),
    )  # fmt: skip
    RetentionHold.objects.create(
        period=period, reason="Sengketa di MK.\n  visit photos deleted: 0\x1b[2J"
    )

    lines = _report("en")

    assert not [line for line in lines if any(ord(c) < 32 or ord(c) == 127 for c in line)]
    assert "  visit photos deleted: 0" not in lines
    held = next(line for line in lines if line.startswith("  held, nothing removed:"))
    assert "Sengketa di MK." in held and "visit photos deleted: 0" in held
