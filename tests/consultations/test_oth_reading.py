"""An overlegteam member reads its insurer's published purchasing policy and standard contracts on the
purchaser's read-only pages (never a draft, never another insurer's, never one holder's own contract, nothing
else of /inkoop/), and sees on /overleg/ counts for its insurer and region: signing progress, requests with the
overdue ones by kind, the regiobijeenkomsten. Never a single practice's offer or request."""

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from contracting.models import Offer
from contracting.services import (
    offer_sign,
    own_offer_decide,
    own_offer_submit,
    policy_publish,
    policy_save_draft,
    question_ask,
)
from tests.contracting.conftest import IN_WINDOW, build_contract
from tests.factories import PracticeFactory, enrol_totp
from tests.helpers import client_for, page_html_as, text

from .conftest import ams, plan

LATER = ams(2026, 11, 20, 10, 0)  # signing has closed; a question asked on 15 October is long overdue


@pytest.fixture
def documents(regional, nza_tariffs):
    a, c = regional["a"], regional["c"]
    purchaser_a, purchaser_c = regional["users"]["purchaser A"], regional["users"]["purchaser C"]
    policy = policy_save_draft(actor=purchaser_a, insurer=a, year=2027, title="Inkoopbeleid A 2027",
                               body="# Visie\n\nWij kopen huisartsenzorg in voor de regio.")
    version = policy_publish(actor=purchaser_a, policy=policy, now=ams(2026, 3, 1, 10, 0))
    # A draft change after publication: the draft's text is no version and no one but A's purchasers reads it.
    policy_save_draft(actor=purchaser_a, insurer=a, year=2027, title="Inkoopbeleid A 2027",
                      body="# Visie\n\nGeheim concept: tarieven omlaag.")
    policy_c = policy_save_draft(actor=purchaser_c, insurer=c, year=2027, title="Inkoopbeleid C 2027", body="C.")
    version_c = policy_publish(actor=purchaser_c, policy=policy_c, now=ams(2026, 3, 1, 10, 0))
    own = own_offer_submit(actor=regional["users"]["member P"], insurer=a, year=2027, title="Eigen aanbod Pieterse",
                           text="Wij stellen voor.", lines=[{"module": "inschrijving", "tariff": "17.20"}],
                           practice=regional["p"], now=ams(2026, 3, 2, 10, 0))
    own = own_offer_decide(actor=purchaser_a, own_offer=own, decision="accepted", now=ams(2026, 3, 3, 10, 0))
    return {
        "version": version, "version_c": version_c,
        "published": build_contract(a, purchaser_a), "draft": build_contract(a, purchaser_a, publish=False),
        "published_c": build_contract(c, purchaser_c), "own": own.contract,
    }


def test_an_overlegteam_member_reads_its_insurers_published_policy_read_only(client, regional, documents):
    oth = regional["users"]["OTH A in R"]
    page = text(page_html_as(client, oth, reverse("purchasing:policy_version", args=[documents["version"].pk])))
    assert "Wij kopen huisartsenzorg in voor de regio." in page
    assert "Geheim concept" not in page
    assert "Overzicht zorginkoop" not in page and "Nieuw standaardcontract" not in page  # no purchaser menu
    assert "wijzigen kan alleen de zorgverzekeraar" in page


def test_an_overlegteam_member_reads_a_published_standard_contract_read_only(client, regional, documents):
    oth = regional["users"]["OTH A in R"]
    html = page_html_as(client, oth, reverse("purchasing:contract_preview", args=[documents["published"].pk]))
    page = text(html)
    assert "Huisartsenzorg 2027" in page and "Terug naar het contract" not in page
    assert f'href="{reverse("purchasing:contract_edit", args=[documents["published"].pk])}"' not in html
    # The purchaser still has its own menu and the way back to editing.
    purchaser_page = text(page_html_as(client, regional["users"]["purchaser A"],
                                       reverse("purchasing:contract_preview", args=[documents["draft"].pk])))
    assert "Terug naar het contract" in purchaser_page and "Overzicht zorginkoop" in purchaser_page


def _inkoop_pages(documents):
    """Every /inkoop/ page with what an overlegteam member of A gets: 200 for the two read-only pages of a
    published object of A, 404 for any other object, 403 for the purchaser's own screens."""
    own, published, draft = documents["own"].pk, documents["published"].pk, documents["draft"].pk
    return [
        (reverse("purchasing:policy_version", args=[documents["version"].pk]), 200),
        (reverse("purchasing:policy_version", args=[documents["version_c"].pk]), 404),
        (reverse("purchasing:contract_preview", args=[published]), 200),
        (reverse("purchasing:contract_preview", args=[draft]), 404),
        (reverse("purchasing:contract_preview", args=[documents["published_c"].pk]), 404),
        (reverse("purchasing:contract_preview", args=[own]), 404),  # one practice's own contract
        (reverse("purchasing:contract_edit", args=[published]), 404),
        (reverse("purchasing:contract_publish", args=[draft]), 404),
        (reverse("purchasing:dashboard"), 403),
        (reverse("purchasing:policy", args=[2027]), 403),
        (reverse("purchasing:policy_publish", args=[2027]), 403),
        (reverse("purchasing:contract_new"), 403),
        (reverse("purchasing:inbox"), 403),
        (reverse("purchasing:requests"), 403),
        (reverse("purchasing:own_offers"), 403),
        (reverse("purchasing:negotiations"), 403),
    ]


@time_machine.travel(IN_WINDOW, tick=False)
def test_role_by_inkoop_page_for_the_overlegteams(client, regional, documents):
    """A's overlegteam in R and in S read A's published documents; C's overlegteam reads none of A's; other
    roles are as before (a practice's people see no purchaser page)."""
    for who in ("OTH A in R", "OTH A in S"):
        client.force_login(regional["users"][who])
        for url, expected in _inkoop_pages(documents):
            assert client.get(url).status_code == expected, (who, url)
    client.force_login(regional["users"]["OTH C in R"])  # C's published documents, none of A's
    readable_c = {reverse("purchasing:policy_version", args=[documents["version_c"].pk]),
                  reverse("purchasing:contract_preview", args=[documents["published_c"].pk])}
    for url, expected in _inkoop_pages(documents):
        assert client.get(url).status_code == (200 if url in readable_c else 403 if expected == 403 else 404), url
    client.force_login(regional["users"]["member P"])
    for url, expected in _inkoop_pages(documents):
        assert client.get(url).status_code == (403 if expected == 403 else 404), url
    # A's purchaser reads all of its own, drafts included.
    client.force_login(regional["users"]["purchaser A"])
    for url in (reverse("purchasing:contract_preview", args=[documents["draft"].pk]),
                reverse("purchasing:contract_preview", args=[documents["own"].pk])):
        assert client.get(url).status_code == 200


def test_the_overlegteam_may_not_change_anything_in_inkoop(client, regional, documents):
    client.force_login(regional["users"]["OTH A in R"])
    contract = documents["published"]
    for url in (reverse("purchasing:contract_edit", args=[contract.pk]),
                reverse("purchasing:policy_publish", args=[2027]), reverse("purchasing:policy", args=[2027])):
        assert client.post(url, {"action": "general", "title": "Gekaapt", "confirm": "on"}).status_code in (403, 404)
    contract.refresh_from_db()
    assert contract.title == "Huisartsenzorg 2027"
    assert documents["version"].policy.versions.count() == 1


# --- /overleg/ -------------------------------------------------------------------------------------------------
@pytest.fixture
def activity(regional, documents):
    """A's 2027 contract went to P and Q (region R) and T (region S); P signed; P's accepted own offer is a
    second, open offer to P. P asked a question on 15 October, unanswered. A regiobijeenkomst in R with P
    registered for 2 people."""
    signatory = regional["users"]["signatory P"]
    enrol_totp(signatory)
    offer_p = documents["published"].offers.get(practice=regional["p"])
    offer_sign(actor=signatory, offer=offer_p, now=IN_WINDOW, modules=["kwaliteit"], two_factor_verified=True)
    question_ask(actor=regional["users"]["member P"], offer=Offer.objects.get(pk=offer_p.pk),
                 text="Geldt het plafond per locatie van Praktijk Pieterse?", now=IN_WINDOW)
    meeting = plan(regional, now=ams(2026, 3, 1, 10, 0))
    from consultations.services import regional_meeting_register

    regional_meeting_register(actor=regional["users"]["member P"], attendees=2,
                              invitation=meeting.invitations.get(practice=regional["p"]), now=ams(2026, 3, 2, 9, 0))
    return {"offer_p": offer_p, "meeting": meeting}


@time_machine.travel(LATER, tick=False)
def test_the_overlegteam_home_shows_counts_for_its_insurer_and_region_only(client, regional, documents, activity):
    html = page_html_as(client, regional["users"]["OTH A in R"], reverse("consultations:index"), year=2027)
    page = text(html)
    assert "overleg tussen het overlegteam en de zorgverzekeraar, geen onderhandeling" in page
    # Offers in R: P's (signed), P's own-offer contract and Q's (open; the sweep that expires them has not run
    # here). T's is in S.
    assert "1 van 3 aanbiedingen aan praktijken ondertekend (33%)" in page
    # The question's row: open 1, overdue 1 (5 working days from 15 October passed), decided 0.
    assert "Vraag 1 1 0" in page
    assert "Inkoopbeleid A 2027, versie 1" in page and "Huisartsenzorg 2027" in page
    assert reverse("purchasing:contract_preview", args=[documents["published"].pk]) in html
    assert reverse("purchasing:contract_preview", args=[documents["draft"].pk]) not in html
    assert reverse("purchasing:contract_preview", args=[documents["own"].pk]) not in html
    assert "Toelichting inkoopbeleid 2027" in page
    # Invited 3 (P, Q, G), registered 1, 2 people, attendance not recorded.
    assert "20 april 2026, 19:30 3 1 2 —" in page
    # Never a single practice: no names, no question text, no link to an offer or a request.
    for secret in ("Praktijk Pieterse", "Praktijk Quist", "Zorggroep Gelre", "plafond per locatie"):
        assert secret not in page
    assert 'href="/contracten/' not in html and "/verzoeken/" not in html
    # The GP satisfaction sub-report about its own insurer, never another's.
    assert reverse("surveys:satisfaction_latest", args=[regional["a"].pk]) in html
    assert reverse("surveys:satisfaction_latest", args=[regional["c"].pk]) not in html

    other_region = text(page_html_as(client, regional["users"]["OTH A in S"], reverse("consultations:index"),
                                     year=2027))
    assert "0 van 1 aanbiedingen aan praktijken ondertekend (0%)" in other_region
    assert "Vraag 0 0 0" in other_region and "Nog geen regiobijeenkomsten." in other_region
    other_insurer = text(page_html_as(client, regional["users"]["OTH C in R"], reverse("consultations:index"),
                                      year=2027))
    assert "Nog geen aanbiedingen voor 2027" in other_insurer and "Toelichting inkoopbeleid" not in other_insurer
    assert "Inkoopbeleid C 2027, versie 1" in other_insurer and "Inkoopbeleid A 2027" not in other_insurer


@time_machine.travel(LATER, tick=False)
def test_the_overlegteam_figures_api(regional, documents, activity):
    body = client_for(regional["users"]["OTH A in R"]).get("/api/v1/overleg-figures/?year=2027").json()
    [team] = body
    assert team["signing"] == {"sent": 3, "opened": 0, "signed": 1, "refused": 0, "expired": 0, "open": 2}
    question = next(k for k in team["requests_by_kind"] if k["kind"] == "question")
    assert question["counts"] == {"total": 1, "open": 1, "overdue": 1, "decided": 0, "escalated": 0}
    assert [v["id"] for v in team["policy_versions"]] == [documents["version"].pk]
    assert [c["id"] for c in team["contracts"]] == [documents["published"].pk]
    assert team["meetings"][0] | {"id": 0, "starts_at": ""} == {
        "id": 0, "title": "Toelichting inkoopbeleid 2027", "year": 2027, "starts_at": "", "status": "planned",
        "invited": 3, "registered": 1, "attendees": 2, "attended": None}
    for who in ("member P", "purchaser A", "NZa"):
        assert client_for(regional["users"][who]).get("/api/v1/overleg-figures/").status_code == 404, who


@time_machine.travel(LATER, tick=False)
def test_who_gets_the_overleg_home(client, regional):
    for who, status in (("OTH A in R", 200), ("purchaser A", 200), ("member P", 200), ("member G", 200),
                        ("NZa", 404)):
        client.force_login(regional["users"][who])
        assert client.get(reverse("consultations:index")).status_code == status, who
    client.logout()
    response = client.get(reverse("consultations:index"))
    assert response.status_code == 302 and response.url.startswith(reverse("accounts:login"))


@time_machine.travel(LATER, tick=False)
def test_the_overleg_home_reads_as_many_queries_however_many_practices(client, regional, documents, activity,
                                                                       django_assert_max_num_queries):
    client.force_login(regional["users"]["OTH A in R"])
    url = reverse("consultations:index") + "?year=2027"
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    for n in range(6):  # more practices with offers, a question each, and invitations
        practice = PracticeFactory(region=regional["region"], name=f"Extra {n}")
        Offer.objects.create(standard_contract=documents["published"], practice=practice, year=2027,
                             insurer=regional["a"], region=regional["region"])
    with CaptureQueriesContext(connection) as big:
        assert client.get(url).status_code == 200
    assert len(big) == len(small)
    # Session and user, memberships, contract years (year switch), then per team: the signing watch and its
    # region names, the policy versions, the contracts, the meetings with counts, the requests aggregate (with
    # its content type).
    with django_assert_max_num_queries(12):
        client.get(url)
