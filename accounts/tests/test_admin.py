"""The KPU admin for users: email sign-in, no username, roles and regions."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import User
from accounts.tests.factories import UserFactory
from buildings.tests.factories import kelurahan

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def superuser():
    return User.objects.create_superuser(email="admin@kpu.example.id", password="rahasia-123")


@pytest.fixture
def admin_client(client, superuser):
    client.force_login(superuser)
    return client


def measured_get(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return response, len(queries)


@pytest.mark.parametrize("query", ["", "?role__exact=pps&kota=31.74&q=example"])
def test_user_changelist_runs_the_same_number_of_queries_for_3_and_30_users(admin_client, query):
    def add_users(n):
        UserFactory.create_batch(n, role=User.Role.PPS, region=kelurahan())

    url = reverse("admin:accounts_user_changelist") + query
    add_users(3)
    admin_client.get(url)

    response, few = measured_get(admin_client, url)
    shown = len(response.context["cl"].result_list)
    add_users(27)
    response, many = measured_get(admin_client, url)

    assert len(response.context["cl"].result_list) == shown + 27
    assert many == few


def test_user_changelist_filters_by_role_and_searches_email_and_full_name(admin_client):
    UserFactory(full_name="Budi Santoso", email="budi@kpu.example.id", role=User.Role.PPS)
    UserFactory(full_name="Siti Aminah", email="siti@kpu.example.id", role=User.Role.PANTARLIH)
    url = reverse("admin:accounts_user_changelist")

    def emails(query):
        return sorted(u.email for u in admin_client.get(url + query).context["cl"].result_list)

    assert emails("?role__exact=pantarlih") == ["siti@kpu.example.id"]
    assert emails("?q=budi") == ["budi@kpu.example.id"]
    assert emails("?q=Aminah") == ["siti@kpu.example.id"]


def test_kota_filter_keeps_staff_of_that_kota_and_its_kelurahan(admin_client):
    UserFactory(email="kota@kpu.example.id", role=User.Role.KPU_KOTA, region=kelurahan("31.74"))
    UserFactory(email="pps@kpu.example.id", role=User.Role.PPS, region=kelurahan())
    UserFactory(email="timur@kpu.example.id", role=User.Role.PPS, region=kelurahan("31.75"))
    url = reverse("admin:accounts_user_changelist") + "?kota=31.74"

    found = sorted(u.email for u in admin_client.get(url).context["cl"].result_list)

    assert found == ["kota@kpu.example.id", "pps@kpu.example.id"]


def test_staff_adds_a_user_with_email_full_name_role_region_and_password(admin_client):
    rawajati = kelurahan()
    add_url = reverse("admin:accounts_user_add")
    page = admin_client.get(add_url).content.decode()
    for field in ("email", "full_name", "role", "region", "password1", "password2"):
        assert f'name="{field}"' in page
    assert 'name="username"' not in page

    response = admin_client.post(
        add_url,
        {
            "email": "PPS.Rawajati@KPU.example.id",
            "full_name": "Dewi Lestari",
            "role": User.Role.PPS,
            "region": rawajati.pk,
            "password1": "kopi-tubruk-pagi-2024",
            "password2": "kopi-tubruk-pagi-2024",
        },
    )

    assert response.status_code == 302
    user = User.objects.get(email="pps.rawajati@kpu.example.id")
    assert (user.full_name, user.role, user.region) == ("Dewi Lestari", "pps", rawajati)
    assert user.check_password("kopi-tubruk-pagi-2024")
    assert not user.is_staff


def test_add_form_refuses_an_email_that_differs_only_in_case(admin_client):
    UserFactory(email="budi@kpu.example.id")
    response = admin_client.post(
        reverse("admin:accounts_user_add"),
        {
            "email": "Budi@KPU.example.id",
            "full_name": "Budi Lain",
            "role": User.Role.PANTARLIH,
            "password1": "kopi-tubruk-pagi-2024",
            "password2": "kopi-tubruk-pagi-2024",
        },
    )
    assert response.status_code == 200
    assert "email" in response.context["adminform"].form.errors
    assert User.objects.filter(email__iexact="budi@kpu.example.id").count() == 1


def test_user_change_page_edits_role_and_region_without_a_username(admin_client):
    user = UserFactory(role=User.Role.PANTARLIH)
    url = reverse("admin:accounts_user_change", args=[user.pk])
    page = admin_client.get(url).content.decode()
    assert 'name="username"' not in page and 'name="first_name"' not in page

    response = admin_client.post(
        url,
        {
            "email": user.email,
            "full_name": "Nama Baru",
            "phone": "+6281234567890",
            "role": User.Role.PPS,
            "region": kelurahan().pk,
            "unit_name": "PPS Kelurahan Rawajati",
            "is_active": "on",
            "date_joined_0": "2024-06-01",
            "date_joined_1": "08:00:00",
        },
    )

    assert response.status_code == 302, response.context["adminform"].form.errors
    user.refresh_from_db()
    assert (user.full_name, user.role, user.unit_name) == (
        "Nama Baru",
        "pps",
        "PPS Kelurahan Rawajati",
    )


def test_region_autocomplete_of_a_user_finds_kota_kecamatan_and_kelurahan(admin_client):
    response = admin_client.get(
        reverse("admin:autocomplete"),
        {"app_label": "accounts", "model_name": "user", "field_name": "region", "term": "Pancoran"},
    )
    assert response.status_code == 200
    assert [r["text"] for r in response.json()["results"]] == [
        "Pancoran (31.74.08)",
        "Pancoran (31.74.08.1001)",
    ]


def test_the_audit_log_section_is_named_in_indonesian(admin_client):
    admin_client.cookies["django_language"] = "id"
    page = admin_client.get(reverse("admin:index")).content.decode()
    assert "Log audit" in page and "Audit log" not in page
