"""The overleg in /beheer/: administrators read rounds, meetings, positions, knelpunten and evaluations, and open
the rounds of a contract year for every overlegteam (through the service, audited). Writes are the parties'
own, on their pages and the API, so nothing here is editable. Regiobijeenkomsten and their invitations are read
here too; they are planned, cancelled and registered for through the portal's services only."""

from django.contrib import admin, messages
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import (
    ConsultationRound,
    Evaluation,
    Knelpunt,
    Meeting,
    MeetingAttachment,
    Position,
    RegionalMeeting,
    RegionalMeetingInvitation,
)
from .services import rounds_open_for_year


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class MeetingInline(admin.TabularInline):
    model = Meeting
    extra = 0
    fields = ("title", "starts_at", "location")
    readonly_fields = fields
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(ConsultationRound)
class ConsultationRoundAdmin(ReadOnlyAdmin):
    list_display = ("overleg_team", "contract_year", "mandate_status", "created_at")
    list_filter = ("contract_year", "mandate_status", "overleg_team__insurer")
    search_fields = ("overleg_team__name",)
    list_select_related = ("overleg_team", "contract_year")
    inlines = [MeetingInline]
    actions = ["open_next_rounds"]

    @admin.action(description=_("Rondes van het volgende contractjaar openen voor elk overlegteam"))
    def open_next_rounds(self, request, queryset):
        years = sorted({r.contract_year.year for r in queryset.select_related("contract_year")})
        opened = sum(rounds_open_for_year(year=year + 1, now=timezone.now()) for year in years)
        messages.success(request, _("%(n)s rondes geopend.") % {"n": opened})


class AttachmentInline(admin.TabularInline):
    model = MeetingAttachment
    extra = 0
    fields = ("name", "size", "content_type", "uploaded_by", "uploaded_at")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Meeting)
class MeetingAdmin(ReadOnlyAdmin):
    list_display = ("title", "round", "starts_at", "location")
    search_fields = ("title", "round__overleg_team__name")
    list_select_related = ("round__overleg_team", "round__contract_year")
    inlines = [AttachmentInline]


@admin.register(Position)
class PositionAdmin(ReadOnlyAdmin):
    list_display = ("title", "round", "status", "decision", "decision_due_at", "decided_at")
    list_filter = ("status", "decision")
    search_fields = ("title", "round__overleg_team__name")
    list_select_related = ("round__overleg_team", "round__contract_year")


@admin.register(Knelpunt)
class KnelpuntAdmin(ReadOnlyAdmin):
    list_display = ("title", "round", "side", "status", "due_at", "responded_at")
    list_filter = ("status", "side")
    search_fields = ("title", "round__overleg_team__name")
    list_select_related = ("round__overleg_team", "round__contract_year")


@admin.register(Evaluation)
class EvaluationAdmin(ReadOnlyAdmin):
    list_display = ("insurer", "contract_year", "method", "finished_at", "shared_at")
    list_filter = ("contract_year", "method")
    list_select_related = ("insurer", "contract_year")


class RegionalMeetingInvitationInline(admin.TabularInline):
    model = RegionalMeetingInvitation
    fields = ("practice", "care_group", "invited_at", "registered_at", "attendees", "attended")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(RegionalMeeting)
class RegionalMeetingAdmin(ReadOnlyAdmin):
    list_display = ("title", "insurer", "region", "year", "starts_at", "status", "attendance_recorded_at")
    list_filter = ("status", "year", "insurer")
    search_fields = ("title", "region__name", "insurer__name")
    list_select_related = ("insurer", "region")
    inlines = [RegionalMeetingInvitationInline]
