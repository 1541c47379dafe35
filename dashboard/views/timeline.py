"""The readable audit timeline: one building's, or an area's filtered by person and region
(KPU and Bawaslu, in their own region; dashboard.timeline)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _

from accounts.validators import contains_nik
from buildings.models import Building
from dashboard.timeline import may_read_timeline, timeline
from dashboard.views.coverage import _prefix
from regions.models import Region

PERSON_MAX = 100


def _reader(request) -> str:
    """The region prefix of a timeline reader; 404 for anyone else (as for an unknown page)."""
    prefix = _prefix(request)
    if not may_read_timeline(request.user):
        raise Http404
    return prefix


def _filters(request) -> tuple[str, int]:
    person = request.GET.get("orang", "").strip()[:PERSON_MAX]
    if person and contains_nik(person):
        messages.error(request, _("A NIK or KK number is never searched for."))
        person = ""
    try:
        page = int(request.GET.get("hal", "1"))
    except ValueError:
        page = 1
    return person, page


@login_required
def building_timeline(request, pk):
    _reader(request)
    building = get_object_or_404(
        Building.objects.in_scope(request.user).select_related("kelurahan__parent__parent"), pk=pk
    )
    person, page = _filters(request)
    entries, more = timeline(Building.objects.filter(pk=building.pk), person=person, page=page)
    return render(
        request,
        "dashboard/timeline.html",
        {"building": building, "entries": entries, "more": more, "person": person, "page": page},
    )


@login_required
def region_timeline(request):
    prefix = _reader(request)
    person, page = _filters(request)
    code = request.GET.get("wilayah", "").strip() or prefix
    region = Region.objects.filter(code=code).first()
    if region is None or not (code == prefix or code.startswith(prefix + ".")):
        if code != prefix:
            messages.error(request, _("That region is outside your area; showing all of it."))
        code, region = prefix, Region.objects.filter(code=prefix).first()
    buildings = Building.objects.in_scope(request.user).filter(kelurahan__code__startswith=code)
    entries, more = timeline(buildings, person=person, page=page)
    regions = Region.objects.filter(
        code__startswith=prefix, level__in=[Region.Level.KOTA, Region.Level.KECAMATAN]
    ).order_by("code")
    return render(
        request,
        "dashboard/timeline.html",
        {
            "region": region,
            "code": code,
            "regions": regions,
            "entries": entries,
            "more": more,
            "person": person,
            "page": page,
        },
    )
