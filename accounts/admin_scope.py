"""The admin, scoped: each staff role sees its region and may change only what its role allows.

Every ModelAdmin of a domain model mixes in ScopedAdminMixin, so its changelist, change page,
autocomplete and foreign-key choices all start from `Model.objects.in_scope(user)`, and an
object outside the scope is a 404 rather than Django's "perhaps it was deleted" redirect.
"""

from django.contrib.admin.utils import unquote
from django.http import Http404

from accounts.roles import ADMIN_USERS, KPU, ONBOARDERS, Role

# Who may change (add, edit, delete) each model; everyone in ADMIN_USERS may view (Django's
# is_staff must be set too).
EDITORS = {
    "buildings.building": ONBOARDERS,
    "buildings.tower": ONBOARDERS,
    "buildings.unit": ONBOARDERS,
    "buildings.unitoccupancy": KPU,
    "buildings.buildingmanager": ONBOARDERS,
    "visits.assignment": KPU,
    "visits.schedule": KPU,
    "visits.visit": frozenset(),
    "visits.unitoutcome": frozenset(),
    "visits.accessissue": ONBOARDERS,
    "visits.coklitperiod": frozenset({Role.KPU_PROVINSI}),
    "accounts.user": KPU,
    "accounts.invitation": KPU,
}


def admin_role(user) -> str | None:
    if not (user.is_active and user.is_staff):
        return None
    return user.role if user.role in ADMIN_USERS else None


class ScopedAdminMixin:
    """For ModelAdmins of models whose manager has `in_scope(user)`."""

    def _label(self):
        return f"{self.opts.app_label}.{self.opts.model_name}"

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.is_superuser or not hasattr(queryset, "in_scope"):
            return queryset  # periods and regions are the same for everyone
        return queryset.in_scope(request.user)

    def has_module_permission(self, request):
        return request.user.is_superuser or admin_role(request.user) is not None

    def has_view_permission(self, request, obj=None):
        return self.has_module_permission(request)

    def _may_edit(self, request):
        if request.user.is_superuser:
            return True
        return admin_role(request.user) in EDITORS.get(self._label(), frozenset())

    # Permissions follow the role table above, not Django's per-model permission rows.
    def has_add_permission(self, request, *args):
        return self._may_edit(request)

    def has_change_permission(self, request, obj=None):
        return self._may_edit(request)

    def has_delete_permission(self, request, obj=None):
        return self._may_edit(request)

    def _get_obj_does_not_exist_redirect(self, request, opts, object_id):
        # Outside the scope looks exactly like never existing: a 404, not a redirect.
        raise Http404

    def _require_in_scope(self, request, object_id):
        """404 before any permission check, so a 403 never confirms that an id exists."""
        if self.get_object(request, unquote(object_id)) is None:
            raise Http404

    def change_view(self, request, object_id, form_url="", extra_context=None):
        self._require_in_scope(request, object_id)
        return super().change_view(request, object_id, form_url, extra_context)

    def delete_view(self, request, object_id, extra_context=None):
        self._require_in_scope(request, object_id)
        return super().delete_view(request, object_id, extra_context)

    def history_view(self, request, object_id, extra_context=None):
        self._require_in_scope(request, object_id)
        return super().history_view(request, object_id, extra_context)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        related = db_field.related_model
        manager = related._default_manager
        if not request.user.is_superuser and hasattr(manager, "in_scope"):
            kwargs.setdefault("queryset", manager.in_scope(request.user))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)
