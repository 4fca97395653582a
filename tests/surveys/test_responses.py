from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from accounts.models import Role
from core.errors import ConflictError, PortalError
from core.models import AuditEvent
from surveys.models import Answer, Invitation, Response
from surveys.services import response_answers, response_save, survey_close, survey_publish
from tests.factories import InsurerFactory, PracticeFactory, make_member

from .conftest import signed_contract

AMS = ZoneInfo("Europe/Amsterdam")
DURING = datetime(2026, 3, 10, 14, 0, tzinfo=AMS)
COMPLETE = {"Q1": "ja", "Q4": 8}


@pytest.fixture
def invited(draft_survey):
    """A practice invited to the published survey, and one of its people."""
    practice = PracticeFactory()
    user = make_member(Role.PRACTICE_MEMBER, practice, email="invuller@praktijk.example")
    survey = survey_publish(actor=None, survey=draft_survey, now=datetime(2026, 2, 1, tzinfo=AMS))
    return Invitation.objects.get(survey=survey, practice=practice), user


def cells(response):
    return sorted((a.question.code, a.repeat_key, a.row, a.option, a.number, a.text)
                  for a in Answer.objects.filter(response=response).select_related("question"))


def test_a_draft_may_be_incomplete_and_is_replaced_by_the_next_save(invited):
    invitation, user = invited
    draft = response_save(actor=user, invitation=invitation, answers={"Q3": ["s1", "s3"]}, now=DURING)
    assert draft.status == "draft" and invitation.responded_at is None
    assert cells(draft) == [("Q3", "", "", "s1", None, ""), ("Q3", "", "", "s3", None, "")]
    again = response_save(actor=user, invitation=invitation, answers={"Q1": "ja", "Q7": "1.250,5".replace(".", "")},
                          now=DURING)
    assert again.pk == draft.pk and Response.objects.count() == 1
    assert cells(again) == [("Q1", "", "", "ja", None, ""), ("Q7", "", "", "", Decimal("1250.50"), "")]


def test_submitting_needs_every_shown_required_question(invited):
    invitation, user = invited
    with pytest.raises(PortalError) as caught:
        response_save(actor=user, invitation=invitation, answers={"Q1": "nee"}, now=DURING, submit=True)
    # Q2 is shown (Q1 = nee) and required; Q4 is required
    assert caught.value.fields == {"Q2": ["Vraag Q2 is verplicht."], "Q4": ["Vraag Q4 is verplicht."]}
    assert not Response.objects.exists()
    response = response_save(actor=user, invitation=invitation, answers={"Q1": "nee", "Q2": "Te weinig tijd",
                                                                         "Q4": "6"}, now=DURING, submit=True)
    invitation.refresh_from_db()
    assert response.status == "submitted" and response.submitted_at == DURING and invitation.responded_at == DURING


def test_a_hidden_question_is_neither_required_nor_stored(invited):
    invitation, user = invited
    # Q1 = ja hides Q2 (required when shown): submitting without it is fine, and what was posted is dropped
    response = response_save(actor=user, invitation=invitation, answers={"Q1": "ja", "Q2": "ingevuld", "Q4": 7},
                             now=DURING, submit=True)
    assert [c[0] for c in cells(response)] == ["Q1", "Q4"]


def test_a_matrix_follow_up_keeps_only_the_rows_its_condition_shows(invited):
    invitation, user = invited
    response = response_save(actor=user, invitation=invitation, now=DURING, answers={
        "Q6": {"tijd": "slecht", "geld": "goed"}, "Q6b": {"tijd": "groot", "geld": "klein"}})
    assert [c for c in cells(response) if c[0] == "Q6b"] == [("Q6b", "", "tijd", "groot", None, "")]


@pytest.mark.parametrize("answers, field, message", [
    ({"Q4": 11}, "Q4", "Kies bij vraag Q4 een waarde van 1 tot en met 10."),
    ({"Q4": "7.5"}, "Q4", "Kies bij vraag Q4 een waarde van 1 tot en met 10."),
    ({"Q5": 0}, "Q5", "Kies bij vraag Q5 een waarde van 1 tot en met 5."),
    ({"Q1": "misschien"}, "Q1", "‘misschien’ is geen antwoordmogelijkheid bij vraag Q1."),
    ({"Q3": ["s1", "s9"]}, "Q3", "‘s9’ is geen antwoordmogelijkheid bij vraag Q3."),
    ({"Q7": "6000"}, "Q7", "Vul bij vraag Q7 een getal van 0 tot en met 5.000 in."),
    ({"Q7": "veel"}, "Q7", "Vul bij vraag Q7 een getal in."),
    ({"Q7": "1,234"}, "Q7", "Vul bij vraag Q7 een getal in met hoogstens twee cijfers achter de komma."),
    ({"Q6": {"ruimte": "goed"}}, "Q6", "Vraag Q6 heeft geen thema ‘ruimte’."),
    ({"Q99": "ja"}, "Q99", "Deze enquête heeft geen vraag Q99."),
])
def test_bad_answers_are_named_and_change_nothing(invited, answers, field, message):
    invitation, user = invited
    first = response_save(actor=user, invitation=invitation, answers={"Q1": "ja"}, now=DURING)
    with pytest.raises(PortalError) as caught:
        response_save(actor=user, invitation=invitation, answers={"Q1": "nee", **answers}, now=DURING)
    assert caught.value.code == "answers_invalid" and caught.value.fields == {field: [message]}
    assert cells(first) == [("Q1", "", "", "ja", None, "")]


def test_a_second_response_is_refused_and_the_first_stays(invited):
    invitation, user = invited
    first = response_save(actor=user, invitation=invitation, answers=COMPLETE, now=DURING, submit=True, new=True)
    with pytest.raises(ConflictError) as caught:
        response_save(actor=user, invitation=invitation, answers={"Q1": "nee", "Q2": "x", "Q4": 1}, now=DURING,
                      submit=True, new=True)
    assert caught.value.code == "already_responded"
    assert caught.value.detail == ("U hebt al een antwoord op deze enquête. U kunt het wijzigen tot en met "
                                   "31 maart 2026.")
    assert Response.objects.count() == 1 and cells(first)[0][3] == "ja"


def test_editable_until_closing_and_frozen_after(invited):
    invitation, user = invited
    submitted = response_save(actor=user, invitation=invitation, answers=COMPLETE, now=DURING, submit=True)
    # still editable after submitting, while open; it stays submitted and must stay complete
    edited = response_save(actor=user, invitation=invitation, answers={"Q1": "ja", "Q4": 9},
                           now=datetime(2026, 3, 31, 23, 59, tzinfo=AMS))
    assert edited.status == "submitted" and edited.submitted_at == submitted.submitted_at
    with pytest.raises(PortalError):
        response_save(actor=user, invitation=invitation, answers={"Q1": "ja"}, now=DURING)
    with pytest.raises(ConflictError) as caught:
        response_save(actor=user, invitation=invitation, answers={"Q1": "ja", "Q4": 2},
                      now=datetime(2026, 4, 1, 0, 0, tzinfo=AMS))
    assert caught.value.code == "survey_closed"
    assert caught.value.detail == ("Deze enquête is gesloten na 31 maart 2026; antwoorden kunnen niet meer worden "
                                   "ingediend of gewijzigd.")
    assert [c[4] for c in cells(edited) if c[0] == "Q4"] == [Decimal("9")]


def test_before_opening_nothing_can_be_saved(invited):
    invitation, user = invited
    with pytest.raises(ConflictError) as caught:
        response_save(actor=user, invitation=invitation, answers=COMPLETE, now=datetime(2026, 3, 1, 8, 59, tzinfo=AMS))
    assert caught.value.code == "survey_not_open" and not Response.objects.exists()


def test_only_who_may_answer_for_the_invitation(invited, outsider):
    invitation, _user = invited
    with pytest.raises(PortalError) as caught:
        response_save(actor=outsider, invitation=invitation, answers=COMPLETE, now=DURING)
    assert caught.value.status == 404 and not Response.objects.exists()


def test_an_anonymous_survey_detaches_responses_at_closing(db, definition, window):
    definition["anonymous"] = True
    from surveys.services import survey_create_from_definition

    survey = survey_create_from_definition(actor=None, definition=definition, year=2026, opens_at=window[0],
                                           closes_at=window[1])
    practice = PracticeFactory()
    user = make_member(Role.PRACTICE_MEMBER, practice, email="anoniem@praktijk.example")
    survey_publish(actor=None, survey=survey, now=datetime(2026, 2, 1, tzinfo=AMS))
    invitation = Invitation.objects.get(survey=survey, practice=practice)
    response = response_save(actor=user, invitation=invitation, answers=COMPLETE, now=DURING, submit=True)
    # the audit trail names the invitation, never the response (nothing links who to what)
    assert not AuditEvent.objects.filter(object_type="surveys.response").exists()
    survey_close(actor=None, survey=survey, now=window[1])
    response.refresh_from_db()
    assert response.invitation_id is None
    assert response.submitted_at == response.started_at == window[1]
    assert response.attributes == invitation.attributes and cells(response)[0][3] == "ja"
    invitation.refresh_from_db()
    assert invitation.responded_at == DURING  # the response rate still counts it


def test_questions_repeated_per_insurer_are_asked_for_each_contracted_insurer(db, definition, window):
    x, y, z = InsurerFactory(name="X"), InsurerFactory(name="Y"), InsurerFactory(name="Z")
    definition["sections"][1]["questions"][0]["repeat"] = "insurer"
    from surveys.services import survey_create_from_definition

    survey = survey_create_from_definition(actor=None, definition=definition, year=2026, opens_at=window[0],
                                           closes_at=window[1])
    practice = PracticeFactory()
    signed_contract(x, practice)
    signed_contract(y, practice)
    user = make_member(Role.PRACTICE_MEMBER, practice, email="herhaal@praktijk.example")
    survey_publish(actor=None, survey=survey, now=datetime(2026, 2, 1, tzinfo=AMS))
    invitation = Invitation.objects.get(survey=survey)
    with pytest.raises(PortalError) as caught:
        response_save(actor=user, invitation=invitation, answers={"Q1": "ja", "Q4": {str(x.pk): 8}}, now=DURING,
                      submit=True)
    assert caught.value.fields == {"Q4": ["Vraag Q4 is verplicht."]}  # Y still needs its rating
    with pytest.raises(PortalError):  # Z is not contracted: not asked
        response_save(actor=user, invitation=invitation, answers={"Q4": {str(z.pk): 8}}, now=DURING)
    response = response_save(actor=user, invitation=invitation, now=DURING, submit=True,
                             answers={"Q1": "ja", "Q4": {str(x.pk): 8, str(y.pk): "4"}})
    assert [(c[1], c[4]) for c in cells(response) if c[0] == "Q4"] == sorted(
        [(str(x.pk), Decimal(8)), (str(y.pk), Decimal(4))])
    assert response_answers(response)["Q4"] == {str(x.pk): "8", str(y.pk): "4"}
