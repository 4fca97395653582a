"""Contract years, their calendar milestones, per-object clocks and what the sweep did with them."""

from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

from ..calendar import Phase
from ..engine import calendar_rule, clock_kinds, milestone_label, validate_clock_kind, validate_milestone_kind


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
