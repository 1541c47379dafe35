"""Audit rows for bulk writes, which django-auditlog's model signals never see.

A floor or a sheet of occupancy is written in one statement (bulk upsert, queryset update);
the same who/when/before/after rows the signals would have made are added here in one insert.
"""

import contextlib

from auditlog.cid import get_cid
from auditlog.context import auditlog_value, set_extra_data
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

CREATE, UPDATE, DELETE = LogEntry.Action.CREATE, LogEntry.Action.UPDATE, LogEntry.Action.DELETE

# The account the command-line imports and bulk commands are recorded under when no --actor is
# given (docs/imports.md): it cannot sign in.
SYSTEM_EMAIL = "sistem@coklit.invalid"
SYSTEM_NAME = "Sistem (baris perintah)"


def system_account():
    """The inactive account that stands for the command line in the audit trail."""
    from accounts.models import Role, User

    # Every account has a role; this one's is the province's, and it is never active.
    user, created = User.objects.get_or_create(
        email=SYSTEM_EMAIL,
        defaults={"full_name": SYSTEM_NAME, "is_active": False, "role": Role.KPU_PROVINSI},
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


def command_actor(email: str | None):
    """The account a command acts for: the active user `email`, or the system account.
    A ValueError names an unknown or inactive email."""
    from accounts.models import User

    if not email:
        return system_account()
    user = User.objects.filter(email__iexact=email.strip(), is_active=True).first()
    if user is None:
        raise ValueError(f"--actor: no active account with the email {email}")
    return user


@contextlib.contextmanager
def audit_context(*, actor, **additional):
    """Every audit row django-auditlog writes inside is by `actor`, with `additional` (e.g. the
    file imported) as its additional_data. The surrounding context (the request's actor) is
    put back afterwards."""
    previous = auditlog_value.get(None)
    try:
        with set_extra_data({"actor": actor, "additional_data": additional or None}):
            yield
    finally:
        if previous is not None:
            auditlog_value.set(previous)


def audit_bulk(
    model, rows: list[tuple[int, str, int, dict]], *, actor, additional_data: dict | None = None
) -> int:
    """Log (object id, text shown for it, action, {field: [before, after]}) for each row, by
    `actor` (None for a task; commands name theirs, see command_actor), with
    `additional_data` (e.g. the file imported)."""
    if not rows:
        return 0
    content_type = ContentType.objects.get_for_model(model)
    now, cid = timezone.now(), get_cid()
    LogEntry.objects.bulk_create(
        [
            LogEntry(
                content_type=content_type,
                object_pk=str(pk),
                object_id=pk,
                object_repr=text,
                action=action,
                changes={field: [_text(a), _text(b)] for field, (a, b) in changes.items()},
                actor=actor,
                actor_email=getattr(actor, "email", None),
                timestamp=now,
                cid=cid,
                additional_data=additional_data,
            )
            for pk, text, action, changes in rows
        ],
        batch_size=2000,
    )
    return len(rows)


def _text(value) -> str:
    """auditlog keeps values as text ("None" for none), so bulk rows read like the others."""
    return "None" if value is None else str(value)


def audit_password_event(user, event: str, *, actor) -> None:
    """An audit row for a password changed, reset or set, or a reset link sent: who and when,
    never the password or its hash."""
    audit_bulk(
        user._meta.model, [(user.pk, str(user), UPDATE, {"password": ("", event)})], actor=actor
    )


def password_reset_link_send(request, user) -> None:
    """Email `user` allauth's password reset link (the owner then chooses the password)."""
    from allauth.account.forms import ResetPasswordForm

    form = ResetPasswordForm(data={"email": user.email})
    if form.is_valid():
        form.save(request)
    audit_password_event(user, "reset link sent", actor=request.user)
