"""Run the reminder rules, claim each reminder in the log, and deliver it once."""

import datetime
import logging
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy

from accounts.emails import email_render, email_send
from accounts.models import User
from buildings.models import Building, BuildingManager
from regions.models import Region
from reminders.models import ReminderLog
from reminders.rules import Day, Reminder, rules_evaluate
from visits.access import STEP_GUIDE, is_top, next_level
from visits.field import building_contact
from visits.models import AccessIssue, CoklitPeriod, Schedule
from visits.schedules import schedule_answered_by_manager

logger = logging.getLogger(__name__)

# A sender holds a claimed row this long (10 minutes, beyond the task's 5-minute hard limit;
# REMINDER_LEASE_SECONDS); a row still pending after that was dropped by a killed worker and is
# sent again by the next run or sweep.
LEASE = datetime.timedelta(seconds=settings.REMINDER_LEASE_SECONDS)
MAX_ATTEMPTS = 5
# Retry delays double from one minute and stay well below the broker's visibility timeout
# (CELERY_BROKER_TRANSPORT_OPTIONS), or Redis would hand the waiting task to a second worker.
RETRY_BASE_SECONDS = 60
RETRY_MAX_SECONDS = 15 * 60
OPTOUT_SALT = "reminders.digest-optout"


def retry_delay(attempts: int) -> int:
    return min(RETRY_BASE_SECONDS * 2 ** max(attempts - 1, 0), RETRY_MAX_SECONDS)


@dataclass
class RunResult:
    day: datetime.date
    period: CoklitPeriod | None = None
    due: list[Reminder] = field(default_factory=list)  # what the rules found
    new: list[Reminder] = field(default_factory=list)  # not in the log yet
    to_send: list[int] = field(default_factory=list)  # log ids claimed or picked up again


def _moment(day: datetime.date) -> datetime.datetime:
    """'Now' for a day: the real now today, 07:00 Jakarta (the beat's first run) on a replay."""
    if day == timezone.localdate():
        return timezone.now()
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(7, 0)))


def reminders_run(*, day: datetime.date | None = None, dry_run: bool = False) -> RunResult:
    """Evaluate the rules for a Jakarta day and claim what is new; nothing outside a period.

    Returns the ids of the log rows to send: those claimed now, and those a killed worker or
    an unreachable broker left pending for longer than the lease.
    """
    day = day or timezone.localdate()
    result = RunResult(day=day, period=CoklitPeriod.objects.open_on(day).first())
    if result.period is None:
        return result
    result.due = rules_evaluate(Day(day=day, at=_moment(day), period=result.period))
    known = set()
    kinds = {r.kind for r in result.due}
    if result.due:
        known = set(
            ReminderLog.objects.filter(
                kind__in=kinds, key__in={r.key for r in result.due}
            ).values_list("kind", "recipient_id", "key")
        )
    result.new = [r for r in result.due if (r.kind, r.recipient_id, r.key) not in known]
    if dry_run:
        return result
    now = timezone.now()
    # The claim: a unique row per (kind, recipient, key). A concurrent run inserting the same
    # row loses the race silently (ignore_conflicts) and does not pick it up below.
    ReminderLog.objects.bulk_create(
        [
            ReminderLog(
                kind=r.kind,
                recipient_id=r.recipient_id,
                key=r.key,
                day=day,
                payload=r.payload,
                created_at=now,
            )  # fmt: skip
            for r in result.new
        ],
        ignore_conflicts=True,
        batch_size=1000,
    )
    claimed = ReminderLog.objects.filter(created_at=now, status=ReminderLog.Status.PENDING)
    result.to_send = list(claimed.values_list("pk", flat=True)) + reminders_stale()
    return result


def reminders_stale() -> list[int]:
    """Pending rows nobody holds any more (killed worker, lost message), oldest first."""
    now = timezone.now()
    return list(
        ReminderLog.objects.filter(status=ReminderLog.Status.PENDING, created_at__lt=now - LEASE)
        .filter(Q(locked_until__isnull=True) | Q(locked_until__lt=now))
        .order_by("created_at")
        .values_list("pk", flat=True)[:5000]
    )


def reminder_deliver(*, log_id: int, retrying: bool = False) -> tuple[str, int]:
    """Send one claimed reminder. Returns (outcome, retry delay in seconds).

    The row is taken with a conditional update (only a pending row nobody holds), so two
    workers given the same id send it once. A retry of the same task may take its own row back.
    """
    now = timezone.now()
    free = Q(locked_until__isnull=True) | Q(locked_until__lt=now)
    if retrying:
        free |= Q(attempts__gt=0)
    taken = (
        ReminderLog.objects.filter(free, pk=log_id, status=ReminderLog.Status.PENDING)
        .update(locked_until=now + LEASE, attempts=F("attempts") + 1)
    )  # fmt: skip
    if not taken:
        return "skipped", 0
    log = ReminderLog.objects.select_related("recipient").get(pk=log_id)
    try:
        message = reminder_message(log)
        if message is not None:
            email_send(**message, message_id=reminder_message_id(log))
    except OSError as exc:  # smtplib's errors are OSErrors, as are refused connections
        return _failed(log, exc)
    ReminderLog.objects.filter(pk=log.pk).update(
        status=ReminderLog.Status.SENT, sent_at=timezone.now(), locked_until=None, last_error=""
    )
    return ("sent" if message is not None else "dropped"), 0


def reminder_message_id(log: ReminderLog) -> str:
    """The same Message-ID whenever this reminder is sent.

    Sending is at least once: a worker killed after the mail server accepted a reminder but
    before marking it sent leaves it to the sweep, which sends it again. The second copy
    carries the first one's Message-ID, so mail systems that deduplicate by it show one.
    """
    host = urlsplit(settings.SITE_URL).hostname or "localhost"
    return f"<reminder-{log.pk}@{host}>"


def _failed(log: ReminderLog, exc: Exception) -> tuple[str, int]:
    error = f"{type(exc).__name__}: {exc}"[:2000]
    if log.attempts >= MAX_ATTEMPTS:
        logger.error("Reminder %s failed after %d attempts: %s", log.pk, log.attempts, error)
        ReminderLog.objects.filter(pk=log.pk).update(
            status=ReminderLog.Status.FAILED, last_error=error, locked_until=None
        )
        return "failed", 0
    delay = retry_delay(log.attempts)
    # Held until the retry is due (plus a lease), so a sweep does not send it meanwhile.
    ReminderLog.objects.filter(pk=log.pk).update(
        last_error=error,
        locked_until=timezone.now() + datetime.timedelta(seconds=delay) + LEASE,
    )
    return "retry", delay


# What each email needs, built from the ids the rule stored in the log's payload.


def _url(name: str, *args) -> str:
    return settings.SITE_URL.rstrip("/") + reverse(name, args=args)


def _sender(code: str) -> str:
    from django.utils.translation import gettext as _

    kota = Region.objects.filter(code=code[:5]).values_list("name", flat=True).first()
    return _("KPU %(kota)s") % {"kota": kota} if kota else _("KPU Provinsi DKI Jakarta")


def _issue_step(issue: AccessIssue) -> dict:
    """What the overdue step is for and where it goes next. Signed by no office: the reminder
    reaches Dinas Perumahan and Bawaslu too, which KPU does not write to as their superior."""
    following = next_level(issue.level)
    return {
        "top": is_top(issue.level),
        "next": AccessIssue.Level(following).label if following else "",
        "guide": STEP_GUIDE[issue.level],
        # Lazy: worded when the email is, in the recipient's language.
        "sender": gettext_lazy("Automatic reminder"),
    }


def _building_link(building: Building, user: User) -> str:
    if user.role == User.Role.PENGELOLA:
        return _url("portal_building", building.pk)
    if user.role == User.Role.PANTARLIH:
        return _url("field_today")
    return _url("dashboard_building", building.pk)


def _proposal_tomorrow_context(schedule: Schedule, p: dict) -> dict:
    """Who proposed, whether the reader is the one who must answer, and (for the proposer's
    copy) who to call at the building tonight."""
    primary = (
        BuildingManager.objects.filter(building_id=schedule.building_id, is_primary=True)
        .select_related("user")
        .first()
    )
    return {
        "proposer": schedule.proposed_by,
        "answering": p.get("as") == "answer",
        "manager_answers": schedule_answered_by_manager(schedule.proposed_by.role),
        "reminded": p.get("reminded", 0),
        "contact": building_contact(schedule.building, primary),
    }


def _stall_issue(building: Building, user: User) -> dict:
    """The open access issue that may explain why a building stalled, and where to read it."""
    issue = (
        AccessIssue.objects.filter(building=building)
        .exclude(status=AccessIssue.Status.RESOLVED)
        .order_by("-created_at")
        .first()
    )
    if issue is None:
        return {}
    url = (
        _url("field_today")
        if user.role == User.Role.PANTARLIH
        else _url("dashboard_issue", issue.pk)
    )
    return {"stall_issue": issue, "stall_issue_url": url}


def optout_url(user: User) -> str:
    return _url("digest_optout", signing.dumps(user.pk, salt=OPTOUT_SALT))


def reminder_message(log: ReminderLog) -> dict | None:
    """The email_send arguments for a log row, or None when its subject is gone."""
    user, p, kind = log.recipient, log.payload, log.kind
    if not user.is_active or not user.email:
        return None
    context = {"person": user, "site_url": settings.SITE_URL, "log": log}
    if "schedule" in p:
        schedule = (
            Schedule.objects.select_related("building__kelurahan", "tower", "proposed_by")
            .filter(pk=p["schedule"])
            .first()
        )
        if schedule is None:
            return None
        if kind == ReminderLog.Kind.VISIT_TOMORROW and schedule.status != "confirmed":
            return None
        if kind in (ReminderLog.Kind.PROPOSAL_UNANSWERED, ReminderLog.Kind.PROPOSAL_TOMORROW) and (
            schedule.status != "proposed"
        ):
            return None
        if user.role == User.Role.PANTARLIH:
            link = _url("field_today")
        elif user.role == User.Role.PENGELOLA:
            link = _url("portal_schedule", schedule.pk)
        else:
            link = _url("dashboard_schedule", schedule.pk)
        context |= {"schedule": schedule, "building": schedule.building, "url": link}
        if kind == ReminderLog.Kind.PROPOSAL_TOMORROW:
            context |= _proposal_tomorrow_context(schedule, p)
        code = schedule.building.kelurahan.code
    elif "building" in p:
        building = Building.objects.select_related("kelurahan").filter(pk=p["building"]).first()
        if building is None:
            return None
        context |= {"building": building, "url": _building_link(building, user)}
        if "since" in p:
            context["since"] = datetime.date.fromisoformat(p["since"])
        if kind == ReminderLog.Kind.STALLED:
            context |= _stall_issue(building, user)
        code = building.kelurahan.code
    elif "issue" in p:
        issue = (
            AccessIssue.objects.select_related("building__kelurahan").filter(pk=p["issue"]).first()
        )
        if issue is None or issue.status == AccessIssue.Status.RESOLVED:
            return None
        context |= {"issue": issue, "building": issue.building,
                    "url": _url("dashboard_issue", issue.pk), **_issue_step(issue)}  # fmt: skip
        code = issue.building.kelurahan.code
    elif "buildings" in p:
        buildings = list(Building.objects.filter(pk__in=p["buildings"]).order_by("name")[:50])
        figures = p.get("figures", {})
        context |= {
            "buildings": [(b, _url("dashboard_building", b.pk)) for b in buildings],
            "rows": [
                (b, figures.get(str(b.pk)), _url("dashboard_building", b.pk)) for b in buildings
            ],
            "more": max(len(p["buildings"]) - len(buildings), 0),
            "days_left": p["days_left"],
            "url": _url("dashboard"),
        }
        code = user.region.code if user.region_id else ""
    else:  # the digest
        context |= {
            **p,
            "behind": [
                {**row, "url": _url("dashboard_building", row["building"])}
                for row in p.get("behind", [])
            ],
            "day": datetime.date.fromisoformat(p["day"]),
            "url": _url("dashboard"),
            "optout_url": optout_url(user),
        }
        code = user.region.code if user.region_id else ""
    context.setdefault("sender", _sender(code))
    return {
        "template": f"reminder_{kind}",
        "to": user.email,
        "context": context,
        "language": user.language,
    }


def reminder_preview(reminder: Reminder, user: User, day: datetime.date) -> tuple[str, str] | None:
    """(subject, first line after the greeting) of a reminder as `user` would get it, without
    claiming it (send_reminders --dry-run); None when nothing would be sent."""
    log = ReminderLog(
        kind=reminder.kind, recipient=user, key=reminder.key, day=day, payload=reminder.payload
    )
    message = reminder_message(log)
    if message is None:
        return None
    subject, text, _html = email_render(message["template"], message["context"], user.language)
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return subject, lines[1] if len(lines) > 1 else ""


@transaction.atomic
def digest_optout(*, user: User) -> None:
    from reminders.models import DigestOptOut

    DigestOptOut.objects.get_or_create(user=user)
