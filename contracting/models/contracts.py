"""Standard contracts and the modules they offer."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.numbers import money

from .catalogue import HolderKind, Module

__all__ = ["DEFAULT_ADJUSTMENT_CLAUSE", "ContractModule", "HolderKind", "StandardContract"]


DEFAULT_ADJUSTMENT_CLAUSE = (
    "Indien wettelijke of budgettaire wijzigingen buiten de invloed van partijen daartoe noodzaken, kunnen "
    "partijen de afspraken in deze overeenkomst jaarlijks in overleg aanpassen. De contracteercyclus wordt dan "
    "voor de wijziging doorlopen (Good Contracting Practices, meerjarencontracten)."
)


# A contract runs 1 to 5 years (GCP: "meerjarig" is at least 2 years, preferably 3 or longer; 5 is the portal's
# upper bound). Every "does this contract cover year Y" question is answered by covering() below.
MIN_TERM_YEARS, MAX_TERM_YEARS = 1, 5
TERM_RANGE = range(MIN_TERM_YEARS, MAX_TERM_YEARS + 1)


def covering(queryset, year: int, prefix: str = ""):
    """`queryset` narrowed to the rows whose standard contract (reached through `prefix`, e.g. "offer__" from a
    follow request, "standard_contract__" from an offer, "" for contracts) covers contract year `year`: its
    first year at most `year` and its last year at least `year`. The lower bound on the first year keeps the
    search a range on (first_year) however many years of contracts the database holds. The one home of the
    rule (register, dashboards, offer lists, the API filter, NZa maxima)."""
    first = f"{prefix}first_year"
    return queryset.alias(**{"covers_until_year": models.F(first) + models.F(f"{prefix}term_years") - 1}).filter(
        **{f"{first}__lte": year, f"{first}__gte": year - MAX_TERM_YEARS + 1}, covers_until_year__gte=year)


class Indexation(models.TextChoices):
    """The indexation clause of a (multi-year) contract: which tariffs the insurer's yearly index figure moves
    at the start of each later year of the term."""

    NONE = "none", _("Geen indexatie")
    STAFF = "staff", _("Alleen personeelskosten")
    ALL = "all", _("Alle onderdelen")


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
        _("looptijd (jaren)"), default=1,
        validators=[MinValueValidator(MIN_TERM_YEARS), MaxValueValidator(MAX_TERM_YEARS)])
    title = models.CharField(_("titel"), max_length=200)
    conditions = models.TextField(_("algemene voorwaarden"), blank=True)
    adjustment_clause = models.TextField(_("aanpassingsclausule"), blank=True, default=DEFAULT_ADJUSTMENT_CLAUSE)
    indexation = models.CharField(_("indexatieclausule"), max_length=10, choices=Indexation.choices,
                                  default=Indexation.NONE)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    published_at = models.DateTimeField(_("gepubliceerd op"), null=True, blank=True)
    is_late = models.BooleanField(_("te laat gepubliceerd"), default=False)
    # Offered only to holders that qualified (services.qualifications), not to everyone at publication.
    requires_qualification = models.BooleanField(_("alleen na kwalificatie (uitvraag)"), default=False)
    content_hash = models.CharField(_("inhoudshash"), max_length=64, blank=True)
    created_at = models.DateTimeField(_("aangemaakt op"), auto_now_add=True)

    class Meta:
        verbose_name = _("standaardcontract")
        verbose_name_plural = _("standaardcontracten")
        ordering = ["-first_year", "insurer__name", "id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(term_years__gte=MIN_TERM_YEARS, term_years__lte=MAX_TERM_YEARS),
                                   name="standard_contract_term_1_to_5"),
        ]

    def __str__(self) -> str:
        return f"{self.insurer} — {self.title} ({self.years_label})"

    @property
    def last_year(self) -> int:
        return self.first_year + self.term_years - 1

    @property
    def years(self) -> range:
        return range(self.first_year, self.first_year + self.term_years)

    def covers(self, year: int) -> bool:
        return self.first_year <= year <= self.last_year

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
    # Choosable only by holders that qualified for it (services.qualifications.module_qualification_refusal).
    requires_qualification = models.BooleanField(_("alleen na kwalificatie (uitvraag)"), default=False)
    # Care-group (S2) terms, from the agreed step of a negotiation; empty for practice contracts.
    expected_patients = models.PositiveIntegerField(_("verwachte patiënten in de keten"), null=True, blank=True)
    lumpsum = models.DecimalField(_("basisbedrag (lumpsum, €)"), max_digits=12, decimal_places=2, null=True,
                                  blank=True)
    staffel_from = models.PositiveIntegerField(_("staffel vanaf (ingeschreven verzekerden)"), null=True, blank=True)
    components = models.JSONField(_("ketenonderdelen: integraal of apart"), default=dict, blank=True)
    inclusion_ceiling_percent = models.DecimalField(_("inclusieplafond (% van de populatie)"), max_digits=5,
                                                    decimal_places=2, null=True, blank=True)

    class Meta:
        verbose_name = _("contractmodule")
        verbose_name_plural = _("contractmodules")
        ordering = ["module__segment", "module__sort_order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["standard_contract", "module"], name="contract_module_once"),
        ]

    def __str__(self) -> str:
        return f"{self.module.name}: {money(self.tariff)}"


class ContractIndex(models.Model):
    """The index figure of a multi-year contract with an indexation clause for one later year of its term: set
    by a purchaser of the contract's insurer before that year's definitive offers are due (15 September;
    15 July for care-group contracts), applied once at the start of the year by the deadline engine
    (contracting.effects.apply_indexation), which sets `applied_at` to the year's first moment. Only an applied
    figure moves the terms in force (selectors.contract_terms)."""

    standard_contract = models.ForeignKey(StandardContract, on_delete=models.PROTECT, related_name="indices",
                                          verbose_name=_("standaardcontract"))
    year = models.PositiveSmallIntegerField(_("contractjaar"))
    percent = models.DecimalField(_("indexcijfer (%)"), max_digits=5, decimal_places=2)
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                               related_name="+", verbose_name=_("vastgesteld door"))
    set_at = models.DateTimeField(_("vastgesteld op"))
    applied_at = models.DateTimeField(_("toegepast per"), null=True, blank=True)

    class Meta:
        verbose_name = _("indexcijfer")
        verbose_name_plural = _("indexcijfers")
        ordering = ["standard_contract", "year"]
        constraints = [
            models.UniqueConstraint(fields=["standard_contract", "year"], name="contract_index_once_per_year"),
            models.CheckConstraint(condition=models.Q(percent__gt=-100), name="contract_index_above_minus_100"),
        ]

    def __str__(self) -> str:
        return f"{self.standard_contract_id} {self.year}: {self.percent}%"
