"""Audit rows for bulk writes, which django-auditlog's model signals never see.

A floor or a sheet of occupancy is written in one statement (bulk upsert, queryset update);
the same who/when/before/after rows the signals would have made are added here in one insert.
"""

from auditlog.cid import get_cid
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

CREATE, UPDATE, DELETE = LogEntry.Action.CREATE, LogEntry.Action.UPDATE, LogEntry.Action.DELETE


def audit_bulk(model, rows: list[tuple[int, str, int, dict]], *, actor) -> int:
    """Log (object id, text shown for it, action, {field: [before, after]}) for each row, by
    `actor` (None for a command or a task)."""
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
