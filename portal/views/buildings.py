"""The manager portal (pengelola): home, building profile, towers, units and occupancy.

Only managers open these pages; anyone else gets a 404, as for an object outside their scope.
Every object is fetched through `in_scope(request.user)` before the method is looked at.
"""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count, Q, Window
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Role
from buildings.models import Building, Tower, Unit, UnitOccupancy
from buildings.unit_generator import (
    units_delete,
    units_generate,
    units_preview,
    units_undo,
)
from invitations.forms import table_read
from portal.forms import (
    BuildingProfileForm,
    FloorAllForm,
    FloorForm,
    OccupancyUploadForm,
    TowerForm,
    UnitDeleteForm,
    UnitForm,
    UnitGenerateForm,
)
from portal.services import (
    buildings_overview,
    issues_open,
    occupancy_floor_save,
    occupancy_import,
    schedules_upcoming,
    schedules_waiting,
    towers_with_coverage,
)
from residents.figures import open_counts

# A message shown at the place of the form that was sent (templates/portal/_placed.html),
# not at the top of the page: the manager's eye is on the form.
PLACED = "placed"


def manager_required(view):
    """Signed in, and a pengelola: the portal does not exist for anyone else."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.user.role != Role.PENGELOLA:
            raise Http404
        return view(request, *args, **kwargs)

    return wrapper


def managed_building(request, pk):
    return get_object_or_404(
        Building.objects.in_scope(request.user).select_related("kelurahan__parent__parent"),
        pk=pk,
    )


def _tower(request, pk):
    return get_object_or_404(Tower.objects.in_scope(request.user).select_related("building"), pk=pk)


# A manager of many buildings (a rusun operator runs dozens) sees them this many at a time,
# with a search by name: fifty full cards were a 97 KB page.
HOME_BUILDINGS_PER_PAGE = 10


@manager_required
def portal_home(request):
    scoped = Building.objects.in_scope(request.user)
    # The ids of every building in scope, for the lists below (proposals, issues); the cards
    # are for one page of them.
    ids = list(scoped.order_by("name", "pk").values_list("pk", flat=True))
    search = request.GET.get("cari", "").strip()[:100]
    shown = scoped.select_related("kelurahan__parent").order_by("name", "pk")
    if search:
        shown = shown.filter(Q(name__icontains=search) | Q(address__icontains=search))
    page = None
    if len(ids) > HOME_BUILDINGS_PER_PAGE or search:
        page = Paginator(shown, HOME_BUILDINGS_PER_PAGE).get_page(request.GET.get("hal"))
        buildings = list(page.object_list)
    else:
        buildings = list(shown)
    buildings_overview(buildings)
    # The first 20 are listed; the window counts all of them in the same query.
    today = timezone.localdate()
    waiting = schedules_waiting(ids, request.user, today).annotate(total=Window(Count("pk")))
    waiting = list(waiting[:20])
    waiting_count = waiting[0].total if waiting else 0
    upcoming = list(schedules_upcoming(ids, today)[:10])
    # Residents' requests: a count per building, never which units (residents app).
    requests = open_counts(ids)
    for building in buildings:
        building.resident_requests = requests.get(building.pk, 0)
    issues = list(issues_open(ids).annotate(total=Window(Count("pk")))[:20])
    # The next thing to do first: answer proposals, then issues nobody has answered yet (they
    # come first), then finish each profile.
    next_step = None
    if waiting:
        next_step = ("schedule", waiting[0])
    elif issues and issues[0].awaits_manager:
        next_step = ("issue", issues[0])
    else:
        for building in buildings:
            step = next((s for s in building.steps if not s.done), None)
            if step:
                next_step = ("step", (building, step))
                break
    return render(
        request,
        "portal/portal_home.html",
        {
            "buildings": buildings,
            "page": page,
            "search": search,
            "building_count": len(ids),
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
    building = managed_building(request, pk)
    buildings_overview([building])
    form = TowerForm(building=building)
    return render(
        request,
        "portal/portal_building.html",
        {"building": building, "towers": building.tower_list, "tower_form": form},
    )


@manager_required
def portal_building_edit(request, pk):
    building = managed_building(request, pk)
    form = BuildingProfileForm(request.POST or None, instance=building)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Building profile saved."))
        return redirect("portal_building", pk=building.pk)
    return render(request, "portal/portal_building_edit.html", {"building": building, "form": form})


@manager_required
def portal_tower_add(request, pk):
    building = managed_building(request, pk)
    form = TowerForm(request.POST or None, building=building)
    if request.method == "POST" and form.is_valid():
        tower = form.save()
        messages.success(
            request, _("Tower %(name)s added; now generate its units.") % {"name": tower.name}
        )
        return redirect("portal_tower", pk=tower.pk)
    return render(request, "portal/portal_tower_add.html", {"building": building, "form": form})


def short_number(number: str, tower_name: str) -> str:
    """The unit's number without the tower's name in front ("Tower Gardenia-0801" → "0801"),
    where a floor's page already says which tower it is."""
    if number.lower().startswith(tower_name.lower()):
        rest = number[len(tower_name) :].lstrip(" -/.·")
        if rest:
            return rest
    return number


def _undo_key(tower: Tower) -> str:
    return f"portal_units_undo_{tower.pk}"


def _undo_remember(request, tower: Tower, result, what: str) -> None:
    """Keep what puts the last generation or deletion back, for the tower page's Undo."""
    undo = result.undo.as_dict()
    if any(undo.values()):
        request.session[_undo_key(tower)] = {"what": what, **undo}


def _result_message(request, result) -> None:
    parts = []
    if result.created or result.existing:
        parts.append(
            _(
                "%(created)s units created on %(floors)s floors; %(existing)s already existed "
                "and were kept."
            )
            % {"created": result.created, "floors": len(result.floors), "existing": result.existing}
        )
    if result.renamed:
        parts.append(_("%(count)s units renumbered.") % {"count": result.renamed})
    if result.deleted:
        parts.append(_("%(count)s units removed.") % {"count": result.deleted})
    if result.kept_visited:
        parts.append(
            _("Kept because a visit was recorded there (KPU can merge them): %(names)s.")
            % {"names": ", ".join(result.kept_visited)}
        )
    messages.success(request, " ".join(parts), extra_tags=PLACED)


def _preview(tower, form):
    """The generator's preview for a valid form, or (None, the reasons it cannot be made)."""
    if not form.is_valid():
        if not form.data.get("units_per_floor"):
            return None, []  # not filled in yet: nothing to say
        return None, [
            f"{form.fields[name].label}: {message}" if name in form.fields else message
            for name, errors in form.errors.items()
            for message in errors
        ]
    try:
        return units_preview(tower=tower, **form.plan()), []
    except ValidationError as error:
        return None, error.messages


@manager_required
def portal_tower(request, pk):
    """A tower: rename it, generate its units floor by floor (with a preview, a choice about
    the units already there, and an undo), add one unit, see its floors."""
    tower = _tower(request, pk)
    action = request.POST.get("action") if request.method == "POST" else None
    data = request.POST if request.method == "POST" else None
    tower_form = TowerForm(
        data if action == "tower" else None, instance=tower, building=tower.building
    )
    generate_form = UnitGenerateForm(data if action in ("generate", "preview") else None)
    unit_form = UnitForm(data if action == "unit" else None, tower=tower)
    preview, preview_problems = None, []
    if action == "tower" and tower_form.is_valid():
        tower_form.save()
        messages.success(request, _("Tower saved."), extra_tags=PLACED)
        return redirect("portal_tower", pk=tower.pk)
    if action == "preview":
        preview, preview_problems = _preview(tower, generate_form)
    if action == "generate" and generate_form.is_valid():
        values = generate_form.cleaned_data
        try:
            result = units_generate(
                tower=tower,
                residential=not values["non_residential"],
                existing_units=values["existing_units"] or None,
                by=request.user,
                **generate_form.plan(),
            )
        except ValidationError as error:
            field = GENERATE_ERROR_FIELDS.get(error.code)
            for message in error.messages:
                generate_form.add_error(field, message)
            if error.code == "doubles":
                # The plan itself is sound: show it, with the choice it needs.
                preview = units_preview(tower=tower, **generate_form.plan())
        else:
            _undo_remember(request, tower, result, "generate")
            _result_message(request, result)
            return redirect(reverse("portal_tower", args=[tower.pk]) + "#units-done")
    if action == "undo":
        return _undo(request, tower)
    if action == "unit" and unit_form.is_valid():
        unit = unit_form.save()
        messages.success(
            request, _("Unit %(number)s added.") % {"number": unit.number}, extra_tags=PLACED
        )
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
        "portal/portal_tower.html",
        {
            "tower": tower,
            "building": tower.building,
            "floors": floors,
            "tower_form": tower_form,
            "generate_form": generate_form,
            "unit_form": unit_form,
            "preview": preview,
            "preview_problems": preview_problems,
            "undo": request.session.get(_undo_key(tower)),
            "open": action,
        },
    )


# Which field of the generator a refusal of units_generate belongs to.
GENERATE_ERROR_FIELDS = {
    "number_format": "number_format",
    "number_length": "number_format",
    "number_duplicate": "number_format",
    "nik": "number_format",
    "units_per_floor": "units_per_floor",
    "doubles": "existing_units",
}


def _undo(request, tower):
    undo = request.session.pop(_undo_key(tower), None)
    if not undo:
        messages.error(request, _("There is nothing to undo."), extra_tags=PLACED)
        return redirect("portal_tower", pk=tower.pk)
    result = units_undo(tower=tower, undo=undo, by=request.user)
    text = _(
        "Undone: %(removed)s units removed, %(renamed)s given their old number back, "
        "%(restored)s put back."
    ) % {"removed": result.removed, "renamed": result.renamed, "restored": result.restored}
    if result.kept:
        text += " " + _(
            "Left as they are (a visit was recorded there, or the number is taken): %(names)s."
        ) % {"names": ", ".join(result.kept)}
    messages.success(request, text, extra_tags=PLACED)
    return redirect("portal_tower", pk=tower.pk)


@manager_required
def portal_tower_preview(request, pk):
    """The generator's live preview (static/js/portal.js asks for it as the manager types):
    the first and last name of each floor, and the units already there that would double."""
    tower = _tower(request, pk)
    form = UnitGenerateForm(request.GET)
    preview, problems = _preview(tower, form)
    return render(
        request,
        "portal/_unit_preview.html",
        {"preview": preview, "preview_problems": problems, "generate_form": form},
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
        unit.short_number = short_number(unit.number, tower.name)
    action = request.POST.get("action") if request.method == "POST" else None
    form = FloorForm(request.POST if action == "units" else None, units=units)
    all_form = FloorAllForm(request.POST if action == "all" else None)
    delete_form = UnitDeleteForm(request.POST if action == "delete" else None, units=units)
    if action == "units" and form.is_valid():
        occupancy_floor_save(units=units, values=form.values(), by=request.user)
        messages.success(request, _("Floor %(floor)s saved.") % {"floor": floor}, extra_tags=PLACED)
        return redirect("portal_floor", pk=tower.pk, floor=floor)
    if action == "delete" and delete_form.is_valid():
        result = units_delete(
            tower=tower, unit_ids=delete_form.cleaned_data["units"], by=request.user
        )
        _undo_remember(request, tower, result, "delete")
        _result_message(request, result)
        if len(result.undo.deleted) == len(units):
            return redirect("portal_tower", pk=tower.pk)
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
        messages.success(request, _("Floor %(floor)s saved.") % {"floor": floor}, extra_tags=PLACED)
        return redirect("portal_floor", pk=tower.pk, floor=floor)
    return render(
        request,
        "portal/portal_floor.html",
        {
            "tower": tower,
            "building": tower.building,
            "floor": floor,
            "form": form,
            "all_form": all_form,
            "delete_form": delete_form,
            "visited": [unit for unit in units if unit.outcome_count],
            "undo": request.session.get(_undo_key(tower)),
            "open": action,
        },
    )


@manager_required
def portal_occupancy_upload(request, pk):
    building = managed_building(request, pk)
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
        "portal/portal_occupancy_upload.html",
        {"building": building, "form": form, "problems": problems, "towers": towers},
    )
