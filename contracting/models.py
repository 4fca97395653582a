from django.db import models
from django.utils.translation import gettext_lazy as _

from .calendar import RULES_BY_KIND, MilestoneKind, Phase


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
    """One dated step of a contract year's GCP calendar. The sweep applies its effects once, when due."""

    contract_year = models.ForeignKey(ContractYear, on_delete=models.CASCADE, related_name="milestones",
                                      verbose_name=_("contractjaar"))
    kind = models.CharField(_("soort"), max_length=40, choices=MilestoneKind.choices)
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
        return f"{self.contract_year}: {self.get_kind_display()}"

    @property
    def rule(self):
        return RULES_BY_KIND[self.kind]


class MilestoneEffect(models.Model):
    """What the sweep did for one effect of one milestone. The unique constraint makes it happen once."""

    class Status(models.TextChoices):
        APPLIED = "applied", _("uitgevoerd")
        SKIPPED = "skipped", _("overgeslagen (te laat)")

    milestone = models.ForeignKey(Milestone, on_delete=models.CASCADE, related_name="effects",
                                  verbose_name=_("mijlpaal"))
    effect = models.CharField(_("effect"), max_length=80)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    effective_at = models.DateTimeField(_("geldt vanaf"))
    applied_at = models.DateTimeField(_("verwerkt op"))
    result = models.JSONField(_("resultaat"), default=dict, blank=True)

    class Meta:
        verbose_name = _("mijlpaaleffect")
        verbose_name_plural = _("mijlpaaleffecten")
        ordering = ["applied_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["milestone", "effect"], name="milestone_effect_once"),
        ]

    def __str__(self) -> str:
        return f"{self.milestone}: {self.effect} ({self.status})"


class SweepRun(models.Model):
    """A sweep that found work: when it ran, as of which moment, and what it applied."""

    started_at = models.DateTimeField(_("gestart"))
    finished_at = models.DateTimeField(_("klaar"), null=True, blank=True)
    as_of = models.DateTimeField(_("peilmoment"))
    applied_count = models.PositiveIntegerField(_("mijlpalen verwerkt"), default=0)
    details = models.JSONField(_("details"), default=list, blank=True)

    class Meta:
        verbose_name = _("sweep")
        verbose_name_plural = _("sweeps")
        ordering = ["-started_at", "-id"]

    def __str__(self) -> str:
        return f"{self.started_at:%Y-%m-%d %H:%M}: {self.applied_count}"
