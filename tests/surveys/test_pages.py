import json
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from accounts.models import Role
from surveys.models import Answer, Invitation, Response, Survey
from surveys.services import response_save, survey_create_from_definition, survey_publish
from tests.factories import InsurerFactory, PracticeFactory, make_member
from tests.helpers import page_html_as, text

from .conftest import DEFINITION

AMS = ZoneInfo("Europe/Amsterdam")
DURING = datetime(2026, 3, 10, 14, 0, tzinfo=AMS)


@pytest.fixture
def running(draft_survey):
    practice = PracticeFactory(name="Huisartsenpraktijk De Linde")
    user = make_member(Role.PRACTICE_MEMBER, practice, email="linde@praktijk.example")
    survey = survey_publish(actor=None, survey=draft_survey, now=datetime(2026, 2, 1, tzinfo=AMS))
    return survey, Invitation.objects.get(survey=survey, practice=practice), user


def url(survey):
    return f"/enquetes/{survey.pk}/invullen/"


def test_the_respondent_list_shows_open_surveys_with_days_left(client, running):
    survey, _invitation, user = running
    with time_machine.travel(DURING, tick=False):
        page = text(page_html_as(client, user, "/enquetes/"))
    assert "Proefenquête Huisartsenpraktijk De Linde nog niet begonnen 31 maart 2026 nog 21 dagen" in page


def test_the_respond_page_hides_a_conditional_question_until_its_answer(client, running):
    survey, invitation, user = running
    with time_machine.travel(DURING, tick=False):
        html = page_html_as(client, user, url(survey))
    assert 'data-question="Q2" data-repeat-key="" data-show-if="Q1" data-show-if-values="[&quot;nee&quot;]"' in html
    assert 'hidden>' in html.split('data-question="Q2"')[1].split(">")[0] + ">"
    assert "survey-conditions.js" in html and "<script>" not in html
    assert "Q7. Aantal patiënten minimaal 0, maximaal 5.000" in text(html)  # Dutch notation
    assert "U kunt uw antwoorden bewaren, indienen en wijzigen tot en met 31 maart 2026 nog 21 dagen" in text(html)
    # once Q1 = nee is saved, the page shows Q2 from the server side too
    response_save(actor=user, invitation=invitation, answers={"Q1": "nee"}, now=DURING)
    with time_machine.travel(DURING, tick=False):
        html = page_html_as(client, user, url(survey))
    assert "hidden" not in html.split('data-question="Q2"')[1].split(">")[0]


def test_posting_saves_a_draft_then_submits_and_drops_a_hidden_answer(client, running):
    survey, invitation, user = running
    client.force_login(user)
    with time_machine.travel(DURING, tick=False):
        draft = client.post(url(survey), {"q|Q1||": "ja", "draft": "1"})
        assert draft.status_code == 302
        assert Response.objects.get().status == "draft"
        done = client.post(url(survey), {"q|Q1||": "ja", "q|Q2||": "verborgen", "q|Q4||": "9",
                                         "q|Q3||": ["s1", "s2"], "q|Q6||tijd": "slecht", "q|Q6b||tijd": "groot",
                                         "q|Q6b||geld": "klein", "submit": "1"}, follow=True)
    assert "Uw antwoorden zijn ingediend." in text(done.content.decode())
    response = Response.objects.get()
    assert response.status == "submitted"
    assert sorted(Answer.objects.filter(response=response).values_list("question__code", "row", "option")) == [
        ("Q1", "", "ja"), ("Q3", "", "s1"), ("Q3", "", "s2"), ("Q4", "", ""), ("Q6", "tijd", "slecht"),
        ("Q6b", "tijd", "groot")]


def test_an_answer_outside_the_scale_is_shown_at_the_question_and_saves_nothing(client, running):
    survey, invitation, user = running
    client.force_login(user)
    with time_machine.travel(DURING, tick=False):
        page = client.post(url(survey), {"q|Q1||": "ja", "q|Q4||": "11", "submit": "1"})
    assert page.status_code == 400
    assert "Kies bij vraag Q4 een waarde van 1 tot en met 10." in text(page.content.decode())
    assert not Response.objects.exists()


def test_after_closing_the_page_is_frozen_and_a_post_changes_nothing(client, running):
    survey, invitation, user = running
    response_save(actor=user, invitation=invitation, answers={"Q1": "ja", "Q4": 8}, now=DURING, submit=True)
    closed = datetime(2026, 4, 2, 9, 0, tzinfo=AMS)
    client.force_login(user)
    with time_machine.travel(closed, tick=False):
        html = page_html_as(client, user, url(survey))
        posted = client.post(url(survey), {"q|Q1||": "nee", "q|Q2||": "x", "q|Q4||": "2", "submit": "1"},
                             follow=True)
    assert "Deze enquête is gesloten na 31 maart 2026." in text(html)
    assert 'value="ja" checked disabled' in html and "Indienen" not in text(html)
    assert "Deze enquête is gesloten na 31 maart 2026; antwoorden kunnen niet meer worden" in text(
        posted.content.decode())
    assert list(Answer.objects.values_list("question__code", "option")) == [("Q1", "ja"), ("Q4", "")]


def test_another_organisations_survey_is_a_404(client, running, outsider):
    survey, _invitation, _user = running
    page_html_as(client, outsider, url(survey), status=404)


def test_the_owner_sees_the_response_rate_fill_up(client, db, window, insurer, insurer_user):
    definition = json.loads(json.dumps(DEFINITION))
    definition["key"] = "evaluatie"
    survey = survey_create_from_definition(actor=insurer_user, definition=definition, year=2026,
                                           opens_at=window[0], closes_at=window[1], owner_insurer=insurer)
    practices = [PracticeFactory() for _ in range(4)]
    users = [make_member(Role.PRACTICE_MEMBER, p, email=f"p{i}@praktijk.example") for i, p in enumerate(practices)]
    survey_publish(actor=insurer_user, survey=survey, now=datetime(2026, 2, 1, tzinfo=AMS))
    detail, fragment = f"/enquetes/beheer/{survey.pk}/", f"/enquetes/beheer/{survey.pk}/respons/"
    with time_machine.travel(DURING, tick=False):
        html = page_html_as(client, insurer_user, detail)
        assert f'hx-get="{fragment}" hx-trigger="every 10s"' in html
        assert "0% ingediend: 0 van 4 genodigden" in text(html)
        for user, practice in zip(users[:3], practices[:3], strict=True):
            response_save(actor=user, invitation=Invitation.objects.get(survey=survey, practice=practice),
                          answers={"Q1": "ja", "Q4": 7}, now=DURING, submit=users.index(user) < 2)
        assert "50% ingediend: 2 van 4 genodigden · 1 concept" in text(page_html_as(client, insurer_user, fragment))
    other = make_member(Role.INSURER_PURCHASER, InsurerFactory(), email="ander@verzekeraar.example")
    page_html_as(client, other, detail, status=404)
    page_html_as(client, other, fragment, status=404)
    page_html_as(client, users[0], detail, status=404)


def test_an_owner_creates_a_survey_from_a_definition_and_publishes_it(client, db, insurer, insurer_user):
    client.force_login(insurer_user)
    bad = client.post("/enquetes/beheer/nieuw/", {"definition": "{niet json", "year": 2027, "opens_on": "2027-01-05",
                                                 "closes_on": "2027-02-28", "audience": "practices"})
    assert bad.status_code == 400 and "Dit is geen geldige JSON" in text(bad.content.decode())
    definition = json.loads(json.dumps(DEFINITION))
    definition["sections"][0]["questions"][0]["kind"] = "slider"
    bad = client.post("/enquetes/beheer/nieuw/", {"definition": json.dumps(definition), "year": 2027,
                                                 "opens_on": "2027-01-05", "closes_on": "2027-02-28",
                                                 "audience": "practices"})
    assert bad.status_code == 400 and "Vraag Q1: ‘kind’ moet een van" in text(bad.content.decode())
    assert not Survey.objects.exists()
    made = client.post("/enquetes/beheer/nieuw/", {"definition": json.dumps(DEFINITION), "year": 2027,
                                                  "opens_on": "2027-01-05", "closes_on": "2027-02-28",
                                                  "audience": "practices"})
    survey = Survey.objects.get()
    assert made.status_code == 302 and survey.owner_insurer == insurer
    assert (survey.opens_at, survey.closes_at) == (datetime(2027, 1, 5, tzinfo=AMS), datetime(2027, 3, 1, tzinfo=AMS))
    PracticeFactory()
    with time_machine.travel(datetime(2026, 12, 1, 12, 0, tzinfo=AMS), tick=False):
        client.post(f"/enquetes/beheer/{survey.pk}/publiceren/")
    survey.refresh_from_db()
    assert survey.status == "published" and survey.invitations.count() == 1


def test_after_an_anonymous_survey_closes_the_respondent_sees_no_answers(client, db, definition, window):
    from surveys.services import survey_close

    definition["anonymous"] = True
    survey = survey_create_from_definition(actor=None, definition=definition, year=2026, opens_at=window[0],
                                           closes_at=window[1])
    practice = PracticeFactory()
    user = make_member(Role.PRACTICE_MEMBER, practice, email="anoniem@praktijk.example")
    survey_publish(actor=None, survey=survey, now=datetime(2026, 2, 1, tzinfo=AMS))
    invitation = Invitation.objects.get(survey=survey)
    response_save(actor=user, invitation=invitation, answers={"Q1": "ja", "Q4": 8}, now=DURING, submit=True)
    survey_close(actor=None, survey=survey, now=window[1])
    with time_machine.travel(datetime(2026, 4, 2, tzinfo=AMS), tick=False):
        html = page_html_as(client, user, url(survey))
    assert "Uw antwoorden zijn anoniem bewaard en niet meer aan u gekoppeld" in text(html)
    assert 'name="q|Q1||"' not in html


def test_the_home_page_says_a_survey_waits_until_it_is_submitted(client, running):
    from contracting.services import contract_year_ensure

    contract_year_ensure(actor=None, year=2027)  # the home page's year
    survey, invitation, user = running
    # 10 March: the survey closes at the end of 31 March, 21 days on. A draft still waits; a submitted one not.
    response_save(actor=user, invitation=invitation, answers={"Q1": "ja"}, now=DURING)
    with time_machine.travel(DURING, tick=False):
        page = text(page_html_as(client, user, "/"))
    assert "1 enquête in te vullen, uiterlijk 31 maart 2026 (nog 21 dagen)" in page
    response_save(actor=user, invitation=invitation, answers={"Q1": "ja", "Q4": "7"}, now=DURING, submit=True)
    with time_machine.travel(DURING, tick=False):
        page = text(page_html_as(client, user, "/"))
    assert "enquête in te vullen" not in page
