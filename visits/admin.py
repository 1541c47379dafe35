"""The KPU admin for periods, assignments, schedules, visits, unit outcomes and access issues.

Visits and unit outcomes are the biggest tables after units; their changelists skip the full
count and the facet counts, and every column's foreign keys come in the page's one query.
"""

import uuid

from django.contrib import admin
from django.forms.models import BaseInlineFormSet
from django.utils.translation import gettext_lazy as _

from accounts.admin_scope import ScopedAdminMixin
from buildings.admin import SelectRelatedMixin, changelist_link, count_of
from regions.admin_filters import kota_filter
from visits.models import (
    AccessIssue,
    Assignment,
    CoklitPeriod,
    Schedule,
    UnitOutcome,
    Visit,
)


class ReadOnlyAdminMixin:
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(CoklitPeriod)
class CoklitPeriodAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ("name", "starts_on", "ends_on", "days_left")
    search_fields = ("name",)

    @admin.display(description=_("days left"))
    def days_left(self, period):
        return period.days_left()


@admin.register(Assignment)
class AssignmentAdmin(ScopedAdminMixin, SelectRelatedMixin, admin.ModelAdmin):
    list_display = ("pantarlih", "building", "tower_name", "tps", "expected_voters", "period")
    list_select_related = ("pantarlih", "building", "tower", "period")
    list_filter = ("period", kota_filter("building__kelurahan"))
    search_fields = ("pantarlih__email", "pantarlih__full_name", "building__name", "tps")
    autocomplete_fields = ("pantarlih", "building", "tower")
    readonly_fields = ("created_at",)

    @admin.display(description=_("tower"), ordering="tower__name")
    def tower_name(self, assignment):
        return assignment.tower.name if assignment.tower_id else "–"


@admin.register(Schedule)
class ScheduleAdmin(ScopedAdminMixin, SelectRelatedMixin, admin.ModelAdmin):
    list_display = (
        "date",
        "start",
        "end",
        "building",
        "tower_name",
        "kind",
        "status",
        "proposed_by",
        "decided_by",
    )
    list_select_related = ("building", "tower", "proposed_by", "decided_by")
    list_filter = ("status", "kind", "period", kota_filter("building__kelurahan"))
    search_fields = ("building__name", "note")
    autocomplete_fields = ("building", "tower", "proposed_by", "decided_by")
    raw_id_fields = ("counter_of",)
    date_hierarchy = "date"
    readonly_fields = ("created_at",)

    @admin.display(description=_("tower"), ordering="tower__name")
    def tower_name(self, schedule):
        return schedule.tower.name if schedule.tower_id else "–"


class OutcomeFormSet(BaseInlineFormSet):
    """Only the first outcomes of a visit: a whole tower walked can be hundreds of them."""

    limit = 50

    def get_queryset(self):
        if not hasattr(self, "_limited_queryset"):
            self._limited_queryset = list(super().get_queryset()[: self.limit])
        return self._limited_queryset


class UnitOutcomeInline(ReadOnlyAdminMixin, ScopedAdminMixin, admin.TabularInline):
    model = UnitOutcome
    formset = OutcomeFormSet
    fields = (
        "unit",
        "outcome",
        "voters_verified",
        "voters_removed",
        "voters_new",
        "sticker",
        "recorded_at",
    )
    ordering = ("unit__floor", "unit__number")
    verbose_name_plural = _("unit outcomes (the first 50)")

    def get_queryset(self, request):
        # Unit.__str__ names the tower.
        return super().get_queryset(request).select_related("unit__tower")


@admin.register(Visit)
class VisitAdmin(ScopedAdminMixin, SelectRelatedMixin, admin.ModelAdmin):
    list_display = (
        "started_at",
        "building",
        "tower_name",
        "pantarlih",
        "access",
        "outcome_count",
        "period",
    )
    list_select_related = ("building", "tower", "pantarlih", "period")
    list_filter = ("access", "period", kota_filter("building__kelurahan"))
    search_fields = ("building__name", "pantarlih__email", "pantarlih__full_name")
    autocomplete_fields = ("pantarlih", "building", "tower", "schedule")
    date_hierarchy = "started_at"
    inlines = (UnitOutcomeInline,)
    show_full_result_count = False
    show_facets = admin.ShowFacets.NEVER

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(outcome_total=count_of(UnitOutcome, "visit"))

    def get_search_results(self, request, queryset, search_term):
        # A submission id (from a phone or a support request) is found through its unique index.
        try:
            client_uuid = uuid.UUID(search_term.strip())
        except ValueError:
            return super().get_search_results(request, queryset, search_term)
        return queryset.filter(client_uuid=client_uuid), False

    def get_changeform_initial_data(self, request):
        # A visit entered by hand gets its submission id here, as a phone would make one.
        return {"client_uuid": uuid.uuid4(), **super().get_changeform_initial_data(request)}

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return ("created_at",)
        # The phone made the submission id; changing it would break idempotent re-sends.
        return ("client_uuid", "created_at", "outcome_count")

    @admin.display(description=_("tower"), ordering="tower__name")
    def tower_name(self, visit):
        return visit.tower.name if visit.tower_id else "–"

    @admin.display(description=_("unit outcomes"), ordering="outcome_total")
    def outcome_count(self, visit):
        return changelist_link(UnitOutcome, visit.outcome_total, visit__id__exact=visit.pk)


@admin.register(UnitOutcome)
class UnitOutcomeAdmin(ReadOnlyAdminMixin, ScopedAdminMixin, SelectRelatedMixin, admin.ModelAdmin):
    """Read-only. Outcomes are append-only and recorded only through
    `visits.services.outcome_record`, which keeps each unit's status in step with them."""

    list_display = (
        "recorded_at",
        "unit_number",
        "tower_name",
        "building_name",
        "outcome",
        "voters_verified",
        "voters_removed",
        "voters_new",
        "sticker",
        "pantarlih",
    )
    list_select_related = ("unit__tower__building", "visit__building", "visit__pantarlih")
    list_filter = ("outcome", "sticker", kota_filter("unit__tower__building__kelurahan"))
    search_fields = ("unit__number", "unit__tower__building__name", "visit__pantarlih__email")
    # Newest first by id, which the primary key serves; -recorded_at would sort the whole table.
    ordering = ("-pk",)
    show_full_result_count = False
    show_facets = admin.ShowFacets.NEVER

    @admin.display(description=_("unit"), ordering="unit__number")
    def unit_number(self, outcome):
        return outcome.unit.number

    @admin.display(description=_("tower"), ordering="unit__tower__name")
    def tower_name(self, outcome):
        return outcome.unit.tower.name

    @admin.display(description=_("building"), ordering="unit__tower__building__name")
    def building_name(self, outcome):
        return outcome.unit.tower.building.name

    @admin.display(description=_("pantarlih"), ordering="visit__pantarlih__full_name")
    def pantarlih(self, outcome):
        return outcome.visit.pantarlih


@admin.register(AccessIssue)
class AccessIssueAdmin(ScopedAdminMixin, SelectRelatedMixin, admin.ModelAdmin):
    list_display = (
        "created_at",
        "building",
        "kind",
        "level",
        "status",
        "raised_by",
        "handled_by",
        "due_at",
        "resolved_at",
    )
    list_select_related = ("building", "raised_by", "handled_by")
    list_filter = ("status", "level", "kind", kota_filter("building__kelurahan"))
    search_fields = ("building__name", "description", "resolution")
    autocomplete_fields = ("building", "visit", "raised_by", "handled_by")
    date_hierarchy = "created_at"
    readonly_fields = ("created_at",)
    fieldsets = (
        (None, {"fields": ("building", "visit", "kind", "description")}),
        (
            _("Escalation"),
            {"fields": ("level", "status", "raised_by", "handled_by", "due_at", "created_at")},
        ),
        (_("Resolution"), {"fields": ("resolved_at", "resolution")}),
    )
