"""Starting a visit at a tower (or being turned away at the door) and ending it."""

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from visits import field
from visits.forms import VisitEndForm, VisitStartForm
from visits.models import Visit
from visits.views.field import answer_errors_to_form, field_scope, scoped_tower


@never_cache
@login_required
def visit_start(request, pk):
    """Start a visit at a tower (with an optional location and photo), or report being turned
    away, which ends the visit and raises an access issue in the same step."""
    tower = scoped_tower(request, pk)
    form = VisitStartForm(
        request.POST or None,
        request.FILES or None,
        initial={"client_uuid": uuid.uuid4(), "started_at": timezone.now()},
    )
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            answer = field.visit_start(
                pantarlih=request.user,
                client_uuid=data["client_uuid"],
                tower=tower,
                started_at=data["started_at"],
                access=data["access"],
                note=data["note"],
                latitude=data["latitude"],
                longitude=data["longitude"],
                photo=data["photo"],
                issue_kind=data["issue_kind"],
                issue_description=data["issue_description"],
            )
            if answer.status == field.CONFLICT:
                form.add_error(None, _("This visit was already sent with other content."))
                status = 409
            elif answer.status == field.INVALID:
                answer_errors_to_form(form, answer)
            elif answer.obj.access == Visit.Access.DENIED:
                messages.warning(
                    request,
                    _("Visit recorded as turned away; the access issue was raised with PPS."),
                )
                return redirect("field_today")
            else:
                messages.success(request, _("Visit started. Tap a unit to record it."))
                return redirect("field_grid", pk=tower.pk)
    return render(
        request,
        "visits/visit_start.html",
        {"tower": tower, "form": form, "visit": field.open_visit(request.user, tower)},
        status=status,
    )


@never_cache
@login_required
def visit_end(request, pk):
    """End one's own visit (and raise an access issue if the rest of the tower was refused)."""
    visits = field_scope(request, Visit.objects.select_related("building", "tower"))
    visit = get_object_or_404(visits.filter(pantarlih=request.user), pk=pk)
    form = VisitEndForm(request.POST or None, initial={"access": visit.access})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        field.visit_end(
            visit=visit,
            ended_at=timezone.now(),
            access=data["access"],
            note=data["note"],
            issue_kind=data["issue_kind"],
            issue_description=data["issue_description"],
        )
        messages.success(request, _("Visit ended."))
        return redirect("field_today")
    return render(
        request,
        "visits/visit_end.html",
        {"visit": visit, "form": form},
        status=400 if request.method == "POST" else 200,
    )
