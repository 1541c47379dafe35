"""The lobby posters: for the building's managers and the staff of its region, with a QR code
to the public page; a new address makes every older poster say it is outdated."""

import pytest
import segno
from django.urls import reverse

from accounts.models import Role
from accounts.tests.factories import UserFactory
from buildings.tests.factories import BuildingManagerFactory, TowerFactory
from regions.models import Region
from residents.models import PublicLink

pytestmark = pytest.mark.django_db


@pytest.fixture
def manager(day):
    return BuildingManagerFactory(building=day.building).user


def staff(role, code):
    return UserFactory(role=role, region=Region.objects.get(code=code))


def qr_of(url):
    return segno.make(url, error="m").svg_inline(scale=4, border=2, omitsize=True)


def test_the_manager_prints_a_poster_whose_code_leads_to_the_public_page(client, day, manager):
    client.force_login(manager)
    response = client.get(reverse("residents_poster", args=[day.building.pk]))

    assert response.status_code == 200
    html = response.content.decode()
    address = f"http://testserver/warga/{day.link.token}/"
    assert qr_of(address) in html
    assert f"testserver/warga/{day.link.token}" in html  # the short address to type
    assert "testserver/cek" in html  # where to check an officer's card
    assert 'lang="en"' in html  # the English line


def test_a_tower_poster_leads_to_the_page_with_its_tower_chosen(client, day, manager):
    client.force_login(manager)
    html = client.get(reverse("residents_tower_poster", args=[day.tower.pk])).content.decode()

    assert qr_of(f"http://testserver/warga/{day.link.token}/?tower={day.tower.pk}") in html


def test_the_first_poster_makes_the_building_its_address(client, day, manager):
    PublicLink.objects.all().delete()
    client.force_login(manager)
    client.get(reverse("residents_poster", args=[day.building.pk]))
    link = PublicLink.objects.get()
    assert link.building == day.building and link.created_by == manager
    client.get(reverse("residents_poster", args=[day.building.pk]))
    assert PublicLink.objects.count() == 1


@pytest.mark.parametrize(
    "role, code, status",
    [
        (Role.KPU_KOTA, "31.74", 200),
        (Role.PPS, "31.74.08.1003", 200),
        (Role.BAWASLU, "31.74", 200),
        (Role.KPU_KOTA, "31.72", 404),
    ],
)
def test_staff_of_the_region_print_posters_others_find_nothing(client, day, role, code, status):
    client.force_login(staff(role, code))
    assert client.get(reverse("residents_poster", args=[day.building.pk])).status_code == status


def test_a_pantarlih_has_no_poster_page(client, day):
    client.force_login(day.pantarlih)
    assert client.get(reverse("residents_poster", args=[day.building.pk])).status_code == 404


def test_the_manager_gives_the_page_a_new_address(client, day, manager):
    client.force_login(manager)
    response = client.post(reverse("residents_link_rotate", args=[day.building.pk]))

    assert response.status_code == 302
    old = PublicLink.objects.get(pk=day.link.pk)
    new = PublicLink.objects.get(building=day.building, retired_at__isnull=True)
    assert old.retired_at is not None and new.token != old.token and new.created_by == manager
    assert client.get(reverse("residents_link_rotate", args=[day.building.pk])).status_code == 405


@pytest.mark.parametrize("role, code", [(Role.BAWASLU, "31.74"), (Role.PPS, "31.74.08.1003")])
def test_only_managers_and_kpu_change_the_address(client, day, role, code):
    client.force_login(staff(role, code))
    response = client.post(reverse("residents_link_rotate", args=[day.building.pk]))

    assert response.status_code == 404
    assert PublicLink.objects.get().retired_at is None


def test_kpu_kota_changes_the_address_and_the_poster_offers_it(client, day):
    client.force_login(staff(Role.KPU_KOTA, "31.74"))
    page = client.get(reverse("residents_poster", args=[day.building.pk])).content.decode()
    assert reverse("residents_link_rotate", args=[day.building.pk]) in page
    assert client.post(reverse("residents_link_rotate", args=[day.building.pk])).status_code == 302


def test_the_poster_lists_each_tower_poster(client, day, manager):
    other = TowerFactory(building=day.building, name="Tower Zamrud")
    client.force_login(manager)
    html = client.get(reverse("residents_poster", args=[day.building.pk])).content.decode()
    assert reverse("residents_tower_poster", args=[other.pk]) in html
    assert reverse("residents_tower_poster", args=[day.tower.pk]) in html
