"""Who manages whose account (accounts.scope.account_manageable), in the admin.

Issue #13: KPU Kota Jakarta Selatan set a Bawaslu user's password through the admin's password
page and then signed in as Bawaslu; the audit log showed nothing.
"""

import pytest
from auditlog.models import LogEntry

from accounts.models import Role
from accounts.scope import account_manageable
from accounts.tests.factories import UserFactory
from buildings.tests.factories import kelurahan
from conftest import PASSWORD

pytestmark = pytest.mark.django_db

NEW = {"password1": "kata-sandi-penyerang-99", "password2": "kata-sandi-penyerang-99"}


@pytest.fixture
def selatan():
    """KPU Kota Jakarta Selatan and the accounts of its kota, one per role."""
    region = kelurahan("31.74.08.1003")
    kota = UserFactory(email="kota@uji.coklit.id", role=Role.KPU_KOTA,
                       region=kelurahan("31.74"), is_staff=True)  # fmt: skip
    people = {
        role: UserFactory(email=f"{role}@uji.coklit.id", role=role, region=region)
        for role in (Role.PPS, Role.BAWASLU, Role.DINAS)
    }
    people[Role.BAWASLU].region = kelurahan("31.74")
    people[Role.BAWASLU].save(update_fields=["region"])
    return kota, people


@pytest.mark.parametrize("role", [Role.BAWASLU, Role.DINAS, Role.PPS])
def test_kpu_kota_cannot_set_anyones_password(client, selatan, role):
    kota, people = selatan
    target = people[role]
    client.force_login(kota)

    response = client.post(f"/admin/accounts/user/{target.pk}/password/", NEW)

    assert response.status_code in (403, 404)
    target.refresh_from_db()
    assert target.check_password(PASSWORD) and not target.check_password(NEW["password1"])


def test_even_a_superuser_sends_a_reset_link_instead_of_setting_a_password(client, selatan):
    _kota, people = selatan
    root = UserFactory(email="root@uji.coklit.id", role=Role.KPU_PROVINSI, is_staff=True,
                       is_superuser=True)  # fmt: skip
    client.force_login(root)

    response = client.post(f"/admin/accounts/user/{people[Role.PPS].pk}/password/", NEW)

    assert response.status_code == 403


def test_one_changes_ones_own_password_and_it_is_audited(client, selatan):
    kota, _people = selatan
    client.force_login(kota)

    response = client.post(f"/admin/accounts/user/{kota.pk}/password/", NEW)

    assert response.status_code == 302
    kota.refresh_from_db()
    assert kota.check_password(NEW["password1"])
    entry = LogEntry.objects.get(object_pk=str(kota.pk), changes__has_key="password")
    assert entry.actor == kota and entry.changes["password"] == ["", "changed"]
    assert NEW["password1"] not in str(entry.changes) and "md5$" not in str(entry.changes)


def test_kpu_kota_reads_an_oversight_account_but_cannot_change_its_role(client, selatan):
    kota, people = selatan
    bawaslu = people[Role.BAWASLU]
    client.force_login(kota)
    url = f"/admin/accounts/user/{bawaslu.pk}/change/"

    assert client.get(url).status_code == 200
    client.post(url, {"email": bawaslu.email, "role": Role.PPS, "is_active": ""})

    bawaslu.refresh_from_db()
    assert bawaslu.role == Role.BAWASLU and bawaslu.is_active


def test_kpu_kota_deactivates_a_pps_of_its_kota(client, selatan):
    kota, people = selatan
    pps = people[Role.PPS]
    client.force_login(kota)

    response = client.post(
        f"/admin/accounts/user/{pps.pk}/change/",
        {
            "email": pps.email,
            "full_name": pps.full_name,
            "role": Role.PPS,
            "region": pps.region.pk,
            "is_active": "",
            "date_joined_0": "2024-06-01",
            "date_joined_1": "08:00:00",
        },
    )

    assert response.status_code == 302, response.context["adminform"].form.errors
    pps.refresh_from_db()
    assert not pps.is_active


def test_a_reset_link_goes_to_the_owner_and_is_audited(client, selatan, mailoutbox):
    kota, people = selatan
    client.force_login(kota)
    targets = [people[Role.PPS].pk, people[Role.BAWASLU].pk]

    response = client.post(
        "/admin/accounts/user/",
        {"action": "send_password_reset_link", "_selected_action": targets},
        follow=True,
    )

    assert response.status_code == 200
    assert [m.to for m in mailoutbox] == [[people[Role.PPS].email]]  # Bawaslu is not Kota's
    entry = LogEntry.objects.get(object_pk=str(people[Role.PPS].pk), changes__has_key="password")
    assert entry.actor == kota and entry.changes["password"] == ["", "reset link sent"]


def test_the_rule_in_one_table(selatan):
    kota, people = selatan
    provinsi = UserFactory(email="provinsi@uji.coklit.id", role=Role.KPU_PROVINSI)
    elsewhere = UserFactory(email="pps-utara@uji.coklit.id", role=Role.PPS,
                            region=kelurahan("31.72.04.1003"))  # fmt: skip

    assert account_manageable(kota, people[Role.PPS])
    assert not account_manageable(kota, people[Role.BAWASLU])
    assert not account_manageable(kota, people[Role.DINAS])
    assert not account_manageable(kota, elsewhere)
    assert not account_manageable(kota, kota)
    assert account_manageable(provinsi, people[Role.BAWASLU])
    assert not account_manageable(people[Role.PPS], kota)
