from django.contrib import admin

from accounts.admin_scope import ScopedAdminMixin
from accounts.models import User
from reminders.models import DigestOptOut, ReminderLog


class ScopedByPersonAdmin(ScopedAdminMixin, admin.ModelAdmin):
    """Rows about a person: staff see those of the people in their scope, others get 404s."""

    person_field = "recipient"

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        people = User.objects.in_scope(request.user).values("pk")
        return queryset.filter(**{f"{self.person_field}__in": people})


class ReadOnlyAdmin(ScopedByPersonAdmin):
    """Written by the reminder runs only; staff read it to see what went out or failed."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ReminderLog)
class ReminderLogAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "kind", "recipient", "key", "day", "status", "attempts",
                    "sent_at", "last_error"]  # fmt: skip
    list_filter = ["kind", "status", "day"]
    search_fields = ["key", "recipient__email"]
    list_select_related = ["recipient"]
    date_hierarchy = "day"


@admin.register(DigestOptOut)
class DigestOptOutAdmin(ScopedByPersonAdmin):
    person_field = "user"
    list_display = ["user", "created_at"]
    autocomplete_fields = ["user"]
