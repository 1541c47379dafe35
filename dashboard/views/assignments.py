"""Assigning pantarlih for a kelurahan: the one-screen table and the spreadsheet upload."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from accounts.roles import PLANNERS, has_role
from accounts.scope import region_in_scope
from buildings.models import Building
from dashboard.assignments import (
    assignments_save,
    kelurahan_pantarlih,
    kelurahan_targets,
    period_current,
    rows_from_screen,
    rows_from_table,
)
from dashboard.forms import SheetUploadForm
from invitations.forms import table_read
from regions.models import Region


def _kelurahan(request, code) -> Region:
    """The kelurahan, if the user may assign there: else 404, whatever the method."""
    user = request.user
    if not has_role(user, PLANNERS):
        raise Http404
    kelurahan = Region.objects.filter(code=code, level=Region.Level.KELURAHAN).first()
    if kelurahan is None or not region_in_scope(user, kelurahan):
        raise Http404
    return kelurahan


def _page(request, kelurahan, period, targets, pantarlih, **extra):
    return render(
        request,
        "dashboard/assignments.html",
        {
            "kelurahan": kelurahan,
            "period": period,
            "targets": targets,
            "pantarlih": pantarlih,
            "upload_form": extra.pop("upload_form", None) or SheetUploadForm(),
            **extra,
        },
    )


def _context(request, kelurahan):
    period = period_current()
    targets = kelurahan_targets(
        kelurahan=kelurahan, buildings=Building.objects.in_scope(request.user), period=period
    )
    return period, targets, list(kelurahan_pantarlih(kelurahan))


@login_required
def assignment_screen(request, code):
    kelurahan = _kelurahan(request, code)
    period, targets, pantarlih = _context(request, kelurahan)
    problems = []
    if request.method == "POST":
        if period is None:
            messages.error(request, _("There is no coklit period to assign for."))
            return redirect("dashboard_assignments", code)
        rows, problems = rows_from_screen(data=request.POST, targets=targets, pantarlih=pantarlih)
        if not problems:
            count = assignments_save(period=period, rows=rows)
            messages.success(request, _("%(count)d assignments saved.") % {"count": count})
            return redirect("dashboard_assignments", code)
        # Show what was typed, not what is stored, next to the problems.
        for target in targets:
            target.posted = (
                request.POST.get(f"p-{target.key}", ""),
                request.POST.get(f"tps-{target.key}", ""),
            )
            for current in target.current:
                current.posted_tps = request.POST.get(f"tps-a{current.pk}", current.tps)
                current.posted_remove = bool(request.POST.get(f"rm-a{current.pk}"))
    return _page(request, kelurahan, period, targets, pantarlih, screen_problems=problems)


@login_required
def assignment_upload(request, code):
    kelurahan = _kelurahan(request, code)
    if request.method != "POST":
        return redirect("dashboard_assignments", code)
    period, targets, pantarlih = _context(request, kelurahan)
    form = SheetUploadForm(request.POST, request.FILES)
    problems = []
    if form.is_valid():
        try:
            data = table_read(form.cleaned_data["file"])
        except Exception:  # tablib raises many kinds on a broken file
            form.add_error("file", _("The file could not be read as CSV or XLSX."))
        else:
            rows, problems = rows_from_table(data=data, targets=targets, pantarlih=pantarlih)
            if period is None:
                problems.append((1, _("There is no coklit period to assign for.")))
            if not problems:
                count = assignments_save(period=period, rows=rows)
                messages.success(request, _("%(count)d assignments saved.") % {"count": count})
                return redirect("dashboard_assignments", code)
    return _page(
        request, kelurahan, period, targets, pantarlih, upload_form=form, sheet_problems=problems
    )
