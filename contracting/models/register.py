"""The public register of contracted providers."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from .contracts import HolderKind
from .offers import Offer


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
