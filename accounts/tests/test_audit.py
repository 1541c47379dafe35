import pytest
from auditlog.context import set_actor
from auditlog.models import LogEntry

from accounts.models import Invitation
from accounts.tests.factories import UserFactory
from buildings.tests.factories import BuildingFactory

pytestmark = pytest.mark.django_db


def test_a_change_to_a_building_records_who_when_before_and_after():
    operator = UserFactory(role="kpu_kota")
    building = BuildingFactory(access_notes="Lapor ke pos satpam")
    with set_actor(operator):
        building.access_notes = "Lapor ke lobi Tower A, bawa surat tugas"
        building.save()
    entry = LogEntry.objects.get_for_object(building).filter(action=LogEntry.Action.UPDATE).get()
    assert entry.actor == operator
    assert entry.timestamp is not None
    assert entry.changes_dict["access_notes"] == [
        "Lapor ke pos satpam",
        "Lapor ke lobi Tower A, bawa surat tugas",
    ]


def test_a_role_change_is_audited_without_the_password():
    admin = UserFactory(role="kpu_provinsi")
    user = UserFactory(role="pps")
    with set_actor(admin):
        user.role = "ppk"
        user.set_password("kata-sandi-baru-123")
        user.save()
    entry = LogEntry.objects.get_for_object(user).filter(action=LogEntry.Action.UPDATE).get()
    assert entry.changes_dict["role"] == ["pps", "ppk"]
    assert "password" not in entry.changes_dict


def test_changes_made_through_a_signed_in_request_name_the_user(client):
    staff = UserFactory(role="kpu_provinsi")
    client.force_login(staff)
    building = BuildingFactory()
    client.post(
        "/undangan/",
        {
            "full_name": "Nur Aini",
            "email": "nur@uji.coklit.id",
            "role": "pengelola",
            "building": building.pk,
        },
    )
    invitation = Invitation.objects.get(email="nur@uji.coklit.id")
    entry = LogEntry.objects.get_for_object(invitation).get()
    assert entry.actor == staff
    assert "nonce" not in entry.changes_dict
