"""The escalation ladder of access issues: PPS → KPU Kota → Dinas Perumahan → Bawaslu.

Each rung has an owner (the role at that level, recorded as `handled_by` once someone takes
it), a clock (`due_at`, STEP_DAYS from the moment the issue reached the rung) and a history
(one AccessIssueEvent per act, with an optional evidence file). Who may do what is decided in
`issue_actions`, the one place the views and the services both ask.
"""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Role, User
from buildings.models import Building
from dashboard.letters import letter_due, letter_next_sequence, letter_number, letter_office
from outbox.services import outbox_enqueue
from regions.models import Region

# The ladder (rungs, owners, guides, clock) lives with the issues, below this app, so the field
# pages and the emails read it too; re-exported here for the staff pages.
from visits.access import (  # noqa: F401
    LADDER,
    LEVEL_OWNER,
    STEP_DAYS,
    STEP_GUIDE,
    access_issue_raise,
    access_issue_step_announce,
    is_overdue,
    is_top,
    next_level,
    previous_level,
    rung_owners,
    step_due,
)

# Evidence files are checked where the issues live: the manager portal attaches them too.
from visits.evidence import evidence_check, evidence_clean  # noqa: F401
from visits.models import AccessIssue, AccessIssueEvent, IssueLetter

Level = AccessIssue.Level
Status = AccessIssue.Status


class Action:
    COMMENT = "comment"
    TAKE = "take"
    ESCALATE = "escalate"
    LETTER = "letter"
    RESOLVE = "resolve"
    REOPEN = "reopen"


def issue_actions(user: User, issue: AccessIssue) -> set[str]:
    """What `user` may do to `issue`, which the caller has already fetched in the user's scope.

    The owner role of the current rung acts there, KPU Provinsi everywhere; Bawaslu only reads,
    except at its own rung, where it may comment and take the issue. The owner role of the
    rung below may still comment on an open issue: it knows the building and the history.
    """
    if not user.is_authenticated or not user.is_active:
        return set()
    anywhere = user.is_superuser or user.role == Role.KPU_PROVINSI
    owner = user.role == LEVEL_OWNER[issue.level]
    if not (anywhere or owner):
        below = previous_level(issue.level)
        if below and user.role == LEVEL_OWNER[below] and issue.status != Status.RESOLVED:
            return {Action.COMMENT}
        return set()
    if user.role == Role.BAWASLU and not anywhere:
        if issue.status == Status.RESOLVED:
            return set()
        return {Action.COMMENT} if issue.handled_by_id == user.pk else {Action.COMMENT, Action.TAKE}
    if issue.status == Status.RESOLVED:
        return {Action.REOPEN}
    actions = {Action.COMMENT, Action.TAKE, Action.RESOLVE}
    if issue.handled_by_id == user.pk:
        actions.discard(Action.TAKE)
    if next_level(issue.level):
        actions.add(Action.ESCALATE)
    if issue.level == Level.KPU_KOTA and not IssueLetter.objects.filter(issue=issue).exists():
        actions.add(Action.LETTER)
    return actions


def _locked(issue: AccessIssue, user: User, action: str) -> AccessIssue:
    """The issue re-read under a row lock, with the permission checked on its current state."""
    fresh = AccessIssue.objects.select_for_update().get(pk=issue.pk)
    if action not in issue_actions(user, fresh):
        raise PermissionDenied(_("You may not do that at this step of the issue."))
    return fresh


def _event(issue, by, action, note="", evidence=None) -> AccessIssueEvent:
    event = AccessIssueEvent(
        issue=issue, actor=by, action=action, level=issue.level, note=note, evidence=evidence or ""
    )
    event.full_clean()
    event.save()
    return event


@transaction.atomic
def issue_comment(
    *, issue: AccessIssue, by: User, note: str, evidence: UploadedFile | None = None
) -> AccessIssueEvent:
    issue = _locked(issue, by, Action.COMMENT)
    if not note.strip():
        raise ValidationError({"note": _("Write something.")})
    evidence_check(evidence)
    return _event(issue, by, AccessIssueEvent.Action.COMMENT, note.strip(), evidence)


@transaction.atomic
def issue_assign(*, issue: AccessIssue, by: User) -> AccessIssue:
    """Take ownership of the current rung: the issue is now in progress, in `by`'s hands."""
    issue = _locked(issue, by, Action.TAKE)
    issue.handled_by = by
    issue.status = Status.IN_PROGRESS
    issue.save(update_fields=["handled_by", "status"])
    _event(issue, by, AccessIssueEvent.Action.COMMENT, _("Took ownership of this step."))
    return issue


@transaction.atomic
def issue_raise(*, building: Building, by: User, kind: str, description: str) -> AccessIssue:
    """Staff open an issue they were told about (a PPS phoned by the manager's office, say):
    it starts at the PPS rung like a pantarlih's, and the rung's owners are emailed. The
    caller checks that `by` plans the fieldwork in the building's area."""
    if kind not in AccessIssue.Kind.values:
        raise ValidationError({"kind": _("Choose what kind of issue it is.")})
    if not description.strip():
        raise ValidationError({"description": _("Describe what happened.")})
    return access_issue_raise(
        building=building, raised_by=by, kind=kind, description=description.strip()
    )


@transaction.atomic
def issue_escalate(
    *, issue: AccessIssue, by: User, note: str, evidence: UploadedFile | None = None
) -> AccessIssue:
    """Move up one rung: the new owner role has STEP_DAYS from now, and nobody holds it yet.
    The new rung's owners are emailed, with a copy to whoever held the rung below."""
    issue = _locked(issue, by, Action.ESCALATE)
    if not note.strip():
        raise ValidationError({"note": _("Say why the issue moves up, for the next owner.")})
    evidence_check(evidence)
    previous_handler = issue.handled_by_id
    issue.level = next_level(issue.level)
    issue.status = Status.OPEN
    issue.handled_by = None
    issue.due_at = timezone.now() + datetime.timedelta(days=STEP_DAYS)
    issue.save(update_fields=["level", "status", "handled_by", "due_at"])
    event = _event(issue, by, AccessIssueEvent.Action.ESCALATED, note.strip(), evidence)
    access_issue_step_announce(event, previous_handler)
    return issue


@transaction.atomic
def issue_letter_sent(
    *,
    issue: AccessIssue,
    by: User,
    sent_on: datetime.date,
    signatory_name: str,
    signatory_position: str,
    signatory_nip: str = "",
) -> IssueLetter:
    """KPU Kota sent (or handed over) the signed letter to the manager: the letter takes the
    office's next number for its year, and the manager's clock runs from the letter's date."""
    issue = _locked(issue, by, Action.LETTER)
    if sent_on > timezone.localdate():
        raise ValidationError({"sent_on": _("The letter's date cannot be in the future.")})
    if sent_on < timezone.localdate(issue.created_at):
        raise ValidationError(
            {"sent_on": _("The letter's date cannot be before the issue was raised.")}
        )
    # The lock on the kota's row keeps the next number the office's alone until commit.
    kota = Region.objects.select_for_update().get(code=issue.building.kelurahan.code[:5])
    office = letter_office(kota)
    sequence = letter_next_sequence(kota, sent_on.year)
    letter = IssueLetter(
        issue=issue,
        kota=kota,
        year=sent_on.year,
        sequence=sequence,
        number=letter_number(office.number_pattern, sequence, sent_on.year),
        sent_on=sent_on,
        signatory_name=signatory_name.strip(),
        signatory_nip=signatory_nip.strip(),
        signatory_position=signatory_position.strip(),
        recorded_by=by,
    )
    letter.full_clean()
    letter.save()
    issue.due_at = letter_due(sent_on)
    fields = ["due_at"]
    if issue.handled_by_id is None:
        issue.handled_by = by
        issue.status = Status.IN_PROGRESS
        fields += ["handled_by", "status"]
    issue.save(update_fields=fields)
    _event(issue, by, AccessIssueEvent.Action.LETTER_SENT)
    return letter


@transaction.atomic
def issue_resolve(
    *, issue: AccessIssue, by: User, resolution: str, evidence: UploadedFile | None = None
) -> AccessIssue:
    """Close the issue; the building's managers and the pantarlih who raised it are told."""
    issue = _locked(issue, by, Action.RESOLVE)
    if not resolution.strip():
        raise ValidationError({"resolution": _("Say how the issue was solved.")})
    evidence_check(evidence)
    issue.status = Status.RESOLVED
    issue.resolution = resolution.strip()
    issue.resolved_at = timezone.now()
    issue.due_at = None
    if issue.handled_by_id is None:
        issue.handled_by = by
    issue.full_clean()
    issue.save(update_fields=["status", "resolution", "resolved_at", "due_at", "handled_by"])
    _event(issue, by, AccessIssueEvent.Action.RESOLVED, issue.resolution, evidence)
    from dashboard.tasks import access_issue_resolved_notify

    outbox_enqueue(access_issue_resolved_notify, issue.pk)
    return issue


@transaction.atomic
def issue_reopen(*, issue: AccessIssue, by: User, note: str) -> AccessIssue:
    """The problem came back: open again at the same rung, with a fresh clock."""
    issue = _locked(issue, by, Action.REOPEN)
    if not note.strip():
        raise ValidationError({"note": _("Say why the issue is reopened.")})
    issue.status = Status.OPEN
    issue.resolved_at = None
    issue.due_at = timezone.now() + datetime.timedelta(days=STEP_DAYS)
    issue.save(update_fields=["status", "resolved_at", "due_at"])
    _event(issue, by, AccessIssueEvent.Action.REOPENED, note.strip())
    return issue
