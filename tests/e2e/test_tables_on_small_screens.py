"""Tables on a phone (375×812) and a tablet (768×1024): the offer page, the insurer dashboard, the contract
builder and the public register stay readable. Every amount is drawn on one line, no word in a table is broken
inside (only at spaces, or after a hyphen a name itself has), the page itself never scrolls sideways, and a table
wider than the screen scrolls inside a named, focusable region. Measured from the line boxes the browser drew
(Range.getClientRects), not from the CSS. Screenshots go to test-artifacts/ to look at."""

from datetime import datetime
from decimal import Decimal

import pytest
import time_machine

from accounts.models import Role
from contracting.calendar import AMSTERDAM
from contracting.models import Module, Offer
from contracting.services import (
    contract_year_ensure,
    offer_choose_modules,
    offer_sign,
    register_publish,
    standard_contract_create,
    standard_contract_publish,
    standard_contract_set_module,
)
from tests.e2e.conftest import ARTIFACTS, login
from tests.factories import (
    DEFAULT_PASSWORD,
    InsurerFactory,
    MarketShareFactory,
    PracticeFactory,
    make_member,
    set_nza_tariffs,
)

pytestmark = pytest.mark.django_db(transaction=True)

VIEWPORTS = {"phone": {"width": 375, "height": 812}, "tablet": {"width": 768, "height": 1024}}

# The line boxes of every amount, date and word the page draws. An amount ("€ 3.885,66", "+€ 0,54") or a date
# in a table must sit on one line; a word in a table may wrap only at a space or after a hyphen of its own.
MEASURE = r"""
() => {
  const main = document.querySelector("main");
  const tops = (range) => new Set([...range.getClientRects()].filter(r => r.width > 0).map(r => Math.round(r.top)));
  const rangeOf = (node, start, end) => {
    const r = document.createRange();
    r.setStart(node, start);
    r.setEnd(node, end);
    return r;
  };
  const visible = (el) => el && el.getClientRects().length && !el.closest(".portal-visually-hidden, [hidden]");
  const result = {amounts: 0, words: 0, dates: 0, splitAmounts: [], splitWords: [], splitDates: [],
                  unlabelledTables: [], overflow: document.documentElement.scrollWidth - window.innerWidth};
  const walker = document.createTreeWalker(main, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode, el = node.parentElement;
    if (!visible(el)) continue;
    for (const m of node.data.matchAll(/[+−-]?€\s*[\d.,]*\d/g)) {
      result.amounts++;
      if (tops(rangeOf(node, m.index, m.index + m[0].length)).size > 1) result.splitAmounts.push(m[0]);
    }
    if (!el.closest("table")) continue;
    for (const m of node.data.matchAll(/[^\s\-–—\/]+[\-–—\/]?/g)) {
      result.words++;
      if (tops(rangeOf(node, m.index, m.index + m[0].length)).size > 1) result.splitWords.push(m[0]);
    }
  }
  for (const time of main.querySelectorAll("table time")) {
    if (!visible(time)) continue;
    result.dates++;
    const range = document.createRange(); range.selectNodeContents(time);
    if (tops(range).size > 1) result.splitDates.push(time.textContent.trim());
  }
  for (const table of main.querySelectorAll("table")) {
    const region = table.closest('[role="region"]');
    const labelledBy = region && region.getAttribute("aria-labelledby");
    const label = labelledBy && document.getElementById(labelledBy);
    const name = region && (region.getAttribute("aria-label") || (label && label.textContent.trim()));
    if (!region || region.tabIndex !== 0 || !name) result.unlabelledTables.push(table.outerHTML.slice(0, 80));
  }
  return result;
}
"""


def page_name(device: str, name: str) -> str:
    return f"test_tables_read_well_on_a_phone_and_a_tablet[{device}]-{name}"


def ams(*args):
    return datetime(*args, tzinfo=AMSTERDAM)


@pytest.fixture
def world():
    """An insurer with long names, last year's and this year's contract with changed tariffs, practices with long
    (hyphenated) names, one practice's offer half chosen, another signed, and a published register."""
    for year in (2026, 2027):
        contract_year_ensure(actor=None, year=year)
        set_nza_tariffs(year, {"inschrijving": "17.50", "consult": "10.50", "poh-ggz": "4100.00",
                               "specifieke-verrichtingen": "30.50"})
    insurer = InsurerFactory(name="Zorgverzekeraar Noord-Nederland", short_name="Noord", slug="noord")
    share = MarketShareFactory(insurer=insurer, share_percent=Decimal("62"))
    purchaser = make_member(Role.INSURER_PURCHASER, insurer, email="inkoper@noord.example")
    practices = [
        PracticeFactory(name=name, region=share.region, registered_patients=patients, city=city)
        for name, patients, city in (
            ("Huisartsenpraktijk De Bruijn & Van den Broek-Verhoeven", 3100, "Hoogezand-Sappemeer"),
            ("Gezondheidscentrum Emmen-Centrum", 12450, "Emmen"),
            ("Huisartsen Groningen-Oosterparkwijk", 2350, "Groningen"),
        )
    ]
    modules = {m.code: m for m in Module.objects.all()}
    conditions = ("De praktijkondersteuner heeft een afgeronde opleiding tot praktijkondersteuner GGZ of een "
                  "gelijkwaardige opleiding; consultatie van een psychiater valt binnen de module.")

    def contract(year, tariffs, publish_at):
        with time_machine.travel(publish_at, tick=False):
            c = standard_contract_create(actor=purchaser, insurer=insurer, first_year=year,
                                         title=f"Standaardcontract huisartsenzorg Noord-Nederland {year}")
            for code, tariff in tariffs.items():
                standard_contract_set_module(actor=purchaser, contract=c, module=modules[code], tariff=tariff,
                                             conditions=conditions if code == "poh-ggz" else "")
            return standard_contract_publish(actor=purchaser, contract=c, now=publish_at)

    contract(2026, {"inschrijving": "16.86", "consult": "10.17", "poh-ggz": "3885.66", "kwaliteit": "2325.58"},
             ams(2025, 9, 1, 10, 0))
    current = contract(2027, {"inschrijving": "17.40", "consult": "10.50", "poh-ggz": "4010.00",
                              "specifieke-verrichtingen": "30.20", "praktijkmanagement": "2850.00",
                              "kwaliteit": "2400.00"}, ams(2026, 9, 1, 10, 0))
    member = make_member(Role.PRACTICE_MEMBER, practices[0], email="medewerker@debruijn.example")
    offer = current.offers.get(practice=practices[0])
    offer_choose_modules(actor=member, offer=offer, now=ams(2026, 10, 2, 10, 0),
                         modules=[{"module": "poh-ggz", "hours": "15,8"}, "kwaliteit"])
    for practice in practices[1:]:
        signer = make_member(Role.PRACTICE_SIGNATORY, practice)
        offer_sign(actor=signer, offer=current.offers.get(practice=practice), now=ams(2026, 10, 5, 10, 0),
                   modules=["kwaliteit"], two_factor_verified=True)
    register_publish(year=2027, effective_at=ams(2026, 11, 19, 0, 0))
    with time_machine.travel(ams(2026, 10, 1, 10, 0), tick=False):
        draft = standard_contract_create(actor=purchaser, insurer=insurer, first_year=2027,
                                         title="Concept huisartsenzorg Noord-Nederland 2027 (tweede ronde)")
    return {"offer": offer, "published": current, "draft": draft}


@pytest.mark.parametrize("device", list(VIEWPORTS))
def test_tables_read_well_on_a_phone_and_a_tablet(browser, live_server, settings, world, shot, device):
    settings.SESSION_EXPIRE_AT_BROWSER_CLOSE = True

    def new_page():
        context = browser.new_context(base_url=live_server.url, locale="nl-NL", viewport=VIEWPORTS[device])
        page = context.new_page()
        page.set_default_timeout(20_000)
        return page

    def check(page, url: str, name: str, *, amounts: int = 5):
        page.goto(url)
        measured = page.evaluate(MEASURE)
        shot(page, name)
        # And each table as it first appears on the screen, to look at.
        for i, region in enumerate(page.locator('main [role="region"]').all()):
            region.evaluate("e => e.scrollIntoView({block: 'start'})")
            page.screenshot(path=str(ARTIFACTS / f"{page_name(device, name)}-table{i + 1}.png"))
        where = f"{device} {url}"
        assert measured["overflow"] <= 0, f"{where}: the page scrolls sideways by {measured['overflow']} px"
        assert not measured["splitAmounts"], f"{where}: amounts over two lines: {measured['splitAmounts']}"
        assert not measured["splitWords"], f"{where}: words broken inside: {measured['splitWords'][:10]}"
        assert not measured["splitDates"], f"{where}: dates over two lines: {measured['splitDates']}"
        assert not measured["unlabelledTables"], f"{where}: tables outside a named region: " \
                                                 f"{measured['unlabelledTables']}"
        assert measured["amounts"] >= amounts, f"{where}: only {measured['amounts']} amounts measured"
        return measured

    with time_machine.travel(ams(2026, 10, 15, 10, 0), tick=True):
        page = new_page()
        login(page, "medewerker@debruijn.example", DEFAULT_PASSWORD)
        measured = check(page, f"/contracten/aanbod/{world['offer'].pk}/", "offer")
        assert measured["words"] > 100  # the changes, the module menu and the estimate were all measured
        page.context.close()

        page = new_page()
        login(page, "inkoper@noord.example", DEFAULT_PASSWORD)
        measured = check(page, "/inkoop/?year=2027", "dashboard", amounts=0)
        assert measured["dates"] >= 1 and measured["words"] > 20
        check(page, f"/inkoop/contracten/{world['published'].pk}/", "builder-published")
        # The draft: a card per module, the NZa maximum beside each of the four S1 prestaties.
        check(page, f"/inkoop/contracten/{world['draft'].pk}/", "builder-draft", amounts=4)
        page.context.close()

    with time_machine.travel(ams(2026, 11, 20, 10, 0), tick=True):
        page = new_page()
        measured = check(page, "/register/2027/", "register", amounts=0)
        assert measured["words"] > 10
        assert Offer.objects.filter(status=Offer.Status.SIGNED).count() == 2
        page.context.close()
