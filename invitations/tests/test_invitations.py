import datetime
import re

import pytest
from allauth.account.models import EmailAddress
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from accounts.models import Invitation, User
from buildings.models import BuildingManager
from invitations.services import invitation_create, invitation_revoke
from visits.models import Assignment

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "lobi tower jasmine 2024"


def _link(message) -> str:
    return re.search(r"http://\S+/undangan/terima/\S+/", message.body).group(0)


@pytest.fixture
def invite(world, django_capture_on_commit_callbacks, mailoutbox):
    """Invite someone as KPU Kota Jakarta Selatan would; returns (invitation, link)."""

    def make(**fields):
        fields = {
            "email": "budi.pengelola@uji.coklit.id",
            "full_name": "Budi Santoso",
            "role": "pengelola",
            "building": world.building_a,
            **fields,
        }
        with django_capture_on_commit_callbacks(execute=True):
            invitation = invitation_create(invited_by=world.kpu_kota_selatan, **fields)
        return invitation, _link(mailoutbox[-1])

    return make


def _sign_up(client, link, email="budi.pengelola@uji.coklit.id"):
    response = client.get(link.split("8000", 1)[-1])
    assert response.status_code == 302 and response["Location"] == reverse("account_signup")
    return client.post(
        reverse("account_signup"),
        {
            "full_name": "Budi Santoso",
            "email": email,
            "password1": NEW_PASSWORD,
            "password2": NEW_PASSWORD,
        },
    )


def test_invitation_email_carries_a_link_and_the_inviter(invite, mailoutbox):
    invitation, link = invite()
    assert mailoutbox[-1].to == ["budi.pengelola@uji.coklit.id"]
    assert "Kalibata Uji" in mailoutbox[-1].body
    assert mailoutbox[-1].alternatives  # the HTML part
    assert invitation.status == Invitation.Status.PENDING


def test_accepting_creates_the_account_with_its_role_and_building(client, world, invite):
    invitation, link = invite()
    response = _sign_up(client, link)
    assert response.status_code == 302
    user = User.objects.get(email="budi.pengelola@uji.coklit.id")
    assert user.role == "pengelola"
    assert BuildingManager.objects.filter(user=user, building=world.building_a).exists()
    # The link proved the address: no separate verification step.
    assert EmailAddress.objects.get(user=user).verified
    invitation.refresh_from_db()
    assert invitation.accepted_user == user and invitation.status == "accepted"


def test_pantarlih_invitation_brings_an_assignment(client, world, invite):
    _, link = invite(
        email="sari@uji.coklit.id",
        role="pantarlih",
        region=world.building_a.kelurahan,
        tps="021",
    )
    _sign_up(client, link, email="sari@uji.coklit.id")
    user = User.objects.get(email="sari@uji.coklit.id")
    assert user.region == world.building_a.kelurahan
    assert Assignment.objects.get(pantarlih=user).tps == "021"


def test_a_kpu_kota_operator_invited_by_the_province_can_open_the_admin(client, world, invite):
    _, link = invite(email="ops@uji.coklit.id", role="kpu_kota", building=None,
                     region=world.building_a.kelurahan.parent.parent)  # fmt: skip
    _sign_up(client, link, email="ops@uji.coklit.id")
    user = User.objects.get(email="ops@uji.coklit.id")
    assert user.is_staff and not user.is_superuser
    assert client.get("/admin/buildings/building/").status_code == 200


def test_sign_up_with_another_email_than_invited_is_refused(client, invite):
    _, link = invite()
    response = _sign_up(client, link, email="lain@uji.coklit.id")
    assert response.status_code == 200
    assert not User.objects.filter(email="lain@uji.coklit.id").exists()


def test_a_used_link_says_so(client, invite):
    _, link = invite()
    _sign_up(client, link)
    client.logout()
    response = client.get(link.split("8000", 1)[-1])
    assert response.status_code == 410
    assert "already been used" in response.content.decode() or "sudah" in response.content.decode()


def test_an_expired_link_says_so(client, invite):
    invitation, link = invite()
    Invitation.objects.filter(pk=invitation.pk).update(
        expires_at=timezone.now() - datetime.timedelta(minutes=1)
    )
    client.cookies["django_language"] = "en"
    response = client.get(link.split("8000", 1)[-1])
    assert response.status_code == 410
    assert "expired" in response.content.decode()
    assert client.get(reverse("account_signup")).templates[0].name == "account/signup_closed.html"


def test_a_revoked_link_says_so(client, invite):
    invitation, link = invite()
    invitation_revoke(invitation=invitation)
    response = client.get(link.split("8000", 1)[-1])
    assert response.status_code == 410


def test_resend_replaces_the_link(
    client, world, invite, mailoutbox, django_capture_on_commit_callbacks
):
    invitation, old_link = invite()
    client.force_login(world.kpu_kota_selatan)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("invitation_resend", args=[invitation.pk]))
    assert response.status_code == 302
    new_link = _link(mailoutbox[-1])
    assert new_link != old_link
    client.logout()
    assert client.get(old_link.split("8000", 1)[-1]).status_code == 410
    assert _sign_up(client, new_link).status_code == 302


def test_staff_revoke_from_the_list(client, world, invite):
    invitation, link = invite()
    client.force_login(world.kpu_kota_selatan)
    assert client.post(reverse("invitation_revoke", args=[invitation.pk])).status_code == 302
    invitation.refresh_from_db()
    assert invitation.status == "revoked"


def test_staff_invite_from_the_form(client, world, mailoutbox, django_capture_on_commit_callbacks):
    client.force_login(world.kpu_kota_selatan)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("invitation_list"),
            {
                "full_name": "Rina Wulandari",
                "email": "rina@uji.coklit.id",
                "phone": "0812 3456 7890",
                "role": "pps",
                "region": world.building_a.kelurahan.pk,
            },
        )
    assert response.status_code == 302
    invitation = Invitation.objects.get(email="rina@uji.coklit.id")
    assert invitation.phone == "+6281234567890"
    assert len(mailoutbox) == 1


def test_staff_cannot_invite_outside_their_kota(client, world):
    client.force_login(world.kpu_kota_selatan)
    marunda = world.building_b.kelurahan
    response = client.post(
        reverse("invitation_list"),
        {"full_name": "X", "email": "x@uji.coklit.id", "role": "pps", "region": marunda.pk},
    )
    assert response.status_code == 200
    assert "region" in response.context["form"].errors
    assert not Invitation.objects.filter(email="x@uji.coklit.id").exists()


def test_managers_and_pantarlih_cannot_invite(client, world):
    for persona in (world.manager_a, world.pantarlih_a):
        client.force_login(persona)
        assert client.get(reverse("invitation_list")).status_code == 404


def _upload(client, content: bytes, name="undangan.csv"):
    return client.post(reverse("invitation_upload"), {"file": SimpleUploadedFile(name, content)})


def test_bulk_invitations_from_a_semicolon_csv(
    client, world, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(world.kpu_kota_selatan)
    sheet = (
        "\ufeffnama;email;telepon;peran;wilayah;gedung;tps\n"
        "Agus Salim;agus@uji.coklit.id;0813-1111-2222;pantarlih;Rawajati;Kalibata Uji;012\n"
        "Dewi Lestari;dewi@uji.coklit.id;;Pengelola;;Kalibata Uji;\n"
        "Eko Prasetyo;eko@uji.coklit.id;;PPS;31.74.08.1003;;\n"
    ).encode()
    preview = _upload(client, sheet)
    assert preview.context["problems"] == []
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("invitation_upload"), {"confirm": preview.context["token"]})
    assert response.status_code == 302
    assert Invitation.objects.filter(invited_by=world.kpu_kota_selatan).count() == 3
    assert len(mailoutbox) == 3


def test_bulk_file_with_a_nik_column_is_refused_and_nothing_stored(client, world):
    client.force_login(world.kpu_kota_selatan)
    sheet = b"nama,email,nik,peran,wilayah\nAgus,agus@uji.coklit.id,3174081203850001,pps,Rawajati\n"
    response = _upload(client, sheet)
    assert response.status_code == 200
    line, message = response.context["problems"][0]
    assert line == 1 and "nik" in message
    assert not Invitation.objects.exists()


def test_bulk_row_holding_a_nik_is_refused_naming_line_and_column(client, world):
    client.force_login(world.kpu_kota_selatan)
    sheet = (
        "nama,email,telepon,peran,wilayah,gedung,tps\n"
        "Agus,agus@uji.coklit.id,,pps,Rawajati,,\n"
        "Budi 3174 0812 0385 0001,budi@uji.coklit.id,,pps,Rawajati,,\n"
    ).encode()
    response = _upload(client, sheet)
    problems = response.context["problems"]
    assert [line for line, _ in problems] == [3]
    assert problems[0][1].startswith("nama:")
    assert not Invitation.objects.exists()


def test_bulk_rows_outside_scope_or_with_unknown_values_are_listed(client, world):
    client.force_login(world.kpu_kota_selatan)
    sheet = (
        "nama,email,telepon,peran,wilayah,gedung,tps\n"
        "A,a@uji.coklit.id,,pps,Marunda,,\n"
        "B,b@uji.coklit.id,,ketua rt,Rawajati,,\n"
        "C,bukan-email,,pps,Rawajati,,\n"
        "D,d@uji.coklit.id,12345,pps,Rawajati,,\n"
        "E,e@uji.coklit.id,,pengelola,,Gedung Entah,\n"
    ).encode()
    response = _upload(client, sheet)
    by_line = {}
    for line, message in response.context["problems"]:
        by_line.setdefault(line, message.split(":")[0])
    assert by_line == {2: "wilayah", 3: "peran", 4: "email", 5: "telepon", 6: "gedung"}
    assert not Invitation.objects.exists()


def test_the_list_shows_every_kind_of_invitation_with_a_fixed_number_of_queries(
    client, world, invite, django_assert_max_num_queries
):
    invite()  # a manager, for a building
    invite(email="pps@uji.coklit.id", role="pps", building=None, region=world.building_a.kelurahan)
    invite(email="pantarlih@uji.coklit.id", role="pantarlih", region=world.building_a.kelurahan)
    client.force_login(world.kpu_kota_selatan)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("invitation_list"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "budi.pengelola@uji.coklit.id" in page and "pps@uji.coklit.id" in page
    for status in ("pending", "accepted"):
        assert client.get(reverse("invitation_list"), {"status": status}).status_code == 200


@pytest.mark.parametrize(
    "content, message",
    [(b"\n", b"The file has no header row."),
     (b"PK\x03\x04garbage", b"could not be read as CSV or XLSX")],
)  # fmt: skip
def test_an_empty_or_broken_sheet_is_refused_with_a_message(client, world, content, message):
    # Found by the fuzz tests (issue #8): a sheet whose first line is empty was a 500.
    client.force_login(world.kpu_kota_selatan)
    client.cookies["django_language"] = "en"
    response = _upload(client, content)

    assert response.status_code == 200
    assert message in response.content
    assert not Invitation.objects.exists()


def test_the_actions_column_has_a_header(client, world, invite):
    invite()
    client.force_login(world.kpu_kota_selatan)
    client.cookies["django_language"] = "id"
    page = client.get(reverse("invitation_list")).content.decode()
    assert "<th>Tindakan</th>" in page and "<th></th>" not in page
