"""Staff pages of the escalation ladder: the issue list, one issue with its actions, the letter.

Rules and permissions live in dashboard.escalation; the views fetch in scope first (a 404
outside it, for GET and POST alike), then hand the request to a service.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Case, IntegerField, Value, When
from django.http import HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from buildings.models import BuildingManager
from buildings.views.schedules import _form_errors
from dashboard import escalation
from dashboard.escalation import Action
from dashboard.forms_escalation import IssueFilterForm, IssueStepForm
from dashboard.views.coverage import _prefix
from visits.models import AccessIssue, AccessIssueEvent

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


FORM_ACTIONS = {Action.COMMENT, Action.ESCALATE, Action.RESOLVE, Action.REOPEN}


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
        )
        for name in FORM_ACTIONS & allowed
    }
    if request.method == "POST":
        if action not in allowed:
            raise PermissionDenied
        done = _act(request, issue, action, forms.get(action))
        if done:
            messages.success(request, done)
            return redirect("dashboard_issue", pk=issue.pk)
    events = list(
        AccessIssueEvent.objects.filter(issue=issue)
        .select_related("actor")
        .order_by("created_at", "pk")
    )
    return render(
        request,
        "dashboard/issue_detail.html",
        {
            "issue": issue,
            "events": events,
            "allowed": allowed,
            "forms": forms,
            "due": escalation.step_due(issue),
            "overdue": escalation.is_overdue(issue),
            "next_level": escalation.next_level(issue.level),
            "ladder": escalation.LADDER,
            "level_index": escalation.LADDER.index(issue.level),
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
        if action == Action.LETTER:
            escalation.issue_letter_sent(issue=issue, by=user)
            return _("The letter is recorded as sent to the manager.")
        if not form.is_valid():
            return None
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
        _form_errors(form, error)
        return None
    except PermissionDenied:
        messages.error(request, _("Someone changed this issue meanwhile; look again."))
        return None


@login_required
def issue_letter(request, pk):
    """The printable letter from the KPU Kota of the building's kota to its manager."""
    issue = _issue(request, pk)
    if request.method != "GET":
        return HttpResponseNotAllowed(["GET"])
    building = issue.building
    kelurahan = building.kelurahan
    managers = list(
        BuildingManager.objects.filter(building=building)
        .select_related("user")
        .order_by("-is_primary", "pk")
    )
    kota = kelurahan.parent.parent if kelurahan.parent_id else None
    return render(
        request,
        "dashboard/letter.html",
        {
            "issue": issue,
            "building": building,
            "kota": kota,
            "manager": managers[0] if managers else None,
            "today": timezone.localdate(),
            "can_send": Action.LETTER in escalation.issue_actions(request.user, issue),
        },
    )
