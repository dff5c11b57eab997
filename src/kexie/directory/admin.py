from django.contrib import admin

from kexie.directory.models import Affiliation, Designation, Organisation, OrganisationYear, Person, Region


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "level", "parent")
    search_fields = ("code", "name")
    list_filter = ("level",)


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = (
        "name",
        "kind",
        "association_level",
        "parent",
        "region",
        "uscc",
        "uscc_checksum_ok",
        "is_active",
    )
    list_filter = ("kind", "association_level", "is_active", "uscc_checksum_ok")
    search_fields = ("name", "short_name", "uscc")
    readonly_fields = ("path",)
    autocomplete_fields = ("parent",)


@admin.register(OrganisationYear)
class OrganisationYearAdmin(admin.ModelAdmin):
    list_display = ("organisation", "year", "has_party_organisation", "member_count")
    list_filter = ("year", "has_party_organisation")


@admin.register(Designation)
class DesignationAdmin(admin.ModelAdmin):
    list_display = ("organisation", "type", "title", "level", "year", "valid_until")
    list_filter = ("type", "level", "year")


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    list_display = ("name", "unit", "id_number_masked", "title", "discipline")
    search_fields = ("name",)
    exclude = ("id_number_encrypted", "id_number_hash")
    readonly_fields = ("id_number_masked",)


@admin.register(Affiliation)
class AffiliationAdmin(admin.ModelAdmin):
    list_display = ("person", "organisation", "role", "is_primary")
