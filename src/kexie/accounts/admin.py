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


def _admin_login(request, extra_context=None):
    """The admin's own login form would check passwords without the lockout (a way round it
    for guessing): it hands over to kexie's login, which then returns to the admin."""
    from urllib.parse import urlencode

    from django.shortcuts import redirect
    from django.urls import reverse

    target = request.GET.get("next") or reverse("admin:index")
    return redirect(f"{reverse('accounts:login')}?{urlencode({'next': target})}")


admin.site.login = _admin_login
