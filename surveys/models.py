"""The survey engine's data: a survey with sections and questions, the invitations of its audience, one response
per invitation with its answers.

Answers are stored one row per answered cell, so every count is a GROUP BY that runs the same on PostgreSQL and
SQLite: a single choice is one row with `option`; a multiple choice one row per chosen option; a scale or a
number one row with `number`; free text one row with `text`. A matrix question (themes × scale) has one row per
theme (`row`). A question asked once per insurer (the GP satisfaction survey) or per care group (the NZa insurer
questionnaire) has one row per repetition (`repeat_key`: the insurer's or care group's id).

A respondent's attributes for analysis splits (segment S1 only / S2 only / both, provider type GP-only / care
group / both, region, the insurers it contracts with) are worked out when it is invited and copied onto its
response, so results can be split without touching who responded.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Survey(models.Model):
    class Kind(models.TextChoices):
        NZA_PROVIDER = "nza_provider", _("NZa-enquête zorgaanbieders")
        NZA_INSURER = "nza_insurer", _("NZa-vragenlijst zorgverzekeraars")
        GP_SATISFACTION = "gp_satisfaction", _("Tevredenheidsonderzoek huisartsen")
        EVALUATION = "evaluation", _("Evaluatie contractering door de zorgverzekeraar")
        QUALIFICATION = "qualification", _("Uitvraag (kwalificatievragenlijst)")
        CUSTOM = "custom", _("Eigen enquête")

    class Audience(models.TextChoices):
        PRACTICES = "practices", _("alle praktijken")
        CARE_GROUPS = "care_groups", _("alle samenwerkingsverbanden")
        INSURERS = "insurers", _("alle zorgverzekeraars")
        REGION = "region", _("praktijken en samenwerkingsverbanden in een regio")
        CONTRACTANTS = "contractants", _("de gecontracteerden van een zorgverzekeraar")
        GP_MEMBERS = "gp_members", _("de huisartsen van de praktijken")

    class Status(models.TextChoices):
        DRAFT = "draft", _("concept")
        PUBLISHED = "published", _("gepubliceerd")
        CLOSED = "closed", _("gesloten")

    kind = models.CharField(_("soort"), max_length=20, choices=Kind.choices, default=Kind.CUSTOM)
    # Surveys of one series (the same survey run each year) are compared across years as a trend.
    series = models.SlugField(_("reeks"), max_length=60, blank=True)
    template = models.SlugField(_("sjabloon"), max_length=60, blank=True)
    year = models.PositiveSmallIntegerField(_("contractjaar"))
    title = models.CharField(_("titel"), max_length=200)
    introduction = models.TextField(_("inleiding"), blank=True)
    # The insurer that runs it (its evaluation, a qualification questionnaire); empty for the NZa's and the LHV's.
    owner_insurer = models.ForeignKey("insurers.Insurer", null=True, blank=True, on_delete=models.PROTECT,
                                      related_name="surveys", verbose_name=_("zorgverzekeraar"))
    audience = models.CharField(_("doelgroep"), max_length=20, choices=Audience.choices)
    audience_region = models.ForeignKey("providers.Region", null=True, blank=True, on_delete=models.PROTECT,
                                        related_name="+", verbose_name=_("regio van de doelgroep"))
    audience_insurer = models.ForeignKey("insurers.Insurer", null=True, blank=True, on_delete=models.PROTECT,
                                         related_name="+", verbose_name=_("zorgverzekeraar van de gecontracteerden"))
    anonymous = models.BooleanField(_("anoniem"), default=False)
    threshold = models.PositiveSmallIntegerField(
        _("drempel (minimaal aantal antwoorden per groep)"), default=5,
        help_text=_("Uitkomsten worden alleen getoond voor groepen met minstens zoveel antwoorden."))
    opens_at = models.DateTimeField(_("opent op"))
    closes_at = models.DateTimeField(_("sluit op"))
    reminder_days_before = models.PositiveSmallIntegerField(_("herinnering (dagen voor sluiting)"), null=True,
                                                            blank=True, default=7)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    published_at = models.DateTimeField(_("gepubliceerd op"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+", verbose_name=_("aangemaakt door"))
    created_at = models.DateTimeField(_("aangemaakt op"), auto_now_add=True)

    class Meta:
        verbose_name = _("enquête")
        verbose_name_plural = _("enquêtes")
        ordering = ["-year", "title", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(closes_at__gt=models.F("opens_at")), name="survey_closes_after_opening"),
            models.CheckConstraint(condition=Q(threshold__gte=1), name="survey_threshold_positive"),
        ]
        indexes = [models.Index(fields=["series", "year"], name="survey_series_year")]

    def __str__(self):
        return f"{self.title} ({self.year})"


class Section(models.Model):
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="sections", verbose_name=_("enquête"))
    position = models.PositiveSmallIntegerField(_("volgorde"))
    title = models.CharField(_("titel"), max_length=200)
    help_text = models.TextField(_("toelichting"), blank=True)

    class Meta:
        verbose_name = _("onderdeel")
        verbose_name_plural = _("onderdelen")
        ordering = ["survey_id", "position"]
        constraints = [models.UniqueConstraint(fields=["survey", "position"], name="section_position_once")]

    def __str__(self):
        return self.title


class Question(models.Model):
    class Kind(models.TextChoices):
        SINGLE = "single", _("één keuze")
        MULTIPLE = "multiple", _("meerdere keuzes")
        SCALE10 = "scale10", _("schaal 1–10")
        SCALE5 = "scale5", _("vijfpuntsschaal")
        MATRIX = "matrix", _("matrix (thema's × schaal)")
        NUMBER = "number", _("getal")
        TEXT = "text", _("open antwoord")

    class Repeat(models.TextChoices):
        NONE = "", _("eenmaal")
        INSURER = "insurer", _("per gecontracteerde zorgverzekeraar")
        CARE_GROUP = "care_group", _("per gecontracteerd samenwerkingsverband")

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="questions", verbose_name=_("enquête"))
    section = models.ForeignKey(Section, null=True, blank=True, on_delete=models.CASCADE, related_name="questions",
                                verbose_name=_("onderdeel"))
    code = models.CharField(_("nummer"), max_length=20)  # "Q6", "17b": as the source numbers it
    position = models.PositiveSmallIntegerField(_("volgorde"))
    kind = models.CharField(_("soort vraag"), max_length=20, choices=Kind.choices)
    text = models.TextField(_("vraag"))
    help_text = models.TextField(_("toelichting"), blank=True)
    required = models.BooleanField(_("verplicht"), default=False)
    # [{"value": "ja", "label": "Ja"}, ...]: the choices of single, multiple and the scale columns of a matrix;
    # for scale10 / scale5 optionally labels of the ends ({"value": "1", "label": "geen ervaring"}).
    options = models.JSONField(_("antwoordmogelijkheden"), default=list, blank=True)
    # [{"value": "tijd", "label": "Meer tijd ... voor en met de patiënt"}, ...]: the themes of a matrix.
    rows = models.JSONField(_("thema's (rijen)"), default=list, blank=True)
    min_value = models.DecimalField(_("minimum"), max_digits=12, decimal_places=2, null=True, blank=True)
    max_value = models.DecimalField(_("maximum"), max_digits=12, decimal_places=2, null=True, blank=True)
    # Shown only when the answer to `show_if` is one of `show_if_values` (any of them, for a multiple choice).
    # With `show_if_same_row` (a matrix following a matrix: 17b after 17), each row is shown only when the same
    # row of `show_if` was answered with one of the values.
    show_if = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="dependents",
                                verbose_name=_("alleen tonen na vraag"))
    show_if_values = models.JSONField(_("bij antwoord"), default=list, blank=True)
    show_if_same_row = models.BooleanField(_("per thema"), default=False)
    repeat = models.CharField(_("herhalen"), max_length=20, choices=Repeat.choices, default=Repeat.NONE, blank=True)
    # A note on the source, e.g. that the answer labels are lost in the source text and not invented here.
    source_note = models.TextField(_("bronvermelding"), blank=True)

    class Meta:
        verbose_name = _("vraag")
        verbose_name_plural = _("vragen")
        ordering = ["survey_id", "position"]
        constraints = [
            models.UniqueConstraint(fields=["survey", "code"], name="question_code_once"),
            models.UniqueConstraint(fields=["survey", "position"], name="question_position_once"),
        ]

    def __str__(self):
        return f"{self.code}. {self.text[:60]}"


class Invitation(models.Model):
    """One invited respondent: a person (a GP member), a practice, a care group or an insurer."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="invitations",
                               verbose_name=_("enquête"))
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE,
                             related_name="survey_invitations", verbose_name=_("persoon"))
    practice = models.ForeignKey("providers.Practice", null=True, blank=True, on_delete=models.CASCADE,
                                 related_name="+", verbose_name=_("praktijk"))
    care_group = models.ForeignKey("providers.CareGroup", null=True, blank=True, on_delete=models.CASCADE,
                                   related_name="+", verbose_name=_("samenwerkingsverband"))
    insurer = models.ForeignKey("insurers.Insurer", null=True, blank=True, on_delete=models.CASCADE,
                                related_name="+", verbose_name=_("zorgverzekeraar"))
    # {"segment": "s1" | "s2" | "both", "provider_type": "gp" | "care_group" | "both", "region": <id>,
    #  "insurers": [<id>, ...]}: for analysis splits; copied onto the response.
    attributes = models.JSONField(_("kenmerken"), default=dict, blank=True)
    invited_at = models.DateTimeField(_("uitgenodigd op"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("herinnerd op"), null=True, blank=True)
    responded_at = models.DateTimeField(_("ingevuld op"), null=True, blank=True)

    class Meta:
        verbose_name = _("uitnodiging")
        verbose_name_plural = _("uitnodigingen")
        ordering = ["survey_id", "id"]
        constraints = [
            models.UniqueConstraint(fields=["survey", "user", "practice", "care_group", "insurer"],
                                    nulls_distinct=False, name="invitation_once_per_respondent"),
            models.CheckConstraint(
                condition=Q(user__isnull=False) | Q(practice__isnull=False) | Q(care_group__isnull=False)
                | Q(insurer__isnull=False), name="invitation_has_respondent"),
        ]

    def __str__(self):
        return f"{self.survey_id}: {self.user_id or self.practice_id or self.care_group_id or self.insurer_id}"


class Response(models.Model):
    """The one response of an invitation: a draft until submitted, editable until the survey closes."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("concept")
        SUBMITTED = "submitted", _("ingediend")

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="responses", verbose_name=_("enquête"))
    # Null once an anonymous survey has closed and its responses were detached from who gave them.
    invitation = models.OneToOneField(Invitation, null=True, blank=True, on_delete=models.SET_NULL,
                                      related_name="response", verbose_name=_("uitnodiging"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    attributes = models.JSONField(_("kenmerken"), default=dict, blank=True)
    started_at = models.DateTimeField(_("begonnen op"))
    updated_at = models.DateTimeField(_("laatst bewaard op"))
    submitted_at = models.DateTimeField(_("ingediend op"), null=True, blank=True)

    class Meta:
        verbose_name = _("antwoord op een enquête")
        verbose_name_plural = _("antwoorden op enquêtes")
        ordering = ["survey_id", "id"]
        indexes = [models.Index(fields=["survey", "status"], name="response_survey_status")]

    def __str__(self):
        return f"{self.survey_id}/{self.pk}"


class Answer(models.Model):
    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers",
                                 verbose_name=_("antwoord op een enquête"))
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="answers", verbose_name=_("vraag"))
    repeat_key = models.CharField(_("herhaling"), max_length=20, blank=True)
    row = models.CharField(_("thema"), max_length=60, blank=True)
    option = models.CharField(_("keuze"), max_length=60, blank=True)
    number = models.DecimalField(_("getal"), max_digits=12, decimal_places=2, null=True, blank=True)
    text = models.TextField(_("tekst"), blank=True)

    class Meta:
        verbose_name = _("antwoord")
        verbose_name_plural = _("antwoorden")
        ordering = ["response_id", "question_id", "repeat_key", "row", "option"]
        constraints = [
            models.UniqueConstraint(fields=["response", "question", "repeat_key", "row", "option"],
                                    name="answer_once_per_cell"),
        ]
        indexes = [models.Index(fields=["question", "repeat_key", "row", "option"], name="answer_question_cell")]

    def __str__(self):
        return f"{self.response_id}/{self.question_id}"


class QualificationQuestionnaire(models.Model):
    """An insurer's uitvraag: a survey of kind qualification attached to one of its standard contracts, or to one
    module of it, that needs qualification. A holder's submitted response is handed to contracting
    (services.qualification), which keeps the answers frozen with the offer; `rule` (optional) qualifies
    automatically when the answers meet every condition, otherwise the insurer decides."""

    survey = models.OneToOneField(Survey, on_delete=models.CASCADE, related_name="qualification",
                                  verbose_name=_("enquête"))
    standard_contract = models.ForeignKey("contracting.StandardContract", on_delete=models.PROTECT, related_name="+",
                                          verbose_name=_("standaardcontract"))
    contract_module = models.ForeignKey("contracting.ContractModule", null=True, blank=True,
                                        on_delete=models.PROTECT, related_name="+", verbose_name=_("module"))
    # [{"question": "Q3", "op": "=", "value": "ja"}, {"question": "Q4", "op": ">=", "value": "2"}]: all must hold
    # (surveys.qualification_rules); empty: the insurer always decides.
    rule = models.JSONField(_("regel voor automatisch kwalificeren"), default=list, blank=True)
    created_at = models.DateTimeField(_("aangemaakt op"), auto_now_add=True)

    class Meta:
        verbose_name = _("uitvraag")
        verbose_name_plural = _("uitvragen")
        ordering = ["-created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["standard_contract", "contract_module"], nulls_distinct=False,
                                    name="qualification_questionnaire_once_per_target"),
        ]

    def __str__(self):
        return str(self.survey)
