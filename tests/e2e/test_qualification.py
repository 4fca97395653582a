"""An uitvraag in a real browser: the insurer attaches a qualification questionnaire with a rule to a contract
that is offered only after qualification, a practice answers it on the survey's respond page and receives the
offer, whose page shows the frozen answers to the practice and to the insurer."""

import re
from datetime import datetime
from decimal import Decimal

import pytest
import time_machine

from accounts.models import Role
from contracting.calendar import AMSTERDAM
from contracting.models import Module, Offer, Qualification
from contracting.services import (
    contract_year_ensure,
    nza_tariff_set,
    standard_contract_create,
    standard_contract_publish,
    standard_contract_set_module,
    standard_contract_update,
)
from tests.e2e.conftest import login
from tests.factories import DEFAULT_PASSWORD, InsurerFactory, MarketShareFactory, PracticeFactory, make_member

pytestmark = pytest.mark.django_db(transaction=True)


def ams(*args):
    return datetime(*args, tzinfo=AMSTERDAM)


@pytest.fixture
def world():
    contract_year_ensure(actor=None, year=2027)
    nza_tariff_set(actor=None, module=Module.objects.get(code="inschrijving"), year=2027, max_tariff="17.50")
    west = InsurerFactory(name="Zorgverzekeraar West", short_name="West", slug="west")
    share = MarketShareFactory(insurer=west, share_percent=Decimal("55"))
    practice = PracticeFactory(name="Huisartsenpraktijk De Eik", region=share.region, registered_patients=2800)
    make_member(Role.PRACTICE_MEMBER, practice, email="medewerker@deeik.example", full_name="L. Bakker")
    purchaser = make_member(Role.INSURER_PURCHASER, west, email="inkoper@west.example", full_name="M. Visser")
    contract = standard_contract_create(actor=purchaser, insurer=west, first_year=2027,
                                        title="Zorg voor kwetsbare ouderen West 2027", now=ams(2026, 8, 1, 12, 0))
    for code, tariff in (("inschrijving", "17.00"), ("kwetsbare-ouderen", "48.00")):
        standard_contract_set_module(actor=purchaser, contract=contract, module=Module.objects.get(code=code),
                                     tariff=tariff)
    standard_contract_update(actor=purchaser, contract=contract, requires_qualification=True)
    standard_contract_publish(actor=purchaser, contract=contract, now=ams(2026, 9, 1, 12, 0))
    return {"contract": contract, "practice": practice}


def test_a_practice_answers_a_qualification_questionnaire_and_receives_the_offer(
        browser, live_server, settings, world, shot):
    settings.SESSION_EXPIRE_AT_BROWSER_CLOSE = True
    contract, practice = world["contract"], world["practice"]

    def new_page():
        context = browser.new_context(base_url=live_server.url, locale="nl-NL",
                                      viewport={"width": 1280, "height": 900})
        page = context.new_page()
        page.set_default_timeout(20_000)
        return page

    with time_machine.travel(ams(2026, 9, 10, 10, 0), tick=True):
        # --- The insurer attaches the uitvraag with a rule ------------------------------------------------------
        insurer_page = new_page()
        login(insurer_page, "inkoper@west.example", DEFAULT_PASSWORD)
        insurer_page.goto("/enquetes/uitvragen/beheer/")
        insurer_page.select_option("select[name=target]", label="Zorg voor kwetsbare ouderen West 2027 (2027)")
        insurer_page.select_option("select[name=template]", label="Uitvraag zorg voor kwetsbare ouderen")
        insurer_page.fill("input[name=rule]", "Q1 = ja en Q2 >= 4")
        insurer_page.get_by_role("button", name="Uitvraag openzetten").click()
        insurer_page.wait_for_load_state()
        assert "De uitvraag staat open" in insurer_page.content()
        shot(insurer_page, "1-insurer-attached")
        assert not Offer.objects.filter(standard_contract=contract).exists()

        # --- The practice finds it, answers it and submits -----------------------------------------------------
        page = new_page()
        login(page, "medewerker@deeik.example", DEFAULT_PASSWORD)
        page.goto("/enquetes/uitvragen/")
        page.get_by_role("link", name="Uitvraag zorg voor kwetsbare ouderen").click()
        page.wait_for_load_state()
        shot(page, "2-practice-uitvraag")
        page.get_by_role("button", name=re.compile("Uitvraag beantwoorden")).click()
        page.wait_for_load_state()
        page.get_by_label("Ja").first.check()
        page.fill("input[name='q|Q2||']", "6")
        page.locator("div[data-question=Q3]").get_by_label("Ja").check()
        page.fill("textarea[name='q|Q4||']", "Casemanager dementie twee dagen per week.")
        shot(page, "3-practice-answers")
        page.get_by_role("button", name="Indienen").click()
        page.wait_for_load_state()
        assert "Uw antwoorden zijn ingediend" in page.content()

        # The rule was met: qualified at once, and the offer is there.
        qualification = Qualification.objects.get(practice=practice)
        assert (qualification.status, qualification.decided_by_rule) == (Qualification.Status.QUALIFIED, True)
        offer = Offer.objects.get(standard_contract=contract, practice=practice)
        assert offer.reason == Offer.Reason.QUALIFIED

        # --- The practice opens its offer: the answers are kept with it ---------------------------------------
        page.goto("/contracten/?jaar=2027")
        assert "Zorgverzekeraar West" in page.content()
        page.get_by_role("link", name=re.compile(r"^Aanbod.*bekijken")).first.click()
        page.wait_for_load_state()
        section = page.locator("#uitvraag")
        assert "Gekwalificeerd" in section.inner_text()
        assert "Hoeveel uur per week is een praktijkondersteuner ouderenzorg beschikbaar?" in section.inner_text()
        assert qualification.answers_hash in section.inner_text()
        shot(page, "4-practice-offer-with-answers")

        # --- The insurer sees the same answers on its queue and on the offer ----------------------------------
        insurer_page.goto("/inkoop/uitvragen/")
        assert "Gekwalificeerd" in insurer_page.content()
        insurer_page.goto(f"/contracten/aanbod/{offer.pk}/")
        assert "Casemanager dementie twee dagen per week." in insurer_page.locator("#uitvraag").inner_text()
        shot(insurer_page, "5-insurer-offer-with-answers")
