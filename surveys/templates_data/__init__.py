"""The built-in survey templates, as definitions in the format of surveys.definitions: the NZa provider survey,
the NZa insurer questionnaire, the yearly GP satisfaction survey and an insurer's evaluation of its contracting.

`template_definition(key, year=...)` gives a fresh copy for one contract year, with `{jaar}` and `{vorig_jaar}` in
its texts filled in; survey_create_from_definition turns it into a survey.
"""

import copy

from django.utils.translation import gettext_lazy as _

from . import evaluation, gp_satisfaction, nza_insurer, nza_provider

TEMPLATES = {
    nza_provider.KEY: nza_provider.DEFINITION,
    nza_insurer.KEY: nza_insurer.DEFINITION,
    gp_satisfaction.KEY: gp_satisfaction.DEFINITION,
    evaluation.KEY: evaluation.DEFINITION,
}

# For the "new survey from a template" choice; the titles of the definitions carry the year.
TEMPLATE_LABELS = {
    nza_provider.KEY: _("NZa-enquête zorgaanbieders"),
    nza_insurer.KEY: _("NZa-vragenlijst zorgverzekeraars"),
    gp_satisfaction.KEY: _("Tevredenheidsonderzoek huisartsen"),
    evaluation.KEY: _("Evaluatie van de contractering door de zorgverzekeraar"),
}

# The portal figures that fill in a template's questions (question code -> figure), for templates that have them.
PREFILL = {nza_insurer.KEY: nza_insurer.PREFILL}


class UnknownTemplate(KeyError):
    pass


def _fill(value, year: int):
    if isinstance(value, str):
        return value.replace("{vorig_jaar}", str(year - 1)).replace("{jaar}", str(year))
    if isinstance(value, list):
        return [_fill(item, year) for item in value]
    if isinstance(value, dict):
        return {key: _fill(item, year) for key, item in value.items()}
    return value


def template_definition(key: str, *, year: int) -> dict:
    """A copy of template `key` for contract year `year`: the caller may change it without touching the
    template."""
    try:
        template = TEMPLATES[key]
    except KeyError:
        raise UnknownTemplate(key) from None
    return _fill(copy.deepcopy(template), year)


def template_questions(definition: dict) -> list[dict]:
    """The questions of a definition in order, across its sections."""
    return [question for section in definition["sections"] for question in section["questions"]]
