# ruff: noqa: F811  (the contracting fixtures imported below are used as arguments)
"""The NZa insurer questionnaire filled in from the portal: contracts new vs continuing, module use against the
cap, maatwerk requests, and per care group its ketens, inclusieplafond and the offer and signing dates."""

import re
from datetime import timedelta

import pytest

from accounts.models import Role
from contracting.models import Module
from contracting.services import contract_year_ensure, nza_tariff_set, offer_sign, request_decide, request_raise
from surveys.models import Survey
from surveys.prefill import prefill_answers
from tests.contracting.conftest import (  # noqa: F401  (fixtures)
    CHOICE,
    IN_WINDOW,
    ams,
    build_contract,
    care_group,
    cg_member,
    cg_signatory,
    market,
    nza_tariffs,
    practice_3100,
    purchaser,
    signatory,
    year2027,
)
from tests.contracting.test_caregroups import agreed
from tests.factories import MarketShareFactory, PracticeFactory, enrol_totp, make_member


def _signatory_of(practice, email):
    user = make_member(Role.PRACTICE_SIGNATORY, practice, email=email)
    enrol_totp(user)
    return user


@pytest.fixture
def portal(market, nza_tariffs, practice_3100, signatory, purchaser, care_group, cg_member, cg_signatory):
    preferent = market["preferent"]
    # A practice of 2,350 patients on the 2027 contract, and one in another region on a 2026–2027 contract.
    small = PracticeFactory(region=market["region"], registered_patients=2350)
    elsewhere = MarketShareFactory(insurer=preferent).region
    running = PracticeFactory(region=elsewhere, registered_patients=2350)
    contract_year_ensure(actor=None, year=2026)
    for code, tariff in nza_tariffs.items():
        nza_tariff_set(actor=None, module=Module.objects.get(code=code), year=2026, max_tariff=tariff)
    two_year = build_contract(preferent, purchaser, year=2026, term_years=2, now=ams(2025, 9, 1, 12, 0))
    offer_sign(actor=_signatory_of(running, "loopt@praktijk.example"), offer=two_year.offers.get(practice=running),
               now=ams(2025, 10, 15, 10, 0), two_factor_verified=True,
               modules=[{"module": "poh-ggz", "hours": "12"}, {"module": "praktijkmanagement", "hours": "4"}])
    contract = build_contract(preferent, purchaser)
    offer_sign(actor=signatory, offer=contract.offers.get(practice=practice_3100), now=IN_WINDOW, modules=CHOICE,
               two_factor_verified=True)
    offer_sign(actor=_signatory_of(small, "klein@praktijk.example"), offer=contract.offers.get(practice=small),
               now=IN_WINDOW, modules=[{"module": "poh-ggz", "hours": "6"}], two_factor_verified=True)
    # The care group's agreement of 1 August 2026, signed on 1 September.
    acceptance = agreed(cg_member, purchaser, care_group, market)
    offer_sign(actor=cg_signatory, offer=acceptance.negotiation.offer, now=ams(2026, 9, 1, 10, 0),
               two_factor_verified=True)
    # Two maatwerk requests for 2027, one granted.
    for n in range(2):
        request = request_raise(actor=signatory, kind="maatwerk", text=f"Verzoek {n}", insurer=preferent,
                                practice=practice_3100, year=2027, situation="takeover", now=IN_WINDOW)
    request_decide(actor=purchaser, request=request, outcome="granted", reasons="Past.", now=IN_WINDOW)
    return {"insurer": preferent, "care_group": care_group}


def test_questionnaire_is_filled_in_with_what_the_portal_knows(portal):
    answers = prefill_answers(Survey(template="nza-insurer", year=2027), insurer=portal["insurer"])
    key = str(portal["care_group"].pk)
    assert answers == {
        "V1": 2,  # the two practices that signed the 2027 contract
        "V2": 1,  # the 2026–2027 contract runs on
        "V3": 1,  # the care group
        # POH-S and kwetsbare ouderen are in none of the contracts.
        "V5a": 0,
        "V8a": 0,
        # POH-GGZ in all three; only the 6 hours of the 2,350-patient practice are under its cap of 12 (15.8
        # hours for 3,100 patients is the cap, and so are the 12 of the other 2,350-patient practice).
        "V6a": 3,
        "V6b": 1,
        # Praktijkmanagement: 5 hours under the cap of 4 × 3,100 / 2,350 = 5.2; 4 hours at the cap of 4.
        "V7a": 2,
        "V7b": 1,
        "V10": 2,
        "V11": 1,
        "V12": {key: ["dm2"]},
        # Voetzorg is bought separately, the rest of DM2's parts are in the integral tariff.
        "V13": {key: "Diabetes Mellitus type 2: Diëtetiek, Fundus/oogarts, Specialist, Stoppen met roken, Lab"},
        "V14": {key: "ja"},  # an inclusieplafond of 5%
        "V16": {key: "01-08-2026"},
        "V17": {key: "01-09-2026"},
    }


def test_another_insurer_gets_only_its_own_figures(portal, market):
    answers = prefill_answers(Survey(template="nza-insurer", year=2027), insurer=market["other"])
    assert (answers["V1"], answers["V2"], answers["V3"], answers["V10"]) == (0, 0, 0, 0)
    assert "V12" not in answers


def test_other_templates_are_not_filled_in(portal):
    assert prefill_answers(Survey(template="gp-satisfaction", year=2027), insurer=portal["insurer"]) == {}


def test_the_insurers_respond_page_starts_from_the_portals_figures(portal, purchaser, client):
    from django.urls import reverse
    from django.utils import timezone

    from surveys.services import response_save, survey_create_from_definition, survey_publish
    from surveys.templates_data import template_definition
    from tests.helpers import page_html_as

    now = timezone.now()
    survey = survey_create_from_definition(actor=None, definition=template_definition("nza-insurer", year=2027),
                                           year=2027, opens_at=now - timedelta(days=1),
                                           closes_at=now + timedelta(days=20))
    survey = survey_publish(actor=None, survey=survey, now=now)
    url = reverse("surveys:respond", args=[survey.pk])
    html = page_html_as(client, purchaser, url)
    key = portal["care_group"].pk
    assert 'name="q|V1||" value="2"' in html
    assert 'name="q|V2||" value="1"' in html
    assert re.search(rf'name="q\|V16\|{key}\|"[^>]*>01-08-2026</textarea>', html)
    # Once saved, the page shows what the insurer saved, not the figures again.
    invitation = survey.invitations.get(insurer=portal["insurer"])
    response_save(actor=purchaser, invitation=invitation, answers={"V1": 3}, now=now)
    html = page_html_as(client, purchaser, url)
    assert 'name="q|V1||" value="3"' in html
    assert 'name="q|V2||" value=""' in html
