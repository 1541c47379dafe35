from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import BaseUserCreationForm
from django.contrib.auth.forms import UserChangeForm as DjangoUserChangeForm
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from buildings.admin import kota_filter


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


# Autocompletes that should only offer people of one role: the source field → the role.
AUTOCOMPLETE_ROLES = {
    ("visits", "assignment", "pantarlih"): User.Role.PANTARLIH,
    ("visits", "visit", "pantarlih"): User.Role.PANTARLIH,
    ("buildings", "buildingmanager", "user"): User.Role.PENGELOLA,
}


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
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
