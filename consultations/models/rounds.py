"""A consultation round per overlegteam and contract year, with its meetings, the team's positions and the
knelpunten it raises. The round's phases are not stored: they are read from the contract year's milestones
(consultations.selectors.round_phases), so an administrator who moves a milestone moves the phase too."""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.uploads import UPLOAD_NAME_MAX


class ConsultationRound(models.Model):
    """The overleg of one overlegteam with its insurer about one contract year: the intake of wishes and
    dilemmas (January), the mandate the team asks the insurer to accept, the overleg on policy and contract
    content (February - July), the last adjustments (July - October) and the evaluation."""

    class Mandate(models.TextChoices):
        NOT_REQUESTED = "not_requested", _("Nog niet voorgelegd")
        PENDING = "pending", _("Wacht op de zorgverzekeraar")
        ACCEPTED = "accepted", _("Geaccepteerd")
        REFUSED = "refused", _("Niet geaccepteerd")

    overleg_team = models.ForeignKey("providers.OverlegTeam", on_delete=models.PROTECT, related_name="rounds",
                                     verbose_name=_("overlegteam"))
    contract_year = models.ForeignKey("contracting.ContractYear", on_delete=models.PROTECT, related_name="+",
                                      verbose_name=_("contractjaar"))
    team_intake = models.TextField(_("wensen en dilemma's van het overlegteam"), blank=True)
    insurer_intake = models.TextField(_("wensen en dilemma's van de zorgverzekeraar"), blank=True)
    mandate_text = models.TextField(_("mandaat"), blank=True)
    mandate_status = models.CharField(_("mandaat"), max_length=20, choices=Mandate.choices,
                                      default=Mandate.NOT_REQUESTED)
    mandate_requested_at = models.DateTimeField(_("mandaat voorgelegd op"), null=True, blank=True)
    mandate_decided_at = models.DateTimeField(_("besluit over mandaat op"), null=True, blank=True)
    mandate_decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                           on_delete=models.PROTECT, related_name="+",
                                           verbose_name=_("besluit over mandaat door"))
    mandate_reason = models.TextField(_("toelichting bij het besluit over het mandaat"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+", verbose_name=_("aangemaakt door"))
    created_at = models.DateTimeField(_("aangemaakt op"))

    class Meta:
        verbose_name = _("overlegronde")
        verbose_name_plural = _("overlegrondes")
        ordering = ["-contract_year__year", "overleg_team__name"]
        constraints = [
            models.UniqueConstraint(fields=["overleg_team", "contract_year"], name="round_unique_team_year",
                                    violation_error_message=_("Dit overlegteam heeft al een ronde voor dit "
                                                              "contractjaar.")),
        ]

    def __str__(self) -> str:
        return f"{self.overleg_team} {self.contract_year_id and self.contract_year.year}"


class Meeting(models.Model):
    """An overleg meeting of a round: when and where, the agenda (one item a line), who attended and the
    minutes in Markdown (rendered and sanitised on output, core.markdown)."""

    round = models.ForeignKey(ConsultationRound, on_delete=models.CASCADE, related_name="meetings",
                              verbose_name=_("overlegronde"))
    title = models.CharField(_("titel"), max_length=200)
    starts_at = models.DateTimeField(_("datum en tijd"))
    location = models.CharField(_("plaats of online"), max_length=200, blank=True)
    agenda = models.TextField(_("agenda"), blank=True)
    attendees = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+",
                                       verbose_name=_("aanwezigen"))
    other_attendees = models.TextField(_("andere aanwezigen"), blank=True)
    minutes = models.TextField(_("verslag (Markdown)"), blank=True)
    minutes_updated_at = models.DateTimeField(_("verslag bijgewerkt op"), null=True, blank=True)
    minutes_updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                           on_delete=models.PROTECT, related_name="+",
                                           verbose_name=_("verslag bijgewerkt door"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("aangemaakt door"))
    created_at = models.DateTimeField(_("aangemaakt op"))

    class Meta:
        verbose_name = _("overleg")
        verbose_name_plural = _("overleggen")
        ordering = ["starts_at", "id"]

    def __str__(self) -> str:
        return self.title

    @property
    def agenda_items(self) -> list[str]:
        return [line.strip() for line in self.agenda.splitlines() if line.strip()]


def _attachment_path(instance, filename: str) -> str:
    """overleg/<meeting>/<uuid>.<ext>: never a name taken from the upload (MeetingAttachment.name keeps it)."""
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"overleg/{instance.meeting_id}/{uuid.uuid4().hex}.{extension}"


class MeetingAttachment(models.Model):
    """A file with a meeting (checked by core.uploads.check_upload before it is stored)."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attachments",
                                verbose_name=_("overleg"))
    file = models.FileField(_("bestand"), upload_to=_attachment_path, max_length=255)
    name = models.CharField(_("bestandsnaam"), max_length=UPLOAD_NAME_MAX)
    size = models.PositiveIntegerField(_("grootte (bytes)"))
    content_type = models.CharField(_("soort bestand"), max_length=100)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("toegevoegd door"))
    uploaded_at = models.DateTimeField(_("toegevoegd op"))

    class Meta:
        verbose_name = _("bijlage bij overleg")
        verbose_name_plural = _("bijlagen bij overleg")
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.name


class Position(models.Model):
    """A position (standpunt) the overlegteam takes in a round, and the insurer's decision on it: adopted,
    partly adopted or not adopted, with reasons, by a date the insurer sets (a per-object clock of the deadline
    engine; `decision_due_at` mirrors it and only the clock service writes it)."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Ingediend")
        AWAITING = "awaiting", _("Wacht op besluit")
        DECIDED = "decided", _("Besloten")
        WITHDRAWN = "withdrawn", _("Ingetrokken")

    class Decision(models.TextChoices):
        ADOPTED = "adopted", _("Overgenomen")
        PARTLY = "partly", _("Gedeeltelijk overgenomen")
        NOT_ADOPTED = "not_adopted", _("Niet overgenomen")

    round = models.ForeignKey(ConsultationRound, on_delete=models.CASCADE, related_name="positions",
                              verbose_name=_("overlegronde"))
    meeting = models.ForeignKey(Meeting, null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="positions", verbose_name=_("overleg"))
    title = models.CharField(_("titel"), max_length=200)
    text = models.TextField(_("standpunt"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.SUBMITTED)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("ingediend door"))
    submitted_at = models.DateTimeField(_("ingediend op"))
    decision_due_at = models.DateTimeField(_("besluit uiterlijk"), null=True, editable=False)
    due_set_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+", verbose_name=_("termijn gesteld door"))
    due_set_at = models.DateTimeField(_("termijn gesteld op"), null=True, blank=True)
    decision = models.CharField(_("besluit"), max_length=20, choices=Decision.choices, blank=True)
    reasons = models.TextField(_("motivering"), blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+", verbose_name=_("besloten door"))
    decided_at = models.DateTimeField(_("besloten op"), null=True, blank=True)

    class Meta:
        verbose_name = _("standpunt")
        verbose_name_plural = _("standpunten")
        ordering = ["submitted_at", "id"]

    def __str__(self) -> str:
        return self.title


class Knelpunt(models.Model):
    """A structural knelpunt the overlegteam (or the insurer) raises in a round ("zorgverzekeraar en
    regionale vertegenwoordiging wisselen structurele knelpunten en verbetervoorstellen uit"), answered by the
    other side within 2 weeks (a per-object clock), and linked to the practices' knelpunt requests that show
    it (contracting Requests of kind knelpunt; the team sees how many, never which practice)."""

    class Side(models.TextChoices):
        TEAM = "team", _("Overlegteam")
        INSURER = "insurer", _("Zorgverzekeraar")

    class Status(models.TextChoices):
        OPEN = "open", _("Wacht op reactie")
        ANSWERED = "answered", _("Beantwoord")
        CLOSED = "closed", _("Afgerond")

    round = models.ForeignKey(ConsultationRound, on_delete=models.CASCADE, related_name="knelpunten",
                              verbose_name=_("overlegronde"))
    meeting = models.ForeignKey(Meeting, null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="knelpunten", verbose_name=_("overleg"))
    title = models.CharField(_("titel"), max_length=200)
    text = models.TextField(_("knelpunt"))
    side = models.CharField(_("ingebracht door partij"), max_length=10, choices=Side.choices, default=Side.TEAM)
    raised_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                  verbose_name=_("ingebracht door"))
    raised_at = models.DateTimeField(_("ingebracht op"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.OPEN)
    due_at = models.DateTimeField(_("reactie uiterlijk"), null=True, editable=False)
    response = models.TextField(_("reactie"), blank=True)
    responded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+", verbose_name=_("gereageerd door"))
    responded_at = models.DateTimeField(_("gereageerd op"), null=True, blank=True)
    requests = models.ManyToManyField("contracting.Request", blank=True, related_name="consultation_knelpunten",
                                      limit_choices_to={"kind": "knelpunt"},
                                      verbose_name=_("knelpunten van praktijken"))

    class Meta:
        verbose_name = _("knelpunt in het overleg")
        verbose_name_plural = _("knelpunten in het overleg")
        ordering = ["raised_at", "id"]

    def __str__(self) -> str:
        return self.title
