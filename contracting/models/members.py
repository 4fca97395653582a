"""A care group's member practices: which of its programmes each takes part in, and how POH-S is arranged
between the practice and the care group (one of the three variants of the NZa monitor 2019)."""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from .catalogue import Module


class PohsVariant(models.TextChoices):
    """The three ways insurers buy POH-S (NZa, Monitor contractafspraken huisartsenzorg 2019, §3 'Poh-somatiek')."""

    # "geen aparte vergoeding voor poh-s in het standaardcontract voor huisartsenzorg. De gehele inzet van
    # poh-s is onderdeel van de tariefafspraken rondom ketenzorg."
    IN_KETENZORG = "in_ketenzorg", _("Geheel in de ketenzorg: geen aparte vergoeding voor POH-S in het "
                                     "standaardcontract; de gehele inzet van POH-S is onderdeel van de "
                                     "tariefafspraken rondom ketenzorg")
    # "vergoeden het samenwerkingsverband enkel voor de overhead die gepaard gaat met de chronische
    # ketenzorgprestaties. De hieraan gerelateerde huisartsenzorg kopen ze vervolgens bij de
    # huisartsenpraktijken in via het standaardcontract."
    VIA_PRACTICE = "via_praktijk", _("Via het standaardcontract: het samenwerkingsverband wordt enkel vergoed "
                                     "voor de overhead van de ketenzorg; de POH-S wordt bij de praktijk "
                                     "ingekocht via het standaardcontract")
    # "de opslag die de huisarts voor poh-s ontvangt verminderd met het bedrag dat hij voor de ketenzorg
    # vanuit het samenwerkingsverband ontvangt."
    HYBRID = "aanvulling", _("Aanvulling op de ketenzorg: de vergoeding voor POH-S in het standaardcontract "
                             "wordt verminderd met het bedrag dat de praktijk voor de ketenzorg vanuit het "
                             "samenwerkingsverband ontvangt")


class ProgrammeParticipation(models.Model):
    """A member practice takes part in one of its care group's programmes (a zorgprogramma of segment S2 in
    the catalogue: DM2, COPD, VRM, astma, ...)."""

    care_group = models.ForeignKey("providers.CareGroup", on_delete=models.CASCADE,
                                   related_name="programme_participations", verbose_name=_("samenwerkingsverband"))
    practice = models.ForeignKey("providers.Practice", on_delete=models.CASCADE,
                                 related_name="programme_participations", verbose_name=_("praktijk"))
    module = models.ForeignKey(Module, on_delete=models.PROTECT, related_name="+", verbose_name=_("programma"))
    created_at = models.DateTimeField(_("vastgelegd op"), auto_now_add=True)

    class Meta:
        verbose_name = _("deelname aan een programma")
        verbose_name_plural = _("deelnames aan programma's")
        ordering = ["care_group", "practice", "module__sort_order"]
        constraints = [
            models.UniqueConstraint(fields=["care_group", "practice", "module"], name="programme_participation_once"),
        ]

    def __str__(self) -> str:
        return f"{self.practice_id} in {self.module_id} ({self.care_group_id})"


class PohsArrangement(models.Model):
    """How POH-S is paid between a practice and its care group; one per practice. Under the hybrid variant
    `care_group_amount` is what the practice receives for POH-S from the care group's ketenzorg each year,
    by which its own POH-S fee is reduced (pricing.pohs_net)."""

    practice = models.OneToOneField("providers.Practice", on_delete=models.CASCADE, related_name="pohs_arrangement",
                                    verbose_name=_("praktijk"))
    care_group = models.ForeignKey("providers.CareGroup", on_delete=models.CASCADE,
                                   related_name="pohs_arrangements", verbose_name=_("samenwerkingsverband"))
    variant = models.CharField(_("afspraak over POH-S"), max_length=20, choices=PohsVariant.choices)
    care_group_amount = models.DecimalField(_("bedrag via het samenwerkingsverband (€ per jaar)"), max_digits=10,
                                            decimal_places=2, null=True, blank=True,
                                            validators=[MinValueValidator(0)])
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("vastgelegd door"))
    updated_at = models.DateTimeField(_("vastgelegd op"), auto_now=True)

    class Meta:
        verbose_name = _("POH-S-afspraak")
        verbose_name_plural = _("POH-S-afspraken")
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(variant="aanvulling", care_group_amount__gte=0)
                           | (~models.Q(variant="aanvulling") & models.Q(care_group_amount__isnull=True))),
                name="pohs_amount_only_for_the_hybrid_variant"),
        ]

    def __str__(self) -> str:
        return f"{self.practice_id} / {self.care_group_id}: {self.variant}"
