"""The printable letters of the escalation ladder and the KPU Kota office that signs its own.

The KPU Kota's letter to the manager (numbered and signed once it is recorded as sent), the
housing office's reprimand for the step after it, and the page where a KPU Kota keeps its
signatory and number pattern. Every page fetches in the user's scope first (404 outside it).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from buildings.models import BuildingManager
from dashboard import escalation
from dashboard.escalation import Action
from dashboard.forms_escalation import LetterOfficeForm
from dashboard.letters import letter_kota, letter_number, letter_office, may_keep_letters
from dashboard.views.coverage import _prefix
from dashboard.views.escalation import _issue, letter_form
from regions.models import Region
from visits.models import IssueLetter


def _primary_manager(building):
    return (
        BuildingManager.objects.filter(building=building)
        .select_related("user")
        .order_by("-is_primary", "pk")
        .first()
    )


@login_required
def issue_letter(request, pk):
    """The printable letter from the KPU Kota of the building's kota to its manager: a draft
    (no number yet, today's date) until it is recorded as sent, then the letter as sent."""
    issue = _issue(request, pk)
    if request.method != "GET":
        return HttpResponseNotAllowed(["GET"])
    kota = letter_kota(issue)
    office = letter_office(kota)
    letter = IssueLetter.objects.filter(issue=issue).first()
    allowed = escalation.issue_actions(request.user, issue)
    if letter is not None:
        number, day = letter.number, letter.sent_on
        signatory = (letter.signatory_name, letter.signatory_nip, letter.signatory_position)
    else:
        day = timezone.localdate()
        number = letter_number(office.number_pattern, None, day.year)
        signatory = (office.signatory_name, office.signatory_nip, office.signatory_position)
    return render(
        request,
        "dashboard/letter.html",
        {
            "issue": issue,
            "building": issue.building,
            "kota": kota,
            "office": office,
            "letter": letter,
            "number": number,
            "day": day,
            "signatory": signatory,
            "manager": _primary_manager(issue.building),
            "form": letter_form(request, issue, None) if Action.LETTER in allowed else None,
            "may_keep_letters": may_keep_letters(request.user),
        },
    )


@login_required
def issue_reprimand(request, pk):
    """The housing office's reprimand (teguran) to the manager, the step after the KPU Kota's
    letter: printed with blanks for the office's own number and signatory."""
    issue = _issue(request, pk)
    if request.method != "GET":
        return HttpResponseNotAllowed(["GET"])
    return render(
        request,
        "dashboard/reprimand.html",
        {
            "issue": issue,
            "building": issue.building,
            "kota": letter_kota(issue),
            "letter": IssueLetter.objects.filter(issue=issue).first(),
            "manager": _primary_manager(issue.building),
            "today": timezone.localdate(),
        },
    )


@login_required
def letter_office_edit(request, code):
    """A KPU Kota's signatory and letter number pattern, kept by that KPU Kota (or KPU
    Provinsi). Anyone else whose scope holds the kota gets a 403; outside it, a 404."""
    if not code.startswith(_prefix(request)):
        raise Http404
    kota = get_object_or_404(Region, code=code, level=Region.Level.KOTA)
    if not may_keep_letters(request.user):
        raise PermissionDenied
    office = letter_office(kota)
    form = LetterOfficeForm(request.POST or None, instance=office)
    if request.method == "POST" and form.is_valid():
        office = form.save(commit=False)
        office.updated_by = request.user
        office.save()
        messages.success(request, _("Saved: the next letters use this signatory and pattern."))
        return redirect("dashboard_letter_office", code=kota.code)
    year = timezone.localdate().year
    return render(
        request,
        "dashboard/letter_office.html",
        {
            "kota": kota,
            "form": form,
            "example": letter_number(office.number_pattern, 1, year) if not form.errors else None,
            "letters": IssueLetter.objects.filter(kota=kota)
            .select_related("issue__building")
            .order_by("-year", "-sequence")[:20],
        },
    )
