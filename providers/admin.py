from django.contrib import admin

from core.admin import AuditedAdminMixin

from .models import CareGroup, InsuredCount, MarketShare, OverlegTeam, Practice, Region


class MarketShareInline(admin.TabularInline):
    model = MarketShare
    extra = 0
    autocomplete_fields = ("insurer",)


@admin.register(Region)
class RegionAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ("name", "code")
    search_fields = ("name", "code")
    inlines = [MarketShareInline]


@admin.register(MarketShare)
class MarketShareAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ("region", "insurer", "share_percent")
    list_filter = ("insurer",)
    list_select_related = ("region", "insurer")


@admin.register(Practice)
class PracticeAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ("name", "agb_code", "kvk_number", "city", "region", "registered_patients")
    list_filter = ("region",)
    search_fields = ("name", "agb_code", "kvk_number", "city")
    list_select_related = ("region",)
    autocomplete_fields = ("region", "preferred_insurer")


@admin.register(CareGroup)
class CareGroupAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ("name", "kind", "kvk_number", "region")
    list_filter = ("kind", "region")
    search_fields = ("name", "kvk_number")
    autocomplete_fields = ("region", "practices")
    list_select_related = ("region",)


@admin.register(OverlegTeam)
class OverlegTeamAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ("name", "region", "insurer")
    list_filter = ("insurer",)
    search_fields = ("name",)
    list_select_related = ("region", "insurer")


@admin.register(InsuredCount)
class InsuredCountAdmin(admin.ModelAdmin):
    """Shown, not edited here: counts are written by contracting.services.insured_counts_set (the API), which
    keeps all insurers' counts of a practice together at most its registered patients."""

    list_display = ("practice", "insurer", "insured", "updated_at")
    list_filter = ("insurer",)
    search_fields = ("practice__name", "practice__agb_code")
    list_select_related = ("practice", "insurer")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
