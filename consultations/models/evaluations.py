"""The insurer's evaluation of the previous contracting (GCP phase A): finished by the end of February and
shared with all its contractants and overlegteams by 1 March (milestones evaluation_finished and
evaluation_communicated of the contract year; late is read against those milestone rows)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Evaluation(models.Model):
    """One insurer's evaluation in the calendar of `contract_year` (February of the year before it), of the
    contracting for the year before that contract year."""

    class Method(models.TextChoices):
        SURVEY = "survey", _("Enquête onder contractanten")
        MEETING = "meeting", _("Formeel overleg met de vertegenwoordiging")
        BOTH = "both", _("Enquête en formeel overleg")

    insurer = models.ForeignKey("insurers.Insurer", on_delete=models.PROTECT, related_name="evaluations",
                                verbose_name=_("zorgverzekeraar"))
    contract_year = models.ForeignKey("contracting.ContractYear", on_delete=models.PROTECT, related_name="+",
                                      verbose_name=_("contractjaar"))
    method = models.CharField(_("werkwijze"), max_length=20, choices=Method.choices, default=Method.SURVEY)
    summary = models.TextField(_("uitkomsten (Markdown)"), blank=True)
    finished_at = models.DateTimeField(_("afgerond op"), null=True, blank=True)
    finished_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+", verbose_name=_("afgerond door"))
    shared_at = models.DateTimeField(_("gedeeld op"), null=True, blank=True)
    shared_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="+", verbose_name=_("gedeeld door"))
    created_at = models.DateTimeField(_("aangemaakt op"))

    class Meta:
        verbose_name = _("evaluatie van de contractering")
        verbose_name_plural = _("evaluaties van de contractering")
        ordering = ["-contract_year__year", "insurer__name"]
        constraints = [
            models.UniqueConstraint(fields=["insurer", "contract_year"], name="evaluation_unique_insurer_year",
                                    violation_error_message=_("Deze zorgverzekeraar heeft al een evaluatie voor "
                                                              "dit contractjaar.")),
        ]

    def __str__(self) -> str:
        return f"{self.insurer} {self.contract_year_id and self.contract_year.year}"

    @property
    def evaluated_year(self) -> int:
        """The contract year whose contracting is evaluated: the one before."""
        return self.contract_year.year - 1
