from django.contrib import admin

from kexie.core.models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """The audit log is append-only: superusers may read it, nobody may add, change or delete."""

    list_display = ("at", "actor_repr", "action", "object_type", "object_repr", "unit")
    list_filter = ("action",)
    search_fields = ("actor_repr", "object_repr", "action")
    date_hierarchy = "at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
