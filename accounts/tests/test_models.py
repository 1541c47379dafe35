import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from accounts.models import User
from accounts.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_create_user_lowercases_the_whole_email():
    user = User.objects.create_user("Budi.Santoso@KPU-Jakarta.Example.ID", role=User.Role.PPS)
    assert user.email == "budi.santoso@kpu-jakarta.example.id"


def test_create_user_requires_an_email():
    with pytest.raises(ValueError, match="email"):
        User.objects.create_user("", password="kata-sandi-uji-123", role=User.Role.PPS)


def test_create_user_hashes_the_password_and_grants_no_staff_flags():
    user = User.objects.create_user(
        "pps@example.id", password="kata-sandi-uji-123", role=User.Role.PPS
    )
    assert user.password != "kata-sandi-uji-123"
    assert user.check_password("kata-sandi-uji-123")
    assert not user.is_staff
    assert not user.is_superuser


def test_create_superuser_is_provincial_staff_with_every_flag():
    user = User.objects.create_superuser("Admin@Example.ID", password="kata-sandi-uji-123")
    assert user.email == "admin@example.id"
    assert user.role == User.Role.KPU_PROVINSI
    assert user.is_staff
    assert user.is_superuser


def test_email_is_the_username_field_and_is_unique():
    UserFactory(email="sama@example.id")
    with pytest.raises(IntegrityError), transaction.atomic():
        UserFactory(email="sama@example.id")


def test_role_outside_the_choices_is_rejected_by_the_database():
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create_user("bukan-peran@example.id", role="admin")


def test_user_without_a_role_is_rejected_by_the_database():
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create_user("tanpa-peran@example.id")


@pytest.mark.parametrize("role", User.Role.values)
def test_every_role_is_accepted(role):
    assert User.objects.create_user(f"{role}@example.id", role=role).role == role


def test_full_name_with_a_nik_fails_validation():
    user = UserFactory.build(full_name="Budi 3174051203900001")
    with pytest.raises(ValidationError) as excinfo:
        user.full_clean(exclude=["password"])
    assert "full_name" in excinfo.value.error_dict


def test_str_shows_name_and_email_or_just_the_email():
    assert str(UserFactory.build(full_name="Dewi Lestari", email="dewi@example.id")) == (
        "Dewi Lestari <dewi@example.id>"
    )
    assert str(UserFactory.build(full_name="", email="tanpa.nama@example.id")) == (
        "tanpa.nama@example.id"
    )


def test_short_name_is_the_first_name():
    user = UserFactory.build(full_name="Dewi Lestari", email="dewi@example.id")
    assert user.get_short_name() == "Dewi"
    assert user.get_full_name() == "Dewi Lestari"
