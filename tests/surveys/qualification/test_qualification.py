"""Qualification questionnaires (uitvraag), the surveys side: attaching one to a contract or module, who may
answer it and when, the rule on the answers, and a submitted response becoming the holder's qualification
with its answers frozen in contracting (and, when the rule is met, the offer)."""

from decimal import Decimal

import pytest
import time_machine

from accounts.models import Role
from contracting.models import Module, Offer, Qualification
from contracting.services import (
    qualification_decide,
    standard_contract_create,
    standard_contract_publish,
    standard_contract_set_module,
    standard_contract_update,
)
from core.errors import PortalError
from surveys.models import Answer, Invitation, QualificationQuestionnaire, Response, Survey
from surveys.qualification_rules import parse_rule, rule_errors, rule_met
from surveys.qualification_templates import ACCREDITATION, ELDERLY_CARE
from surveys.services import response_save
from surveys.services.qualification import (
    _definition_questions,
    qualification_invitation_ensure,
    qualification_questionnaire_attach,
    response_snapshot,
)
from tests.contracting.conftest import ams, build_contract
from tests.factories import PracticeFactory, make_member
from tests.helpers import page_html_as, text

NOW = ams(2026, 9, 10, 9, 0)


@pytest.fixture(autouse=True)
def _before_signing_closes():
    """A submitted response is handed over at the moment it is saved: on 10 September 2026, before signing for
    2027 closes (the machine's clock is past that)."""
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def contract(market, nza_tariffs, other_purchaser):
    """The other insurer's contract, offered only after qualification."""
    contract = standard_contract_create(actor=other_purchaser, insurer=market["other"], first_year=2027,
                                        title="Zorg voor kwetsbare ouderen 2027", now=ams(2026, 8, 1, 12, 0))
    standard_contract_set_module(actor=other_purchaser, contract=contract,
                                 module=Module.objects.get(code="inschrijving"), tariff="17.00")
    standard_contract_update(actor=other_purchaser, contract=contract, requires_qualification=True)
    return standard_contract_publish(actor=other_purchaser, contract=contract, now=ams(2026, 9, 1, 12, 0))


@pytest.fixture
def questionnaire(contract, other_purchaser):
    return qualification_questionnaire_attach(actor=other_purchaser, contract=contract, definition=ELDERLY_CARE,
                                              rule=parse_rule("Q1 = ja en Q2 >= 4"), now=NOW)


def _respond(invitation, values: dict, *, submit=True) -> Response:
    """A response as a practice gives it: saved through the engine, submitted unless `submit` is False."""
    return response_save(actor=None, invitation=invitation, answers=values, now=NOW, submit=submit)


# --- Attaching --------------------------------------------------------------------------------------------
def test_attaching_opens_the_questionnaire_until_signing_closes(questionnaire, contract, other_purchaser):
    survey = questionnaire.survey
    assert (survey.kind, survey.status, survey.owner_insurer_id, survey.year) == (
        Survey.Kind.QUALIFICATION, Survey.Status.PUBLISHED, contract.insurer_id, 2027)
    # Open from now until the end of 7 November 2026, when signing for 2027 closes.
    assert (survey.opens_at, survey.closes_at) == (NOW, ams(2026, 11, 8, 0, 0))
    assert questionnaire.rule == [{"question": "Q1", "op": "=", "value": "ja"},
                                  {"question": "Q2", "op": ">=", "value": "4"}]
    # Nobody is invited up front: a holder's invitation is made when it starts.
    assert not Invitation.objects.filter(survey=survey).exists()
    again = qualification_questionnaire_attach(actor=other_purchaser, contract=contract, definition=ELDERLY_CARE,
                                               now=NOW)
    assert again.pk == questionnaire.pk and Survey.objects.count() == 1


@pytest.mark.parametrize("rule, code", [
    ("Q9 = ja", "rule_invalid"),  # no such question
    ("Q1 = misschien", "rule_invalid"),  # not an option
    ("Q1 >= 2", "rule_invalid"),  # a choice compared as a number
    ("Q2 >= veel", "rule_invalid"),  # not a number
    ("Q4 = ja", "rule_invalid"),  # free text cannot be in a rule
    ("Q1 ja", "rule_invalid"),  # unreadable
])
def test_a_bad_rule_attaches_nothing(contract, other_purchaser, rule, code):
    with pytest.raises(PortalError) as exc:
        qualification_questionnaire_attach(actor=other_purchaser, contract=contract, definition=ELDERLY_CARE,
                                           rule=parse_rule(rule), now=NOW)
    assert exc.value.code == code and exc.value.status == 400
    assert not Survey.objects.exists() and not QualificationQuestionnaire.objects.exists()


def test_rule_messages_say_what_is_wrong():
    questions = _definition_questions(ELDERLY_CARE)
    assert rule_errors(parse_rule("Q1 = misschien"), questions) == [
        "‘misschien’ is geen antwoord op vraag Q1; kies uit: ja, nee."]
    assert rule_errors(parse_rule("Q9 = ja"), questions) == ["Vraag Q9 staat niet in deze uitvraag."]


def test_only_the_contract_insurers_purchaser_attaches_and_only_where_qualification_is_needed(
        contract, published_contract, purchaser, other_purchaser):
    with pytest.raises(PortalError) as exc:
        qualification_questionnaire_attach(actor=purchaser, contract=contract, definition=ELDERLY_CARE, now=NOW)
    assert exc.value.code == "not_purchaser"
    with pytest.raises(PortalError) as exc:
        qualification_questionnaire_attach(actor=purchaser, contract=published_contract, definition=ELDERLY_CARE,
                                           now=NOW)
    assert exc.value.code == "qualification_not_required"
    with pytest.raises(PortalError) as exc:
        qualification_questionnaire_attach(actor=other_purchaser, contract=contract,
                                           definition={**ELDERLY_CARE, "kind": "custom"}, now=NOW)
    assert exc.value.code == "not_a_qualification_questionnaire"
    with pytest.raises(PortalError) as exc:
        qualification_questionnaire_attach(actor=other_purchaser, contract=contract, definition=ELDERLY_CARE,
                                           closes_at=ams(2026, 12, 1, 0, 0), now=NOW)
    assert exc.value.code == "closes_after_signing"
    assert not Survey.objects.exists()


# --- Answering ---------------------------------------------------------------------------------------------
def test_a_submitted_response_that_meets_the_rule_receives_the_offer(questionnaire, contract, practice_3100,
                                                                       signatory):
    invitation = qualification_invitation_ensure(actor=signatory, questionnaire=questionnaire,
                                                 practice=practice_3100, now=NOW)
    assert qualification_invitation_ensure(actor=signatory, questionnaire=questionnaire, practice=practice_3100,
                                           now=NOW).pk == invitation.pk
    _respond(invitation, {"Q1": "ja", "Q2": "6", "Q3": "in_voorbereiding"})

    qualification = Qualification.objects.get(practice=practice_3100)
    assert qualification.answers == [
        {"code": "Q1", "question": "Heeft uw praktijk een vaste aanspreekpersoon (casemanager) voor kwetsbare ouderen?",
         "answer": "Ja"},
        {"code": "Q2", "question": "Hoeveel uur per week is een praktijkondersteuner ouderenzorg beschikbaar?",
         "answer": "6"},
        {"code": "Q3", "question": "Heeft u schriftelijke afspraken met de wijkverpleging over overdracht en overleg?",
         "answer": "In voorbereiding"},
    ]
    assert (qualification.status, qualification.decided_by_rule) == (Qualification.Status.QUALIFIED, True)
    assert qualification.reason == "Automatisch gekwalificeerd: de antwoorden voldoen aan ‘Q1 = ja en Q2 >= 4’."
    offer = Offer.objects.get(standard_contract=contract, practice=practice_3100)
    assert offer.reason == Offer.Reason.QUALIFIED and qualification.offer == offer


def test_answers_that_miss_the_rule_wait_for_the_insurer(questionnaire, contract, practice_3100, signatory,
                                                         other_purchaser):
    invitation = qualification_invitation_ensure(actor=signatory, questionnaire=questionnaire,
                                                 practice=practice_3100, now=NOW)
    response = _respond(invitation, {"Q1": "ja", "Q2": "3", "Q3": "ja"})
    qualification = Qualification.objects.get(practice=practice_3100)
    assert qualification.status == Qualification.Status.PENDING
    assert not Offer.objects.filter(standard_contract=contract).exists()
    qualification_decide(actor=other_purchaser, qualification=qualification, qualified=False,
                         reason="Te weinig uren POH ouderenzorg.", now=NOW)
    # Changing the answers after the decision is refused, and the saved and the frozen answers stay.
    with pytest.raises(PortalError) as exc:
        _respond(invitation, {"Q1": "ja", "Q2": "8", "Q3": "ja"})
    assert exc.value.code == "qualification_decided"
    assert Answer.objects.get(response=response, question__code="Q2").number == Decimal("3")
    qualification.refresh_from_db()
    assert qualification.answers[1]["answer"] == "3"


def test_a_draft_hands_nothing_over(questionnaire, practice_3100, signatory):
    invitation = qualification_invitation_ensure(actor=signatory, questionnaire=questionnaire,
                                                 practice=practice_3100, now=NOW)
    _respond(invitation, {"Q1": "ja"}, submit=False)
    assert not Qualification.objects.exists()


def test_another_organisation_cannot_answer_for_the_practice(questionnaire, practice_3100, market):
    stranger = make_member(Role.PRACTICE_SIGNATORY, PracticeFactory(region=market["region"]))
    with pytest.raises(PortalError) as exc:
        qualification_invitation_ensure(actor=stranger, questionnaire=questionnaire, practice=practice_3100, now=NOW)
    assert exc.value.code == "not_holder_member"
    assert not Invitation.objects.exists()


def test_no_invitation_after_closing(questionnaire, practice_3100, signatory):
    with pytest.raises(PortalError) as exc:
        qualification_invitation_ensure(actor=signatory, questionnaire=questionnaire, practice=practice_3100,
                                        now=ams(2026, 11, 8, 0, 0))
    assert exc.value.code == "survey_closed"
    assert not Invitation.objects.exists()


def test_a_module_questionnaire_unlocks_the_module(market, nza_tariffs, practice_3100, purchaser, signatory):
    contract = build_contract(market["preferent"], purchaser, publish=False)
    standard_contract_set_module(actor=purchaser, contract=contract, module=Module.objects.get(code="kwaliteit"),
                                 tariff="1500.00", requires_qualification=True)
    contract = standard_contract_publish(actor=purchaser, contract=contract, now=ams(2026, 9, 1, 12, 0))
    kwaliteit = contract.modules.get(module__code="kwaliteit")
    questionnaire = qualification_questionnaire_attach(actor=purchaser, contract=contract, contract_module=kwaliteit,
                                                       definition=ACCREDITATION, rule=parse_rule("Q1 = ja"), now=NOW)
    invitation = qualification_invitation_ensure(actor=signatory, questionnaire=questionnaire,
                                                 practice=practice_3100, now=NOW)
    _respond(invitation, {"Q1": "ja", "Q2": "2025"})
    qualification = Qualification.objects.get(practice=practice_3100, contract_module=kwaliteit)
    assert qualification.status == Qualification.Status.QUALIFIED
    assert qualification.offer == contract.offers.get(practice=practice_3100)


def test_rule_met_reads_choices_and_numbers(questionnaire, practice_3100, signatory):
    invitation = qualification_invitation_ensure(actor=signatory, questionnaire=questionnaire,
                                                 practice=practice_3100, now=NOW)
    response = _respond(invitation, {"Q1": "nee", "Q2": "4"}, submit=False)
    answers = list(response.answers.select_related("question"))
    assert not rule_met(parse_rule("Q1 = ja en Q2 >= 4"), answers)
    assert rule_met(parse_rule("Q1 != ja; Q2 >= 4"), answers)
    assert rule_met(parse_rule("Q2 = 4 and Q2 < 4.5"), answers)
    assert not rule_met(parse_rule("Q3 = ja"), answers)  # unanswered
    assert rule_met(parse_rule("Q3 != ja"), answers)
    assert not rule_met([], answers)  # no rule: the insurer decides
    assert [a["answer"] for a in response_snapshot(answers)] == ["Nee", "4"]


# --- Pages -------------------------------------------------------------------------------------------------
def test_pages_for_the_insurer_and_the_practice(client, contract, questionnaire, practice_3100, signatory,
                                                other_purchaser, purchaser):
    manage = text(page_html_as(client, other_purchaser, "/enquetes/uitvragen/beheer/"))
    assert "Uitvraag zorg voor kwetsbare ouderen Zorg voor kwetsbare ouderen 2027 Q1 = ja en Q2 >= 4" in manage
    listing = text(page_html_as(client, signatory, "/enquetes/uitvragen/"))
    assert "Uitvraag zorg voor kwetsbare ouderen — Verre Verzekeraar: Zorg voor kwetsbare ouderen 2027" in listing
    start = f"/enquetes/uitvragen/{questionnaire.pk}/"
    assert "Verre Verzekeraar biedt ‘Zorg voor kwetsbare ouderen 2027’ aan na deze uitvraag." in text(
        page_html_as(client, signatory, start))
    # Another practice's id: not found, and nothing is made.
    other = PracticeFactory()
    assert client.post(start, {"holder": other.pk}).status_code == 404
    assert not Invitation.objects.exists()
    # An insurer's purchaser has no practice to answer for.
    page_html_as(client, purchaser, start, status=404)


def test_the_insurer_attaches_on_its_page(client, contract, other_purchaser, purchaser, market, nza_tariffs):
    client.force_login(other_purchaser)
    url = "/enquetes/uitvragen/beheer/"
    response = client.post(url, {"target": f"c{contract.pk}", "template": "uitvraag-ouderenzorg", "rule": "Q1 = ok"})
    assert response.status_code == 200
    assert "‘ok’ is geen antwoord op vraag Q1; kies uit: ja, nee." in text(response.content.decode())
    assert not QualificationQuestionnaire.objects.exists()
    # Another insurer's contract that needs qualification: not among the choices, nothing attached.
    theirs = build_contract(market["preferent"], purchaser, publish=False)
    standard_contract_update(actor=purchaser, contract=theirs, requires_qualification=True)
    response = client.post(url, {"target": f"c{theirs.pk}", "template": "uitvraag-ouderenzorg", "rule": ""})
    assert response.status_code == 200 and not QualificationQuestionnaire.objects.exists()
    response = client.post(url, {"target": f"c{contract.pk}", "template": "uitvraag-ouderenzorg",
                                 "rule": "Q1 = ja en Q2 >= 4"})
    assert response.status_code == 302
    assert QualificationQuestionnaire.objects.get().standard_contract == contract
