"""The module catalogue and the NZa maximum tariffs."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from core.numbers import money


class Segment(models.TextChoices):
    S1 = "S1", _("S1 Basisvoorziening huisartsenzorg")
    S2 = "S2", _("S2 Multidisciplinaire eerstelijnszorg")
    S3 = "S3", _("S3 Resultaatbeloning en zorgvernieuwing")
    OUTSIDE = "buiten", _("Buiten de segmenten")


class ModuleCategory(models.TextChoices):
    PRESTATIE = "prestatie", _("NZa-prestatie (deel 1)")
    STAFF = "ondersteunend_personeel", _("Ondersteunend personeel")
    PROGRAMME = "zorgprogramma", _("Zorgprogramma's")
    RESULT = "resultaatbeloning", _("Resultaatbeloning")
    OTHER = "overig", _("Overig")


class HolderKind(models.TextChoices):
    PRACTICE = "practice", _("Huisartsenpraktijk")
    CARE_GROUP = "care_group", _("Samenwerkingsverband")


class Unit(models.TextChoices):
    PER_PATIENT_QUARTER = "per_inschrijving_kwartaal", _("per ingeschreven patiënt per kwartaal")
    # Ketenzorg (S2): the NZa prestatie is priced per patient in the keten per quarter, so a contract carries
    # the expected number of keten patients; not per registered patient.
    PER_KETEN_PATIENT_QUARTER = "per_ketenpatient_kwartaal", _("per patiënt in de keten per kwartaal")
    # O&I (S2): per ingeschreven verzekerde, optionally as a lumpsum for a minimal scale plus a staffel.
    PER_INSURED_YEAR = "per_verzekerde_jaar", _("per ingeschreven verzekerde per jaar")
    LUMPSUM_YEAR = "vast_bedrag_jaar", _("vast bedrag per jaar")
    PER_PATIENT_YEAR = "per_patient_jaar", _("per ingeschreven patiënt per jaar")
    PER_WEEKLY_HOUR_YEAR = "per_weekuur_jaar", _("per uur per week, per jaar")
    PER_PRACTICE_YEAR = "per_praktijk_jaar", _("per praktijk per jaar")
    PER_CONSULT = "per_consult", _("per consult")
    PER_ITEM = "per_verrichting", _("per verrichting")


class ProgrammeFunding(models.TextChoices):
    """How a care-group programme is paid (nza-monitor-2019.md §1, seed: Tabel 4.1 and the text after 4.5)."""

    KETEN = "keten", _("Ketenprestatie: integraal tarief per patiënt in de keten per kwartaal")
    # Kwetsbare ouderen and GGZ: no keten prestatie of the NZa; the insurer pays the care group's overhead and
    # then the care itself directly through the contracts with the individual providers.
    OVERHEAD = "overhead", _("Overhead aan het samenwerkingsverband; de zorg via de contracten van de "
                             "zorgverleners")


class ComponentMode(models.TextChoices):
    """Per contract: a programme component is in the integral tariff or bought separately."""

    INTEGRAL = "integral", _("in het integrale tarief")
    SEPARATE = "separate", _("apart ingekocht")


class OIFunction(models.TextChoices):
    """The seven O&I function categories (segments-oi-oth.md §2.1), the budget lines of an O&I agreement."""

    ICT = "ict", _("ICT")
    OPERATIONS = "bedrijfsvoering", _("Bedrijfsvoering/organiseren")
    QUALITY = "kwaliteit", _("Kwaliteit")
    INNOVATION = "innovatie", _("Innovatie")
    COLLABORATION = "samenwerking", _("Professionele samenwerking/zorgmanagement")
    MANDATED = "gemandateerde_afspraken", _("Gemandateerde afspraken met externe partijen")
    HOUSING = "huisvesting", _("Huisvesting")


class Component(models.Model):
    """A part of a ketenzorg programme (diëtetiek, voetzorg, …) that a contract has in the integral tariff or
    buys separately (NZa monitor Tabel 4.2–4.6)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("naam"), max_length=100)
    sort_order = models.PositiveSmallIntegerField(_("volgorde"), default=100)

    class Meta:
        verbose_name = _("ketenonderdeel")
        verbose_name_plural = _("ketenonderdelen")
        ordering = ["sort_order", "name"]

    def __str__(self) -> str:
        return self.name


class ModuleQuerySet(models.QuerySet):
    def offerable_to(self, holder_kind: str):
        """The modules a standard contract for `holder_kind` may offer (Module.offerable_to, as a query)."""
        qs = self.filter(retired=False)
        if holder_kind == HolderKind.CARE_GROUP:
            return qs.filter(segment=Segment.S2)
        return qs.exclude(segment=Segment.S2)


class CapRule(models.TextChoices):
    NONE = "none", _("geen plafond")
    HOURS_PER_PATIENTS = "hours_per_patients", _("uren per week per aantal ingeschreven patiënten")


class Module(models.Model):
    """A contract module from the catalogue (nza-monitor-2019.md §1), in one segment."""

    code = models.SlugField(_("code"), max_length=60, unique=True)
    name = models.CharField(_("naam"), max_length=200)
    segment = models.CharField(_("segment"), max_length=10, choices=Segment.choices)
    category = models.CharField(_("categorie"), max_length=30, choices=ModuleCategory.choices)
    unit = models.CharField(_("eenheid"), max_length=30, choices=Unit.choices)
    description = models.TextField(_("omschrijving"), blank=True)
    has_nza_max = models.BooleanField(_("NZa-maximumtarief"), default=False,
                                      help_text=_("Een S1-prestatie met een door de NZa vastgesteld maximumtarief."))
    cap_rule = models.CharField(_("plafondregel"), max_length=30, choices=CapRule.choices, default=CapRule.NONE)
    cap_hours_max = models.DecimalField(_("plafond: max. uren per week"), max_digits=5, decimal_places=2,
                                        null=True, blank=True)
    cap_hours_min = models.DecimalField(_("plafond: laagste plafond dat een verzekeraar mag kiezen"),
                                        max_digits=5, decimal_places=2, null=True, blank=True)
    cap_patients = models.PositiveIntegerField(_("plafond: per aantal patiënten"), null=True, blank=True)
    sort_order = models.PositiveSmallIntegerField(_("volgorde"), default=100)
    programme_funding = models.CharField(
        _("bekostiging zorgprogramma"), max_length=20, choices=ProgrammeFunding.choices, blank=True,
        help_text=_("Alleen voor zorgprogramma's van samenwerkingsverbanden."))
    components = models.ManyToManyField(Component, blank=True, related_name="programmes",
                                        verbose_name=_("ketenonderdelen"))
    retired = models.BooleanField(_("vervallen"), default=False,
                                  help_text=_("Niet meer aan te bieden; bestaande contracten houden de module."))

    objects = ModuleQuerySet.as_manager()

    class Meta:
        verbose_name = _("module")
        verbose_name_plural = _("modulecatalogus")
        ordering = ["segment", "sort_order", "name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.segment})"

    @property
    def is_staff_costs(self) -> bool:
        """Paid for the practice's staff (POH-GGZ, POH-S, praktijkmanagement): what an indexation clause "staff
        costs only" moves."""
        return self.category == ModuleCategory.STAFF

    @property
    def holder_kinds(self) -> frozenset[str]:
        """Who may hold this module: S2 (ketenzorg, O&I) is contracted with samenwerkingsverbanden only
        (nza-monitor-2019.md §1); every other segment with practices. The one home of this rule: the contract
        builder, standard_contract_set_module and the API ask it (or ModuleQuerySet.offerable_to)."""
        if self.segment == Segment.S2:
            return frozenset({HolderKind.CARE_GROUP})
        return frozenset({HolderKind.PRACTICE})

    def offerable_to(self, holder_kind: str) -> bool:
        return not self.retired and holder_kind in self.holder_kinds

    @property
    def is_keten_programme(self) -> bool:
        return self.programme_funding == ProgrammeFunding.KETEN

    @property
    def always_mandatory(self) -> bool:
        """An NZa prestatie with a maximum tariff (inschrijving, consult, …) is always part of a contract."""
        return self.has_nza_max and self.category == ModuleCategory.PRESTATIE


class NzaMaxTariff(models.Model):
    """The NZa maximum tariff of an S1 prestatie for one contract year (tariefbeschikking, 1 July)."""

    module = models.ForeignKey(Module, on_delete=models.PROTECT, related_name="nza_tariffs",
                               verbose_name=_("module"))
    year = models.PositiveSmallIntegerField(_("contractjaar"))
    max_tariff = models.DecimalField(_("maximumtarief (€)"), max_digits=10, decimal_places=2)
    set_at = models.DateTimeField(_("vastgesteld op"), auto_now=True)

    class Meta:
        verbose_name = _("NZa-maximumtarief")
        verbose_name_plural = _("NZa-maximumtarieven")
        ordering = ["-year", "module__sort_order"]
        constraints = [
            models.UniqueConstraint(fields=["module", "year"], name="nza_tariff_once_per_module_year"),
            models.CheckConstraint(condition=models.Q(max_tariff__gt=0), name="nza_tariff_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.module.name} {self.year}: {money(self.max_tariff)}"
