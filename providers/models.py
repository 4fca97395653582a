from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from insurers.models import Insurer

from .validators import validate_agb_code, validate_gp_agb_code, validate_kvk_number, validate_postcode


class Region(models.Model):
    """A contracting region; each insurer has a market share in it."""

    code = models.SlugField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("naam"), max_length=120, unique=True)

    class Meta:
        verbose_name = _("regio")
        verbose_name_plural = _("regio's")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class MarketShare(models.Model):
    """Share of an insurer among the insured of a region, in percent."""

    region = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="market_shares",
                               verbose_name=_("regio"))
    insurer = models.ForeignKey(Insurer, on_delete=models.CASCADE, related_name="market_shares",
                                verbose_name=_("zorgverzekeraar"))
    share_percent = models.DecimalField(
        _("marktaandeel (%)"), max_digits=5, decimal_places=2,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
    )

    class Meta:
        verbose_name = _("marktaandeel")
        verbose_name_plural = _("marktaandelen")
        ordering = ["region", "-share_percent"]
        constraints = [
            models.UniqueConstraint(
                fields=["region", "insurer"], name="marketshare_unique_region_insurer",
                violation_error_message=_("Deze verzekeraar heeft in deze regio al een marktaandeel."),
            ),
            models.CheckConstraint(
                condition=models.Q(share_percent__gte=0) & models.Q(share_percent__lte=100),
                name="marketshare_percent_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.insurer} in {self.region}: {self.share_percent}%"


class Practice(models.Model):
    """A GP practice (huisartsenpraktijk)."""

    name = models.CharField(_("naam"), max_length=200)
    agb_code = models.CharField(_("AGB-code"), max_length=8, unique=True, validators=[validate_gp_agb_code])
    kvk_number = models.CharField(_("KvK-nummer"), max_length=8, validators=[validate_kvk_number])
    street = models.CharField(_("straat en huisnummer"), max_length=200)
    postcode = models.CharField(_("postcode"), max_length=7, validators=[validate_postcode])
    city = models.CharField(_("plaats"), max_length=100)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="practices", verbose_name=_("regio"))
    registered_patients = models.PositiveIntegerField(
        _("ingeschreven patiënten"), validators=[MaxValueValidator(100_000)],
    )
    preferred_insurer = models.ForeignKey(
        Insurer, null=True, blank=True, on_delete=models.SET_NULL, related_name="preferring_practices",
        verbose_name=_("gekozen preferente verzekeraar"),
        help_text=_("Leeg: de verzekeraar met het grootste marktaandeel in de regio is preferent."),
    )

    class Meta:
        verbose_name = _("huisartsenpraktijk")
        verbose_name_plural = _("huisartsenpraktijken")
        ordering = ["name", "id"]
        # Lists of practices (and of their offers, such as a purchaser's unsigned ones) page in this order.
        indexes = [models.Index(fields=["name", "id"], name="practice_name_order")]

    def __str__(self) -> str:
        return f"{self.name} ({self.agb_code})"

    @property
    def preferent_insurer(self) -> Insurer | None:
        """The insurer whose contract the others are asked to follow: the practice's own choice, else the
        insurer with the largest market share in its region (GCP: usually, not necessarily, the largest)."""
        if self.preferred_insurer_id:
            return self.preferred_insurer
        top = self.region.market_shares.select_related("insurer").order_by("-share_percent", "insurer__name").first()
        return top.insurer if top else None


class InsuredCount(models.Model):
    """How many of a practice's registered patients are insured with one insurer: the base of that insurer's
    estimate for the practice (per-patient modules are paid for its own insured only). Written through
    contracting.services.insured_counts_set, which keeps the counts of all insurers together at most the
    practice's registered patients; the demo derives them from the region's market shares."""

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="insured_counts",
                                 verbose_name=_("praktijk"))
    insurer = models.ForeignKey(Insurer, on_delete=models.CASCADE, related_name="+",
                                verbose_name=_("zorgverzekeraar"))
    insured = models.PositiveIntegerField(_("verzekerden onder de ingeschreven patiënten"))
    updated_at = models.DateTimeField(_("bijgewerkt op"), auto_now=True)

    class Meta:
        verbose_name = _("aantal verzekerden")
        verbose_name_plural = _("aantallen verzekerden")
        ordering = ["practice_id", "insurer_id"]
        constraints = [
            models.UniqueConstraint(fields=["practice", "insurer"], name="insured_count_once_per_insurer"),
            models.CheckConstraint(condition=models.Q(insured__gte=0), name="insured_count_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.practice_id} / {self.insurer_id}: {self.insured}"


class CareGroup(models.Model):
    """A samenwerkingsverband (SWV) that contracts multidisciplinary care (S2) for its member practices."""

    class Kind(models.TextChoices):
        ZORGGROEP = "zorggroep", _("Zorggroep")
        GEZONDHEIDSCENTRUM = "gezondheidscentrum", _("Gezondheidscentrum")
        HUISARTSENORGANISATIE = "huisartsenorganisatie", _("Regionale huisartsenorganisatie")

    name = models.CharField(_("naam"), max_length=200, unique=True)
    kind = models.CharField(_("soort"), max_length=30, choices=Kind.choices)
    agb_code = models.CharField(_("AGB-code"), max_length=8, blank=True, validators=[validate_agb_code])
    kvk_number = models.CharField(_("KvK-nummer"), max_length=8, validators=[validate_kvk_number])
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="care_groups", verbose_name=_("regio"))
    practices = models.ManyToManyField(Practice, blank=True, related_name="care_groups",
                                       verbose_name=_("aangesloten praktijken"))

    class Meta:
        verbose_name = _("samenwerkingsverband")
        verbose_name_plural = _("samenwerkingsverbanden")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class OverlegTeam(models.Model):
    """An LHV overlegteam huisartsen (OTH): a regional delegation that faces one insurer."""

    name = models.CharField(_("naam"), max_length=200, unique=True)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="overleg_teams",
                               verbose_name=_("regio"))
    insurer = models.ForeignKey(Insurer, on_delete=models.PROTECT, related_name="overleg_teams",
                                verbose_name=_("zorgverzekeraar"))

    class Meta:
        verbose_name = _("overlegteam huisartsen (OTH)")
        verbose_name_plural = _("overlegteams huisartsen (OTH)")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["region", "insurer"], name="overlegteam_unique_region_insurer",
                violation_error_message=_("Er is al een overlegteam voor deze regio en verzekeraar."),
            ),
        ]

    def __str__(self) -> str:
        return self.name
