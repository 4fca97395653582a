"""The monitor in the admin, read only: runs, snapshots and publications are written by monitor.services only
(the NZa's Berekeningen page asks for runs and publishes)."""

from django.contrib import admin

from .models import MonitorPublication, MonitorRun, MonitorSnapshot


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(MonitorRun)
class MonitorRunAdmin(ReadOnlyAdmin):
    list_display = ("year", "status", "requested_at", "requested_by", "started_at", "finished_at",
                    "indicators_done", "indicators_total")
    list_filter = ("status", "year")
    list_select_related = ("requested_by",)
    date_hierarchy = "requested_at"


@admin.register(MonitorSnapshot)
class MonitorSnapshotAdmin(ReadOnlyAdmin):
    list_display = ("year", "indicator", "insurer", "region", "segment", "provider_type", "computed_at", "run")
    list_filter = ("year", "indicator", "segment", "provider_type")
    list_select_related = ("insurer", "region", "run")
    search_fields = ("indicator",)


@admin.register(MonitorPublication)
class MonitorPublicationAdmin(ReadOnlyAdmin):
    list_display = ("year", "published_at", "published_by", "run")
    list_select_related = ("published_by", "run")
