from django.contrib import admin

from accounts.models import Role
from outbox.models import OutboxMessage


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    """Notifications waiting for the broker, and those it took: whoever runs the system (KPU
    Provinsi) checks here that nothing is stuck after a Redis outage. Read-only."""

    list_display = ["created_at", "task", "args", "enqueued_at", "attempts", "last_error"]
    list_filter = [("enqueued_at", admin.EmptyFieldListFilter), "task"]
    date_hierarchy = "created_at"
    show_full_result_count = False  # the table grows with every notification

    def _is_operator(self, request):
        user = request.user
        return user.is_active and (user.is_superuser or user.role == Role.KPU_PROVINSI)

    def has_module_permission(self, request):
        return self._is_operator(request)

    def has_view_permission(self, request, obj=None):
        return self._is_operator(request)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
