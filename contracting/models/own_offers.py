"""Own contract offers (eigen contractaanbod): a practice or care group proposes its own terms to an insurer."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from .catalogue import Module
from .contracts import MAX_TERM_YEARS, MIN_TERM_YEARS
from .deadlines import Clock


class OwnOffer(models.Model):
    """A holder's own contract offer to one insurer for a contract year, made from 1 February to 1 July of the
    year before (GCP: "ook zorgaanbieders kunnen de zorgverzekeraars een contractaanbod doen als basis voor
    verdere onderhandelingen"). The insurer accepts or refuses it with reasons; an accepted one becomes a
    one-holder standard contract (`contract`) with an offer the holder's signatory signs in the signing window,
    and that signed contract can be offered to other insurers to follow as any other."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Wacht op besluit")
        ACCEPTED = "accepted", _("Aanvaard")
        REFUSED = "refused", _("Afgewezen")
        WITHDRAWN = "withdrawn", _("Ingetrokken")

    insurer = models.ForeignKey("insurers.Insurer", on_delete=models.PROTECT, related_name="own_offers",
                                verbose_name=_("zorgverzekeraar"))
    practice = models.ForeignKey("providers.Practice", null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="own_offers", verbose_name=_("praktijk"))
    care_group = models.ForeignKey("providers.CareGroup", null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="own_offers", verbose_name=_("samenwerkingsverband"))
    year = models.PositiveSmallIntegerField(_("eerste contractjaar"))
    term_years = models.PositiveSmallIntegerField(
        _("looptijd (jaren)"), default=1,
        validators=[MinValueValidator(MIN_TERM_YEARS), MaxValueValidator(MAX_TERM_YEARS)])
    title = models.CharField(_("titel"), max_length=200)
    text = models.TextField(_("toelichting en voorwaarden"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.SUBMITTED)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("ingediend door"))
    submitted_at = models.DateTimeField(_("ingediend op"))
    # The decision clock's due moment (the year's definitive offers), mirrored for sorting by the clock service.
    due_at = models.DateTimeField(_("besluit uiterlijk"), null=True, editable=False)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+", verbose_name=_("besloten door"))
    decided_at = models.DateTimeField(_("besloten op"), null=True, blank=True)
    reason = models.TextField(_("motivering"), blank=True)
    contract = models.OneToOneField("contracting.StandardContract", null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="own_offer",
                                    verbose_name=_("contract na aanvaarding"))
    clocks = GenericRelation(Clock, related_query_name="own_offer")

    class Meta:
        verbose_name = _("eigen contractaanbod")
        verbose_name_plural = _("eigen contractaanbiedingen")
        ordering = ["-year", "-submitted_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(practice__isnull=False, care_group__isnull=True)
                           | models.Q(practice__isnull=True, care_group__isnull=False)),
                name="own_offer_has_exactly_one_holder",
            ),
            models.CheckConstraint(condition=models.Q(term_years__gte=MIN_TERM_YEARS, term_years__lte=MAX_TERM_YEARS),
                                   name="own_offer_term_1_to_5"),
            models.CheckConstraint(condition=~models.Q(status="refused") | ~models.Q(reason=""),
                                   name="own_offer_refusal_has_reason"),
        ]
        indexes = [models.Index(fields=["insurer", "status", "due_at"])]

    def __str__(self) -> str:
        return f"{self.title} ({self.holder} → {self.insurer_id}, {self.year})"

    @property
    def holder(self):
        return self.practice if self.practice_id else self.care_group

    @property
    def last_year(self) -> int:
        return self.year + self.term_years - 1

    @property
    def years_label(self) -> str:
        return str(self.year) if self.term_years == 1 else f"{self.year}–{self.last_year}"


class OwnOfferLine(models.Model):
    """One catalogue module of an own offer with the tariff the holder proposes."""

    own_offer = models.ForeignKey(OwnOffer, on_delete=models.CASCADE, related_name="lines",
                                  verbose_name=_("eigen contractaanbod"))
    module = models.ForeignKey(Module, on_delete=models.PROTECT, related_name="+", verbose_name=_("module"))
    tariff = models.DecimalField(_("tarief (€)"), max_digits=10, decimal_places=2,
                                 validators=[MinValueValidator(0)])
    conditions = models.TextField(_("voorwaarden"), blank=True)

    class Meta:
        verbose_name = _("regel eigen contractaanbod")
        verbose_name_plural = _("regels eigen contractaanbod")
        ordering = ["module__segment", "module__sort_order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["own_offer", "module"], name="own_offer_line_once"),
            models.CheckConstraint(condition=models.Q(tariff__gte=0), name="own_offer_line_tariff_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.own_offer_id}: {self.module_id} {self.tariff}"
