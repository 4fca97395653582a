"""A care group's ketenzorg negotiation in a real browser: the care group submits a DM2 budget with its
begroting and werkplan, the insurer offers, the care group counters, the insurer accepts, and the care
group's signatory signs with two-factor before the end of 1 October."""

import re
from datetime import datetime
from decimal import Decimal

import pytest
import time_machine
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import Role
from contracting.calendar import AMSTERDAM
from contracting.models import Negotiation, Signature
from contracting.services import contract_year_ensure
from tests.e2e.conftest import login
from tests.factories import (
    DEFAULT_PASSWORD,
    CareGroupFactory,
    InsurerFactory,
    MarketShareFactory,
    PracticeFactory,
    code_for,
    make_member,
)

pytestmark = pytest.mark.django_db(transaction=True)
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def ams(*args):
    return datetime(*args, tzinfo=AMSTERDAM)


def test_care_group_submits_insurer_offers_counter_accept_sign(browser, live_server, settings, shot):
    settings.SESSION_EXPIRE_AT_BROWSER_CLOSE = True
    contract_year_ensure(actor=None, year=2027)
    insurer = InsurerFactory(name="Zorgverzekeraar Noord", short_name="Noord", slug="noord")
    share = MarketShareFactory(insurer=insurer, share_percent=Decimal("62"))
    group = CareGroupFactory(name="Zorggroep De Waard", region=share.region)
    group.practices.add(PracticeFactory(region=share.region, registered_patients=12000),
                        PracticeFactory(region=share.region, registered_patients=8000))
    make_member(Role.CAREGROUP_MEMBER, group, email="coordinator@dewaard.example", full_name="C. Jansen")
    signatory = make_member(Role.CAREGROUP_SIGNATORY, group, email="bestuur@dewaard.example",
                            full_name="Drs. B. Bakker")
    device = TOTPDevice.objects.create(user=signatory, name="app", confirmed=True)
    make_member(Role.INSURER_PURCHASER, insurer, email="inkoper@noord.example", full_name="I. de Boer")

    def new_page(email):
        context = browser.new_context(base_url=live_server.url, locale="nl-NL",
                                      viewport={"width": 1280, "height": 900})
        page = context.new_page()
        page.set_default_timeout(20_000)
        login(page, email, DEFAULT_PASSWORD)
        page.wait_for_load_state()
        return page

    with time_machine.travel(ams(2026, 6, 10, 10, 0), tick=True) as clock:
        # --- June: the care group submits its DM2 budget --------------------------------------------------
        page = new_page("coordinator@dewaard.example")
        page.goto("/samenwerkingsverband/indienen/")
        page.set_input_files("input[name=budget]", {"name": "begroting-2027.pdf", "mimeType": "application/pdf",
                                                    "buffer": PDF})
        page.set_input_files("input[name=work_plan]", {"name": "werkplan-2027.pdf", "mimeType": "application/pdf",
                                                       "buffer": PDF})
        page.check("input[name='ketenzorg-dm2__include']")
        page.fill("input[name='ketenzorg-dm2__patients']", "1000")
        page.fill("input[name='ketenzorg-dm2__tariff']", "45,00")
        page.fill("input[name='ketenzorg-dm2__ceiling']", "6")
        page.select_option("select[name='ketenzorg-dm2__c__voetzorg']", "separate")
        page.get_by_role("button", name="Indienen").click()
        page.wait_for_url(re.compile(r"/samenwerkingsverband/onderhandelingen/\d+/$"))
        assert "Uw begroting en werkplan zijn ingediend." in page.content()
        shot(page, "1-submitted")
        negotiation = Negotiation.objects.get()
        page.context.close()

        # --- July: the insurer offers ------------------------------------------------------------------------
        clock.move_to(ams(2026, 7, 1, 10, 0))
        page = new_page("inkoper@noord.example")
        page.goto("/inkoop/zorggroepen/?year=2027")
        page.get_by_role("link", name="Zorggroep De Waard").click()
        page.fill("input[name='counter-ketenzorg-dm2__tariff']", "40,00")
        page.get_by_role("button", name="Tegenvoorstel versturen").click()
        page.wait_for_load_state()
        assert "Aanbod van de verzekeraar" in page.content()
        shot(page, "2-insurer-offered")
        page.context.close()

        # --- The care group counters -------------------------------------------------------------------------
        clock.move_to(ams(2026, 7, 20, 10, 0))
        page = new_page("coordinator@dewaard.example")
        page.goto(f"/samenwerkingsverband/onderhandelingen/{negotiation.pk}/")
        assert "Stap 1 en stap 2 naast elkaar" in page.content()
        page.fill("input[name='counter-ketenzorg-dm2__tariff']", "42,50")
        page.fill("textarea[name='counter-note']", "Voetzorg kopen wij apart in; daarom € 42,50.")
        page.get_by_role("button", name="Tegenvoorstel versturen").click()
        page.wait_for_load_state()
        shot(page, "3-care-group-countered")
        page.context.close()

        # --- The insurer accepts -------------------------------------------------------------------------------
        clock.move_to(ams(2026, 8, 3, 10, 0))
        page = new_page("inkoper@noord.example")
        page.goto(f"/inkoop/zorggroepen/{negotiation.pk}/")
        assert "Voorstel 3 aanvaarden" in page.content()
        page.get_by_role("button", name="Akkoord").click()
        page.wait_for_load_state()
        assert "U heeft het voorstel aanvaard." in page.content()
        shot(page, "4-insurer-accepted")
        page.context.close()
        negotiation.refresh_from_db()
        assert negotiation.status == Negotiation.Status.AGREED

        # --- September: the signatory signs with two-factor ----------------------------------------------
        clock.move_to(ams(2026, 9, 15, 10, 0))
        page = new_page("bestuur@dewaard.example")
        page.fill("input[name=token]", code_for(device))
        page.get_by_role("button", name="Code controleren").click()
        page.wait_for_load_state()
        page.goto(f"/samenwerkingsverband/onderhandelingen/{negotiation.pk}/")
        page.get_by_role("link", name="Ondertekenen").click()
        page.check("input[name=confirm]")
        page.get_by_role("button", name="Ondertekenen", exact=True).click()
        page.wait_for_url(re.compile(r"/bewijs/$"))
        signature = Signature.objects.get(offer=negotiation.offer)
        assert signature.content_hash in page.content()
        # Ketenzorg: € 42,50 × 1.000 keten patients × 4 quarters.
        assert signature.content["agreement"]["ketenzorg_estimate"] == "170000.00"
        shot(page, "5-signed-receipt")
        page.context.close()
