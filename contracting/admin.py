from django import forms
from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from core.errors import PortalError

from .models import ContractYear, Milestone, MilestoneEffect, SweepRun
from .services import contract_year_ensure, milestone_reschedule


class MilestoneInline(admin.TabularInline):
    model = Milestone
    extra = 0
    can_delete = False
    fields = ("kind", "due_at", "applied_at")
    readonly_fields = ("kind", "due_at", "applied_at")
    show_change_link = True
    ordering = ("due_at",)

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(ContractYear)
class ContractYearAdmin(admin.ModelAdmin):
    list_display = ("year", "phase", "phase_since")
    readonly_fields = ("phase", "phase_since")
    inlines = [MilestoneInline]

    def get_readonly_fields(self, request, obj=None):
        return ("year", "phase", "phase_since") if obj else ("phase", "phase_since")

    def save_model(self, request, obj, form, change):
        # A new year gets its whole GCP calendar from the service; nothing else about a year is edited here.
        if not change:
            created = contract_year_ensure(actor=request.user, year=obj.year)
            obj.pk = created.pk

    def save_related(self, request, form, formsets, change):
        pass


class MilestoneForm(forms.ModelForm):
    class Meta:
        model = Milestone
        fields = ("due_at",)

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk and self.instance.applied_at is not None and "due_at" in self.changed_data:
            raise forms.ValidationError(_("Deze mijlpaal is al verwerkt; de datum kan niet meer wijzigen."))
        return cleaned


@admin.register(Milestone)
class MilestoneAdmin(admin.ModelAdmin):
    form = MilestoneForm
    list_display = ("contract_year", "kind", "due_at", "applied_at")
    list_filter = ("contract_year", "kind")
    readonly_fields = ("contract_year", "kind", "applied_at")
    list_select_related = ("contract_year",)

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        # Every date change goes through the service, which refuses applied milestones and audits the change.
        try:
            milestone_reschedule(actor=request.user, milestone=Milestone.objects.get(pk=obj.pk),
                                 due_at=form.cleaned_data["due_at"])
        except PortalError as exc:
            messages.error(request, exc.detail)


@admin.register(MilestoneEffect)
class MilestoneEffectAdmin(admin.ModelAdmin):
    list_display = ("milestone", "effect", "status", "effective_at", "applied_at")
    list_filter = ("status", "effect")
    list_select_related = ("milestone__contract_year",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(SweepRun)
class SweepRunAdmin(admin.ModelAdmin):
    list_display = ("started_at", "as_of", "applied_count", "finished_at")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
