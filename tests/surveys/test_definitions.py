import copy

import pytest

from accounts.models import Role
from core.errors import Forbidden, PortalError
from core.models import AuditEvent
from surveys.definitions import definition_errors
from surveys.models import Question, Section, Survey
from surveys.services import survey_create_from_definition
from tests.factories import InsurerFactory, RegionFactory, make_member

from .conftest import DEFINITION


def test_the_sample_definition_is_valid():
    assert definition_errors(DEFINITION) == []


@pytest.mark.parametrize("change, expected", [
    (lambda d: d.pop("key"), "‘key’ is verplicht"),
    (lambda d: d.update(kind="poll"), "‘kind’ moet een van"),
    (lambda d: d.update(colour="blauw"), "Onbekende velden: colour."),
    (lambda d: d.update(sections=[]), "‘sections’ moet een lijst"),
    (lambda d: d["sections"][0]["questions"][0].update(kind="slider"), "Vraag Q1: ‘kind’ moet een van"),
    (lambda d: d["sections"][0]["questions"][0].update(options=[{"value": "ja", "label": "Ja"}]),
     "Vraag Q1: ‘options’ moet een lijst van minstens 2 keuzes"),
    (lambda d: d["sections"][0]["questions"][0].update(show_iff="Q0"), "Vraag Q1: onbekende velden show_iff."),
    (lambda d: d["sections"][0]["questions"][1].update(code="Q1"), "de code ‘Q1’ komt twee keer voor"),
    # a condition must point at an EARLIER question, with answers that question can have
    (lambda d: d["sections"][0]["questions"][1].update(show_if="Q4"), "‘show_if’ verwijst naar ‘Q4’"),
    (lambda d: d["sections"][0]["questions"][1].update(show_if_values=["misschien"]),
     "‘misschien’ is geen antwoord op ‘Q1’"),
    (lambda d: d["sections"][0]["questions"][1].update(show_if_values=[]), "‘show_if_values’ moet een lijst"),
    (lambda d: d["sections"][1]["questions"][0].update(options=[{"value": "11", "label": "te hoog"}]),
     "het label ‘11’ hoort bij geen punt van de schaal 1–10"),
    (lambda d: d["sections"][1]["questions"][4].update(min_value=10, max_value=5),
     "‘min_value’ is groter dan ‘max_value’"),
    (lambda d: d["sections"][1]["questions"][0].update(min_value=1), "alleen een getalvraag heeft ‘min_value’"),
    (lambda d: d["sections"][1]["questions"][3]["rows"].pop(), "‘show_if_same_row’ kan alleen tussen"),
    (lambda d: d["sections"][0]["questions"][2].update(rows=[{"value": "a", "label": "A"}]),
     "alleen een matrixvraag heeft ‘rows’"),
    (lambda d: d["sections"][0]["questions"][0].update(repeat="practice"), "‘repeat’ moet leeg"),
])
def test_each_mistake_in_a_definition_is_named(change, expected):
    definition = copy.deepcopy(DEFINITION)
    change(definition)
    errors = definition_errors(definition)
    assert any(expected in e for e in errors), errors


def test_creating_from_a_definition_builds_sections_questions_and_conditions(db, definition, window):
    opens_at, closes_at = window
    survey = survey_create_from_definition(actor=None, definition=definition, year=2026, opens_at=opens_at,
                                           closes_at=closes_at)
    assert (survey.status, survey.template, survey.series, survey.threshold, survey.audience) == (
        "draft", "proef", "proef", 3, "practices")
    assert list(Section.objects.filter(survey=survey).values_list("position", "title")) == [
        (1, "Contract"), (2, "Oordeel")]
    questions = {q.code: q for q in Question.objects.filter(survey=survey)}
    assert [q.code for q in Question.objects.filter(survey=survey)] == ["Q1", "Q2", "Q3", "Q4", "Q5", "Q6", "Q6b",
                                                                        "Q7"]
    assert questions["Q2"].show_if == questions["Q1"] and questions["Q2"].show_if_values == ["nee"]
    assert questions["Q6b"].show_if == questions["Q6"] and questions["Q6b"].show_if_same_row
    assert questions["Q4"].section.title == "Oordeel" and questions["Q4"].required
    assert (questions["Q7"].min_value, questions["Q7"].max_value) == (0, 5000)
    assert AuditEvent.objects.filter(verb="surveys.survey.created", object_id=str(survey.pk)).count() == 1


def test_creating_twice_returns_the_same_survey(db, definition, window):
    opens_at, closes_at = window
    first = survey_create_from_definition(actor=None, definition=definition, year=2026, opens_at=opens_at,
                                          closes_at=closes_at)
    again = survey_create_from_definition(actor=None, definition=definition, year=2026, opens_at=opens_at,
                                          closes_at=closes_at)
    assert again.pk == first.pk
    assert Survey.objects.count() == 1 and Question.objects.count() == 8


def test_a_wrong_definition_saves_nothing(db, definition, window):
    definition["sections"][1]["questions"][0]["kind"] = "slider"
    with pytest.raises(PortalError) as caught:
        survey_create_from_definition(actor=None, definition=definition, year=2026, opens_at=window[0],
                                      closes_at=window[1])
    assert caught.value.code == "definition_invalid"
    assert "Vraag Q4" in caught.value.detail
    assert Survey.objects.count() == 0 and Question.objects.count() == 0


def test_closing_before_opening_is_refused(db, definition, window):
    with pytest.raises(PortalError) as caught:
        survey_create_from_definition(actor=None, definition=definition, year=2026, opens_at=window[1],
                                      closes_at=window[0])
    assert caught.value.detail == "De enquête moet sluiten na het moment dat hij opent."
    assert Survey.objects.count() == 0


def test_audience_needs_its_region_or_insurer(db, definition, window):
    with pytest.raises(PortalError) as caught:
        survey_create_from_definition(actor=None, definition=definition, year=2026, opens_at=window[0],
                                      closes_at=window[1], audience="region")
    assert caught.value.code == "audience_region_missing"
    region = RegionFactory()
    survey = survey_create_from_definition(actor=None, definition=definition, year=2026, opens_at=window[0],
                                           closes_at=window[1], audience="region", audience_region=region)
    assert survey.audience_region == region
    insurer = InsurerFactory()
    definition["key"] = "evaluatie"
    survey = survey_create_from_definition(actor=None, definition=definition, year=2026, opens_at=window[0],
                                           closes_at=window[1], owner_insurer=insurer, audience="contractants")
    assert survey.audience_insurer == insurer  # an insurer's contractants default to its own


def test_only_the_owner_creates(db, definition, window, insurer, insurer_user, practice_user):
    other = InsurerFactory()
    for actor, owner in ((practice_user, insurer), (insurer_user, other), (insurer_user, None)):
        with pytest.raises(Forbidden):
            survey_create_from_definition(actor=actor, definition=definition, year=2026, opens_at=window[0],
                                          closes_at=window[1], owner_insurer=owner)
    survey = survey_create_from_definition(actor=insurer_user, definition=definition, year=2026,
                                           opens_at=window[0], closes_at=window[1], owner_insurer=insurer)
    assert survey.owner_insurer == insurer and survey.created_by == insurer_user
    nza = make_member(Role.NZA_ANALYST, None, email="analist@nza.example")
    definition["key"] = "nza"
    assert survey_create_from_definition(actor=nza, definition=definition, year=2026, opens_at=window[0],
                                         closes_at=window[1]).owner_insurer is None
    assert Survey.objects.count() == 2
