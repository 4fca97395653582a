"""Maatwerk in a real browser, during the contract year: the practice raises a maatwerk request for a new housing
estate, the insurer grants it partly and proposes the addendum, the practice's signatory signs the addendum
with a code from the authenticator app, and the contract's terms in force change."""

import re

import pytest
import time_machine
from django_otp.plugins.otp_totp.models import TOTPDevice

from contracting.models import ContractAddendum, Request
from contracting.selectors import contract_terms
from tests.contracting.conftest import ams
from tests.e2e.conftest import login
from tests.e2e.worlds import noord_and_de_linde
from tests.factories import (
    DEFAULT_PASSWORD,
    code_for,
)

pytestmark = pytest.mark.django_db(transaction=True)



@pytest.fixture
def world():
    base = noord_and_de_linde(tariffs=(("inschrijving", "17.00"), ("consult", "10.50"), ("poh-ggz", "3900.00")),
                              chosen=[{"module": "poh-ggz", "hours": "15.8"}])
    offer, signatory, purchaser = base["offer"], base["signatory"], base["purchaser"]
    device = TOTPDevice.objects.create(user=signatory, name="app", confirmed=True)
    return {"offer": offer, "signatory": signatory, "device": device, "purchaser": purchaser}


def test_a_practice_raises_maatwerk_the_insurer_grants_it_and_the_signatory_signs_the_addendum(
        browser, live_server, settings, world, shot):
    settings.SESSION_EXPIRE_AT_BROWSER_CLOSE = True

    def new_page():
        context = browser.new_context(base_url=live_server.url, locale="nl-NL",
                                      viewport={"width": 1280, "height": 900})
        page = context.new_page()
        page.set_default_timeout(20_000)
        return page

    offer = world["offer"]
    with time_machine.travel(ams(2027, 2, 1, 10, 0), tick=True) as clock:
        # --- The practice raises the maatwerk request, during the contract year ------------------------------
        practice_page = new_page()
        login(practice_page, "tekenbevoegde@delinde.example", DEFAULT_PASSWORD)
        practice_page.fill("input[name=token]", code_for(world["device"]))
        practice_page.get_by_role("button", name="Code controleren").click()
        practice_page.wait_for_load_state()
        practice_page.goto("/contracten/")
        practice_page.get_by_role("link", name=re.compile("Vragen, maatwerk")).click()
        practice_page.get_by_role("link", name="Nieuw verzoek").click()
        practice_page.check("input[name=kind][value=maatwerk]")
        practice_page.select_option("select[name=offer]", str(offer.pk))
        practice_page.select_option("select[name=situation]", "population_change")
        practice_page.fill("input[name=subject]", "Nieuwbouwwijk De Hoven")
        practice_page.fill("textarea[name=text]", "Er komen dit jaar 800 patiënten bij. Wij vragen 20 uur POH-GGZ.")
        shot(practice_page, "maatwerk-1-request-form")
        practice_page.get_by_role("button", name="Verzoek versturen").click()
        practice_page.wait_for_url(re.compile(r"/contracten/verzoeken/\d+/$"))
        request = Request.objects.get(kind="maatwerk")
        body = practice_page.inner_text("main")
        # Raised Monday 1 February 2027: 2, 3, 4, 5 and 8 February -> a reaction by 8 February.
        assert "Reactie" in body and "8 februari 2027" in body and "nog 7 dagen" in body
        shot(practice_page, "maatwerk-2-request-sent")

        # --- The insurer grants it partly and proposes the addendum -------------------------------------------
        insurer_page = new_page()
        login(insurer_page, "inkoper@noord.example", DEFAULT_PASSWORD)
        insurer_page.goto("/inkoop/inbox/")
        insurer_page.get_by_role("link", name="Nieuwbouwwijk De Hoven").click()
        insurer_page.wait_for_url(re.compile(rf"/inkoop/verzoeken/{request.pk}/$"))
        insurer_page.check("input[name=outcome][value=partly]")
        insurer_page.fill("textarea[name=reasons]", "20 uur POH-GGZ vanaf 1 maart, eerst voor dit jaar.")
        insurer_page.get_by_role("button", name="Besluit versturen").click()
        insurer_page.wait_for_load_state()
        insurer_page.fill("textarea[name=addendum-text]", "Vanaf 1 maart 2027 vergoeden wij 20 uur POH-GGZ per week.")
        insurer_page.fill("input[name=addendum-effective_from]", "2027-03-01")
        insurer_page.fill("input[name=addendum-uren-poh-ggz]", "20")
        shot(insurer_page, "maatwerk-3-granted-addendum-form")
        insurer_page.get_by_role("button", name="Addendum voorstellen").click()
        insurer_page.wait_for_load_state()
        request.refresh_from_db()
        assert request.outcome == "partly" and request.addendum.status == ContractAddendum.Status.PROPOSED

        # --- The practice's signatory signs the addendum -----------------------------------------------------
        practice_page.goto(f"/contracten/verzoeken/{request.pk}/")
        assert "Gedeeltelijk toegekend" in practice_page.inner_text("main")
        practice_page.get_by_role("link", name="Addendum bekijken en ondertekenen").click()
        practice_page.wait_for_url(re.compile(r"/contracten/addenda/\d+/$"))
        shot(practice_page, "maatwerk-4-addendum-to-sign")
        practice_page.check("input[name=confirm]")
        clock.shift(60)  # a fresh code: the one given at login cannot be used again
        practice_page.fill("input[name=code]", code_for(world["device"]))
        practice_page.get_by_role("button", name="Addendum ondertekenen").click()
        practice_page.wait_for_load_state()
        shot(practice_page, "maatwerk-5-addendum-signed")
        addendum = ContractAddendum.objects.get(pk=request.addendum_id)
        assert addendum.status == ContractAddendum.Status.ACCEPTED and addendum.decided_by == world["signatory"]
        [poh] = [line for line in contract_terms(offer, 2027) if line["code"] == "poh-ggz"]
        assert poh["hours"] == "20.0"
        practice_page.goto(f"/contracten/verzoeken/{request.pk}/")
        assert "Ondertekend" in practice_page.inner_text("main")
        insurer_page.context.close()
        practice_page.context.close()
