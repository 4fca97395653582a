"""The GP satisfaction survey in a real browser: a GP of a practice that signed its 2027 contract opens the survey
from its list of surveys, rates its insurer, gives the contracting process a fail, which reveals the question what
the insurer should improve (and a pass hides it again), names its knelpunten with 'Anders', which reveals the
question which one, and submits; the response holds what the GP saw, nothing of a hidden question."""

import re
from datetime import datetime, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import Membership, Role
from contracting.calendar import AMSTERDAM
from contracting.models import Module
from contracting.services import (
    contract_year_ensure,
    offer_sign,
    standard_contract_create,
    standard_contract_publish,
    standard_contract_set_module,
)
from surveys.models import Answer, Response
from surveys.services import survey_create_from_definition, survey_publish
from surveys.templates_data import template_definition
from tests.e2e.conftest import login
from tests.factories import (
    DEFAULT_PASSWORD,
    InsurerFactory,
    MarketShareFactory,
    PracticeFactory,
    make_member,
    set_nza_tariffs,
)

pytestmark = pytest.mark.django_db(transaction=True)


def ams(*args):
    return datetime(*args, tzinfo=AMSTERDAM)


@pytest.fixture
def world():
    contract_year_ensure(actor=None, year=2027)
    set_nza_tariffs(2027)
    noord = InsurerFactory(name="Zorgverzekeraar Noord", short_name="Noord", slug="noord")
    share = MarketShareFactory(insurer=noord, share_percent=Decimal("62"))
    practice = PracticeFactory(name="Huisartsenpraktijk De Linde", region=share.region, registered_patients=3100)
    signatory = make_member(Role.PRACTICE_SIGNATORY, practice, email="tekenbevoegde@delinde.example")
    gp = make_member(Role.PRACTICE_MEMBER, practice, email="huisarts@delinde.example", full_name="Dr. B. Bakker")
    Membership.objects.filter(user=gp).update(is_gp=True)
    purchaser = make_member(Role.INSURER_PURCHASER, noord, email="inkoper@noord.example")
    contract = standard_contract_create(actor=purchaser, insurer=noord, first_year=2027, term_years=1,
                                        title="Huisartsenzorg Noord 2027", now=ams(2026, 8, 1, 12, 0))
    for code, tariff in (("inschrijving", "17.00"), ("consult", "10.50")):
        standard_contract_set_module(actor=purchaser, contract=contract, module=Module.objects.get(code=code),
                                     tariff=tariff)
    standard_contract_publish(actor=purchaser, contract=contract, now=ams(2026, 9, 1, 12, 0))
    offer_sign(actor=signatory, offer=contract.offers.get(practice=practice), now=ams(2026, 10, 15, 10, 0),
               two_factor_verified=True)
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
