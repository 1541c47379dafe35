"""A person's data on request: KPU Provinsi downloads everything held about one account, or
erases an account whose duty has ended; nobody else reaches those pages."""

import datetime
import json
import uuid

import pytest
from allauth.account.models import EmailAddress
from auditlog.context import set_actor
from auditlog.models import LogEntry
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.db import models
from django.urls import reverse
from django.utils import timezone

from accounts.models import SentEmail, User
from accounts.tests.factories import UserFactory
from buildings.models import Building
from buildings.tests.factories import TowerFactory, UnitFactory
from invitations.services import invitation_accept, invitation_create
from privacy.person import PHONE_REMOVED, person_data, pseudonym
from progress.figures import building_figures
from reminders.models import ReminderLog
from visits.models import (
    AccessIssue,
    AccessIssueEvent,
    Assignment,
    CoklitPeriod,
    OfficerPhoto,
    Schedule,
    Visit,
)
from visits.services import outcome_record

pytestmark = pytest.mark.django_db

NAME = "Wulan Sari Dewi"
EMAIL = "wulan.dewi@uji.coklit.id"
PHONE = "+6281377778888"
PHONE_FORMS = (PHONE, "6281377778888", "081377778888", "0813 7777 8888")
JPEG = b"\xff\xd8\xff\xe0" + b"0" * 64
URLS = ("person", "person_json", "person_html", "person_erase")


def _url(name, user):
    return reverse(f"admin:accounts_user_{name}", args=[user.pk])


@pytest.fixture
def wulan(world, settings, tmp_path, django_capture_on_commit_callbacks):
    """A pantarlih whose period closed last month, with a trace in every kind of record."""
    settings.MEDIA_ROOT = tmp_path
    today = timezone.localdate()
    period = CoklitPeriod.objects.create(
        name="Periode Wulan", starts_on=today - datetime.timedelta(days=60),
        ends_on=today - datetime.timedelta(days=30),
    )  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        invitation = invitation_create(
            invited_by=world.kpu_kota_selatan, email=EMAIL, full_name=NAME, role="pantarlih",
            region=world.building_a.kelurahan, phone=PHONE,
        )  # fmt: skip
    person = User.objects.create_user(
        email=EMAIL, password="kata-sandi-uji-123", full_name=NAME, phone=PHONE,
        role="pantarlih", region=world.building_a.kelurahan,
    )  # fmt: skip
    invitation_accept(invitation=invitation, user=person)
    EmailAddress.objects.create(user=person, email=EMAIL, verified=True, primary=True)
    # A role change through the audited save, as the admin makes it.
    person.unit_name = "Pantarlih TPS 031 Kelurahan Rawajati"
    person.save()
    tower = TowerFactory(building=world.building_a)
    units = [UnitFactory(tower=tower, number=f"W-{i}") for i in range(3)]
    Assignment.objects.create(period=period, pantarlih=person, building=world.building_a, tps="031")
    with set_actor(person, remote_addr="10.9.8.7"):  # as the field pages record it
        visit = Visit.objects.create(
            client_uuid=uuid.uuid4(), period=period, pantarlih=person, building=world.building_a,
            tower=tower, started_at=timezone.now() - datetime.timedelta(days=40),
            note=f"Dicatat oleh {NAME}, hubungi 0813 7777 8888 atau {PHONE}.",
            latitude="-6.257000", longitude="106.852800",
        )  # fmt: skip
    visit.photo.save("lobi.jpg", ContentFile(JPEG))
    for i, unit in enumerate(units):
        outcome_record(visit=visit, unit=unit, outcome="done", voters_verified=i + 1,
                       recorded_at=visit.started_at + datetime.timedelta(minutes=i))  # fmt: skip
    issue = AccessIssue.objects.create(
        building=world.building_a, visit=visit, kind=AccessIssue.Kind.SECURITY_REFUSED,
        description=f"{NAME} ditolak satpam.", raised_by=person,
    )  # fmt: skip
    AccessIssueEvent.objects.create(
        issue=issue, actor=person, action="raised", level="pps", note=f"Telepon {PHONE}"
    )
    other_issue = world.side["a"]["accessissue"]
    AccessIssueEvent.objects.create(
        issue=other_issue, actor=person, action="comment", level="pps", note="Saya ikut."
    )
    Schedule.objects.create(
        period=period, building=world.building_a, kind="posko", proposed_by=person,
        date=today - datetime.timedelta(days=45), start=datetime.time(9), end=datetime.time(12),
        note=f"Posko bersama {NAME}",
    )  # fmt: skip
    photo = OfficerPhoto(officer=person)
    photo.photo.save("x.jpg", ContentFile(JPEG))
    ReminderLog.objects.create(
        kind="digest", recipient=person, key="digest:w", day=today, created_at=timezone.now(),
        last_error=f"550 mailbox {EMAIL} full",
    )  # fmt: skip
    SentEmail.objects.create(key="invitation:w", to=EMAIL)
    Building.objects.filter(pk=world.building_a.pk).update(contact_name=NAME, contact_phone=PHONE)
    return person


def test_only_kpu_provinsi_opens_a_persons_data(client, world, wulan):
    for persona in ("kpu_kota_selatan", "bawaslu_utara"):  # staff, Wulan inside their scope or not
        client.force_login(getattr(world, persona))
        for name in URLS:
            assert client.get(_url(name, wulan)).status_code == 404, (persona, name)
            assert client.post(_url(name, wulan), {"confirm": "1"}).status_code == 404
    client.force_login(world.pantarlih_a)
    response = client.get(_url("person", wulan))
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")
    assert User.objects.get(pk=wulan.pk).full_name == NAME
    client.force_login(world.kpu_provinsi)
    assert client.get(_url("person", wulan)).status_code == 200
    assert client.get(reverse("admin:accounts_user_person", args=["x"])).status_code == 404
    assert client.get(reverse("admin:accounts_user_person", args=[999999])).status_code == 404


def test_the_change_page_offers_the_personal_data_page_to_kpu_provinsi_only(client, world):
    link = _url("person", world.pantarlih_a)
    client.force_login(world.kpu_provinsi)
    page = client.get(reverse("admin:accounts_user_change", args=[world.pantarlih_a.pk]))
    assert link in page.content.decode()
    client.force_login(world.kpu_kota_selatan)
    page = client.get(reverse("admin:accounts_user_change", args=[world.pantarlih_a.pk]))
    assert page.status_code == 200 and link not in page.content.decode()


def test_the_export_holds_every_kind_of_record_and_names_no_one_else(world, wulan):
    data = person_data(wulan)
    sections = {s["key"]: s["rows"] for s in data["sections"]}
    for key in ("account", "email_addresses", "role_history", "invitations_received",
                "visits.assignment", "visits.visit", "unit_outcomes", "visits.accessissue",
                "visits.accessissueevent", "issues_taken_part_in", "visits.schedule",
                "visits.officerphoto", "reminders.reminderlog", "emails_delivered",
                "audit_about_account", "audit_by_person"):  # fmt: skip
        assert sections[key], key
    assert sections["account"][0]["phone"] == PHONE
    assert len(sections["unit_outcomes"]) == 3
    assert sections["issues_taken_part_in"][0]["id"] == world.side["a"]["accessissue"].pk
    assert any("unit_name" in row["changes"] for row in sections["role_history"])
    assert sections["audit_by_person"][0]["address"] == "10.9.8.7"
    text = json.dumps(data, ensure_ascii=False)
    # The inviter is another person: a pseudonym, never a name or an email.
    assert world.kpu_kota_selatan.email not in text
    assert world.kpu_kota_selatan.full_name not in text
    assert pseudonym(world.kpu_kota_selatan) in text


def test_both_downloads_are_attachments_and_are_audited(client, world, wulan):
    client.force_login(world.kpu_provinsi)
    user_type = ContentType.objects.get_for_model(User)
    for name, kind in (("person_json", "application/json"), ("person_html", "text/html")):
        response = client.get(_url(name, wulan))
        assert response.status_code == 200
        assert response["Content-Type"].startswith(kind)
        assert response["Content-Disposition"].startswith("attachment;")
        assert NAME in response.content.decode() and "W-2" in response.content.decode()
    data = json.loads(client.get(_url("person_json", wulan)).content)
    assert data["person"]["email"] == EMAIL
    rows = LogEntry.objects.filter(
        content_type=user_type, object_pk=str(wulan.pk), action=LogEntry.Action.ACCESS
    )
    assert rows.count() == 3 and all(row.actor == world.kpu_provinsi for row in rows)


def _texts(value):
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return str(value or "")


def _everywhere(*values) -> list[str]:
    """Every text column of every table where one of `values` still stands."""
    found = []
    for model in apps.get_models():
        if model._meta.proxy or not model._meta.managed:
            continue
        for field in model._meta.concrete_fields:
            if not isinstance(field, models.CharField | models.TextField | models.JSONField
                              | models.FileField):  # fmt: skip
                continue
            if (model._meta.label, field.name) in {("accounts.User", "password"),
                                                   ("sessions.Session", "session_data")}:  # fmt: skip
                continue
            for pk, value in model._base_manager.values_list("pk", field.attname):
                text = _texts(value).lower()
                for wanted in values:
                    if wanted.lower() in text:
                        found.append(f"{model._meta.label}.{field.name} #{pk}: {wanted}")
    return found


def test_erasing_leaves_no_name_email_or_phone_in_any_table(client, world, wulan):
    buildings = Building.objects.filter(pk=world.building_a.pk)
    before = vars(building_figures(buildings)[world.building_a.pk])
    assert _everywhere(NAME, EMAIL, *PHONE_FORMS)  # the scan finds them before
    client.force_login(world.kpu_provinsi)

    response = client.post(_url("person_erase", wulan), {"confirm": "1"})
    assert response.status_code == 302

    assert _everywhere(NAME, EMAIL, *PHONE_FORMS) == []
    person = User.objects.get(pk=wulan.pk)
    assert person.full_name == f"Pantarlih #{wulan.pk}" and not person.is_active
    assert not person.has_usable_password()
    # The records stay, under the pseudonym, and the coverage figures do not move.
    assert Visit.objects.filter(pantarlih=person).count() == 1
    assert vars(building_figures(buildings)[world.building_a.pk]) == before
    visit = Visit.objects.get(pantarlih=person)
    assert visit.note == (
        f"Dicatat oleh Pantarlih #{wulan.pk}, hubungi {PHONE_REMOVED} atau {PHONE_REMOVED}."
    )
    assert Building.objects.get(pk=world.building_a.pk).contact_phone == ""
    assert not OfficerPhoto.objects.filter(officer=person).exists()
    # Audited: who erased whom, without the values.
    row = LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(User), object_pk=str(wulan.pk)
    ).latest("pk")
    assert row.actor == world.kpu_provinsi and "erased" in str(row.changes)
    assert client.login(email=EMAIL, password="kata-sandi-uji-123") is False


def test_an_account_still_on_duty_cannot_be_erased(client, world):
    client.force_login(world.kpu_provinsi)
    today = timezone.localdate()
    period = CoklitPeriod.objects.create(
        name="Periode berjalan", starts_on=today - datetime.timedelta(days=3),
        ends_on=today + datetime.timedelta(days=20),
    )  # fmt: skip
    officer = UserFactory(role="pantarlih", full_name="Masih Bertugas")
    Assignment.objects.create(
        period=period, pantarlih=officer, building=world.building_a, tps="001"
    )
    page = client.get(_url("person", officer)).content.decode()
    assert "Periode berjalan" in page and 'name="confirm"' not in page
    client.post(_url("person_erase", officer), {"confirm": "1"})
    assert User.objects.get(pk=officer.pk).full_name == "Masih Bertugas"
    # A manager is unlinked from the building first; nobody erases their own account.
    client.post(_url("person_erase", world.manager_a), {"confirm": "1"})
    assert User.objects.get(pk=world.manager_a.pk).email == "pengelola-a@uji.coklit.id"
    client.post(_url("person_erase", world.kpu_provinsi), {"confirm": "1"})
    assert User.objects.get(pk=world.kpu_provinsi.pk).is_active


def test_erasing_asks_for_confirmation(client, world):
    officer = UserFactory(role="pantarlih", full_name="Sudah Selesai")
    client.force_login(world.kpu_provinsi)
    client.post(_url("person_erase", officer), {})
    assert User.objects.get(pk=officer.pk).full_name == "Sudah Selesai"
    client.post(_url("person_erase", officer), {"confirm": "1"})
    assert User.objects.get(pk=officer.pk).full_name == f"Pantarlih #{officer.pk}"


def test_the_personal_data_page_counts_in_a_fixed_number_of_queries(client, world, wulan):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(world.kpu_provinsi)

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(_url("person", wulan)).status_code == 200
        return len(captured)

    first = queries()
    visit = Visit.objects.get(pantarlih=wulan)
    for _ in range(10):
        visit.pk, visit.client_uuid = None, uuid.uuid4()
        visit.save()
    assert queries() == first
    assert "<td>11</td>" in client.get(_url("person", wulan)).content.decode()
