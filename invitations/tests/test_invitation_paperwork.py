"""Issue #16, item 6: invitations that catch mistakes and say who invites whom as what.

TPS "abc" was saved on the assignment screen; a pantarlih invitation without TPS was accepted;
re-inviting an email silently cancelled the earlier invitation; a bulk sheet was sent at once
with no preview; the sign-up page said only "Daftar"; a building already fixes the kelurahan
yet it was asked again; the role reset to PPK after each send; links pointed to
127.0.0.1:8000 whatever address the demo ran on.
"""

import re

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from accounts.models import Invitation
from accounts.tests.factories import UserFactory
from accounts.validators import tps_normalize, validate_tps
from dashboard.assignments import period_current
from invitations.services import invitation_create
from visits.models import Assignment

pytestmark = pytest.mark.django_db

RAWAJATI = "31.74.08.1003"


@pytest.fixture
def staff(client, world):
    client.cookies["django_language"] = "en"
    client.force_login(world.kpu_kota_selatan)
    return client


def _invite(client, **fields):
    return client.post(reverse("invitation_list"), fields)


def _pantarlih(world, **extra):
    return {
        "full_name": "Sari Wulandari",
        "email": "sari@uji.coklit.id",
        "role": "pantarlih",
        "region": world.building_a.kelurahan.pk,
        "building": world.building_a.pk,
        "tps": "012",
        **extra,
    }


# --- TPS: three digits, as KPU numbers them ----------------------------------------------------


@pytest.mark.parametrize(
    "typed, stored",
    [("012", "012"), ("12", "012"), ("7", "007"), (12, "012"), (12.0, "012"), ("TPS 12", "012"),
     (" 021 ", "021")],
)  # fmt: skip
def test_a_tps_typed_short_is_padded_to_three_digits(typed, stored):
    assert tps_normalize(typed) == stored
    validate_tps(tps_normalize(typed))


@pytest.mark.parametrize("typed", ["abc", "1234", "000", "12a", "-", "٠١٢"])
def test_anything_but_three_digits_is_not_a_tps(typed):
    with translation.override("en"), pytest.raises(ValidationError, match="three digits"):
        validate_tps(tps_normalize(typed))


def test_the_models_refuse_a_tps_that_is_not_three_digits(world):
    assignment = Assignment.objects.get(pantarlih=world.pantarlih_a, building=world.building_a)
    assignment.tps = "abc"
    with pytest.raises(ValidationError) as error:
        assignment.full_clean()
    assert "tps" in error.value.message_dict
    invitation = Invitation(tps="abc")
    with pytest.raises(ValidationError) as error:
        invitation.full_clean()
    assert "tps" in error.value.message_dict


def test_the_assignment_screen_refuses_abc_and_pads_12(client, world):
    client.cookies["django_language"] = "en"
    client.force_login(world.kpu_kota_selatan)
    first = Assignment.objects.get(pantarlih=world.pantarlih_a, building=world.building_a)
    url = reverse("dashboard_assignments", args=[RAWAJATI])

    page = client.post(url, {f"tps-a{first.pk}": "abc"})

    assert page.status_code == 200
    assert "three digits" in page.content.decode()
    first.refresh_from_db()
    assert first.tps == "012"
    client.post(url, {f"tps-a{first.pk}": "13"})
    first.refresh_from_db()
    assert first.tps == "013"


def test_the_assignment_sheet_refuses_abc_and_reads_excels_12_as_012(client, world):
    client.cookies["django_language"] = "en"
    client.force_login(world.kpu_kota_selatan)
    url = reverse("dashboard_assignment_upload", args=[RAWAJATI])
    bad = f"email,gedung,tower,tps\n{world.pantarlih_a.email},Kalibata Uji,A,abc\n"

    page = client.post(url, {"file": SimpleUploadedFile("penugasan.csv", bad.encode())})

    assert [line for line, _m in page.context["sheet_problems"]] == [2]
    assert "three digits" in page.context["sheet_problems"][0][1]
    book = openpyxl.Workbook()
    book.active.append(["email", "gedung", "tower", "tps"])
    book.active.append([world.pantarlih_a.email, "Kalibata Uji", "A", 12])  # Excel dropped the 0
    book.save(path := f"/tmp/penugasan-{world.pantarlih_a.pk}.xlsx")
    with open(path, "rb") as sheet:
        client.post(url, {"file": SimpleUploadedFile("penugasan.xlsx", sheet.read())})
    assert (
        Assignment.objects.get(
            period=period_current(), pantarlih=world.pantarlih_a, tower=world.tower_a
        ).tps
        == "012"
    )


def test_a_pantarlih_invitation_without_tps_is_refused(staff, world):
    response = _invite(staff, **_pantarlih(world, tps=""))

    assert response.status_code == 200
    assert "A pantarlih is invited for a TPS" in " ".join(response.context["form"].errors["tps"])
    assert not Invitation.objects.filter(email="sari@uji.coklit.id").exists()


def test_a_pantarlih_invitation_with_tps_abc_is_refused_and_12_is_012(staff, world):
    response = _invite(staff, **_pantarlih(world, tps="abc"))
    assert "three digits" in " ".join(response.context["form"].errors["tps"])

    _invite(staff, **_pantarlih(world, tps="12"))
    assert Invitation.objects.get(email="sari@uji.coklit.id").tps == "012"


def test_a_tps_on_another_role_is_refused(staff, world):
    response = _invite(staff, full_name="Rina", email="rina@uji.coklit.id", role="pps",
                       region=world.building_a.kelurahan.pk, tps="012")  # fmt: skip

    assert "Only a pantarlih" in " ".join(response.context["form"].errors["tps"])


def test_a_sheet_row_of_a_pantarlih_without_tps_is_named(staff, world):
    sheet = (
        "nama,email,telepon,peran,wilayah,gedung,tps\n"
        "Agus,agus@uji.coklit.id,,pantarlih,Rawajati,Kalibata Uji,\n"
        "Budi,budi@uji.coklit.id,,pantarlih,Rawajati,Kalibata Uji,abc\n"
    ).encode()

    response = _upload(staff, sheet)

    problems = response.context["problems"]
    assert [(line, message.split(":")[0]) for line, message in problems] == [(2, "tps"), (3, "tps")]
    assert not Invitation.objects.exists()


# --- A building fixes the kelurahan; the role stays ---------------------------------------------


def test_a_building_fixes_the_kelurahan_so_it_is_not_asked(staff, world):
    fields = _pantarlih(world)
    del fields["region"]

    response = _invite(staff, **fields)

    assert response.status_code == 302
    invitation = Invitation.objects.get(email="sari@uji.coklit.id")
    assert invitation.region == world.building_a.kelurahan


def test_a_sheet_row_with_a_building_needs_no_wilayah(staff, world):
    sheet = b"nama,email,peran,gedung,tps\nAgus,agus@uji.coklit.id,pantarlih,Kalibata Uji,012\n"

    response = _upload(staff, sheet)

    assert response.context["problems"] == []
    assert [row["region"] for row in response.context["rows"]] == [world.building_a.kelurahan]


def test_the_role_area_and_building_stay_for_the_next_invitation(staff, world):
    response = _invite(staff, **_pantarlih(world))

    page = staff.get(response["Location"])

    form = page.context["form"]
    assert form["role"].value() == "pantarlih"
    assert str(form["building"].value()) == str(world.building_a.pk)
    assert str(form["region"].value()) == str(world.building_a.kelurahan.pk)
    assert not form["email"].value() and not form["tps"].value()


# --- Re-inviting asks first ---------------------------------------------------------------------


def test_reinviting_a_pending_email_asks_before_withdrawing_the_first(staff, world):
    _invite(staff, **_pantarlih(world))
    first = Invitation.objects.get(email="sari@uji.coklit.id")

    response = _invite(staff, **_pantarlih(world, tps="013"))

    assert response.status_code == 200
    text = response.content.decode()
    assert "already has a pending invitation" in text
    assert "Field officer (pantarlih) for TPS 012 at Kalibata Uji" in text
    assert "its link will stop working" in text
    assert 'name="confirm"' in text
    first.refresh_from_db()
    assert first.status == "pending"
    assert Invitation.objects.filter(email="sari@uji.coklit.id").count() == 1

    response = _invite(staff, **_pantarlih(world, tps="013"), confirm="on")

    assert response.status_code == 302
    first.refresh_from_db()
    assert first.status == "revoked"
    assert Invitation.objects.pending().get(email="sari@uji.coklit.id").tps == "013"


def test_inviting_someone_who_has_an_account_asks_first(staff, world):
    response = _invite(staff, **_pantarlih(world, email=world.pantarlih_a.email))

    assert response.status_code == 200
    assert "already has an account" in response.content.decode()
    assert not Invitation.objects.filter(email=world.pantarlih_a.email).exists()


def test_a_pending_invitation_of_another_office_is_told_without_its_details(client, world):
    invitation_create(invited_by=world.kpu_kota_utara, email="x@uji.coklit.id", full_name="X",
                      role="pps", region=world.building_b.kelurahan)  # fmt: skip
    client.cookies["django_language"] = "en"
    client.force_login(world.kpu_kota_selatan)

    response = _invite(client, full_name="X", email="x@uji.coklit.id", role="pps",
                       region=world.building_a.kelurahan.pk)  # fmt: skip

    text = response.content.decode()
    assert "already has a pending invitation from another office" in text
    assert "Marunda" not in text


# --- Bulk invitations: a preview first ----------------------------------------------------------


def _upload(client, content: bytes, name="undangan.csv"):
    return client.post(reverse("invitation_upload"), {"file": SimpleUploadedFile(name, content)})


SHEET = (
    "nama;email;telepon;peran;wilayah;gedung;tps\n"
    "Agus Salim;agus@uji.coklit.id;0813-1111-2222;pantarlih;;Kalibata Uji;12\n"
    "Dewi Lestari;dewi@uji.coklit.id;;Pengelola;;Kalibata Uji;\n"
).encode()


def test_a_bulk_sheet_is_previewed_and_sent_only_once_confirmed(
    staff, world, mailoutbox, django_capture_on_commit_callbacks
):
    invitation_create(invited_by=world.kpu_kota_selatan, email="dewi@uji.coklit.id",
                      full_name="Dewi", role="pengelola", building=world.building_a)  # fmt: skip

    preview = _upload(staff, SHEET)

    assert preview.status_code == 200
    assert not Invitation.objects.filter(email="agus@uji.coklit.id").exists()
    assert mailoutbox == []
    text = preview.content.decode()
    assert "Agus Salim" in text and "Field officer (pantarlih) for TPS 012 at Kalibata Uji" in text
    assert "replaces the pending invitation" in text
    assert "Send 2 invitations" in text

    with django_capture_on_commit_callbacks(execute=True):
        response = staff.post(reverse("invitation_upload"), {"confirm": preview.context["token"]})

    assert response.status_code == 302
    assert Invitation.objects.pending().filter(invited_by=world.kpu_kota_selatan).count() == 2
    assert sorted(m.to[0] for m in mailoutbox) == ["agus@uji.coklit.id", "dewi@uji.coklit.id"]
    # Sending the same preview twice sends nothing more.
    again = staff.post(reverse("invitation_upload"), {"confirm": preview.context["token"]})
    assert again.status_code == 200 and "upload the file again" in again.content.decode()
    assert len(mailoutbox) == 2


def test_a_confirmation_without_its_preview_sends_nothing(staff, mailoutbox):
    response = staff.post(reverse("invitation_upload"), {"confirm": "made-up"})

    assert response.status_code == 200
    assert "upload the file again" in response.content.decode()
    assert not Invitation.objects.exists()


# --- The sign-up page and the email say who invites whom as what -------------------------------


def test_the_sign_up_page_says_who_invited_you_as_what(
    client, world, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invitation_create(invited_by=world.kpu_kota_selatan, email="sari@uji.coklit.id",
                          full_name="Sari", role="pantarlih", region=world.building_a.kelurahan,
                          building=world.building_a, tps="012")  # fmt: skip
    link = re.search(r"https?://\S+/undangan/terima/\S+/", mailoutbox[-1].body).group(0)
    client.cookies["django_language"] = "en"

    client.get("/undangan/" + link.split("/undangan/", 1)[1])
    page = client.get(reverse("account_signup")).content.decode()

    inviter = world.kpu_kota_selatan.full_name
    line = f"You are invited as Field officer (pantarlih) for TPS 012 at Kalibata Uji by {inviter} (KPU Kota"
    assert line in page
    # The email says the same, in the invitee's language (Indonesian: no account yet).
    summary = mailoutbox[-1].body.splitlines()[2]
    assert "TPS 012" in summary and "Kalibata Uji" in summary and inviter in summary


def test_the_email_link_uses_the_address_the_site_runs_on(
    world, settings, mailoutbox, django_capture_on_commit_callbacks
):
    settings.SITE_URL = "http://192.0.2.2:9000"
    with django_capture_on_commit_callbacks(execute=True):
        invitation_create(invited_by=world.kpu_kota_selatan, email="x@uji.coklit.id",
                          full_name="X", role="pps", region=world.building_a.kelurahan)  # fmt: skip

    assert "http://192.0.2.2:9000/undangan/terima/" in mailoutbox[-1].body
    assert "127.0.0.1:8000" not in mailoutbox[-1].body


def test_another_user_cannot_confirm_my_preview(client, world):
    client.force_login(world.kpu_kota_selatan)
    preview = _upload(client, SHEET)
    token = preview.context["token"]
    other = UserFactory(role="kpu_kota", region=world.kpu_kota_selatan.region, is_staff=True)
    client.force_login(other)

    response = client.post(reverse("invitation_upload"), {"confirm": token})

    assert response.status_code == 200
    assert not Invitation.objects.filter(email="agus@uji.coklit.id").exists()
