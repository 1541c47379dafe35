"""Staff pages of the escalation ladder: the issue list, one issue with its actions, raising
an issue from a building's page. The letters are in dashboard/views/letters.py.

Rules and permissions live in dashboard.escalation; the views fetch in scope first (a 404
outside it, for GET and POST alike), then hand the request to a service.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Case, IntegerField, Value, When
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from buildings.models import Building
from dashboard import escalation
from dashboard.escalation import Action
from dashboard.forms_escalation import (
    IssueFilterForm,
    IssueLetterForm,
    IssueRaiseForm,
    IssueStepForm,
)
from dashboard.letters import letter_kota, letter_office
from dashboard.timeline import event_sentence
from dashboard.views.coverage import _prefix
from dashboard.views.scheduling import may_plan
from visits.models import AccessIssue, AccessIssueEvent, IssueLetter
from visits.schedule_answer import form_errors_add

PER_PAGE = 50


def _issues(request):
    """The user's issues, after the dashboard's role check (404 for managers and pantarlih)."""
    _prefix(request)
    return AccessIssue.objects.in_scope(request.user)


@login_required
def issue_list(request):
    issues = _issues(request).select_related("building__kelurahan", "handled_by")
    filters = IssueFilterForm(request.GET or None)
    if filters.is_valid():
        if filters.cleaned_data["tingkat"]:
            issues = issues.filter(level=filters.cleaned_data["tingkat"])
        if filters.cleaned_data["status"]:
            issues = issues.filter(status=filters.cleaned_data["status"])
    # Open first, the oldest clock first; resolved ones last, the newest first.
    issues = issues.annotate(
        closed=Case(
            When(status=AccessIssue.Status.RESOLVED, then=Value(1)),
            default=Value(0),
            output_field=IntegerField(),
        )
    ).order_by("closed", "due_at", "created_at", "-resolved_at", "pk")
    page = Paginator(issues, PER_PAGE).get_page(request.GET.get("halaman"))
    now = timezone.now()
    rows = [(i, escalation.step_due(i), escalation.is_overdue(i, now)) for i in page]
    query = request.GET.copy()
    query.pop("halaman", None)
    return render(
        request,
        "dashboard/issue_list.html",
        {"page": page, "rows": rows, "filters": filters, "query": query.urlencode()},
    )


def _issue(request, pk):
    return get_object_or_404(
        _issues(request).select_related(
            "building__kelurahan__parent__parent", "raised_by", "handled_by"
        ),
        pk=pk,
    )


def _letter(issue) -> IssueLetter | None:
    return IssueLetter.objects.filter(issue=issue).first()


FORM_ACTIONS = {Action.COMMENT, Action.ESCALATE, Action.RESOLVE, Action.REOPEN}


def letter_form(request, issue, action) -> IssueLetterForm:
    """The letter as it will be recorded: today's date and the office's signatory, to edit."""
    bound = action == Action.LETTER and request.method == "POST"
    initial = {"sent_on": timezone.localdate()}
    kota = letter_kota(issue)
    if kota is not None and not bound:
        office = letter_office(kota)
        initial |= {
            "signatory_name": office.signatory_name,
            "signatory_nip": office.signatory_nip,
            "signatory_position": office.signatory_position,
        }
    return IssueLetterForm(request.POST if bound else None, prefix="letter", initial=initial)


def _steps(issue):
    """The ladder as the page shows it: each rung with what it means, past, now or to come."""
    here = escalation.LADDER.index(issue.level)
    return [
        (level, escalation.STEP_GUIDE[level], "past" if i < here else "now" if i == here else "")
        for i, level in enumerate(escalation.LADDER)
    ]


@login_required
def issue_detail(request, pk):
    issue = _issue(request, pk)
    allowed = escalation.issue_actions(request.user, issue)
    action = request.POST.get("action") if request.method == "POST" else None
    forms = {
        name: IssueStepForm(
            request.POST if action == name else None,
            request.FILES if action == name else None,
            prefix=name,
            with_evidence=name != Action.REOPEN,
            with_confirm=name == Action.ESCALATE,
        )
        for name in FORM_ACTIONS & allowed
    }
    if Action.LETTER in allowed:
        forms[Action.LETTER] = letter_form(request, issue, action)
    if request.method == "POST":
        if action not in allowed:
            raise PermissionDenied
        done = _act(request, issue, action, forms.get(action))
        if done:
            messages.success(request, done)
            if action == Action.LETTER:  # on to the numbered letter, to print it
                return redirect("dashboard_issue_letter", pk=issue.pk)
            return redirect("dashboard_issue", pk=issue.pk)
    events = list(
        AccessIssueEvent.objects.filter(issue=issue)
        .select_related("actor")
        .order_by("created_at", "pk")
    )
    letter = _letter(issue)
    for event in events:
        event.issue = issue  # the sentence names the issue's kind; no query per event
        event.sentence = event_sentence(event, letter_number=letter.number if letter else "")
    owner = escalation.LEVEL_OWNER[issue.level]
    return render(
        request,
        "dashboard/issue_detail.html",
        {
            "issue": issue,
            "events": events,
            "allowed": allowed,
            "forms": forms,
            "letter": letter,
            "due": escalation.step_due(issue),
            "overdue": escalation.is_overdue(issue),
            "next_level": escalation.next_level(issue.level),
            "top": escalation.is_top(issue.level),
            "steps": _steps(issue),
            # The owner of the rung below keeps a voice: it may comment, nothing else.
            "comment_only": allowed == {Action.COMMENT} and request.user.role != owner,
            "open_form": action,
        },
    )


def _act(request, issue, action, form) -> str | None:
    """Run one action; the success message, or None when the form shows its errors."""
    user = request.user
    try:
        if action == Action.TAKE:
            escalation.issue_assign(issue=issue, by=user)
            return _("You now handle this step.")
        if not form.is_valid():
            return None
        if action == Action.LETTER:
            letter = escalation.issue_letter_sent(issue=issue, by=user, **form.cleaned_data)
            return _(
                "Letter %(number)s recorded as sent; the manager has until %(due)s. "
                "Print it and sign it."
            ) % {
                "number": letter.number,
                "due": timezone.localtime(letter.issue.due_at).strftime("%d-%m-%Y %H.%M"),
            }
        note, evidence = form.cleaned_data["note"], form.cleaned_data.get("evidence")
        if action == Action.COMMENT:
            escalation.issue_comment(issue=issue, by=user, note=note, evidence=evidence)
            return _("Comment added.")
        if action == Action.ESCALATE:
            issue = escalation.issue_escalate(issue=issue, by=user, note=note, evidence=evidence)
            return _("Moved up to %(level)s; the clock restarts.") % {
                "level": issue.get_level_display()
            }
        if action == Action.RESOLVE:
            escalation.issue_resolve(issue=issue, by=user, resolution=note, evidence=evidence)
            return _("Issue resolved; the manager and the pantarlih are told.")
        escalation.issue_reopen(issue=issue, by=user, note=note)
        return _("Issue reopened.")
    except ValidationError as error:
        if hasattr(error, "error_dict") and "resolution" in error.error_dict:
            error = ValidationError({"note": error.error_dict["resolution"]})
        form_errors_add(form, error)
        return None
    except PermissionDenied:
        messages.error(request, _("Someone changed this issue meanwhile; look again."))
        return None


@login_required
def issue_new(request, pk):
    """Raise an access issue from the building's page: the planning staff (KPU, PPK, PPS)."""
    _prefix(request)
    building = get_object_or_404(
        Building.objects.in_scope(request.user).select_related("kelurahan"), pk=pk
    )
    if not may_plan(request.user):
        raise PermissionDenied
    form = IssueRaiseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            issue = escalation.issue_raise(building=building, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            form_errors_add(form, error)
        else:
            messages.success(
                request, _("Access issue raised at the PPS step; the kelurahan's PPS is emailed.")
            )
            return redirect("dashboard_issue", pk=issue.pk)
    return render(request, "dashboard/issue_new.html", {"building": building, "form": form})
