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
