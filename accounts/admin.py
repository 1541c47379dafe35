from allauth.account.models import EmailAddress
from auditlog.admin import LogEntryAdmin
from auditlog.filters import CIDFilter, ResourceTypeFilter
from auditlog.models import LogEntry
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import BaseUserCreationForm
from django.contrib.auth.forms import UserChangeForm as DjangoUserChangeForm
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from accounts.admin_scope import ScopedAdminMixin
from accounts.audit import audit_password_event, password_reset_link_send
from accounts.models import Invitation, Role, User
from accounts.scope import account_manageable, invitable_roles, region_prefix
from regions.admin_filters import kota_filter
from regions.models import Region


class EmailLowercaseMixin:
    """Emails are stored lower-case (as UserManager does), so one person has one account."""

    def clean_email(self):
        return self.cleaned_data["email"].lower()


class UserAddForm(EmailLowercaseMixin, BaseUserCreationForm):
    class Meta:
        model = User
        fields = ("email", "full_name", "role", "region")


class UserChangeForm(EmailLowercaseMixin, DjangoUserChangeForm):
    class Meta:
        model = User
        fields = "__all__"


# django-auditlog's section title, translated in our catalog; named here so makemessages keeps it.
gettext_noop("Audit log")

# Autocompletes that should only offer people of one role: the source field → the role.
AUTOCOMPLETE_ROLES = {
    ("visits", "assignment", "pantarlih"): User.Role.PANTARLIH,
    ("visits", "visit", "pantarlih"): User.Role.PANTARLIH,
    ("buildings", "buildingmanager", "user"): User.Role.PENGELOLA,
}


@admin.register(User)
class UserAdmin(ScopedAdminMixin, DjangoUserAdmin):
    """Django's user admin for a user who signs in by email and has no username."""

    form = UserChangeForm
    add_form = UserAddForm
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Personal info"), {"fields": ("full_name", "phone")}),
        (_("Role and scope"), {"fields": ("role", "region", "unit_name")}),
        (
            _("Permissions"),
            {
                "fields": (
                    "is_active",
                    "is_staff",
                    "is_superuser",
                    "groups",
                    "user_permissions",
                ),
            },
        ),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("email", "full_name", "role", "region", "password1", "password2"),
            },
        ),
    )
    list_display = ("email", "full_name", "role", "region", "unit_name", "is_staff", "is_active")
    list_select_related = ("region",)
    list_filter = ("role", kota_filter("region"), "is_staff", "is_superuser", "is_active")
    search_fields = ("email", "full_name", "unit_name")
    autocomplete_fields = ("region",)
    ordering = ("email",)

    actions = ["send_password_reset_link"]

    def user_change_password(self, request, id, form_url=""):
        self._require_in_scope(request, id)
        # Nobody sets another person's password, superusers included: they send a reset link
        # (the action on the list), so only the owner ever knows it.
        if str(request.user.pk) != str(id):
            raise PermissionDenied
        response = super().user_change_password(request, id, form_url)
        if request.method == "POST" and response.status_code == 302:
            audit_password_event(request.user, "changed", actor=request.user)
        return response

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.pk != request.user.pk:
            return super().has_change_permission(request) and account_manageable(request.user, obj)
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None:
            return super().has_delete_permission(request) and account_manageable(request.user, obj)
        return super().has_delete_permission(request, obj)

    @admin.action(description=_("Send a password reset link"))
    def send_password_reset_link(self, request, queryset):
        sent = refused = 0
        for user in queryset:
            if account_manageable(request.user, user) and user.is_active:
                password_reset_link_send(request, user)
                sent += 1
            else:
                refused += 1
        if sent:
            messages.success(
                request, _("Reset link sent to %(count)s account(s).") % {"count": sent}
            )
        if refused:
            messages.warning(
                request,
                _("%(count)s account(s) skipped: not yours to manage, or inactive.")
                % {"count": refused},
            )

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if request.user.is_superuser or obj is None:
            return fieldsets
        # Only superusers hand out admin rights; others may (de)activate accounts.
        return [
            (name, {**opts, "fields": ("is_active",)}) if name == _("Permissions") else (name, opts)
            for name, opts in fieldsets
        ]

    def formfield_for_choice_field(self, db_field, request, **kwargs):
        if db_field.name == "role" and not request.user.is_superuser:
            # A KPU Kota operator can give the roles they could invite, no higher.
            allowed = invitable_roles(request.user)
            kwargs["choices"] = [("", "---------")] + [
                (value, label) for value, label in db_field.choices if value in allowed
            ]
        return super().formfield_for_choice_field(db_field, request, **kwargs)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "region" and not request.user.is_superuser:
            prefix = region_prefix(request.user) or "-"
            kwargs["queryset"] = Region.objects.filter(code__startswith=prefix)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_search_results(self, request, queryset, search_term):
        queryset, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        source = (
            request.GET.get("app_label"),
            request.GET.get("model_name"),
            request.GET.get("field_name"),
        )
        if request.resolver_match and request.resolver_match.url_name == "autocomplete":
            role = AUTOCOMPLETE_ROLES.get(source)
            if role:
                queryset = queryset.filter(role=role)
        return queryset, may_have_duplicates


@admin.register(Invitation)
class InvitationAdmin(ScopedAdminMixin, admin.ModelAdmin):
    """Read-only here: invitations are sent, resent and withdrawn from the staff pages."""

    list_display = ("email", "full_name", "role", "region", "building", "invited_by", "sent_at",
                    "expires_at", "accepted_at", "revoked_at")  # fmt: skip
    list_select_related = ("region", "building", "invited_by")
    list_filter = ("role",)
    search_fields = ("email", "full_name")
    date_hierarchy = "created_at"
    readonly_fields = [f.name for f in Invitation._meta.fields if f.name != "nonce"]
    exclude = ("nonce",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


# Groups are not used: what a role may do is decided in accounts/admin_scope.py. Email
# addresses are allauth's bookkeeping of the one address each account signs in with.
admin.site.unregister(Group)
admin.site.unregister(EmailAddress)

# The audit trail is read by KPU Provinsi only, and never edited.
admin.site.unregister(LogEntry)


class _ResourceTypeFilter(ResourceTypeFilter):
    """auditlog's filter, minus the 500 for a resource_type that is not a number."""

    def queryset(self, request, queryset):
        value = self.value()
        if value is not None and not value.isdigit():
            return queryset.none()
        return super().queryset(request, queryset)


@admin.register(LogEntry)
class AuditLogAdmin(LogEntryAdmin):
    list_filter = ["action", _ResourceTypeFilter, CIDFilter]
    # auditlog searches actor__first_name/last_name, which our User (full_name) does not have:
    # every search term was a 500.
    search_fields = ["object_repr", "changes", "actor__full_name", "actor__email"]

    def _is_auditor(self, request):
        user = request.user
        return user.is_active and (user.is_superuser or user.role == Role.KPU_PROVINSI)

    def has_module_permission(self, request):
        return self._is_auditor(request)

    def has_view_permission(self, request, obj=None):
        return self._is_auditor(request)

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        return queryset if self._is_auditor(request) else queryset.none()
