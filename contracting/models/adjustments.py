"""Mid-term adjustments of a running multi-year contract under its exception clause (aanpassingsclausule)."""

from django.contrib.contenttypes.fields import GenericRelation
from django.db import models
from django.utils.translation import gettext_lazy as _

from .addenda import ContractAddendum
from .deadlines import Clock
from .offers import Offer


class ContractAdjustment(models.Model):
    """An adjustment of a signed multi-year contract for one later year of its term, on the ground the GCP
    exception clause names ("wettelijke of budgettaire wijzigingen of onduidelijkheden (buiten de macht van
    partijen)"). The change itself is a ContractAddendum of kind "adjustment" (`addendum`): it takes effect
    only when the holder's signatory accepts it. Its status is the addendum's; `lapsed_at` is set when the
    year's signing closed before the signatory decided (the addendum is then withdrawn by the system)."""

    class Ground(models.TextChoices):
        LEGAL = "legal", _("Wettelijke wijziging")
        BUDGET = "budget", _("Budgettaire wijziging")
        UNCLEAR = "unclear", _("Onduidelijkheid buiten de macht van partijen")

    offer = models.ForeignKey(Offer, on_delete=models.PROTECT, related_name="adjustments",
                              verbose_name=_("ondertekend contract"))
    addendum = models.OneToOneField(ContractAddendum, on_delete=models.PROTECT, related_name="adjustment",
                                    verbose_name=_("addendum"))
    year = models.PositiveSmallIntegerField(_("contractjaar"))
    ground = models.CharField(_("grond"), max_length=20, choices=Ground.choices)
    explanation = models.TextField(_("toelichting op de grond"))
    # The acceptance clock's due moment (the end of the year's signing), mirrored by the clock service.
    due_at = models.DateTimeField(_("ondertekenen uiterlijk"), null=True, editable=False)
    lapsed_at = models.DateTimeField(_("vervallen op"), null=True, blank=True)
    clocks = GenericRelation(Clock, related_query_name="contract_adjustment")

    class Meta:
        verbose_name = _("tussentijdse aanpassing")
        verbose_name_plural = _("tussentijdse aanpassingen")
        ordering = ["offer_id", "year", "id"]
        indexes = [models.Index(fields=["offer", "year"])]

    def __str__(self) -> str:
        return f"{self.offer_id} {self.year}: {self.get_ground_display()}"
