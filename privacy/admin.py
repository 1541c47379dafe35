"""The admin of personal data: KPU Provinsi only.

The contact shown on the privacy notice, retention holds, the record of retention runs, and
on each account a page to export everything held about the person or to erase the account
(privacy/person.py). The user admin of accounts/admin.py is extended here, not edited there,
so the accounts app stays below this one.
"""

from django.contrib import admin

from accounts.models import Role
from privacy.models import PrivacyContact, RetentionHold, RetentionRun


def privacy_officer(user) -> bool:
    """Who handles data requests, the notice's contact and retention: KPU Provinsi."""
    return (
        user.is_authenticated
        and user.is_active
        and user.is_staff
        and (user.is_superuser or user.role == Role.KPU_PROVINSI)
    )


class ProvinceOnlyAdmin(admin.ModelAdmin):
    """Seen and changed by KPU Provinsi only; everyone else gets a 403 for any id."""

    def has_module_permission(self, request):
        return privacy_officer(request.user)

    def has_view_permission(self, request, obj=None):
        return privacy_officer(request.user)

    def has_add_permission(self, request):
        return privacy_officer(request.user)

    def has_change_permission(self, request, obj=None):
        return privacy_officer(request.user)

    def has_delete_permission(self, request, obj=None):
        return privacy_officer(request.user)


@admin.register(PrivacyContact)
class PrivacyContactAdmin(ProvinceOnlyAdmin):
    list_display = ("office", "email", "phone", "updated_at", "updated_by")
    fields = ("office", "email", "phone", "address", "hours")

    def has_add_permission(self, request):
        return super().has_add_permission(request) and not PrivacyContact.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False  # the notice always names someone once it has been set

    def save_model(self, request, obj, form, change):
        obj.updated_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(RetentionHold)
class RetentionHoldAdmin(ProvinceOnlyAdmin):
    list_display = ("period", "reason", "created_at", "created_by")
    fields = ("period", "reason")

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(RetentionRun)
class RetentionRunAdmin(ProvinceOnlyAdmin):
    """What each run removed, as counts: written by privacy.retention only."""

    list_display = ("ran_at", "days", "counts", "by")
    readonly_fields = ("ran_at", "days", "counts", "by")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
