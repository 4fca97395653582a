"""Offers to a practice or care group, module choices, signatures and follow requests."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.db import models
from django.utils.translation import gettext_lazy as _

from .contracts import ContractModule, StandardContract
from .deadlines import Clock


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
        OWN_OFFER = "own_offer", _("Eigen contractaanbod van de aanbieder")
        QUALIFIED = "qualified", _("Na kwalificatie (uitvraag)")

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

    @property
    def holder_kind(self) -> str:
        return "practice" if self.practice_id else "care_group"


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
