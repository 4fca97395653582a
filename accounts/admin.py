from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from core.admin import AuditedAdminMixin

from .models import MAIL_STATUS_CONDITIONS, MailStatus, Membership, Notification, User


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ("insurer", "practice", "care_group", "overleg_team")


@admin.register(User)
class UserAdmin(AuditedAdminMixin, BaseUserAdmin):
    ordering = ("email",)
    list_display = ("email", "full_name", "is_active", "is_staff")
    search_fields = ("email", "full_name")
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Persoonlijk"), {"fields": ("full_name",)}),
        (_("Rechten"), {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")}),
        (_("Data"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "full_name", "password1", "password2")}),)
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ("user", "role", "insurer", "practice", "care_group", "overleg_team")
    list_filter = ("role",)
    search_fields = ("user__email",)
    autocomplete_fields = ("user", "insurer", "practice", "care_group", "overleg_team")
    list_select_related = ("user", "insurer", "practice", "care_group", "overleg_team")


class MailStatusFilter(admin.SimpleListFilter):
    title = _("e-mail")
    parameter_name = "mail"

    def lookups(self, request, model_admin):
        return MailStatus.choices

    def queryset(self, request, queryset):
        condition = MAIL_STATUS_CONDITIONS.get(self.value())
        return queryset.filter(condition) if condition is not None else queryset


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    """Read-only: notices are written by the services and sent by the mail sweep; here one sees what went
    out, what waits and why a mail failed."""

    list_display = ("created_at", "user", "shown_subject", "read_at", "shown_mail_status", "email_attempts",
                    "short_error", "email_next_attempt_at", "emailed_at")
    list_filter = (MailStatusFilter, ("read_at", admin.EmptyFieldListFilter), "created_at")
    search_fields = ("user__email", "subject", "key")
    list_select_related = ("user",)
    date_hierarchy = "created_at"
    fields = ("user", "key", "shown_subject", "shown_body", "url", "created_at", "read_at",
              "shown_mail_status", "email_attempts", "email_last_error", "email_next_attempt_at", "email_gave_up_at",
              "email_claimed_until", "emailed_at", "subject_msgid", "body_msgid", "params")
    readonly_fields = fields

    @admin.display(description=_("onderwerp"))
    def shown_subject(self, obj):
        return obj.display_subject

    @admin.display(description=_("bericht"))
    def shown_body(self, obj):
        return obj.display_body

    @admin.display(description=_("laatste verzendfout"))
    def short_error(self, obj):
        return Truncator(obj.email_last_error).chars(80)

    @admin.display(description=_("e-mail"))
    def shown_mail_status(self, obj):
        return MailStatus(obj.mail_status).label

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
