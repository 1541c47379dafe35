"""manage.py scan_personal_data finds NIK-equivalents in every table and redacts them in place."""

import pytest
from allauth.account.models import EmailAddress
from auditlog.models import LogEntry
from django.contrib.admin.models import CHANGE
from django.contrib.admin.models import LogEntry as AdminLogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.management import CommandError, call_command

from accounts.management.commands.scan_personal_data import personal_data_scan
from accounts.validators import NIK_REDACTED
from buildings.models import Building

pytestmark = pytest.mark.django_db

NIK = "3174081203900001"


@pytest.fixture
def leaked(world):
    """NIKs that got in before the guard, each by a path that skips it."""
    building = world.building_a
    Building.objects.filter(pk=building.pk).update(
        access_notes="Lapor satpam; pemilik 3174 / 0812 / 0390 / 0001, lantai 12."
    )
    LogEntry.objects.create(
        content_type=ContentType.objects.get_for_model(Building),
        object_pk=str(building.pk),
        object_repr=str(building),
        action=LogEntry.Action.UPDATE,
        changes={"access_notes": ["", "NIK " + "".join(chr(0xFF10 + int(d)) for d in NIK)]},
    )
    AdminLogEntry.objects.create(
        user=world.kpu_provinsi,
        content_type=ContentType.objects.get_for_model(Building),
        object_id=str(building.pk),
        object_repr="3174-0812-0390-0001",
        action_flag=CHANGE,
        change_message="[]",
    )
    EmailAddress.objects.create(user=world.pantarlih_a, email="3174081203900001@contoh.coklit.id")
    return building


def test_the_scan_names_every_table_holding_a_nik(leaked):
    found = personal_data_scan()

    assert found == {
        "buildings.Building.access_notes": 1,
        "auditlog.LogEntry.changes": 1,
        "admin.LogEntry.object_repr": 1,
        "account.EmailAddress.email": 1,
    }
    with pytest.raises(CommandError) as error:
        call_command("scan_personal_data")
    assert "4 value(s)" in str(error.value)


def test_redacting_keeps_the_rows_and_the_rest_of_their_text(leaked, capsys):
    entries = LogEntry.objects.count()

    call_command("scan_personal_data", "--redact")

    leaked.refresh_from_db()
    assert leaked.access_notes == f"Lapor satpam; pemilik {NIK_REDACTED}, lantai 12."
    assert LogEntry.objects.count() == entries
    assert personal_data_scan() == {}
    call_command("scan_personal_data")
    assert "No NIK or KK number found." in capsys.readouterr().out


DISGUISES = [
    "3174081203900001",
    "3174/0812/0390/0001",
    "3174_0812_0390_0001",
    "3174\n0812 0390\t0001",
    "3174\u200b0812\u200b0390\u200b0001",
    "".join(chr(0xFF10 + int(d)) for d in NIK),
    "".join(chr(0x0660 + int(d)) for d in NIK),
]


def test_the_demo_attacked_through_every_form_holds_no_nik(client, settings):
    # Issue #13: a dump after these attacks held 284 NIK-equivalents.
    from django.core.management import call_command as run

    from accounts.models import User
    from buildings.models import Building

    settings.DEBUG = True
    run("seed_demo", stdout=open("/dev/null", "w"))
    manager = User.objects.get(email="pengelola.kalibata@demo.coklit.id")
    building = Building.objects.get(name="Kalibata City")
    staff = User.objects.get(email="kpu.jaksel@demo.coklit.id")

    for nik in DISGUISES:
        client.force_login(manager)
        client.post(f"/portal/gedung/{building.pk}/profil/", {
            "address": f"Jl. Kalibata {nik}", "access_hours": nik, "access_requirements": nik,
            "access_report_point": nik, "access_notes": f"Pemilik {nik}", "contact_name": nik,
            "contact_phone": "0812-3456-7890",
        })  # fmt: skip
        client.post("/akun/email/", {"action_add": "", "email": f"{nik}@contoh.coklit.id"})
        client.force_login(staff)
        client.post("/undangan/", {"email": f"x{nik}@contoh.coklit.id", "full_name": nik,
                                   "role": "pengelola", "building": building.pk})  # fmt: skip

    assert personal_data_scan() == {}
