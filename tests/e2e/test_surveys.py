"""The GP satisfaction survey in a real browser: a GP of a practice that signed its 2027 contract opens the survey
from its list of surveys, rates its insurer, gives the contracting process a fail, which reveals the question what
the insurer should improve (and a pass hides it again), names its knelpunten with 'Anders', which reveals the
question which one, and submits; the response holds what the GP saw, nothing of a hidden question."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import Membership, Role
from surveys.models import Answer, Response
from surveys.services import survey_create_from_definition, survey_publish
from surveys.templates_data import template_definition
from tests.e2e.conftest import login
from tests.e2e.worlds import noord_and_de_linde
from tests.factories import DEFAULT_PASSWORD, make_member

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def world():
    base = noord_and_de_linde()
    practice, noord = base["practice"], base["insurer"]
    gp = make_member(Role.PRACTICE_MEMBER, practice, email="huisarts@delinde.example", full_name="Dr. B. Bakker")
    Membership.objects.filter(user=gp).update(is_gp=True)
    now = timezone.now()
    survey = survey_create_from_definition(actor=None, definition=template_definition("gp-satisfaction", year=2027),
                                           year=2027, opens_at=now - timedelta(days=1),
                                           closes_at=now + timedelta(days=20))
    survey = survey_publish(actor=None, survey=survey, now=now)
    return {"survey": survey, "gp": gp, "insurer": noord}


def test_a_gp_fills_in_the_satisfaction_survey_and_a_fail_reveals_a_question(page, live_server, shot, world):
    survey, insurer = world["survey"], world["insurer"]
    login(page, "huisarts@delinde.example", DEFAULT_PASSWORD)
    page.goto("/enquetes/")
    page.get_by_role("link", name=re.compile("Tevredenheidsonderzoek contractering huisartsen 2027")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Tevredenheidsonderzoek contractering huisartsen 2027")

    def question(code):
        return page.locator(f"[data-question='{code}'][data-repeat-key='{insurer.pk}']")

    # Each rating is asked for the insurer the practice contracts with.
    expect(question("T1").locator("legend")).to_contain_text("Zorgverzekeraar Noord")
    question("T1").locator("input[value='6']").check()
    # A pass for the process: no question what to improve.
    question("T2").locator("input[value='7']").check()
    expect(question("T5")).to_be_hidden()
    shot(page, "pass-no-follow-up")
    # A fail reveals it.
    question("T2").locator("input[value='4']").check()
    expect(question("T5")).to_be_visible()
    question("T5").locator("textarea").fill("Eerder overleggen met het overlegteam.")
    question("T3").locator("input[value='3']").check()
    question("T4").get_by_label("Nee").check()

    knelpunten = page.locator("[data-question='K1']")
    other = page.locator("[data-question='K2']")
    knelpunten.get_by_label("Te lage tarieven").check()
    expect(other).to_be_hidden()
    knelpunten.get_by_label("Anders", exact=True).check()
    expect(other).to_be_visible()
    other.locator("textarea").fill("De onzekerheid over de POH-S.")
    shot(page, "filled-in")

    page.get_by_role("button", name="Indienen").click()
    expect(page.get_by_text("Uw antwoorden zijn ingediend")).to_be_visible()
    # The page shows what was submitted, still open to change until closing.
    expect(question("T2").locator("input[value='4']")).to_be_checked()
    expect(question("T5").locator("textarea")).to_have_value("Eerder overleggen met het overlegteam.")
    expect(page.get_by_role("button", name="Wijzigingen indienen")).to_be_visible()
    shot(page, "submitted")

    response = Response.objects.get(survey=survey)
    assert response.status == Response.Status.SUBMITTED
    answers = {(a.question.code, a.repeat_key): a for a in Answer.objects.filter(response=response)
               .exclude(question__code="K1").select_related("question")}
    key = str(insurer.pk)
    assert (answers[("T1", key)].number, answers[("T2", key)].number, answers[("T3", key)].number) == (6, 4, 3)
    assert answers[("T4", key)].option == "nee"
    assert answers[("T5", key)].text == "Eerder overleggen met het overlegteam."
    assert set(Answer.objects.filter(response=response, question__code="K1").values_list("option", flat=True)) == \
        {"tarieven", "anders"}
    assert answers[("K2", "")].text == "De onzekerheid over de POH-S."
