"""Downloading the dashboard's tables: directly when small, through an ExportJob when large."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _

from accounts.roles import REGION_STAFF, has_role
from accounts.scope import DKI_JAKARTA, region_prefix
from dashboard.export_tasks import export_job_build
from dashboard.exports import FORMATS, KINDS, export_build, export_rows, must_run_in_background
from dashboard.models import ExportJob
from outbox.services import outbox_enqueue
from regions.models import Region


def _region_code(request, code: str) -> str:
    """The region code asked for, if the user reads the dashboard there; else 404."""
    user = request.user
    prefix = DKI_JAKARTA if user.is_superuser else region_prefix(user)
    if prefix is None or not has_role(user, REGION_STAFF):
        raise Http404
    if not code.startswith(prefix):
        raise Http404
    if code != DKI_JAKARTA and not Region.objects.filter(code=code).exists():
        raise Http404
    return code


@login_required
def export_region(request, code, kind, fmt):
    """GET: the file itself, or (when it has more than DIRECT_ROWS_MAX rows) a page offering
    to build it; POST: build it."""
    code = _region_code(request, code)
    if kind not in KINDS or fmt not in FORMATS:
        raise Http404
    rows = export_rows(user=request.user, kind=kind, code=code)
    background = must_run_in_background(kind=kind, code=code, rows=rows)
    if request.method == "POST":
        job = ExportJob.objects.create(owner=request.user, kind=kind, code=code, format=fmt)
        outbox_enqueue(export_job_build, job.pk)
        messages.success(request, _("Your export is being prepared; it appears here when ready."))
        return redirect("dashboard_exports")
    if background:
        return render(
            request,
            "dashboard/export_confirm.html",
            {"code": code, "kind": kind, "fmt": fmt, "rows": rows,
             "kind_label": ExportJob.Kind(kind).label, "region_name": _names([code])[code]},
        )  # fmt: skip
    built = export_build(user=request.user, kind=kind, code=code, fmt=fmt)
    response = HttpResponse(built.content, content_type=FORMATS[fmt])
    # An ASCII name (and filename*= should it ever hold anything else): no header injection.
    response["Content-Disposition"] = content_disposition_header(True, built.filename)
    return response


@login_required
def export_list(request):
    """The user's own exports, newest first, with their status."""
    jobs = ExportJob.objects.filter(owner=request.user)
    page = Paginator(jobs, 30).get_page(request.GET.get("page"))
    names = _names({job.code for job in page})
    for job in page:
        job.region_name = names[job.code]
    return render(request, "dashboard/export_list.html", {"page": page})


def _names(codes) -> dict[str, str]:
    """Region names for codes, as people know them ("31" is DKI Jakarta), in one query."""
    names = dict(Region.objects.filter(code__in=codes).values_list("code", "name"))
    names[DKI_JAKARTA] = "DKI Jakarta"
    return {code: names.get(code, code) for code in codes}


@login_required
def export_download(request, pk):
    # Only the owner's finished jobs exist for this view: anyone else's id is a 404.
    job = get_object_or_404(
        ExportJob.objects.filter(owner=request.user, status=ExportJob.Status.DONE), pk=pk
    )
    try:
        handle = job.file.open("rb")
    except (FileNotFoundError, ValueError):
        raise Http404 from None
    return FileResponse(
        handle, as_attachment=True, filename=job.filename, content_type=FORMATS[job.format]
    )
