"""Socialisation sessions: staff create them, invite a kota's managers, record who came;
the invited manager answers on their own page."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from accounts.models import ONBOARDERS, Briefing, BriefingInvitee
from accounts.scope import DKI_JAKARTA, can_edit, region_prefix
from buildings.models import Building
from dashboard.briefings import (
    briefing_answer,
    briefing_attendance_record,
    briefing_invite,
)
from dashboard.forms import BriefingForm, BriefingInviteForm, kotas_in_scope


def _organiser_prefix(request) -> str:
    user = request.user
    if user.is_superuser:
        return DKI_JAKARTA
    prefix = region_prefix(user)
    if prefix is None or user.role not in ONBOARDERS or not can_edit(user):
        raise Http404
    return prefix


def _briefing(request, pk) -> Briefing:
    _organiser_prefix(request)
    return get_object_or_404(
        Briefing.objects.in_scope(request.user).select_related("region", "organiser"), pk=pk
    )


def _scoped_buildings(request, briefing):
    return (
        Building.objects.in_scope(request.user)
        .filter(kelurahan__code__startswith=briefing.region.code, active=True)
        .select_related("kelurahan")
        .order_by("name")
    )


@login_required
def briefing_list(request):
    prefix = _organiser_prefix(request)
    form = BriefingForm(request.POST or None, kotas=kotas_in_scope(prefix))
    if request.method == "POST" and form.is_valid():
        briefing = form.save(commit=False)
        briefing.organiser = request.user
        briefing.save()
        messages.success(request, _("Session created: now invite the managers."))
        return redirect("dashboard_briefing", briefing.pk)
    briefings = Briefing.objects.in_scope(request.user).select_related("region")[:100]
    return render(request, "dashboard/briefing_list.html", {"form": form, "briefings": briefings})


@login_required
def briefing_detail(request, pk):
    briefing = _briefing(request, pk)
    invitees = list(
        briefing.invitees.select_related("manager").order_by("manager__full_name", "pk")
    )
    return render(
        request,
        "dashboard/briefing_detail.html",
        {
            "briefing": briefing,
            "invitees": invitees,
            "follow_up": [i for i in invitees if not i.attended and i.rsvp == "pending"],
            "invite_form": BriefingInviteForm(buildings=_scoped_buildings(request, briefing)),
            "counts": {
                "yes": sum(i.rsvp == "yes" for i in invitees),
                "no": sum(i.rsvp == "no" for i in invitees),
                "attended": sum(i.attended for i in invitees),
            },
        },
    )


@login_required
def briefing_invite_view(request, pk):
    briefing = _briefing(request, pk)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    buildings = _scoped_buildings(request, briefing)
    form = BriefingInviteForm(request.POST, buildings=buildings)
    if form.is_valid():
        chosen = form.cleaned_data["buildings"]
        if chosen:
            buildings = buildings.filter(pk__in=[b.pk for b in chosen])
        count = briefing_invite(briefing=briefing, buildings=buildings)
        messages.success(request, _("%(count)d managers invited.") % {"count": count})
    else:
        messages.error(request, _("Choose buildings from the list."))
    return redirect("dashboard_briefing", briefing.pk)


@login_required
def briefing_attendance(request, pk):
    briefing = _briefing(request, pk)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    briefing_attendance_record(briefing=briefing, present_ids=request.POST.getlist("hadir"))
    messages.success(request, _("Attendance saved."))
    return redirect("dashboard_briefing", briefing.pk)


@login_required
def briefing_answer_view(request, pk):
    """The invited manager's answer; anyone else (staff included) gets a 404."""
    invitee = get_object_or_404(
        BriefingInvitee.objects.select_related("briefing__region", "briefing__organiser"),
        briefing_id=pk,
        manager=request.user,
    )
    if request.method == "POST":
        rsvp = request.POST.get("rsvp", "")
        if rsvp in (BriefingInvitee.Rsvp.YES, BriefingInvitee.Rsvp.NO):
            briefing_answer(invitee=invitee, rsvp=rsvp)
            messages.success(request, _("Thank you: your answer was saved."))
            return redirect("dashboard_briefing_answer", pk)
        messages.error(request, _("Answer yes or no."))
    return render(request, "dashboard/briefing_answer.html", {"invitee": invitee})
