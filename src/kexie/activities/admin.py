from django.contrib import admin

from kexie.activities.models import Activity, ActivityAttachment, ActivityKind, Campaign


@admin.register(ActivityKind)
class ActivityKindAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "parent", "sort", "is_active")
    list_filter = ("is_active",)


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    list_display = ("name", "year", "start_date", "end_date", "host_unit")
    list_filter = ("year",)
    search_fields = ("name",)
    filter_horizontal = ("participating_units",)


class AttachmentInline(admin.TabularInline):
    model = ActivityAttachment
    extra = 0
    readonly_fields = ("uploaded_by", "uploaded_at", "size")


@admin.register(Activity)
class ActivityAdmin(admin.ModelAdmin):
    list_display = ("code", "title", "kind", "start_date", "reporting_unit", "status")
    list_filter = ("status", "kind")
    search_fields = ("code", "title")
    date_hierarchy = "start_date"
    raw_id_fields = ("organiser", "reporting_unit", "campaign", "reviewed_by", "created_by")
    filter_horizontal = ("co_organisers",)
    list_select_related = ("kind", "reporting_unit")
    show_full_result_count = False
    inlines = [AttachmentInline]
