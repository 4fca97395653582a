from django import forms
from django.contrib import admin, messages
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from core.errors import PortalError

from .engine import calendar_rules, clock_kinds
from .models import (
    Clock,
    ContractAddendum,
    ContractYear,
    EffectRun,
    InnovationCriteria,
    Milestone,
    Negotiation,
    NegotiationStep,
    PohsArrangement,
    ProgrammeParticipation,
    Qualification,
    Request,
    StepAttachment,
    SweepRun,
)
from .services import check_contract_year, contract_year_ensure, effect_runs_retry, milestone_reschedule


class MilestoneInline(admin.TabularInline):
    model = Milestone
    extra = 0
    can_delete = False
    fields = ("label", "due_at", "applied_at")
    readonly_fields = ("label", "due_at", "applied_at")
    show_change_link = True
    ordering = ("due_at",)

    def has_add_permission(self, request, obj=None):
        return False

    @admin.display(description=_("mijlpaal"))
    def label(self, obj):
        return obj.label


class ContractYearForm(forms.ModelForm):
    class Meta:
        model = ContractYear
        fields = ("year",)

    def clean_year(self):
        year = self.cleaned_data["year"]
        try:
            check_contract_year(year)
        except PortalError as exc:
            raise forms.ValidationError(exc.detail) from None
        return year


@admin.register(ContractYear)
class ContractYearAdmin(admin.ModelAdmin):
    form = ContractYearForm
    list_display = ("year", "phase", "phase_since")
    readonly_fields = ("phase", "phase_since")

    def has_delete_permission(self, request, obj=None):
        # Deleting a year would cascade to its milestones and their EffectRuns, the records that each effect ran
        # once: the next sweep would re-create the year and run its past effects again (expiry, reminders).
        return False

    def get_inlines(self, request, obj):
        # A new year gets its calendar from the service; the dates are moved one by one afterwards.
        return [MilestoneInline] if obj else []

    def get_readonly_fields(self, request, obj=None):
        return ("year", "phase", "phase_since") if obj else ("phase", "phase_since")

    def save_model(self, request, obj, form, change):
        # A new year gets its whole calendar from the service (audited); nothing else about a year is edited.
        if not change:
            created = contract_year_ensure(actor=request.user, year=obj.year)
            obj.pk, obj.phase, obj.phase_since = created.pk, created.phase, created.phase_since
            obj._state.adding = False


class MilestoneForm(forms.ModelForm):
    class Meta:
        model = Milestone
        fields = ("due_at",)

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk and self.instance.applied_at is not None and "due_at" in self.changed_data:
            raise forms.ValidationError(_("Deze mijlpaal is al verwerkt; de datum kan niet meer wijzigen."))
        return cleaned


class KindFilter(admin.SimpleListFilter):
    """The registered kinds by their labels (kind is a registered string, not a field with choices)."""

    title = _("soort")
    parameter_name = "kind"

    def kinds(self) -> dict:
        return {}

    def lookups(self, request, model_admin):
        return [(kind, label) for kind, label in self.kinds().items()]

    def queryset(self, request, queryset):
        return queryset.filter(kind=self.value()) if self.value() else queryset


class MilestoneKindFilter(KindFilter):
    def kinds(self):
        return {rule.kind: rule.label for rule in calendar_rules()}


class ClockKindFilter(KindFilter):
    def kinds(self):
        return {name: spec.label for name, spec in clock_kinds().items()}


@admin.register(Milestone)
class MilestoneAdmin(admin.ModelAdmin):
    form = MilestoneForm
    list_display = ("contract_year", "label", "due_at", "applied_at")
    list_filter = ("contract_year", MilestoneKindFilter)
    readonly_fields = ("contract_year", "kind", "applied_at")
    list_select_related = ("contract_year",)

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("mijlpaal"), ordering="kind")
    def label(self, obj):
        return obj.label

    def save_model(self, request, obj, form, change):
        # Every date change goes through the service, which refuses applied milestones and audits the change.
        try:
            milestone_reschedule(actor=request.user, milestone=Milestone.objects.get(pk=obj.pk),
                                 due_at=form.cleaned_data["due_at"])
        except PortalError as exc:
            messages.error(request, exc.detail)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]


@admin.register(EffectRun)
class EffectRunAdmin(ReadOnlyAdmin):
    """What the sweep did per effect; failed effects with their error, attempts and next retry, and an action
    to retry them now."""

    list_display = ("owner", "effect", "status", "attempts", "error_line", "next_attempt_at", "applied_at")
    list_filter = ("status", "effect")
    list_select_related = ("milestone__contract_year", "clock__content_type")
    readonly_fields = ("milestone", "clock", "effect", "status", "effective_at", "applied_at", "attempts",
                       "failed_at", "next_attempt_at", "result", "error_text")
    exclude = ("error",)
    actions = ["retry_now"]

    @admin.display(description=_("mijlpaal of termijn"))
    def owner(self, obj):
        return obj.milestone or obj.clock

    @admin.display(description=_("fout"))
    def error_line(self, obj):
        lines = obj.error.strip().splitlines()
        return lines[-1][:120] if lines else ""

    @admin.display(description=_("fout"))
    def error_text(self, obj):
        return format_html("<pre style='white-space: pre-wrap'>{}</pre>", obj.error) if obj.error else "–"

    def get_readonly_fields(self, request, obj=None):
        return self.readonly_fields

    @admin.action(description=_("Nu opnieuw uitvoeren"), permissions=["change"])
    def retry_now(self, request, queryset):
        try:
            outcome = effect_runs_retry(actor=request.user, effect_run_ids=queryset.values_list("pk", flat=True),
                                        now=timezone.now())
        except PortalError as exc:
            messages.error(request, exc.detail)
            return
        messages.info(request, _("Opnieuw uitgevoerd: %(done)s gelukt, %(failed)s opnieuw mislukt.") % outcome)


@admin.register(Clock)
class ClockAdmin(ReadOnlyAdmin):
    list_display = ("label", "content_type", "object_id", "started_at", "due_at", "done_at", "cancelled_at",
                    "processed_at")
    list_filter = (ClockKindFilter, "content_type")
    list_select_related = ("content_type",)
    date_hierarchy = "due_at"

    @admin.display(description=_("soort termijn"), ordering="kind")
    def label(self, obj):
        return obj.label


@admin.register(SweepRun)
class SweepRunAdmin(ReadOnlyAdmin):
    list_display = ("started_at", "as_of", "applied_count", "years_created", "finished_at")


@admin.register(ContractAddendum)
class ContractAddendumAdmin(ReadOnlyAdmin):
    """Addenda are proposed, signed, refused and withdrawn only through their services (signing needs the
    holder's signatory with two-factor), so the admin shows them and changes nothing."""

    list_display = ("offer", "number", "kind", "title", "effective_from", "status", "proposed_at", "decided_at")
    list_filter = ("status", "kind")
    search_fields = ("title", "offer__practice__name", "offer__care_group__name")
    list_select_related = ("offer__standard_contract", "offer__practice", "offer__care_group")

    def has_change_permission(self, request, obj=None):
        return False


class StepAttachmentInline(admin.TabularInline):
    model = StepAttachment
    extra = 0
    fields = readonly_fields = ("kind", "name", "size", "sha256")
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(PohsArrangement)
class PohsArrangementAdmin(ReadOnlyAdmin):
    """Set by the care group's people on their members page (contracting.services.pohs_arrangement_set)."""

    list_display = ("practice", "care_group", "variant", "care_group_amount", "updated_at")
    list_filter = ("variant",)
    list_select_related = ("practice", "care_group")
    search_fields = ("practice__name", "care_group__name")

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(NegotiationStep)
class NegotiationStepAdmin(ReadOnlyAdmin):
    """The negotiation history is never changed: shown, not editable (the model refuses changes too)."""

    list_display = ("negotiation", "number", "kind", "side", "actor", "at")
    list_filter = ("kind", "side")
    readonly_fields = ("negotiation", "number", "kind", "side", "actor", "at", "terms", "note")
    inlines = [StepAttachmentInline]

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Negotiation)
class NegotiationAdmin(ReadOnlyAdmin):
    list_display = ("care_group", "insurer", "year", "status", "first_offer_at", "agreed_at")
    list_filter = ("year", "status")
    readonly_fields = ("care_group", "insurer", "year", "status", "created_at", "first_offer_at", "agreed_at",
                       "offer")


@admin.register(Request)
class RequestAdmin(ReadOnlyAdmin):
    """Requests move only through their services (contracting/services/requests.py), so the admin shows them
    and changes nothing."""

    list_display = ("pk", "kind", "insurer", "practice", "care_group", "status", "raised_at", "due_at")
    list_filter = ("kind", "status", "insurer")
    search_fields = ("subject", "practice__name", "care_group__name")
    list_select_related = ("insurer", "practice", "care_group")

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(InnovationCriteria)
class InnovationCriteriaAdmin(ReadOnlyAdmin):
    list_display = ("insurer", "year", "published_at")


@admin.register(ProgrammeParticipation)
class ProgrammeParticipationAdmin(ReadOnlyAdmin):
    list_display = ("care_group", "practice", "module", "created_at")
    list_filter = ("module",)
    list_select_related = ("care_group", "practice", "module")
    search_fields = ("practice__name", "care_group__name")

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Qualification)
class QualificationAdmin(ReadOnlyAdmin):
    """Qualifications (uitvraag) are decided by the insurer on its pages; here they are only read."""

    list_display = ("standard_contract", "contract_module", "holder", "status", "submitted_at", "decided_at")
    list_filter = ("status", "year", "decided_by_rule")
    list_select_related = ("standard_contract", "contract_module__module", "practice", "care_group")
    readonly_fields = ("standard_contract", "contract_module", "insurer", "practice", "care_group", "year", "status",
                       "answers", "answers_hash", "source", "submitted_by", "submitted_at", "decided_by",
                       "decided_at", "decided_by_rule", "reason", "offer")
