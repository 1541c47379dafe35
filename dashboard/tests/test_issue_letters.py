"""Issue #16, item 3: the KPU Kota's letter is an official letter, numbered, signed, on time.

After "Record the letter as sent" the deadline still read the old time ("Overdue"); the
printable letter had no number, nature, attachment, letterhead or signatory. Recording it now
numbers it (per office and year), copies the office's signatory into it and starts the
manager's clock from its date. (That it prints on one A4 page: test_e2e_escalation_ladder.py.)
"""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from buildings.tests.factories import BuildingFactory
from dashboard.escalation import issue_actions, issue_letter_sent
from regions.models import Region
from visits.models import AccessIssue, IssueLetter, LetterOffice
from visits.tests.factories import AccessIssueFactory

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate
YEAR = TODAY().year


@pytest.fixture
def client_en(client):
    client.cookies["django_language"] = "en"
    return client


def _issue(world, building=None, **extra):
    return AccessIssueFactory(
        building=building or world.building_b, raised_by=world.pantarlih_b, level="kpu_kota",
        **extra,
    )  # fmt: skip


def _record(issue, by, sent_on=None, **extra):
    return issue_letter_sent(issue=issue, by=by, sent_on=sent_on or TODAY(),
                             signatory_name="Ahmad Fauzan", signatory_position="Ketua", **extra)  # fmt: skip


def _post(client, issue, **fields):
    data = {"action": "letter", "letter-sent_on": TODAY().isoformat(),
            "letter-signatory_name": "Ahmad Fauzan", "letter-signatory_nip": "",
            "letter-signatory_position": "Ketua KPU Kota Administrasi Jakarta Utara"}  # fmt: skip
    data |= {f"letter-{k}": v for k, v in fields.items()}
    return client.post(reverse("dashboard_issue", args=[issue.pk]), data)


def test_letters_are_numbered_per_office_and_year(world):
    utara = [_issue(world) for _ in range(2)]
    selatan = _issue(world, building=world.building_a)
    older = _issue(world)
    AccessIssue.objects.filter(pk=older.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=400)
    )
    older.refresh_from_db()

    numbers = [_record(i, world.kpu_provinsi).number for i in utara]
    numbers.append(_record(selatan, world.kpu_provinsi).number)
    last_year = datetime.date(YEAR - 1, 12, 30)
    numbers.append(_record(older, world.kpu_provinsi, sent_on=last_year).number)

    assert numbers == [
        f"001/PL.01.2-SD/3172/{YEAR}",
        f"002/PL.01.2-SD/3172/{YEAR}",
        f"001/PL.01.2-SD/3174/{YEAR}",
        f"001/PL.01.2-SD/3172/{YEAR - 1}",
    ]


def test_the_office_pattern_and_signatory_go_into_the_letter_and_stay(world, client_en):
    office = LetterOffice.objects.create(
        kota=Region.objects.get(code="31.72"), signatory_name="Dra. Siti Rahmawati",
        signatory_nip="19750817 200212 2 001", signatory_position="Ketua KPU Jakarta Utara",
        number_pattern="{nomor}/PL.01.2-SD/3172/KPU-Kot/{tahun}",
        address="Jl. Plumpang Semper No. 1, Jakarta Utara",
    )  # fmt: skip
    issue = _issue(world)
    client_en.force_login(world.kpu_kota_utara)
    letter_url = reverse("dashboard_issue_letter", args=[issue.pk])

    draft = client_en.get(letter_url).content.decode()
    assert f"……/PL.01.2-SD/3172/KPU-Kot/{YEAR}" in draft
    assert "Dra. Siti Rahmawati" in draft and "NIP. 19750817 200212 2 001" in draft
    assert "Jl. Plumpang Semper No. 1" in draft
    assert 'value="Dra. Siti Rahmawati"' in draft  # the form is filled from the office

    response = _post(
        client_en,
        issue,
        signatory_name="Dra. Siti Rahmawati",
        signatory_nip="19750817 200212 2 001",
        signatory_position="Ketua KPU Jakarta Utara",
    )
    assert response["Location"] == letter_url
    office.signatory_name = "Pengganti"
    office.save()

    sent = client_en.get(letter_url).content.decode()
    assert f"001/PL.01.2-SD/3172/KPU-Kot/{YEAR}" in sent and "Draft" not in sent
    assert "Dra. Siti Rahmawati" in sent and "Pengganti" not in sent
    assert "Record the letter as sent" not in sent  # once only
    assert issue_actions(world.kpu_kota_utara, issue) >= {"comment", "escalate"}
    assert "letter" not in issue_actions(world.kpu_kota_utara, issue)
    assert _post(client_en, issue).status_code == 403


def test_recording_the_letter_starts_the_managers_clock_from_its_date(world, client_en):
    issue = _issue(world, due_at=timezone.now() - datetime.timedelta(hours=5))
    AccessIssue.objects.filter(pk=issue.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=5)
    )
    client_en.force_login(world.kpu_kota_utara)
    page = reverse("dashboard_issue", args=[issue.pk])
    assert "Overdue by" in client_en.get(page).content.decode()

    two_days_ago = TODAY() - datetime.timedelta(days=2)
    _post(client_en, issue, sent_on=two_days_ago.isoformat())

    issue.refresh_from_db()
    due = timezone.localtime(issue.due_at)
    assert (due.date(), due.time()) == (TODAY(), datetime.time(23, 59))
    text = client_en.get(page).content.decode()
    assert "Overdue" not in text and "left" in text
    assert IssueLetter.objects.get(issue=issue).number in text
    assert issue.status == "in_progress" and issue.handled_by == world.kpu_kota_utara


@pytest.mark.parametrize(
    "fields, field, message",
    [
        ({"sent_on": "2100-01-01"}, "sent_on", "cannot be in the future"),
        ({"sent_on": "2001-01-01"}, "sent_on", "cannot be before the issue was raised"),
        ({"sent_on": "kemarin"}, "sent_on", "Enter a valid date."),
        ({"signatory_name": ""}, "signatory_name", "This field is required."),
        ({"signatory_nip": "1975 0817"}, "signatory_nip", "A NIP has 18 digits"),
        ({"signatory_nip": "3174081203900001"}, "signatory_nip", "NIK or KK number"),
        ({"signatory_position": "x" * 151}, "signatory_position", "at most 150 characters"),
    ],
    ids=["future", "before raised", "not a date", "no name", "short nip", "nik", "too long"],
)
def test_a_bad_letter_is_refused_with_a_message_on_its_field(
    world, client_en, fields, field, message
):
    issue = _issue(world)
    client_en.force_login(world.kpu_kota_utara)

    response = _post(client_en, issue, **fields)

    assert response.status_code == 200
    errors = response.context["forms"]["letter"].errors
    assert any(message in e for e in errors[field]), errors
    assert not IssueLetter.objects.filter(issue=issue).exists()
    assert 'open id="act-letter"' in response.content.decode()  # the form shown open


def test_two_letters_recorded_at_once_never_share_a_number(world):
    # The kota's row is locked while the number is taken; the unique constraint is the net.
    issue = _issue(world)
    _record(issue, world.kpu_provinsi)
    clash = IssueLetter(
        issue=_issue(world), kota=Region.objects.get(code="31.72"), year=YEAR, sequence=1,
        number="dup", sent_on=TODAY(), signatory_name="X", signatory_position="Y",
        recorded_by=world.kpu_provinsi,
    )  # fmt: skip
    with pytest.raises(ValidationError):
        clash.full_clean()


def test_the_kpu_kota_keeps_its_signatory_and_number_pattern(world, client_en):
    url = reverse("dashboard_letter_office", args=["31.72"])
    client_en.force_login(world.kpu_kota_utara)
    page = client_en.get(url)
    assert page.status_code == 200
    assert f"001/PL.01.2-SD/3172/{YEAR}" in page.content.decode()

    response = client_en.post(url, {
        "signatory_name": "Dra. Siti Rahmawati", "signatory_nip": "197508172002122001",
        "signatory_position": "Ketua KPU Kota Administrasi Jakarta Utara",
        "number_pattern": "{nomor}/PL.02-SD/3172/{tahun}", "address": "",
    })  # fmt: skip

    assert response.status_code == 302
    office = LetterOffice.objects.get(kota__code="31.72")
    assert office.updated_by == world.kpu_kota_utara
    assert _record(_issue(world), world.kpu_kota_utara).number == f"001/PL.02-SD/3172/{YEAR}"


@pytest.mark.parametrize(
    "pattern, message",
    [
        ("PL.01.2-SD/3172/{tahun}", "must hold {nomor} once"),
        ("{nomor}/{nomor}/{tahun}", "must hold {nomor} once"),
        ("{nomor}/{kota}/{tahun}", "Only {nomor} and {tahun}"),
        ("{nomor}/{tahun}/3174081203900001", "NIK or KK number"),
    ],
)
def test_a_bad_number_pattern_is_refused_with_a_message(world, client_en, pattern, message):
    client_en.force_login(world.kpu_kota_utara)
    response = client_en.post(
        reverse("dashboard_letter_office", args=["31.72"]),
        {"signatory_name": "A", "signatory_position": "Ketua", "number_pattern": pattern},
    )
    assert response.status_code == 200
    assert any(message in e for e in response.context["form"].errors["number_pattern"])
    assert not LetterOffice.objects.exists()


@pytest.mark.parametrize(
    "persona, status",
    [("kpu_provinsi", 200), ("kpu_kota_utara", 200), ("kpu_kota_selatan", 404),
     ("pps_marunda", 404), ("bawaslu_utara", 403), ("dinas", 403)],
)  # fmt: skip
def test_only_the_kota_and_the_province_keep_the_office(world, client_en, persona, status):
    client_en.force_login(getattr(world, persona))
    url = reverse("dashboard_letter_office", args=["31.72"])
    assert client_en.get(url).status_code == status
    assert client_en.get(reverse("dashboard_letter_office", args=["31.72.04"])).status_code in (
        404,
        403 if status == 403 else 404,
    )


def test_the_reprimand_template_follows_the_kpu_letter(world, client_en):
    issue = _issue(world)
    letter = _record(issue, world.kpu_provinsi)
    AccessIssue.objects.filter(pk=issue.pk).update(level="dinas")
    client_en.force_login(world.dinas)

    issue_page = client_en.get(reverse("dashboard_issue", args=[issue.pk])).content.decode()
    assert reverse("dashboard_issue_reprimand", args=[issue.pk]) in issue_page
    page = client_en.get(reverse("dashboard_issue_reprimand", args=[issue.pk])).content.decode()
    assert letter.number in page and issue.description in page
    assert "2011" in page  # the law on flats (UU 20/2011)
    assert client_en.post(reverse("dashboard_issue_reprimand", args=[issue.pk])).status_code == 405


def test_a_building_without_a_manager_still_gets_a_letter(world, client_en):
    building = BuildingFactory(kelurahan=world.building_b.kelurahan, manager_org="")
    issue = _issue(world, building=building)
    client_en.force_login(world.kpu_kota_utara)
    page = client_en.get(reverse("dashboard_issue_letter", args=[issue.pk]))
    assert page.status_code == 200 and building.name in page.content.decode()
