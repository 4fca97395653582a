"""The contracting cycle in a real browser: policy and contract published, signed in October, offered to a
second insurer, followed, and listed in the public register on 19 November."""

import re
from datetime import datetime
from decimal import Decimal

import pytest
import time_machine
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import Role
from contracting.calendar import AMSTERDAM
from contracting.models import FollowRequest, Offer, Signature
from contracting.services import contract_year_ensure, milestones_sweep
from insurers.models import PolicyVersion
from tests.e2e.conftest import login
from tests.factories import (
    DEFAULT_PASSWORD,
    InsurerFactory,
    MarketShareFactory,
    PracticeFactory,
    code_for,
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
    zuid = InsurerFactory(name="Zorgverzekeraar Zuid", short_name="Zuid", slug="zuid")
    share = MarketShareFactory(insurer=noord, share_percent=Decimal("62"))
    MarketShareFactory(region=share.region, insurer=zuid, share_percent=Decimal("38"))
    practice = PracticeFactory(name="Huisartsenpraktijk De Linde", region=share.region, registered_patients=3100)
    signatory = make_member(Role.PRACTICE_SIGNATORY, practice, email="tekenbevoegde@delinde.example",
                            full_name="Dr. A. de Vries")
    device = TOTPDevice.objects.create(user=signatory, name="app", confirmed=True)
    return {
        "noord": noord, "zuid": zuid, "practice": practice, "signatory": signatory, "device": device,
        "purchaser_noord": make_member(Role.INSURER_PURCHASER, noord, email="inkoper@noord.example"),
        "purchaser_zuid": make_member(Role.INSURER_PURCHASER, zuid, email="inkoper@zuid.example"),
    }


def test_policy_contract_sign_follow_register(browser, live_server, settings, world, shot):
    settings.SESSION_EXPIRE_AT_BROWSER_CLOSE = True
    settings.SESSION_COOKIE_AGE = 365 * 24 * 3600  # the clock jumps months between steps

    def new_page():
        context = browser.new_context(base_url=live_server.url, locale="nl-NL",
                                      viewport={"width": 1280, "height": 900})
        page = context.new_page()
        page.set_default_timeout(20_000)
        return page

    with time_machine.travel(ams(2026, 3, 20, 10, 0), tick=True) as clock:
        # --- March: the purchaser of Noord publishes the purchasing policy -----------------------------------
        page = new_page()
        login(page, "inkoper@noord.example", DEFAULT_PASSWORD)
        page.goto("/inkoop/beleid/2027/")
        page.fill("input[name=title]", "Inkoopbeleid huisartsenzorg 2027")
        page.fill("textarea[name=body]", "# Uitgangspunten\n\nWij contracteren POH-GGZ volgens de NZa-norm.\n\n"
                                         "- Meerjarencontract mogelijk\n- Kwaliteit: NHG-accreditatie")
        page.get_by_role("button", name="Concept opslaan").click()
        page.goto("/inkoop/beleid/2027/publiceren/")
        page.check("input[name=confirm]")
        page.get_by_role("button", name="Publiceren").click()
        page.wait_for_load_state()
        assert PolicyVersion.objects.filter(policy__insurer=world["noord"], number=1, is_late=False).exists()
        shot(page, "1-policy-published")

        # --- September: the standard contract ----------------------------------------------------------------
        clock.move_to(ams(2026, 9, 1, 10, 0))
        page.goto("/inkoop/contracten/nieuw/")
        page.fill("input[name=title]", "Huisartsenzorg Noord 2027")
        page.select_option("select[name=first_year]", "2027")
        page.get_by_role("button", name="Concept aanmaken").click()
        page.wait_for_url(re.compile(r"/inkoop/contracten/\d+/$"))
        for code, tariff in (("inschrijving", "17,00"), ("consult", "10,50"), ("poh-ggz", "3900"),
                             ("kwaliteit", "1500")):
            row = page.locator(f"form:has(input[name='m-{code}-tariff'])")
            row.locator(f"input[name='m-{code}-include']").check()
            row.locator(f"input[name='m-{code}-tariff']").fill(tariff)
            row.get_by_role("button").last.click()
            page.wait_for_load_state("networkidle")
        contract_url = page.url
        shot(page, "2-contract-built")
        page.goto(contract_url + "publiceren/")
        page.check("input[name=confirm]")
        page.get_by_role("button", name="Publiceren en aanbiedingen versturen").click()
        page.wait_for_load_state()
        offer = Offer.objects.get(practice=world["practice"], insurer=world["noord"])
        assert offer.standard_contract.modules.count() == 4
        page.context.close()

        # --- October: the practice's signatory chooses modules and signs -------------------------------------
        clock.move_to(ams(2026, 10, 15, 10, 0))
        page = new_page()
        login(page, "tekenbevoegde@delinde.example", DEFAULT_PASSWORD)
        page.fill("input[name=token]", code_for(world["device"]))
        page.get_by_role("button", name="Code controleren").click()
        page.wait_for_load_state()
        page.goto("/contracten/")
        page.get_by_role("link", name=re.compile("Aanbod bekijken|Ondertekenen", re.I)).first.click()
        page.check("input[name=modules][value=poh-ggz]")
        page.fill("input[name=uren-poh-ggz]", "15,8")
        page.check("input[name=modules][value=kwaliteit]")
        page.get_by_role("button", name="Keuze opslaan").click()
        page.wait_for_load_state()
        shot(page, "3-modules-chosen")
        page.goto(f"/contracten/aanbod/{offer.pk}/ondertekenen/")
        # The session was confirmed with a code at login, so signing asks for no second code.
        assert page.locator("input[name=token]").count() == 0
        assert "al met tweestapsverificatie ingelogd" in page.content()
        page.check("input[name=confirm]")
        page.get_by_role("button", name="Ondertekenen", exact=True).click()
        page.wait_for_url(re.compile(r"/bewijs/$"))
        signature = Signature.objects.get(offer=offer)
        assert signature.content_hash in page.content()
        assert {m["code"] for m in signature.content["modules"]} == {"inschrijving", "consult", "poh-ggz",
                                                                     "kwaliteit"}
        shot(page, "4-signed-receipt")

        # --- Volgen: offer the signed contract to Zuid --------------------------------------------------------
        page.goto(f"/contracten/aanbod/{offer.pk}/volgen/")
        page.check(f"input[name=insurers][value='{world['zuid'].pk}']")
        page.get_by_role("button", name="Aanbieden aan de gekozen verzekeraars").click()
        page.wait_for_load_state()
        request = FollowRequest.objects.get(offer=offer, insurer=world["zuid"])
        page.context.close()

        # --- Zuid follows --------------------------------------------------------------------------------------
        clock.move_to(ams(2026, 11, 3, 10, 0))
        page = new_page()
        login(page, "inkoper@zuid.example", DEFAULT_PASSWORD)
        page.goto("/inkoop/inbox/")
        shot(page, "5-insurer-inbox")
        page.goto(f"/inkoop/volgverzoeken/{request.pk}/")
        page.check("input[name=decision][value=followed]")
        page.get_by_role("button", name="Besluit vastleggen").click()
        page.wait_for_load_state()
        request.refresh_from_db()
        assert request.status == FollowRequest.Status.FOLLOWED
        page.context.close()

        # --- 19 November: the worker's sweep publishes the register; anyone can read it -----------------------
        clock.move_to(ams(2026, 11, 19, 0, 30))
        milestones_sweep(now=timezone.now())
        page = new_page()
        page.goto("/register/2027/")
        text = page.locator("main").inner_text()
        shot(page, "6-public-register")
        assert "Huisartsenpraktijk De Linde" in text
        section_noord = page.locator("section", has_text="Zorgverzekeraar Noord")
        section_zuid = page.locator("section", has_text="Zorgverzekeraar Zuid")
        assert "Huisartsenpraktijk De Linde" in section_noord.first.inner_text()
        assert "Huisartsenpraktijk De Linde" in section_zuid.first.inner_text()
        page.context.close()
