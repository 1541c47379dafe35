from django.core import signing
from django.utils import timezone

from reminders.models import DigestOptOut, ReminderLog


def targets(world, persona, side):
    """The reminder log of the other side's people and a digest link not signed for this purpose."""
    log, _ = ReminderLog.objects.get_or_create(
        kind="digest", recipient=side["user"], key="digest:scope",
        defaults={"day": timezone.localdate(), "created_at": timezone.now()},
    )  # fmt: skip
    optout, _ = DigestOptOut.objects.get_or_create(user=side["user"])
    out = {"digest_optout": {"token": signing.dumps(side["user"].pk, salt="another-purpose")}}
    for name, obj in (("reminderlog", log), ("digestoptout", optout)):
        for view in ("change", "delete", "history"):
            out[f"admin:reminders_{name}_{view}"] = {"object_id": obj.pk}
    return out
