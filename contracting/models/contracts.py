"""Standard contracts and the modules they offer."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.numbers import money

from .catalogue import Module


class HolderKind(models.TextChoices):
    PRACTICE = "practice", _("Huisartsenpraktijk")
    CARE_GROUP = "care_group", _("Samenwerkingsverband")


DEFAULT_ADJUSTMENT_CLAUSE = (
    "Indien wettelijke of budgettaire wijzigingen buiten de invloed van partijen daartoe noodzaken, kunnen "
    "partijen de afspraken in deze overeenkomst jaarlijks in overleg aanpassen. De contracteercyclus wordt dan "
    "voor de wijziging doorlopen (Good Contracting Practices, meerjarencontracten)."
)


class StandardContract(models.Model):
    """An insurer's standard contract for practices (or care groups), built from catalogue modules.
    Editable as a draft; published content is frozen (changes need a new contract)."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Concept")
        PUBLISHED = "published", _("Gepubliceerd")

    insurer = models.ForeignKey("insurers.Insurer", on_delete=models.PROTECT, related_name="standard_contracts",
                                verbose_name=_("zorgverzekeraar"))
    holder_kind = models.CharField(_("voor"), max_length=20, choices=HolderKind.choices,
                                   default=HolderKind.PRACTICE)
    first_year = models.PositiveSmallIntegerField(_("eerste contractjaar"))
    term_years = models.PositiveSmallIntegerField(
        _("looptijd (jaren)"), default=1, validators=[MinValueValidator(1), MaxValueValidator(3)])
    title = models.CharField(_("titel"), max_length=200)
    conditions = models.TextField(_("algemene voorwaarden"), blank=True)
    adjustment_clause = models.TextField(_("aanpassingsclausule"), blank=True, default=DEFAULT_ADJUSTMENT_CLAUSE)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    published_at = models.DateTimeField(_("gepubliceerd op"), null=True, blank=True)
    is_late = models.BooleanField(_("te laat gepubliceerd"), default=False)
    content_hash = models.CharField(_("inhoudshash"), max_length=64, blank=True)
    created_at = models.DateTimeField(_("aangemaakt op"), auto_now_add=True)

    class Meta:
        verbose_name = _("standaardcontract")
        verbose_name_plural = _("standaardcontracten")
        ordering = ["-first_year", "insurer__name", "id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(term_years__gte=1, term_years__lte=3),
                                   name="standard_contract_term_1_to_3"),
        ]

    def __str__(self) -> str:
        return f"{self.insurer} — {self.title} ({self.years_label})"

    @property
    def last_year(self) -> int:
        return self.first_year + self.term_years - 1

    @property
    def years_label(self) -> str:
        return str(self.first_year) if self.term_years == 1 else f"{self.first_year}–{self.last_year}"


class ContractModule(models.Model):
    """A module offered in a standard contract, with the insurer's tariff, conditions and cap."""

    standard_contract = models.ForeignKey(StandardContract, on_delete=models.CASCADE, related_name="modules",
                                          verbose_name=_("standaardcontract"))
    module = models.ForeignKey(Module, on_delete=models.PROTECT, related_name="+", verbose_name=_("module"))
    tariff = models.DecimalField(_("tarief (€)"), max_digits=10, decimal_places=2,
                                 validators=[MinValueValidator(0)])
    conditions = models.TextField(_("voorwaarden"), blank=True)
    cap_hours = models.DecimalField(_("plafond (uren per week per normaantal patiënten)"), max_digits=5,
                                    decimal_places=2, null=True, blank=True)
    mandatory = models.BooleanField(_("altijd onderdeel van het contract"), default=False)

    class Meta:
        verbose_name = _("contractmodule")
        verbose_name_plural = _("contractmodules")
        ordering = ["module__segment", "module__sort_order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["standard_contract", "module"], name="contract_module_once"),
        ]

    def __str__(self) -> str:
        return f"{self.module.name}: {money(self.tariff)}"
