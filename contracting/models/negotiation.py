"""Care-group negotiation: a thread between a samenwerkingsverband and an insurer for one contract year
(begroting and werkplan, offer, counters, agreement), and the keten patient numbers the care group reports.

Every step is kept as it was written: a step has no update path (saving an existing step or deleting one is
refused here, the admin shows steps read-only), so the history is what both sides said, by whom and when."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ImmutableError(Exception):
    """A negotiation step or attachment was about to be changed or deleted."""


class Negotiation(models.Model):
    """One care group and one insurer negotiating ketenzorg and O&I for `year`."""

    class Status(models.TextChoices):
        OPEN = "open", _("In onderhandeling")
        AGREED = "agreed", _("Overeengekomen; wacht op ondertekening")
        SIGNED = "signed", _("Ondertekend")
        EXPIRED = "expired", _("Gesloten zonder akkoord")

    insurer = models.ForeignKey("insurers.Insurer", on_delete=models.PROTECT, related_name="negotiations",
                                verbose_name=_("zorgverzekeraar"))
    care_group = models.ForeignKey("providers.CareGroup", on_delete=models.PROTECT, related_name="negotiations",
                                   verbose_name=_("samenwerkingsverband"))
    year = models.PositiveSmallIntegerField(_("contractjaar"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.OPEN)
    created_at = models.DateTimeField(_("begonnen op"))
    # The first offer the insurer made (the 15 July rule asks whether an offer is out, and since when).
    first_offer_at = models.DateTimeField(_("eerste aanbod op"), null=True, blank=True)
    agreed_at = models.DateTimeField(_("overeengekomen op"), null=True, blank=True)
    # The contract to sign, made from the accepted terms at agreement (an Offer to the care group, signed with
    # offer_sign like a practice's, so the register, follow requests and receipts work the same).
    offer = models.OneToOneField("contracting.Offer", null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="negotiation", verbose_name=_("contract"))

    class Meta:
        verbose_name = _("onderhandeling samenwerkingsverband")
        verbose_name_plural = _("onderhandelingen samenwerkingsverbanden")
        ordering = ["-year", "care_group__name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["insurer", "care_group", "year"], name="negotiation_once_per_year"),
        ]
        indexes = [models.Index(fields=["insurer", "year", "status"], name="negotiation_insurer_year")]

    def __str__(self) -> str:
        return f"{self.care_group} — {self.insurer} {self.year}"


class NegotiationStep(models.Model):
    """One step of the thread, unchangeable once written."""

    class Kind(models.TextChoices):
        SUBMISSION = "submission", _("Begroting en werkplan ingediend")
        OFFER = "offer", _("Aanbod van de verzekeraar")
        COUNTER = "counter", _("Tegenvoorstel")
        ACCEPTANCE = "acceptance", _("Akkoord")

    class Side(models.TextChoices):
        CARE_GROUP = "care_group", _("Samenwerkingsverband")
        INSURER = "insurer", _("Zorgverzekeraar")

    negotiation = models.ForeignKey(Negotiation, on_delete=models.PROTECT, related_name="steps",
                                    verbose_name=_("onderhandeling"))
    number = models.PositiveSmallIntegerField(_("stap"))
    kind = models.CharField(_("soort"), max_length=20, choices=Kind.choices)
    side = models.CharField(_("partij"), max_length=20, choices=Side.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                              verbose_name=_("door"))
    at = models.DateTimeField(_("op"))
    terms = models.JSONField(_("voorwaarden"))
    note = models.TextField(_("toelichting"), blank=True)

    class Meta:
        verbose_name = _("onderhandelingsstap")
        verbose_name_plural = _("onderhandelingsstappen")
        ordering = ["negotiation", "number"]
        constraints = [
            models.UniqueConstraint(fields=["negotiation", "number"], name="negotiation_step_once"),
        ]

    def __str__(self) -> str:
        return f"{self.negotiation} #{self.number} {self.get_kind_display()}"

    def save(self, *args, **kwargs):
        if self.pk is not None or not self._state.adding:
            raise ImmutableError("A negotiation step is never changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ImmutableError("A negotiation step is never deleted.")


class StepAttachment(models.Model):
    """A PDF that came with a step (the begroting, the werkplan, or another document)."""

    class Kind(models.TextChoices):
        BUDGET = "begroting", _("Begroting")
        WORK_PLAN = "werkplan", _("Werkplan")
        OTHER = "bijlage", _("Bijlage")

    step = models.ForeignKey(NegotiationStep, on_delete=models.PROTECT, related_name="attachments",
                             verbose_name=_("stap"))
    kind = models.CharField(_("soort"), max_length=20, choices=Kind.choices)
    file = models.FileField(_("bestand"), upload_to="onderhandeling/%Y/")
    name = models.CharField(_("bestandsnaam"), max_length=200)
    size = models.PositiveIntegerField(_("grootte (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)

    class Meta:
        verbose_name = _("bijlage bij onderhandelingsstap")
        verbose_name_plural = _("bijlagen bij onderhandelingsstappen")
        ordering = ["step", "kind", "id"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        if self.pk is not None or not self._state.adding:
            raise ImmutableError("An attachment of a negotiation step is never changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ImmutableError("An attachment of a negotiation step is never deleted.")


class KetenPatientReport(models.Model):
    """The number of patients in one programme's keten that the care group reports for a quarter of the
    contract year, checked against the agreed inclusieplafond when it is made."""

    offer = models.ForeignKey("contracting.Offer", on_delete=models.PROTECT, related_name="keten_reports",
                              verbose_name=_("contract"))
    module = models.ForeignKey("contracting.Module", on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("zorgprogramma"))
    quarter = models.PositiveSmallIntegerField(_("kwartaal"))
    patients = models.PositiveIntegerField(_("patiënten in de keten"))
    population = models.PositiveIntegerField(_("populatie van het samenwerkingsverband"))
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("gemeld door"))
    reported_at = models.DateTimeField(_("gemeld op"))

    class Meta:
        verbose_name = _("melding patiënten in de keten")
        verbose_name_plural = _("meldingen patiënten in de keten")
        ordering = ["offer", "module", "quarter"]
        constraints = [
            models.UniqueConstraint(fields=["offer", "module", "quarter"], name="keten_report_once_per_quarter"),
            models.CheckConstraint(condition=models.Q(quarter__gte=1, quarter__lte=4), name="keten_report_quarter"),
        ]

    def __str__(self) -> str:
        return f"{self.offer_id} {self.module_id} K{self.quarter}: {self.patients}"
