"""The manager portal (pengelola): home, building profile, towers, units and occupancy.

Only managers open these pages; anyone else gets a 404, as for an object outside their scope.
Every object is fetched through `in_scope(request.user)` before the method is looked at.
"""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q, Window
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.invitation_forms import table_read
from accounts.models import Role
from buildings.forms import (
    BuildingProfileForm,
    FloorAllForm,
    FloorForm,
    OccupancyUploadForm,
    TowerForm,
    UnitForm,
    UnitGenerateForm,
)
from buildings.models import Building, Tower, Unit, UnitOccupancy
from buildings.portal import (
    buildings_overview,
    issues_open,
    occupancy_floor_save,
    occupancy_import,
    schedules_upcoming,
    schedules_waiting,
    towers_with_coverage,
)
from buildings.unit_generator import units_generate


def manager_required(view):
    """Signed in, and a pengelola: the portal does not exist for anyone else."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.user.role != Role.PENGELOLA:
            raise Http404
        return view(request, *args, **kwargs)

    return wrapper


def _building(request, pk):
    return get_object_or_404(
        Building.objects.in_scope(request.user).select_related("kelurahan__parent__parent"),
        pk=pk,
    )


def _tower(request, pk):
    return get_object_or_404(Tower.objects.in_scope(request.user).select_related("building"), pk=pk)


@manager_required
def portal_home(request):
    buildings = list(
        Building.objects.in_scope(request.user)
        .select_related("kelurahan__parent")
        .order_by("name", "pk")
    )
    buildings_overview(buildings)
    # The buildings in scope are known by now: their ids spare each query the scope subquery.
    ids = [b.pk for b in buildings]
    # The first 20 are listed; the window counts all of them in the same query.
    today = timezone.localdate()
    waiting = schedules_waiting(ids, request.user, today).annotate(total=Window(Count("pk")))
    waiting = list(waiting[:20])
    waiting_count = waiting[0].total if waiting else 0
    upcoming = list(schedules_upcoming(ids, today)[:10])
    issues = list(issues_open(ids).annotate(total=Window(Count("pk")))[:20])
    # The next thing to do first: answer proposals, then issues, then finish each profile.
    next_step = None
    if waiting:
        next_step = ("schedule", waiting[0])
    elif issues:
        next_step = ("issue", issues[0])
    else:
        for building in buildings:
            step = next((s for s in building.steps if not s.done), None)
            if step:
                next_step = ("step", (building, step))
                break
    return render(
        request,
        "buildings/portal_home.html",
        {
            "buildings": buildings,
            "waiting": waiting,
            "waiting_count": waiting_count,
            "upcoming": upcoming,
            "issues": issues,
            "issues_count": issues[0].total if issues else 0,
            "next_step": next_step,
        },
    )


@manager_required
def portal_building(request, pk):
    building = _building(request, pk)
    buildings_overview([building])
    form = TowerForm(building=building)
    return render(
        request,
        "buildings/portal_building.html",
        {"building": building, "towers": building.tower_list, "tower_form": form},
    )


@manager_required
def portal_building_edit(request, pk):
    building = _building(request, pk)
    form = BuildingProfileForm(request.POST or None, instance=building)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Building profile saved."))
        return redirect("portal_building", pk=building.pk)
    return render(
        request, "buildings/portal_building_edit.html", {"building": building, "form": form}
    )


@manager_required
def portal_tower_add(request, pk):
    building = _building(request, pk)
    form = TowerForm(request.POST or None, building=building)
    if request.method == "POST" and form.is_valid():
        tower = form.save()
        messages.success(
            request, _("Tower %(name)s added; now generate its units.") % {"name": tower.name}
        )
        return redirect("portal_tower", pk=tower.pk)
    return render(request, "buildings/portal_tower_add.html", {"building": building, "form": form})


@manager_required
def portal_tower(request, pk):
    """A tower: rename it, generate its units floor by floor, add one unit, see its floors."""
    tower = _tower(request, pk)
    action = request.POST.get("action") if request.method == "POST" else None
    data = request.POST if request.method == "POST" else None
    tower_form = TowerForm(
        data if action == "tower" else None, instance=tower, building=tower.building
    )
    generate_form = UnitGenerateForm(data if action == "generate" else None)
    unit_form = UnitForm(data if action == "unit" else None, tower=tower)
    if action == "tower" and tower_form.is_valid():
        tower_form.save()
        messages.success(request, _("Tower saved."))
        return redirect("portal_tower", pk=tower.pk)
    if action == "generate" and generate_form.is_valid():
        values = generate_form.cleaned_data
        try:
            result = units_generate(
                tower=tower,
                units_per_floor=values["units_per_floor"],
                first_floor=values["first_floor"],
                last_floor=values["last_floor"],
                skip_floors=values["skip_floors"],
                number_format=values["number_format"],
                residential=not values["non_residential"],
                by=request.user,
            )
        except ValidationError as error:
            field = (
                "number_format"
                if error.code in ("number_format", "number_length", "number_duplicate", "nik")
                else None
            )
            field = "units_per_floor" if error.code == "units_per_floor" else field
            for message in error.messages:
                generate_form.add_error(field, message)
        else:
            messages.success(
                request,
                _(
                    "%(created)s units created on %(floors)s floors; %(existing)s already "
                    "existed and were kept."
                )
                % {
                    "created": result.created,
                    "floors": len(result.floors),
                    "existing": result.existing,
                },
            )
            return redirect("portal_tower", pk=tower.pk)
    if action == "unit" and unit_form.is_valid():
        unit = unit_form.save()
        messages.success(request, _("Unit %(number)s added.") % {"number": unit.number})
        return redirect("portal_tower", pk=tower.pk)
    floors = (
        Unit.objects.filter(tower=tower)
        .values("floor")
        .annotate(
            units=Count("pk"),
            non_residential=Count("pk", filter=Q(residential=False)),
            closed=Count("pk", filter=Q(residential=True, status__in=Unit.CLOSED_STATUSES)),
            reported=Count("occupancy"),
        )
        .order_by("-floor")
    )
    return render(
        request,
        "buildings/portal_tower.html",
        {
            "tower": tower,
            "building": tower.building,
            "floors": floors,
            "tower_form": tower_form,
            "generate_form": generate_form,
            "unit_form": unit_form,
            "open": action,
        },
    )


@manager_required
def portal_floor(request, pk, floor):
    """One floor's units: occupancy, best time to visit, dwelling or not — saved at once."""
    tower = _tower(request, pk)
    units = list(
        Unit.objects.filter(tower=tower, floor=floor).select_related("occupancy").order_by("number")
    )
    if not units:
        raise Http404
    for unit in units:
        try:
            unit.occupancy_or_none = unit.occupancy
        except UnitOccupancy.DoesNotExist:
            unit.occupancy_or_none = None
    action = request.POST.get("action") if request.method == "POST" else None
    form = FloorForm(request.POST if action == "units" else None, units=units)
    all_form = FloorAllForm(request.POST if action == "all" else None)
    if action == "units" and form.is_valid():
        occupancy_floor_save(units=units, values=form.values(), by=request.user)
        messages.success(request, _("Floor %(floor)s saved.") % {"floor": floor})
        return redirect("portal_floor", pk=tower.pk, floor=floor)
    if action == "all" and all_form.is_valid():
        values = {
            unit.pk: {
                "status": all_form.cleaned_data["status"],
                "best_time": all_form.cleaned_data["best_time"].strip(),
                "residential": unit.residential,
            }
            for unit in units
        }
        occupancy_floor_save(units=units, values=values, by=request.user)
        messages.success(request, _("Floor %(floor)s saved.") % {"floor": floor})
        return redirect("portal_floor", pk=tower.pk, floor=floor)
    return render(
        request,
        "buildings/portal_floor.html",
        {
            "tower": tower,
            "building": tower.building,
            "floor": floor,
            "form": form,
            "all_form": all_form,
        },
    )


@manager_required
def portal_occupancy_upload(request, pk):
    building = _building(request, pk)
    form = OccupancyUploadForm(request.POST or None, request.FILES or None)
    problems = []
    if request.method == "POST" and form.is_valid():
        try:
            data = table_read(form.cleaned_data["file"])
        except Exception:  # tablib raises many kinds on a broken file
            form.add_error("file", _("The file could not be read as CSV or XLSX."))
        else:
            with transaction.atomic():
                written, problems = occupancy_import(building=building, data=data, by=request.user)
            if not problems:
                messages.success(
                    request, _("Occupancy saved for %(count)s units.") % {"count": written}
                )
                return redirect("portal_building", pk=building.pk)
    towers = list(towers_with_coverage([building.pk]))
    return render(
        request,
        "buildings/portal_occupancy_upload.html",
        {"building": building, "form": form, "problems": problems, "towers": towers},
    )
