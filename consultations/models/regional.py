"""Regiobijeenkomsten: an insurer explains its purchasing policy to the providers of one region (GCP: the
insurer informs the providers of its policy; the NZa's provider survey asks whether such meetings were held in
the region, Q15, and whether the provider attended, Q16).

A meeting belongs to one insurer, region and contract year (the year whose policy it explains). Every practice
and care group of the region gets an invitation row; registering, cancelling a registration and the attendance
the insurer records are columns of that row, so a holder's whole history with a meeting is one row and the
survey's counts are one query."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class RegionalMeeting(models.Model):
    class Status(models.TextChoices):
        PLANNED = "planned", _("Gepland")
        CANCELLED = "cancelled", _("Afgelast")

    insurer = models.ForeignKey("insurers.Insurer", on_delete=models.PROTECT, related_name="regional_meetings",
                                verbose_name=_("zorgverzekeraar"))
    region = models.ForeignKey("providers.Region", on_delete=models.PROTECT, related_name="regional_meetings",
                               verbose_name=_("regio"))
    year = models.PositiveSmallIntegerField(_("contractjaar"),
                                            help_text=_("Het contractjaar waarvan het inkoopbeleid wordt toegelicht."))
    title = models.CharField(_("titel"), max_length=200)
    starts_at = models.DateTimeField(_("begint op"))
    ends_at = models.DateTimeField(_("eindigt op"))
    location = models.CharField(_("locatie"), max_length=300, blank=True,
                                help_text=_("Adres van de bijeenkomst; leeg bij een bijeenkomst die alleen online is."))
    online_url = models.URLField(_("link voor online deelname"), blank=True)
    agenda = models.TextField(_("agenda"), blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PLANNED)
    cancel_reason = models.TextField(_("reden van afgelasten"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+",
                                   verbose_name=_("georganiseerd door"))
    created_at = models.DateTimeField(_("aangemaakt op"))
    attendance_recorded_at = models.DateTimeField(_("aanwezigheid vastgelegd op"), null=True, blank=True)

    class Meta:
        verbose_name = _("regiobijeenkomst")
        verbose_name_plural = _("regiobijeenkomsten")
        ordering = ["-starts_at", "-pk"]
        indexes = [models.Index(fields=["insurer", "region", "year"], name="regional_meeting_scope")]
        constraints = [
            models.CheckConstraint(condition=models.Q(ends_at__gt=models.F("starts_at")),
                                   name="regional_meeting_ends_after_start"),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.insurer}, {self.region})"

    @property
    def is_cancelled(self) -> bool:
        return self.status == self.Status.CANCELLED


class RegionalMeetingInvitation(models.Model):
    """One practice's or care group's invitation, registration and attendance for one meeting."""

    meeting = models.ForeignKey(RegionalMeeting, on_delete=models.CASCADE, related_name="invitations",
                                verbose_name=_("regiobijeenkomst"))
    practice = models.ForeignKey("providers.Practice", null=True, blank=True, on_delete=models.CASCADE,
                                 related_name="regional_invitations", verbose_name=_("praktijk"))
    care_group = models.ForeignKey("providers.CareGroup", null=True, blank=True, on_delete=models.CASCADE,
                                   related_name="regional_invitations", verbose_name=_("samenwerkingsverband"))
    invited_at = models.DateTimeField(_("uitgenodigd op"))
    registered_at = models.DateTimeField(_("aangemeld op"), null=True, blank=True)
    registered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                      related_name="+", verbose_name=_("aangemeld door"))
    attendees = models.PositiveSmallIntegerField(_("aantal deelnemers"), default=0)
    # None: no attendance recorded (yet); True/False as the insurer recorded it after the meeting.
    attended = models.BooleanField(_("aanwezig"), null=True, blank=True)

    class Meta:
        verbose_name = _("uitnodiging regiobijeenkomst")
        verbose_name_plural = _("uitnodigingen regiobijeenkomst")
        ordering = ["meeting", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(practice__isnull=False, care_group__isnull=True)
                           | models.Q(practice__isnull=True, care_group__isnull=False)),
                name="regional_invitation_one_holder"),
            models.UniqueConstraint(fields=["meeting", "practice"], name="regional_invitation_once_per_practice"),
            models.UniqueConstraint(fields=["meeting", "care_group"], name="regional_invitation_once_per_care_group"),
            models.CheckConstraint(
                condition=models.Q(registered_at__isnull=True, attendees=0)
                | models.Q(registered_at__isnull=False, attendees__gte=1),
                name="regional_invitation_attendees_when_registered"),
        ]

    def __str__(self) -> str:
        return f"{self.meeting_id}: {self.holder}"

    @property
    def holder(self):
        return self.practice or self.care_group

    @property
    def is_registered(self) -> bool:
        return self.registered_at is not None
