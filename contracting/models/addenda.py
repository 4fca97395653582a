"""Addenda to a signed contract: a signed contract is never edited; a change to it is an addendum that the
holder's signatory accepts (signed, frozen, hashed) or refuses."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .offers import Offer


class ContractAddendum(models.Model):
    """A change to a signed contract, proposed by a purchaser of the offer's insurer. Only an accepted addendum
    changes what the contract says (selectors.contract_terms); its content is frozen at acceptance with its
    SHA-256, like a Signature."""

    class Kind(models.TextChoices):
        MAATWERK = "maatwerk", _("Maatwerk")
        ADJUSTMENT = "adjustment", _("Tussentijdse aanpassing")

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Voorgesteld")
        ACCEPTED = "accepted", _("Ondertekend")
        REFUSED = "refused", _("Geweigerd")
        WITHDRAWN = "withdrawn", _("Ingetrokken")

    # The moves the services allow; every other move is refused with a 409.
    TRANSITIONS = {
        Status.PROPOSED: {Status.ACCEPTED, Status.REFUSED, Status.WITHDRAWN},
        Status.ACCEPTED: set(),
        Status.REFUSED: set(),
        Status.WITHDRAWN: set(),
    }

    offer = models.ForeignKey(Offer, on_delete=models.PROTECT, related_name="addenda",
                              verbose_name=_("ondertekend contract"))
    number = models.PositiveSmallIntegerField(_("volgnummer"))
    kind = models.CharField(_("soort"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("titel"), max_length=200)
    text = models.TextField(_("tekst"))
    # [{"module": code, "tariff": "12.50" | None, "hours": "8.0" | None}], checked against the signed modules.
    changes = models.JSONField(_("wijzigingen per module"), default=list, blank=True)
    effective_from = models.DateField(_("geldt vanaf"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PROPOSED)
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("voorgesteld door"))
    proposed_at = models.DateTimeField(_("voorgesteld op"))
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+", verbose_name=_("besloten door"))
    decided_at = models.DateTimeField(_("besloten op"), null=True, blank=True)
    refusal_reason = models.TextField(_("reden van weigering"), blank=True)
    # Frozen at acceptance: exactly what the signatory read and signed, and its SHA-256.
    content = models.JSONField(_("ondertekende inhoud"), null=True, blank=True)
    content_hash = models.CharField(_("inhoudshash (SHA-256)"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("addendum")
        verbose_name_plural = _("addenda")
        ordering = ["offer_id", "number"]
        constraints = [
            models.UniqueConstraint(fields=["offer", "number"], name="addendum_number_once_per_offer"),
            models.CheckConstraint(
                condition=~models.Q(status="accepted") | (models.Q(content__isnull=False) & ~models.Q(content_hash="")),
                name="addendum_accepted_is_frozen"),
        ]
        indexes = [models.Index(fields=["offer", "status", "effective_from"])]

    def __str__(self) -> str:
        return f"{self.offer_id}/{self.number}: {self.title}"
