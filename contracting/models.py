from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey, GenericRelation
from django.contrib.contenttypes.models import ContentType
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.numbers import money

from .calendar import Phase
from .engine import calendar_rule, clock_kinds, milestone_label, validate_clock_kind, validate_milestone_kind


class ContractYear(models.Model):
    """The contracting cycle for one contract year (e.g. 2027, contracted during 2026)."""

    year = models.PositiveSmallIntegerField(_("contractjaar"), unique=True)
    phase = models.CharField(_("fase"), max_length=30, choices=Phase.choices, default=Phase.POLICY)
    phase_since = models.DateTimeField(_("fase sinds"), null=True, blank=True)

    class Meta:
        verbose_name = _("contractjaar")
        verbose_name_plural = _("contractjaren")
        ordering = ["-year"]

    def __str__(self) -> str:
        return str(self.year)


class Milestone(models.Model):
    """One dated step of a contract year's calendar, from a rule an app registered with the deadline engine
    (contracting/engine.py). The sweep applies its effects once, when due."""

    contract_year = models.ForeignKey(ContractYear, on_delete=models.CASCADE, related_name="milestones",
                                      verbose_name=_("contractjaar"))
    # A registered kind, not a fixed list of choices: an app adds its rules without a contracting migration.
    kind = models.CharField(_("soort"), max_length=80, validators=[validate_milestone_kind])
    due_at = models.DateTimeField(_("moment"), db_index=True)
    applied_at = models.DateTimeField(_("verwerkt op"), null=True, blank=True)

    class Meta:
        verbose_name = _("mijlpaal")
        verbose_name_plural = _("mijlpalen")
        ordering = ["due_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["contract_year", "kind"], name="milestone_once_per_year"),
        ]
        indexes = [
            models.Index(fields=["due_at"], condition=models.Q(applied_at__isnull=True),
                         name="milestone_pending_due"),
        ]

    def __str__(self) -> str:
        return f"{self.contract_year}: {self.label}"

    @property
    def rule(self):
        return calendar_rule(self.kind)

    @property
    def label(self) -> str:
        return milestone_label(self.kind)


class Clock(models.Model):
    """A per-object deadline: an answer due in 5 working days, a decision due at a milestone, a knelpunt in
    2 weeks. Its due moment is computed once, when the clock starts, and stored; only the clock service
    (contracting/services/clocks.py) writes it. When it falls due while neither done nor cancelled, the sweep
    runs its effect once."""

    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("soort object"))
    object_id = models.PositiveBigIntegerField(_("object"))
    target = GenericForeignKey("content_type", "object_id")
    kind = models.CharField(_("soort termijn"), max_length=80, validators=[validate_clock_kind])
    effect = models.CharField(_("effect bij verstrijken"), max_length=80, blank=True)
    started_at = models.DateTimeField(_("gestart op"))
    due_at = models.DateTimeField(_("uiterlijk"))
    milestone = models.ForeignKey(Milestone, null=True, blank=True, on_delete=models.PROTECT, related_name="clocks",
                                  verbose_name=_("mijlpaal"),
                                  help_text=_("De mijlpaal waarmee deze termijn meeschuift."))
    done_at = models.DateTimeField(_("afgehandeld op"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("vervallen op"), null=True, blank=True)
    processed_at = models.DateTimeField(_("verstreken en verwerkt op"), null=True, blank=True)

    class Meta:
        verbose_name = _("termijn")
        verbose_name_plural = _("termijnen")
        ordering = ["due_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["content_type", "object_id", "kind"], name="clock_once_per_object_kind"),
        ]
        indexes = [
            models.Index(fields=["due_at"], name="clock_open_due",
                         condition=models.Q(done_at__isnull=True, cancelled_at__isnull=True,
                                            processed_at__isnull=True)),
            models.Index(fields=["milestone"], name="clock_open_by_milestone",
                         condition=models.Q(milestone__isnull=False, done_at__isnull=True,
                                            cancelled_at__isnull=True)),
        ]

    def __str__(self) -> str:
        return f"{self.label}: {self.content_type.model} {self.object_id}"

    @property
    def label(self) -> str:
        spec = clock_kinds().get(self.kind)
        return spec.label if spec else self.kind

    @property
    def is_open(self) -> bool:
        return self.done_at is None and self.cancelled_at is None


class EffectRun(models.Model):
    """What the sweep did for one effect of one milestone or clock. The unique constraints make it happen
    once; a failed run keeps its error and is retried from `next_attempt_at` until it applies."""

    class Status(models.TextChoices):
        APPLIED = "applied", _("uitgevoerd")
        SKIPPED = "skipped", _("overgeslagen")
        FAILED = "failed", _("mislukt")

    milestone = models.ForeignKey(Milestone, null=True, blank=True, on_delete=models.CASCADE,
                                  related_name="effects", verbose_name=_("mijlpaal"))
    clock = models.ForeignKey(Clock, null=True, blank=True, on_delete=models.CASCADE, related_name="effects",
                              verbose_name=_("termijn"))
    effect = models.CharField(_("effect"), max_length=80)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    effective_at = models.DateTimeField(_("geldt vanaf"))
    applied_at = models.DateTimeField(_("verwerkt op"), null=True, blank=True)
    result = models.JSONField(_("resultaat"), default=dict, blank=True)
    attempts = models.PositiveIntegerField(_("pogingen"), default=0)
    error = models.TextField(_("fout"), blank=True)
    failed_at = models.DateTimeField(_("laatst mislukt op"), null=True, blank=True)
    next_attempt_at = models.DateTimeField(_("volgende poging"), null=True, blank=True)

    class Meta:
        verbose_name = _("effect")
        verbose_name_plural = _("effecten")
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(fields=["milestone", "effect"], name="milestone_effect_once"),
            models.UniqueConstraint(fields=["clock", "effect"], name="clock_effect_once"),
            models.CheckConstraint(
                condition=(models.Q(milestone__isnull=False, clock__isnull=True)
                           | models.Q(milestone__isnull=True, clock__isnull=False)),
                name="effect_run_for_milestone_or_clock",
            ),
        ]
        indexes = [
            models.Index(fields=["next_attempt_at"], condition=models.Q(status="failed"), name="effect_run_failed"),
        ]

    def __str__(self) -> str:
        return f"{self.milestone or self.clock}: {self.effect} ({self.status})"


class SweepRun(models.Model):
    """A sweep that found work: when it ran, as of which moment, the contract years it created, and what it
    applied (milestones and clocks, with the outcome of each effect)."""

    started_at = models.DateTimeField(_("gestart"))
    finished_at = models.DateTimeField(_("klaar"), null=True, blank=True)
    as_of = models.DateTimeField(_("peilmoment"))
    applied_count = models.PositiveIntegerField(_("mijlpalen en termijnen verwerkt"), default=0)
    years_created = models.JSONField(_("contractjaren aangemaakt"), default=list, blank=True)
    details = models.JSONField(_("details"), default=list, blank=True)

    class Meta:
        verbose_name = _("sweep")
        verbose_name_plural = _("sweeps")
        ordering = ["-started_at", "-id"]

    def __str__(self) -> str:
        return f"{self.started_at:%Y-%m-%d %H:%M}: {self.applied_count}"


# --- Module catalogue and NZa maximum tariffs -----------------------------------------------------------
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


class Unit(models.TextChoices):
    PER_PATIENT_QUARTER = "per_inschrijving_kwartaal", _("per ingeschreven patiënt per kwartaal")
    PER_PATIENT_YEAR = "per_patient_jaar", _("per ingeschreven patiënt per jaar")
    PER_WEEKLY_HOUR_YEAR = "per_weekuur_jaar", _("per uur per week, per jaar")
    PER_PRACTICE_YEAR = "per_praktijk_jaar", _("per praktijk per jaar")
    PER_CONSULT = "per_consult", _("per consult")
    PER_ITEM = "per_verrichting", _("per verrichting")


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

    class Meta:
        verbose_name = _("module")
        verbose_name_plural = _("modulecatalogus")
        ordering = ["segment", "sort_order", "name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.segment})"


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


# --- Standard contracts ---------------------------------------------------------------------------------
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


# --- Offers, choices, signatures ------------------------------------------------------------------------
class Offer(models.Model):
    """A standard contract offered to one holder: a practice or a care group."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        SIGNED = "signed", _("Ondertekend")
        REFUSED = "refused", _("Geweigerd")
        EXPIRED = "expired", _("Verlopen")

    class Reason(models.TextChoices):
        PREFERENT = "preferent", _("Preferente verzekeraar")
        REQUESTED = "requested", _("Op verzoek van de aanbieder")

    standard_contract = models.ForeignKey(StandardContract, on_delete=models.PROTECT, related_name="offers",
                                          verbose_name=_("standaardcontract"))
    practice = models.ForeignKey("providers.Practice", null=True, blank=True, on_delete=models.CASCADE,
                                 related_name="offers", verbose_name=_("praktijk"))
    care_group = models.ForeignKey("providers.CareGroup", null=True, blank=True, on_delete=models.CASCADE,
                                   related_name="offers", verbose_name=_("samenwerkingsverband"))
    year = models.PositiveSmallIntegerField(_("contractjaar"), db_index=True)
    insurer = models.ForeignKey("insurers.Insurer", on_delete=models.PROTECT, related_name="offers",
                                verbose_name=_("zorgverzekeraar"))
    # The holder's region when the offer was made (the region whose market share made the insurer preferent),
    # set by the services that create offers. The signing watch counts by it from an index alone; a practice
    # that moves later keeps its offers in the region they were made for.
    region = models.ForeignKey("providers.Region", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="+", verbose_name=_("regio"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.OPEN)
    reason = models.CharField(_("reden"), max_length=20, choices=Reason.choices, default=Reason.PREFERENT)
    created_at = models.DateTimeField(_("aangeboden op"), auto_now_add=True)
    opened_at = models.DateTimeField(_("voor het eerst bekeken"), null=True, blank=True)
    decided_at = models.DateTimeField(_("besloten op"), null=True, blank=True)
    refusal_reason = models.TextField(_("reden van weigering"), blank=True)

    class Meta:
        verbose_name = _("aanbod")
        verbose_name_plural = _("aanbiedingen")
        ordering = ["-year", "insurer__name", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(practice__isnull=False, care_group__isnull=True)
                           | models.Q(practice__isnull=True, care_group__isnull=False)),
                name="offer_has_exactly_one_holder",
            ),
            models.UniqueConstraint(fields=["standard_contract", "practice"], name="offer_once_per_practice",
                                    condition=models.Q(practice__isnull=False)),
            models.UniqueConstraint(fields=["standard_contract", "care_group"], name="offer_once_per_care_group",
                                    condition=models.Q(care_group__isnull=False)),
        ]
        indexes = [
            # The API offer list orders by (-year, insurer, id): one index per filter combination it serves, so
            # a page is read in index order and stops after its rows (OFFER_LIST_ORDERING in contracting.api).
            models.Index(fields=["insurer", "year", "status", "id"], name="offer_insurer_year_status"),
            models.Index(fields=["insurer", "-year", "id"], name="offer_insurer_year"),
            models.Index(fields=["-year", "insurer", "id"], name="offer_year_insurer"),
            models.Index(fields=["practice", "year"]),
            # The signing watch (selectors.dashboards.signing_watch) counts from this index alone.
            models.Index(fields=["insurer", "year", "region", "status", "opened_at"], name="offer_signing_watch",
                         condition=models.Q(practice__isnull=False)),
        ]

    def __str__(self) -> str:
        return f"{self.standard_contract.title} → {self.holder}"

    @property
    def holder(self):
        return self.practice if self.practice_id else self.care_group


class ModuleChoice(models.Model):
    """A module the holder has ticked while preparing to sign (hours for capped modules)."""

    offer = models.ForeignKey(Offer, on_delete=models.CASCADE, related_name="choices", verbose_name=_("aanbod"))
    contract_module = models.ForeignKey(ContractModule, on_delete=models.CASCADE, related_name="+",
                                        verbose_name=_("module"))
    hours = models.DecimalField(_("uren per week"), max_digits=6, decimal_places=2, null=True, blank=True)

    class Meta:
        verbose_name = _("modulekeuze")
        verbose_name_plural = _("modulekeuzes")
        constraints = [
            models.UniqueConstraint(fields=["offer", "contract_module"], name="module_choice_once"),
        ]

    def __str__(self) -> str:
        return f"{self.offer_id}: {self.contract_module_id} ({self.hours or '-'})"


class Signature(models.Model):
    """The signed contract: the exact content at signing, frozen, with its SHA-256 hash."""

    offer = models.OneToOneField(Offer, on_delete=models.PROTECT, related_name="signature",
                                 verbose_name=_("aanbod"))
    signed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                  verbose_name=_("ondertekend door"))
    signed_at = models.DateTimeField(_("ondertekend op"))
    content = models.JSONField(_("inhoud"))
    content_hash = models.CharField(_("inhoudshash (SHA-256)"), max_length=64)
    estimated_amount = models.DecimalField(_("geschat jaarbedrag (€)"), max_digits=12, decimal_places=2)
    # The purchasing-policy version in force when this was signed (also frozen in `content`): a later version
    # does not change what the holder signed under. Null: the insurer had published no policy for the year.
    policy_version = models.ForeignKey("insurers.PolicyVersion", null=True, blank=True, on_delete=models.PROTECT,
                                       related_name="+", verbose_name=_("inkoopbeleid bij ondertekening"))

    class Meta:
        verbose_name = _("handtekening")
        verbose_name_plural = _("handtekeningen")
        ordering = ["-signed_at"]

    def __str__(self) -> str:
        return f"{self.offer} — {self.content_hash[:12]}"


class Question(models.Model):
    """A question from the holder about an offer; the insurer answers within 5 working days (GCP)."""

    offer = models.ForeignKey(Offer, on_delete=models.CASCADE, related_name="questions", verbose_name=_("aanbod"))
    asked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("gesteld door"))
    text = models.TextField(_("vraag"))
    asked_at = models.DateTimeField(_("gesteld op"))
    # The due moment of the question's answer clock (contracting.question.answer), mirrored here for sorting
    # the inbox; only the clock service writes it, in the transaction that starts the clock.
    due_at = models.DateTimeField(_("antwoord uiterlijk"), null=True, editable=False)
    answer = models.TextField(_("antwoord"), blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+", verbose_name=_("beantwoord door"))
    answered_at = models.DateTimeField(_("beantwoord op"), null=True, blank=True)
    clocks = GenericRelation(Clock, related_query_name="question")

    class Meta:
        verbose_name = _("vraag")
        verbose_name_plural = _("vragen")
        ordering = ["due_at", "id"]

    def __str__(self) -> str:
        return self.text[:60]


class FollowRequest(models.Model):
    """A signed contract offered to another insurer to follow (volgen). Decision due before 1 January."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Wacht op besluit")
        FOLLOWED = "followed", _("Gevolgd")
        PARTIAL = "partial", _("Gedeeltelijk gevolgd")
        DECLINED = "declined", _("Niet gevolgd")

    offer = models.ForeignKey(Offer, on_delete=models.PROTECT, related_name="follow_requests",
                              verbose_name=_("ondertekend contract"))
    insurer = models.ForeignKey("insurers.Insurer", on_delete=models.PROTECT, related_name="follow_requests",
                                verbose_name=_("verzekeraar"))
    year = models.PositiveSmallIntegerField(_("contractjaar"), db_index=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PENDING)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("aangevraagd door"))
    requested_at = models.DateTimeField(_("aangevraagd op"))
    # The due moment of the request's decision clock, anchored to the follow-decision milestone and moved
    # with it; mirrored here for sorting, written only by the clock service.
    due_at = models.DateTimeField(_("besluit uiterlijk"), null=True, editable=False)
    not_followed = models.JSONField(_("niet gevolgde modules of tarieven"), default=list, blank=True)
    explanation = models.TextField(_("toelichting"), blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+", verbose_name=_("besloten door"))
    decided_at = models.DateTimeField(_("besloten op"), null=True, blank=True)
    clocks = GenericRelation(Clock, related_query_name="follow_request")

    class Meta:
        verbose_name = _("volgverzoek")
        verbose_name_plural = _("volgverzoeken")
        ordering = ["due_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["offer", "insurer"], name="follow_request_once_per_insurer"),
        ]
        indexes = [models.Index(fields=["insurer", "status"])]

    def __str__(self) -> str:
        return f"{self.offer.holder} → {self.insurer} ({self.get_status_display()})"


class RegisterPublication(models.Model):
    """The public register of contracted providers of one insurer for one year (19 November). Its lines are
    RegisterEntry rows, written by contracting.services.register (which states the rule)."""

    insurer = models.ForeignKey("insurers.Insurer", on_delete=models.PROTECT, related_name="+",
                                verbose_name=_("zorgverzekeraar"))
    year = models.PositiveSmallIntegerField(_("contractjaar"))
    published_at = models.DateTimeField(_("gepubliceerd op"))
    entry_count = models.PositiveIntegerField(_("aantal vermeldingen"), default=0)

    class Meta:
        verbose_name = _("registerpublicatie")
        verbose_name_plural = _("registerpublicaties")
        constraints = [
            models.UniqueConstraint(fields=["insurer", "year"], name="register_once_per_insurer_year"),
        ]

    def __str__(self) -> str:
        return f"{self.insurer_id} {self.year}"


class RegisterEntry(models.Model):
    """One line of a published register: a practice or care group contracted by an insurer for a year, through
    its own contract or a followed one, with the names as published. Written only by
    contracting.services.register; never changed or removed afterwards."""

    class Via(models.TextChoices):
        CONTRACT = "contract", _("Eigen contract")
        FOLLOWED = "volgcontract", _("Volgcontract")

    year = models.PositiveSmallIntegerField(_("contractjaar"))
    insurer = models.ForeignKey("insurers.Insurer", on_delete=models.PROTECT, related_name="+",
                                verbose_name=_("zorgverzekeraar"))
    insurer_name = models.CharField(_("naam zorgverzekeraar"), max_length=200)
    offer = models.ForeignKey(Offer, on_delete=models.PROTECT, related_name="+",
                              verbose_name=_("ondertekend contract"))
    via = models.CharField(_("contractvorm"), max_length=20, choices=Via.choices)
    kind = models.CharField(_("soort zorgaanbieder"), max_length=20, choices=HolderKind.choices)
    name = models.CharField(_("naam"), max_length=200)
    agb_code = models.CharField(_("AGB-code"), max_length=8, blank=True)
    city = models.CharField(_("plaats"), max_length=100, blank=True)
    # Name, AGB code and city, casefolded and one per line: the register's search box looks here.
    search_text = models.CharField(_("zoektekst"), max_length=320)
    added_at = models.DateTimeField(_("opgenomen op"))

    class Meta:
        verbose_name = _("registervermelding")
        verbose_name_plural = _("registervermeldingen")
        ordering = ["year", "insurer_name", "name", "agb_code", "id"]
        constraints = [
            models.UniqueConstraint(fields=["year", "insurer", "offer", "via"], name="register_entry_once"),
        ]
        indexes = [
            # The register's two orders: all insurers (by name), and one insurer's lines.
            models.Index(fields=["year", "insurer_name", "name", "agb_code", "id"], name="register_entry_order"),
            models.Index(fields=["year", "insurer", "name", "agb_code", "id"], name="register_entry_insurer"),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.insurer_name}: {self.name} ({self.via})"
