"""Requests between a holder (practice or care group) and an insurer, each with its GCP clock: questions,
maatwerk, innovation proposals (S3) with their appeal, requests to change a standard module, knelpunten and
disputes. One model and one workflow (contracting/services/requests.py); the kind decides which fields and
which clocks apply. The insurer's published assessment criteria for innovation proposals live here too."""

import uuid

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.uploads import UPLOAD_NAME_MAX

from .deadlines import Clock
from .offers import Offer


class InnovationCriteria(models.Model):
    """An insurer's published requirements for innovation (project) proposals of one contract year and how it
    applies them (GCP: made known in advance, after consulting the regional representatives). A refusal can
    cite only these criteria. Published once; a published set is not edited (a refusal cites what was public)."""

    insurer = models.ForeignKey("insurers.Insurer", on_delete=models.PROTECT, related_name="innovation_criteria",
                                verbose_name=_("zorgverzekeraar"))
    year = models.PositiveSmallIntegerField(_("contractjaar"))
    method = models.TextField(_("zo toetsen wij"), help_text=_("Hoe de verzekeraar de eisen toepast."))
    published_at = models.DateTimeField(_("gepubliceerd op"), null=True, blank=True)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+", verbose_name=_("gepubliceerd door"))

    class Meta:
        verbose_name = _("toetsingscriteria innovatie")
        verbose_name_plural = _("toetsingscriteria innovatie")
        ordering = ["insurer__name", "-year"]
        constraints = [models.UniqueConstraint(fields=["insurer", "year"], name="innovation_criteria_once")]

    def __str__(self) -> str:
        return f"{self.insurer} {self.year}"


class InnovationCriterion(models.Model):
    """One requirement of a published set, numbered as the insurer publishes it."""

    criteria = models.ForeignKey(InnovationCriteria, on_delete=models.PROTECT, related_name="items",
                                 verbose_name=_("criteria"))
    number = models.PositiveSmallIntegerField(_("nummer"))
    title = models.CharField(_("eis"), max_length=200)
    explanation = models.TextField(_("toelichting"), blank=True)

    class Meta:
        verbose_name = _("toetsingscriterium")
        verbose_name_plural = _("toetsingscriteria")
        ordering = ["criteria", "number"]
        constraints = [models.UniqueConstraint(fields=["criteria", "number"], name="innovation_criterion_number")]

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"


class Request(models.Model):
    """What one side asks or raises with the other, with its clocks (contracting.effects registers them):
    a reaction within 5 working days (a question, maatwerk, an innovation proposal, a module change), within
    2 calendar weeks for a knelpunt or a dispute, and, for what the insurer marks laborious, the settlement
    within 2 working weeks. `due_at` and `settle_due_at` mirror those clocks for sorting; only the clock
    service writes them."""

    class Kind(models.TextChoices):
        QUESTION = "question", _("Vraag")
        MAATWERK = "maatwerk", _("Maatwerkverzoek")
        INNOVATION = "innovation", _("Innovatievoorstel (S3)")
        MODULE_CHANGE = "module_change", _("Verzoek tot wijziging van een standaardmodule")
        KNELPUNT = "knelpunt", _("Knelpunt")
        DISPUTE = "dispute", _("Geschil")

    class Status(models.TextChoices):
        OPEN = "open", _("Wacht op reactie")
        IN_PROGRESS = "in_progress", _("In behandeling")
        ANSWERED = "answered", _("Beantwoord")
        DECIDED = "decided", _("Besloten")
        APPEALED = "appealed", _("In beroep")
        ESCALATED = "escalated", _("Bij de geschillencommissie")
        CLOSED = "closed", _("Afgerond")
        WITHDRAWN = "withdrawn", _("Ingetrokken")

    class Side(models.TextChoices):
        HOLDER = "holder", _("Zorgaanbieder")
        INSURER = "insurer", _("Zorgverzekeraar")

    class Outcome(models.TextChoices):
        GRANTED = "granted", _("Toegekend")
        PARTLY = "partly", _("Gedeeltelijk toegekend")
        REFUSED = "refused", _("Afgewezen")

    class Situation(models.TextChoices):
        # GCP "Andere algemene afspraken": te denken valt aan (examples, so "other" is allowed too).
        TAKEOVER = "takeover", _("Praktijkovername")
        GP_LOSS = "gp_loss", _("Uitvallen van een of meer huisartsen")
        COLLABORATION = "collaboration", _("Voornemen tot opgaan in een samenwerkingsverband of HOED")
        POPULATION_CHANGE = "population_change", _(
            "Grote verandering in de populatie van wijk of praktijk (nieuwbouw, vestiging bijzondere "
            "patiëntengroepen)")
        SHRINKING_REGION = "shrinking_region", _("Effecten van een krimpgebied")
        DEVIANT_POPULATION = "deviant_population", _("Qua zorg afwijkende populatie")
        OTHER = "other", _("Andere wezenlijke verandering in de praktijk of de directe omgeving")

    class Phase(models.TextChoices):
        PRE_CONTRACTUAL = "pre_contractual", _("Precontractuele fase")
        CONTRACTUAL = "contractual", _("Contractuele fase")

    kind = models.CharField(_("soort"), max_length=20, choices=Kind.choices, default=Kind.QUESTION)
    insurer = models.ForeignKey("insurers.Insurer", on_delete=models.PROTECT, related_name="requests",
                                verbose_name=_("zorgverzekeraar"))
    practice = models.ForeignKey("providers.Practice", null=True, blank=True, on_delete=models.CASCADE,
                                 related_name="requests", verbose_name=_("praktijk"))
    care_group = models.ForeignKey("providers.CareGroup", null=True, blank=True, on_delete=models.CASCADE,
                                   related_name="requests", verbose_name=_("samenwerkingsverband"))
    # The holder's region when raised: the overlegteam of (region, insurer) counts by it.
    region = models.ForeignKey("providers.Region", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="+", verbose_name=_("regio"))
    offer = models.ForeignKey(Offer, null=True, blank=True, on_delete=models.CASCADE, related_name="requests",
                              verbose_name=_("aanbod"))
    year = models.PositiveSmallIntegerField(_("contractjaar"), null=True, blank=True)
    side = models.CharField(_("ingediend door partij"), max_length=10, choices=Side.choices, default=Side.HOLDER)
    subject = models.CharField(_("onderwerp"), max_length=200, blank=True)
    text = models.TextField(_("vraag of verzoek"))
    raised_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                  verbose_name=_("ingediend door"))
    raised_at = models.DateTimeField(_("ingediend op"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.OPEN)
    # The due moments of the reaction clock and of the settlement clock of a laborious request (mirrors).
    due_at = models.DateTimeField(_("reactie uiterlijk"), null=True, editable=False)
    settle_due_at = models.DateTimeField(_("afhandeling uiterlijk"), null=True, editable=False)
    reacted_at = models.DateTimeField(_("eerste reactie op"), null=True, blank=True)
    laborious_reason = models.TextField(_("waarom bewerkelijk"), blank=True)
    laborious_at = models.DateTimeField(_("bewerkelijk verklaard op"), null=True, blank=True)
    # A question's answer.
    answer = models.TextField(_("antwoord"), blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+", verbose_name=_("beantwoord door"))
    answered_at = models.DateTimeField(_("beantwoord op"), null=True, blank=True)
    # Maatwerk, innovation, module change: the decision.
    situation = models.CharField(_("bijzondere situatie"), max_length=30, choices=Situation.choices, blank=True)
    module = models.ForeignKey("contracting.Module", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="+", verbose_name=_("standaardmodule"))
    project_starts = models.DateField(_("project van"), null=True, blank=True)
    project_ends = models.DateField(_("project tot en met"), null=True, blank=True)
    outcome = models.CharField(_("uitkomst"), max_length=10, choices=Outcome.choices, blank=True)
    outcome_reasons = models.TextField(_("motivering"), blank=True)
    criteria_cited = models.ManyToManyField(InnovationCriterion, blank=True, related_name="+",
                                            verbose_name=_("getoetst aan"))
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+", verbose_name=_("besloten door"))
    decided_at = models.DateTimeField(_("besloten op"), null=True, blank=True)
    # Innovation: the one appeal (beroep), decided by another purchaser of the insurer.
    appeal_text = models.TextField(_("beroepschrift"), blank=True)
    appealed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+", verbose_name=_("beroep ingesteld door"))
    appealed_at = models.DateTimeField(_("beroep ingesteld op"), null=True, blank=True)
    appeal_outcome = models.CharField(_("uitkomst beroep"), max_length=10, choices=Outcome.choices, blank=True)
    appeal_reasons = models.TextField(_("motivering beroep"), blank=True)
    appeal_decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                          on_delete=models.PROTECT, related_name="+",
                                          verbose_name=_("beroep beslist door"))
    appeal_decided_at = models.DateTimeField(_("beroep beslist op"), null=True, blank=True)
    # Dispute: the phase it concerns, the knelpunt it follows, and when it went to the geschillencommissie.
    phase = models.CharField(_("fase"), max_length=20, choices=Phase.choices, blank=True)
    follows = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                verbose_name=_("volgt op"))
    escalated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+", verbose_name=_("voorgelegd door"))
    escalated_at = models.DateTimeField(_("voorgelegd aan de geschillencommissie op"), null=True, blank=True)
    closed_at = models.DateTimeField(_("afgerond op"), null=True, blank=True)
    # Maatwerk granted (or partly): the addendum that amends the signed contract (the addendum knows nothing of
    # requests). A refused or withdrawn addendum may be followed by a new proposal, which takes its place.
    addendum = models.OneToOneField("contracting.ContractAddendum", null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="maatwerk_request", verbose_name=_("addendum"))
    clocks = GenericRelation(Clock, related_query_name="request")

    class Meta:
        verbose_name = _("verzoek")
        verbose_name_plural = _("verzoeken")
        ordering = ["due_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(practice__isnull=False, care_group__isnull=True)
                           | models.Q(practice__isnull=True, care_group__isnull=False)),
                name="request_has_exactly_one_holder",
            ),
        ]
        indexes = [
            models.Index(fields=["insurer", "kind", "status"], name="request_insurer_kind_status"),
            models.Index(fields=["insurer", "region", "kind"], name="request_insurer_region_kind"),
            models.Index(fields=["practice", "raised_at"], name="request_practice"),
            models.Index(fields=["care_group", "raised_at"], name="request_care_group"),
        ]

    def __str__(self) -> str:
        return (self.subject or self.text)[:60]

    @property
    def holder(self):
        return self.practice if self.practice_id else self.care_group

    @property
    def is_open(self) -> bool:
        return self.status in (self.Status.OPEN, self.Status.IN_PROGRESS, self.Status.APPEALED)


class RequestMessage(models.Model):
    """One message in a request's thread, from either side, with its attachments. Never edited."""

    request = models.ForeignKey(Request, on_delete=models.CASCADE, related_name="messages",
                                verbose_name=_("verzoek"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("afzender"))
    side = models.CharField(_("partij"), max_length=10, choices=Request.Side.choices)
    text = models.TextField(_("bericht"))
    sent_at = models.DateTimeField(_("verstuurd op"))

    class Meta:
        verbose_name = _("bericht")
        verbose_name_plural = _("berichten")
        ordering = ["sent_at", "id"]

    def __str__(self) -> str:
        return self.text[:60]


def _attachment_path(instance, filename: str) -> str:
    """requests/<request>/<uuid>.<ext>: never a name taken from the upload (RequestAttachment.name keeps that)."""
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"requests/{instance.request_id}/{uuid.uuid4().hex}.{extension}"


class RequestAttachment(models.Model):
    """A file sent with a message (PDF, office document or image; checked by requests.check_attachment)."""

    request = models.ForeignKey(Request, on_delete=models.CASCADE, related_name="attachments",
                                verbose_name=_("verzoek"))
    message = models.ForeignKey(RequestMessage, null=True, blank=True, on_delete=models.CASCADE,
                                related_name="attachments", verbose_name=_("bericht"))
    file = models.FileField(_("bestand"), upload_to=_attachment_path, max_length=255)
    name = models.CharField(_("bestandsnaam"), max_length=UPLOAD_NAME_MAX)
    size = models.PositiveIntegerField(_("grootte (bytes)"))
    content_type = models.CharField(_("soort bestand"), max_length=100)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("toegevoegd door"))
    uploaded_at = models.DateTimeField(_("toegevoegd op"))

    class Meta:
        verbose_name = _("bijlage")
        verbose_name_plural = _("bijlagen")
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.name
