from django.contrib import admin

from .models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ("at", "actor", "verb", "object_type", "object_repr")
    list_filter = ("verb", "object_type")
    search_fields = ("object_repr", "verb", "object_id")
    date_hierarchy = "at"
    list_select_related = ("actor",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class AuditedAdminMixin:
    """Admin saves and deletes are state changes too: record each one in the audit log."""

    audit_fields: tuple[str, ...] = ()

    def _snapshot(self, obj):
        from django.forms.models import model_to_dict

        data = model_to_dict(obj)
        return {k: (list(v) if isinstance(v, list | tuple | set) else v) for k, v in data.items()
                if not hasattr(v, "pk") and k != "password"}

    def save_model(self, request, obj, form, change):
        from django.db import transaction

        from .audit import audit_record

        before = None
        if change and obj.pk:
            old = type(obj).objects.filter(pk=obj.pk).first()
            before = self._snapshot(old) if old else None
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            label = obj._meta.label_lower
            audit_record(actor=request.user, verb=f"{label}.{'changed' if change else 'created'}", obj=obj,
                         before=before, after=self._snapshot(obj))

    def delete_model(self, request, obj):
        from django.db import transaction

        from .audit import audit_record

        with transaction.atomic():
            audit_record(actor=request.user, verb=f"{obj._meta.label_lower}.deleted", obj=obj,
                         before=self._snapshot(obj))
            super().delete_model(request, obj)
