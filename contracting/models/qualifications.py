"""Qualification (the national portal's "uitvraag"): an insurer may require a holder to qualify before it is
offered a standard contract, or before it may choose one module of it. The holder's answers arrive from
outside this app (a questionnaire elsewhere hands them over as plain data); they are frozen here with their
SHA-256 and kept with the offer, shown to both sides."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .contracts import ContractModule, StandardContract
from .offers import Offer


class Qualification(models.Model):
    """One holder's qualification for a standard contract (`contract_module` empty) or for one module of it.
    Submitted answers wait for the insurer's decision (or a rule on them decides at once); a qualified
    contract-level qualification creates the holder's offer, a qualified module-level one unlocks the module
    in the holder's offer. Decided qualifications are final."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Wacht op beoordeling")
        QUALIFIED = "qualified", _("Gekwalificeerd")
        REFUSED = "refused", _("Niet gekwalificeerd")

    standard_contract = models.ForeignKey(StandardContract, on_delete=models.PROTECT, related_name="qualifications",
                                          verbose_name=_("standaardcontract"))
    contract_module = models.ForeignKey(ContractModule, null=True, blank=True, on_delete=models.PROTECT,
                                        related_name="qualifications", verbose_name=_("module"))
    insurer = models.ForeignKey("insurers.Insurer", on_delete=models.PROTECT, related_name="+",
                                verbose_name=_("zorgverzekeraar"))
    practice = models.ForeignKey("providers.Practice", null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="qualifications", verbose_name=_("praktijk"))
    care_group = models.ForeignKey("providers.CareGroup", null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="qualifications", verbose_name=_("samenwerkingsverband"))
    year = models.PositiveSmallIntegerField(_("contractjaar"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PENDING)
    # The answers as the holder gave them, frozen: [{"code": "Q1", "question": "...", "answer": "..."}, ...]
    answers = models.JSONField(_("antwoorden"), default=list)
    answers_hash = models.CharField(_("kenmerk van de antwoorden (SHA-256)"), max_length=64)
    # Where the answers came from (e.g. the questionnaire and its response), so the other side can link to it.
    source = models.CharField(_("herkomst"), max_length=100, blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+", verbose_name=_("ingediend door"))
    submitted_at = models.DateTimeField(_("ingediend op"))
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+", verbose_name=_("beoordeeld door"))
    decided_at = models.DateTimeField(_("beoordeeld op"), null=True, blank=True)
    # True when a rule on the answers decided, not a person.
    decided_by_rule = models.BooleanField(_("automatisch beoordeeld"), default=False)
    reason = models.TextField(_("motivering"), blank=True)
    offer = models.ForeignKey(Offer, null=True, blank=True, on_delete=models.PROTECT, related_name="qualifications",
                              verbose_name=_("aanbod"))

    class Meta:
        verbose_name = _("kwalificatie")
        verbose_name_plural = _("kwalificaties")
        ordering = ["-submitted_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(practice__isnull=False, care_group__isnull=True)
                           | Q(practice__isnull=True, care_group__isnull=False)),
                name="qualification_has_exactly_one_holder"),
            models.UniqueConstraint(fields=["standard_contract", "contract_module", "practice"],
                                    nulls_distinct=False, condition=Q(practice__isnull=False),
                                    name="qualification_once_per_practice"),
            models.UniqueConstraint(fields=["standard_contract", "contract_module", "care_group"],
                                    nulls_distinct=False, condition=Q(care_group__isnull=False),
                                    name="qualification_once_per_care_group"),
            models.CheckConstraint(condition=~Q(status="refused") | ~Q(reason=""),
                                   name="qualification_refusal_has_reason"),
        ]
        indexes = [models.Index(fields=["insurer", "status", "submitted_at"], name="qualification_queue")]

    def __str__(self) -> str:
        target = self.contract_module.module.name if self.contract_module_id else self.standard_contract.title
        return f"{target} — {self.holder}"

    @property
    def holder(self):
        return self.practice if self.practice_id else self.care_group

    @property
    def holder_kind(self) -> str:
        return "practice" if self.practice_id else "care_group"
