"""Retention: what a coklit period no longer needs goes, PRIVACY_RETENTION_DAYS after it closes.

For a period closed longer than that (and not under a RetentionHold) this removes:
  - visit photos (file and field), visit positions, and visit notes, except the note of a
    visit an access issue was raised from (part of that issue's record);
  - schedule notes and replies;
  - evidence files of the period's access issues (the issue, its steps and their notes stay);
  - officer card photos of pantarlih whose every assignment lies in such a period;
  - managers' best-time hints on units, invitations never accepted, the reminder and email
    delivery logs, background export files, and the network addresses in the audit log;
  - residents' callback numbers (residents.retention, when that app is installed).
Units, outcomes, visits, schedules, assignments and issues stay as rows, so the counts per
building and per day (the coverage record KPU must keep) do not change.

Records with a period (visits, schedules, assignments) follow it. Records that only carry a
date follow the date: they belong to the first such period that ends (with a day's grace) on
or after it, unless it lies in the window of a period still kept (from LEAD_DAYS before its
start to a day after its end): open, upcoming, closed more recently, or held.

Values taken out of a record are taken out of its audit rows too (replaced by REMOVED), and
each run that removed something leaves one audit row with the counts, never the values.
"""

import datetime
import logging
from collections import Counter
from dataclasses import dataclass, field

from auditlog.context import disable_auditlog
from auditlog.models import LogEntry
from django.apps import apps
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.db.models import Exists, Max, OuterRef, Q
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.audit import CREATE, audit_bulk
from accounts.models import Invitation, SentEmail
from buildings.models import UnitOccupancy
from dashboard.models import ExportJob
from privacy.models import RetentionHold, RetentionRun
from reminders.models import ReminderLog
from visits.models import (
    AccessIssue,
    AccessIssueEvent,
    Assignment,
    CoklitPeriod,
    OfficerPhoto,
    Schedule,
    Visit,
)

log = logging.getLogger(__name__)

# What stands in an audit row where retention took a value out.
REMOVED = "[dihapus: retensi]"
# A record dated this many days before a kept period opens belongs to it (invitations,
# socialisation, occupancy hints and issues raised while preparing the window).
LEAD_DAYS = 30
# Outcomes are accepted a day after a period ends (visits.services), so its window does too.
GRACE_DAYS = 1

# Kinds of removal, in the order a report lists them.
KINDS = {
    "visit_photos": _("visit photos deleted"),
    "visit_positions": _("visit positions dropped"),
    "visit_notes": _("visit notes cleared (not part of an access issue)"),
    "schedule_notes": _("schedule notes and replies cleared"),
    "evidence_files": _("access-issue evidence files deleted"),
    "officer_photos": _("officer card photos deleted"),
    "occupancy_hints": _("best-time hints on units cleared"),
    "invitations": _("invitations never accepted deleted"),
    "reminder_logs": _("reminder log rows deleted"),
    "sent_emails": _("email delivery log rows deleted"),
    "exports": _("export files deleted"),
    "audit_addresses": _("network addresses dropped from the audit log"),
}
# What residents.retention reports, by its keys.
RESIDENT_KINDS = {
    "callback numbers erased": _("residents' callback numbers erased"),
    "visit requests deleted": _("residents' visit requests deleted"),
}


def retention_days() -> int:
    return settings.PRIVACY_RETENTION_DAYS


def counts_lines(counts: dict) -> list[tuple[str, list[str]]]:
    """A run's counts ({period: {kind: n}}, "residents": {key: n}) as words: (heading,
    ["label: n", ...]) per period, in the active language."""
    out = []
    for name, kinds in counts.items():
        labels = RESIDENT_KINDS if name == "residents" else KINDS
        heading = str(_("Residents' page")) if name == "residents" else name
        order = [k for k in labels if k in kinds] + [k for k in kinds if k not in labels]
        out.append((heading, [f"{labels.get(k, k)}: {kinds[k]}" for k in order if kinds[k]]))
    return out


@dataclass(eq=False)  # a key of dicts: by identity
class PeriodReport:
    period: CoklitPeriod
    closed_days: int
    held: str = ""  # the hold's reason; nothing is removed while it stands
    counts: Counter = field(default_factory=Counter)
    # kind → building name → count, for the kinds that belong to a building
    by_building: dict[str, Counter] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.counts.values())


@dataclass
class RetentionReport:
    today: datetime.date
    days: int
    dry_run: bool
    periods: list[PeriodReport] = field(default_factory=list)
    # residents.retention's own counts ({key: n}), when that app is installed
    residents: dict[str, int] = field(default_factory=dict)
    # Periods not due yet (open, upcoming or closed more recently), each with the first day
    # retention applies to it; a held period is in `periods`.
    waiting: list[tuple[CoklitPeriod, datetime.date]] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(p.total for p in self.periods) + sum(self.residents.values())

    def counts(self) -> dict:
        """{period name: {kind: n}} plus "residents": what the audit row records."""
        out = {p.period.name: dict(p.counts) for p in self.periods if p.counts}
        if any(self.residents.values()):
            out["residents"] = dict(self.residents)
        return out


def _start(day: datetime.date) -> datetime.datetime:
    zone = timezone.get_current_timezone()
    return datetime.datetime.combine(day, datetime.time(), tzinfo=zone)


class _Calendar:
    """Which periods are due, and which dates each of them takes."""

    def __init__(self, today: datetime.date, days: int):
        self.today = today
        periods = list(CoklitPeriod.objects.order_by("ends_on", "starts_on"))
        holds = dict(RetentionHold.objects.values_list("period_id", "reason"))
        self.reports = []
        self.kept = []
        for period in periods:
            closed = (today - period.ends_on).days
            if closed > days and period.pk not in holds:
                self.reports.append(PeriodReport(period=period, closed_days=closed))
            else:
                self.kept.append(period)
                if closed > days:
                    self.reports.append(
                        PeriodReport(period=period, closed_days=closed, held=holds[period.pk])
                    )
        self.due = [r for r in self.reports if not r.held]
        self.waiting = [
            (period, period.ends_on + datetime.timedelta(days=days + 1))
            for period in periods
            if (today - period.ends_on).days <= days
        ]

    def _kept_q(self, name: str, dated: bool) -> Q:
        """Dates inside the window of a kept period."""
        q = Q(pk__in=[])
        for period in self.kept:
            first = period.starts_on - datetime.timedelta(days=LEAD_DAYS)
            after = period.ends_on + datetime.timedelta(days=GRACE_DAYS + 1)
            if dated:
                q |= Q(**{f"{name}__gte": first, f"{name}__lt": after})
            else:
                q |= Q(**{f"{name}__gte": _start(first), f"{name}__lt": _start(after)})
        return q

    def buckets(self, name: str, *, dated: bool = False):
        """(report, Q) for each due period: the rows whose date `name` (a DateTimeField, or a
        DateField with `dated`) falls to it."""
        kept = self._kept_q(name, dated)
        previous = None
        for report in self.due:
            after = report.period.ends_on + datetime.timedelta(days=GRACE_DAYS + 1)
            until = after if dated else _start(after)
            q = Q(**{f"{name}__lt": until})
            if previous is not None:
                q &= Q(**{f"{name}__gte": previous})
            previous = until
            yield report, q & ~kept


def _audit_mask(model, pks, fields: list[str], *, repr_text: str | None = None) -> None:
    """Replace the values of `fields` in the audit rows of these objects with REMOVED (and,
    for a deleted object, everything it showed)."""
    content_type = ContentType.objects.get_for_model(model)
    pks = [str(pk) for pk in pks]
    for start in range(0, len(pks), 1000):
        entries = LogEntry.objects.filter(
            content_type=content_type, object_pk__in=pks[start : start + 1000]
        )
        changed = []
        for entry in entries.iterator(chunk_size=1000):
            changes = entry.changes if isinstance(entry.changes, dict) else {}
            masked = {
                name: _masked(value) if repr_text or name in fields else value
                for name, value in changes.items()
            }
            if masked != changes or repr_text:
                entry.changes = masked
                entry.changes_text = ""
                entry.serialized_data = None
                if repr_text:
                    entry.object_repr = repr_text % {"id": entry.object_pk}
                changed.append(entry)
        LogEntry.objects.bulk_update(
            changed, ["changes", "changes_text", "serialized_data", "object_repr"], batch_size=500
        )


def _masked(value):
    if isinstance(value, list):
        return [REMOVED if item not in (None, "", "None") else item for item in value]
    if isinstance(value, dict):
        return {key: REMOVED for key in value}
    return REMOVED


def _files_delete(model, field_name: str, pks: list[int]) -> None:
    """Delete the stored files once the transaction that cleared their fields commits."""
    names = [
        name
        for name in model._base_manager.filter(pk__in=pks).values_list(field_name, flat=True)
        if name
    ]
    storage = model._meta.get_field(field_name).storage

    def remove():
        for name in names:
            try:
                storage.delete(name)
            except OSError:
                log.warning("retention: could not delete %s", name)

    transaction.on_commit(remove)


def _by_building(queryset, path: str = "building__name") -> Counter:
    return Counter(dict(queryset.values_list(path).annotate(n=models.Count("pk")).order_by()))


def _visits(report: PeriodReport, dry_run: bool) -> None:
    visits = Visit.objects.filter(period=report.period)
    with_issue = Exists(AccessIssue.objects.filter(visit=OuterRef("pk")))
    rules = (
        ("visit_photos", visits.exclude(photo=""), {"photo": ""}, ["photo"]),
        (
            "visit_positions",
            visits.filter(Q(latitude__isnull=False) | Q(longitude__isnull=False)),
            {"latitude": None, "longitude": None},
            ["latitude", "longitude"],
        ),
        ("visit_notes", visits.exclude(note="").filter(~with_issue), {"note": ""}, ["note"]),
    )
    for kind, queryset, values, fields in rules:
        _apply(report, kind, queryset, values, fields, dry_run, model=Visit)


def _apply(report, kind, queryset, values, fields, dry_run, *, model, building="building__name"):
    counts = _by_building(queryset, building)
    if not counts:
        return
    report.counts[kind] += sum(counts.values())
    report.by_building.setdefault(kind, Counter()).update(counts)
    if dry_run:
        return
    pks = list(queryset.values_list("pk", flat=True))
    file_fields = [f for f in fields if isinstance(model._meta.get_field(f), models.FileField)]
    for name in file_fields:
        _files_delete(model, name, pks)
    model._base_manager.filter(pk__in=pks).update(**values)
    _audit_mask(model, pks, fields)


def _schedules(report: PeriodReport, dry_run: bool) -> None:
    schedules = Schedule.objects.filter(period=report.period).filter(~Q(note="") | ~Q(reply=""))
    _apply(report, "schedule_notes", schedules, {"note": "", "reply": ""}, ["note", "reply"],
           dry_run, model=Schedule)  # fmt: skip


def _evidence(calendar: _Calendar, dry_run: bool) -> None:
    """Evidence files of issues whose last step falls to a due period."""
    issues = AccessIssue.objects.annotate(
        last=Greatest("created_at", Coalesce(Max("events__created_at"), "created_at"))
    )
    for report, q in calendar.buckets("last"):
        ids = issues.filter(q).values("pk")
        events = AccessIssueEvent.objects.filter(issue__in=ids).exclude(evidence="")
        _apply(report, "evidence_files", events, {"evidence": ""}, ["evidence"], dry_run,
               model=AccessIssueEvent, building="issue__building__name")  # fmt: skip


def _officer_photos(calendar: _Calendar, dry_run: bool) -> None:
    """The card photo of an officer none of whose assignments is in a kept period; it falls to
    the last due period the officer worked in."""
    kept = [p.pk for p in calendar.kept]
    for report in reversed(calendar.due):
        later = [r.period.pk for r in calendar.due if r.period.ends_on > report.period.ends_on]
        photos = OfficerPhoto.objects.filter(
            Exists(Assignment.objects.filter(pantarlih=OuterRef("officer"), period=report.period)),
            ~Exists(
                Assignment.objects.filter(pantarlih=OuterRef("officer"), period__in=kept + later)
            ),
        )
        # A photo added since the period closed may be for the next one: it stays.
        photos = photos.filter(
            updated_at__lt=_start(report.period.ends_on + datetime.timedelta(days=GRACE_DAYS + 1))
        )
        count = photos.count()
        if not count:
            continue
        report.counts["officer_photos"] += count
        if dry_run:
            continue
        pks = list(photos.values_list("pk", flat=True))
        _files_delete(OfficerPhoto, "photo", pks)
        with disable_auditlog():
            OfficerPhoto.objects.filter(pk__in=pks).delete()


def _dated(calendar: _Calendar, dry_run: bool) -> None:
    now = timezone.now()
    for report, q in calendar.buckets("updated_at"):
        hints = UnitOccupancy.objects.filter(q).exclude(best_time="")
        _apply(report, "occupancy_hints", hints, {"best_time": ""}, ["best_time"], dry_run,
               model=UnitOccupancy, building="unit__tower__building__name")  # fmt: skip
    never = Invitation.objects.filter(accepted_at__isnull=True)
    revoked = dict(calendar.buckets("revoked_at"))
    for report, q in calendar.buckets("expires_at"):
        dead = never.filter(
            (Q(revoked_at__isnull=False) & revoked[report])
            | (Q(revoked_at__isnull=True, expires_at__lte=now) & q)
        )
        _delete(report, "invitations", dead, dry_run, mask=True)
    for report, q in calendar.buckets("day", dated=True):
        _delete(report, "reminder_logs", ReminderLog.objects.filter(q), dry_run)
    for report, q in calendar.buckets("sent_at"):
        _delete(report, "sent_emails", SentEmail.objects.filter(q), dry_run)
    for report, q in calendar.buckets("created_at"):
        jobs = ExportJob.objects.filter(q)
        if not dry_run:
            _files_delete(
                ExportJob, "file", list(jobs.exclude(file="").values_list("pk", flat=True))
            )
        _delete(report, "exports", jobs, dry_run)
    for report, q in calendar.buckets("timestamp"):
        entries = LogEntry.objects.filter(q).filter(
            Q(remote_addr__isnull=False) | Q(remote_port__isnull=False)
        )
        count = entries.count()
        if count:
            report.counts["audit_addresses"] += count
            if not dry_run:
                entries.update(remote_addr=None, remote_port=None)


def _delete(report, kind, queryset, dry_run, *, mask=False) -> None:
    pks = list(queryset.values_list("pk", flat=True))
    if not pks:
        return
    report.counts[kind] += len(pks)
    if dry_run:
        return
    model = queryset.model
    with disable_auditlog():
        model._base_manager.filter(pk__in=pks).delete()
    if mask:
        _audit_mask(model, pks, [], repr_text=f"{model._meta.model_name} #%(id)s {REMOVED}")


def _residents(now, dry_run: bool) -> dict[str, int]:
    """residents.retention's purge, when the residents app is installed."""
    if not apps.is_installed("residents"):
        return {}
    try:
        from residents.retention import purge_closed_periods
    except ImportError:
        return {}
    return dict(purge_closed_periods(now=now, dry_run=dry_run))


@transaction.atomic
def retention_apply(*, now=None, dry_run: bool = False, actor=None) -> RetentionReport:
    """Remove what every due period no longer needs (or, with `dry_run`, only count it)."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    days = retention_days()
    calendar = _Calendar(today, days)
    report = RetentionReport(
        today=today, days=days, dry_run=dry_run, periods=calendar.reports, waiting=calendar.waiting
    )
    for period_report in calendar.due:
        _visits(period_report, dry_run)
        _schedules(period_report, dry_run)
    _evidence(calendar, dry_run)
    _officer_photos(calendar, dry_run)
    _dated(calendar, dry_run)
    report.residents = _residents(now, dry_run)
    if not dry_run and report.total:
        run = RetentionRun.objects.create(ran_at=now, days=days, counts=report.counts(), by=actor)
        summary = "; ".join(
            f"{name}: " + ", ".join(f"{kind} {n}" for kind, n in counts.items())
            for name, counts in report.counts().items()
        )
        audit_bulk(RetentionRun, [(run.pk, str(run), CREATE, {"removed": ("", summary)})],
                   actor=actor)  # fmt: skip
    return report
