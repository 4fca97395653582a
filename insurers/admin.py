from django.contrib import admin

from core.admin import AuditedAdminMixin

from .models import Insurer


@admin.register(Insurer)
class InsurerAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ("name", "short_name", "uzovi_code", "gcp_party")
    list_filter = ("gcp_party",)
    search_fields = ("name", "short_name", "uzovi_code")
    prepopulated_fields = {"slug": ("short_name",)}
