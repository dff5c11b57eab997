from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from kexie.accounts.models import ApiToken, User


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ("username", "display_name", "unit", "is_active", "is_superuser", "last_login")
    list_filter = ("is_active", "is_superuser")
    search_fields = ("username", "display_name")
    autocomplete_fields = ("unit",)
    fieldsets = (*DjangoUserAdmin.fieldsets, ("科协", {"fields": ("unit", "display_name", "roles")}))


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ("name", "user", "prefix", "created_at", "last_used_at", "revoked")
    readonly_fields = ("prefix", "key_hash", "created_at", "last_used_at")
    list_filter = ("revoked",)
