"""Own contract offers (eigen contractaanbod): from 1 February to the end of 1 July (the consultation period of
the contract year on the engine's calendar) a practice proposes its own terms to an insurer; the insurer accepts
or refuses with reasons by the definitive offers (15 September); an accepted one becomes a contract for that
practice, signed like any other and offered to other insurers through the existing follow requests."""

from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Notification, Role
from contracting.models import FollowRequest, Offer, OwnOffer, StandardContract
from contracting.services import (
    follow_requests_create,
    offer_sign,
    own_offer_decide,
    own_offer_submit,
    own_offer_withdraw,
)
from core.errors import PortalError
from tests.contracting.conftest import IN_WINDOW, ams, build_contract
from tests.factories import PracticeFactory, make_member
from tests.helpers import assert_error, client_for, page_html_as, text

MARCH = ams(2026, 3, 10, 10, 0)
AUGUST = ams(2026, 8, 20, 10, 0)
LINES = [{"module": "inschrijving", "tariff": "17,20"}, {"module": "consult", "tariff": "10.50"},
         {"module": "kwaliteit", "tariff": "1200", "conditions": "NHG-accreditatie binnen twee jaar"}]


def submit(practice_user, practice, insurer, *, now=MARCH, lines=LINES, **kwargs):
    values = {"title": "Eigen aanbod Praktijk X", "text": "Wij bieden avondspreekuur en e-consult.",
              "term_years": 3, **kwargs}
    return own_offer_submit(actor=practice_user, practice=practice, insurer=insurer, year=2027, lines=lines, now=now,
                            **values)


@pytest.fixture
def own(market, year2027, practice_3100, signatory, purchaser):
    return submit(signatory, practice_3100, market["preferent"])


def test_a_practice_proposes_its_own_terms_and_the_insurer_is_told(own, purchaser):
    assert own.status == OwnOffer.Status.SUBMITTED
    assert own.due_at == ams(2026, 9, 16, 0, 0)  # decision by the end of 15 September 2026
    assert [(line.module.code, line.tariff) for line in own.lines.all()] == [
        ("inschrijving", Decimal("17.20")), ("consult", Decimal("10.50")), ("kwaliteit", Decimal("1200.00"))]
    notice = Notification.objects.get(user=purchaser)
    assert notice.subject.startswith("Eigen contractaanbod van Huisartsenpraktijk")
    assert "Besluit uiterlijk 15 september 2026, en motiveer een afwijzing." in notice.body


def test_submitting_the_same_again_gives_the_same_and_a_different_one_waits(own, market, practice_3100,
                                                                            signatory):
    assert submit(signatory, practice_3100, market["preferent"]).pk == own.pk
    with pytest.raises(PortalError) as refused:
        submit(signatory, practice_3100, market["preferent"], title="Ander aanbod")
    assert refused.value.code == "own_offer_waiting"
    own_offer_withdraw(actor=signatory, own_offer=own, now=MARCH)
    assert submit(signatory, practice_3100, market["preferent"], title="Ander aanbod").pk != own.pk


@pytest.mark.parametrize(("now", "code"), [
    (ams(2026, 1, 31, 23, 59, 59), "own_offer_window_not_open"),
    (ams(2026, 7, 2, 0, 0), "own_offer_window_closed"),
])
def test_outside_1_february_to_1_july_nothing_is_made(market, year2027, practice_3100, signatory, now, code):
    with pytest.raises(PortalError) as refused:
        submit(signatory, practice_3100, market["preferent"], now=now)
    assert refused.value.code == code
    assert refused.value.status == 409
    assert not OwnOffer.objects.exists()


def test_the_window_runs_from_00_00_on_1_february_to_the_end_of_1_july(market, year2027, practice_3100, signatory):
    first = submit(signatory, practice_3100, market["preferent"], now=ams(2026, 2, 1, 0, 0))
    own_offer_withdraw(actor=signatory, own_offer=first, now=ams(2026, 2, 1, 0, 1))
    assert submit(signatory, practice_3100, market["preferent"], title="Laatste dag",
                  now=ams(2026, 7, 1, 23, 59, 59)).status == "submitted"


@pytest.mark.parametrize(("lines", "code"), [
    ([{"module": "kwaliteit", "tariff": "-5"}], "invalid_tariff"),
    # More than a tariff column holds: a message, not a database error.
    ([{"module": "kwaliteit", "tariff": "123456789012"}], "invalid_tariff"),
    ([{"module": "kwaliteit", "tariff": "1,2,3"}], "invalid_tariff"),
    ([{"module": "bestaat-niet", "tariff": "5"}], "unknown_module"),
    ([], "modules_required"),
])
def test_bad_lines_change_nothing(market, year2027, practice_3100, signatory, lines, code):
    with pytest.raises(PortalError) as refused:
        submit(signatory, practice_3100, market["preferent"], lines=lines)
    assert refused.value.code == code
    assert not OwnOffer.objects.exists()


def test_a_tariff_above_the_nza_maximum_is_refused(market, nza_tariffs, practice_3100, signatory):
    with pytest.raises(PortalError) as refused:
        submit(signatory, practice_3100, market["preferent"], lines=[{"module": "consult", "tariff": "11.00"}])
    assert refused.value.code == "invalid_tariff"
    assert "NZa-maximumtarief" in refused.value.fields["lines"]["consult"][0]


def test_a_practice_cannot_propose_care_group_ketenzorg(market, year2027, practice_3100, signatory):
    # S2 ketenzorg is contracted with samenwerkingsverbanden only, as in the insurer's contract builder.
    with pytest.raises(PortalError) as refused:
        submit(signatory, practice_3100, market["preferent"], lines=[{"module": "ketenzorg-dm2", "tariff": "25.00"}])
    assert refused.value.code == "module_not_for_holder"
    assert "alleen met samenwerkingsverbanden" in refused.value.fields["lines"]["ketenzorg-dm2"][0]
    assert not OwnOffer.objects.exists()
    with time_machine.travel(MARCH, tick=False):
        html = page_html_as(client_for(), signatory, reverse("offers:own_offers"), jaar=2027)
    assert 'name="module-kwaliteit"' in html
    assert 'name="module-ketenzorg-dm2"' not in html


def test_only_the_practices_people_may_propose(market, year2027, practice_3100):
    stranger = make_member(Role.PRACTICE_SIGNATORY, PracticeFactory(region=market["region"]))
    with pytest.raises(PortalError) as refused:
        submit(stranger, practice_3100, market["preferent"])
    assert (refused.value.code, refused.value.status) == ("not_holder_member", 403)


def test_a_refusal_needs_reasons_and_tells_the_practice(own, purchaser, signatory, other_purchaser):
    with pytest.raises(PortalError) as refused:
        own_offer_decide(actor=purchaser, own_offer=own, decision="refused", reason="  ", now=AUGUST)
    assert refused.value.code == "reason_required"
    with pytest.raises(PortalError) as refused:
        own_offer_decide(actor=other_purchaser, own_offer=own, decision="refused", reason="Nee", now=AUGUST)
    assert refused.value.code == "not_purchaser"
    assert OwnOffer.objects.get(pk=own.pk).status == "submitted"
    own_offer_decide(actor=purchaser, own_offer=own, decision="refused", reason="Tarief te hoog voor de regio.",
                     now=AUGUST)
    again = own_offer_decide(actor=purchaser, own_offer=own, decision="refused",
                             reason="Tarief te hoog voor de regio.", now=AUGUST)
    assert (again.status, again.reason, again.contract) == ("refused", "Tarief te hoog voor de regio.", None)
    notice = Notification.objects.get(user=signatory, key=f"own-offer-decided:{own.pk}")
    assert notice.subject == "Besluit op uw eigen contractaanbod: Afgewezen"
    assert notice.body.endswith("afgewezen. Motivering: Tarief te hoog voor de regio.")
    with pytest.raises(PortalError) as refused:
        own_offer_decide(actor=purchaser, own_offer=own, decision="accepted", now=AUGUST)
    assert refused.value.code == "already_decided"


def test_an_accepted_own_offer_is_signed_and_can_be_the_preferent_contract_others_follow(
        own, nza_tariffs, market, purchaser, signatory, practice_3100):
    accepted = own_offer_decide(actor=purchaser, own_offer=own, decision="accepted", now=AUGUST)
    contract = accepted.contract
    assert (contract.status, contract.first_year, contract.years_label) == ("published", 2027, "2027–2029")
    offer = Offer.objects.get(standard_contract=contract)
    assert (offer.practice, offer.reason, offer.status) == (practice_3100, "own_offer", "open")
    # The insurer's own standard contract for 2027 can still be published beside it, for the other practices.
    build_contract(market["preferent"], purchaser)
    assert StandardContract.objects.filter(status="published", insurer=market["preferent"]).count() == 2
    offer_sign(actor=signatory, offer=offer, now=IN_WINDOW, modules=["kwaliteit"], two_factor_verified=True)
    offer.refresh_from_db()
    requests = follow_requests_create(actor=signatory, offer=offer, insurers=[market["other"]], now=IN_WINDOW)
    assert [(r.insurer, r.status) for r in requests] == [(market["other"], FollowRequest.Status.PENDING)]


def test_accepting_after_signing_closed_changes_nothing(own, nza_tariffs, purchaser):
    with pytest.raises(PortalError) as refused:
        own_offer_decide(actor=purchaser, own_offer=own, decision="accepted", now=ams(2026, 11, 8, 9, 0))
    assert refused.value.code == "signing_window_closed"
    own.refresh_from_db()
    assert (own.status, own.contract) == ("submitted", None)
    assert not StandardContract.objects.exists()


def test_no_decision_by_15_september_is_flagged_to_the_practice_once(own, signatory):
    from contracting.services import deadlines_sweep

    deadlines_sweep(now=ams(2026, 9, 16, 0, 5))
    deadlines_sweep(now=ams(2026, 9, 16, 0, 6))
    notices = Notification.objects.filter(user=signatory, key=f"own-offer-overdue:{own.pk}")
    assert [n.body for n in notices] == [
        "Preferente Verzekeraar moest uiterlijk 15 september 2026 besluiten over ‘Eigen aanbod Praktijk X’. Neem "
        "contact op met de verzekeraar."]


# --- Pages and API ---------------------------------------------------------------------------------------
def test_the_practice_page_shows_the_window_and_sends_an_own_offer(market, year2027, practice_3100, signatory,
                                                                 purchaser):

    with time_machine.travel(MARCH, tick=False):
        html = text(page_html_as(client_for(), signatory, reverse("offers:own_offers"), jaar=2027))
        assert "Voor 2027 kunt u een eigen aanbod doen tot en met 1 juli 2026. nog 113 dagen" in html
        response = client_for(signatory).post(reverse("offers:own_offers") + "?jaar=2027", {
            "holder": f"practice-{practice_3100.pk}", "insurer": market["preferent"].pk, "title": "Ons aanbod",
            "term_years": 2, "text": "Avondspreekuur.", "module-kwaliteit": "1", "tarief-kwaliteit": "-1"})
        assert "Controleer de modules en tarieven." in text(response.content.decode())
        assert not OwnOffer.objects.exists()
        response = client_for(signatory).post(reverse("offers:own_offers") + "?jaar=2027", {
            "holder": f"practice-{practice_3100.pk}", "insurer": market["preferent"].pk, "title": "Ons aanbod",
            "term_years": 2, "text": "Avondspreekuur.", "module-kwaliteit": "1", "tarief-kwaliteit": "1200,00"},
            follow=True)
        html = text(response.content.decode())
    own = OwnOffer.objects.get()
    assert (own.title, own.term_years, [str(line.tariff) for line in own.lines.all()]) == ("Ons aanbod", 2,
                                                                                          ["1200.00"])
    assert "Besluit van de verzekeraar uiterlijk 15 september 2026 nog 189 dagen" in html


def test_the_insurer_refuses_on_its_page_only_with_reasons(own, purchaser, signatory):

    url = reverse("purchasing:own_offer", args=[own.pk])
    with time_machine.travel(AUGUST, tick=False):
        listing = text(page_html_as(client_for(), purchaser, reverse("purchasing:own_offers")))
        assert "15 september 2026 nog 26 dagen" in listing and "Eigen aanbod Praktijk X" in listing
        html = text(client_for(purchaser).post(url, {"decision": "refused", "reason": ""}).content.decode())
        assert "Motiveer waarom u het eigen contractaanbod afwijst." in html
        assert OwnOffer.objects.get(pk=own.pk).status == "submitted"
        client_for(purchaser).post(url, {"decision": "refused", "reason": "Past niet in ons beleid."})
        html = text(page_html_as(client_for(), signatory, reverse("offers:own_offer", args=[own.pk])))
    assert "Op 20 augustus 2026 afgewezen. Motivering: Past niet in ons beleid." in html


@pytest.mark.parametrize("who", ["other_purchaser", "stranger", "nza_member"])
def test_another_organisations_own_offer_is_not_found(own, who, request, market):
    if who == "stranger":
        user = make_member(Role.PRACTICE_SIGNATORY, PracticeFactory(region=market["region"]))
    elif who == "nza_member":
        user = make_member(Role.NZA_ANALYST)
    else:
        user = request.getfixturevalue(who)
    client = client_for(user)
    assert client.get(reverse("offers:own_offer", args=[own.pk])).status_code == 404
    assert client.post(reverse("offers:own_offer_withdraw", args=[own.pk])).status_code == 404
    assert client.get(reverse("purchasing:own_offer", args=[own.pk])).status_code == 404
    assert client.post(reverse("purchasing:own_offer", args=[own.pk]),
                       {"decision": "accepted"}).status_code == 404
    if who != "nza_member":
        assert_error(client.get(f"/api/v1/own-offers/{own.pk}/"), 404, "not_found")
        assert_error(client.post(f"/api/v1/own-offers/{own.pk}/decide/", {"decision": "accepted"}), 404,
                     "not_found")
    assert OwnOffer.objects.get(pk=own.pk).status == "submitted"


def test_the_insurers_list_costs_the_same_queries_for_one_or_many(market, year2027, purchaser,
                                                                  django_assert_num_queries):

    def add(n):
        for _ in range(n):
            practice = PracticeFactory(region=market["region"])
            submit(make_member(Role.PRACTICE_MEMBER, practice), practice, market["preferent"])

    add(1)
    client = client_for(purchaser)
    url = reverse("purchasing:own_offers")
    with time_machine.travel(AUGUST, tick=False):
        client.get(url)  # warm the session

        with CaptureQueriesContext(connection) as one:
            assert client.get(url).status_code == 200
        add(6)
        with CaptureQueriesContext(connection) as seven:
            html = text(client.get(url).content.decode())
    assert html.count("Eigen aanbod Praktijk X") == 7
    assert len(seven) == len(one)


def test_the_api_submits_lists_and_decides(market, year2027, practice_3100, signatory, purchaser):

    body = {"practice": practice_3100.pk, "insurer": market["preferent"].pk, "year": 2027, "title": "Via API",
            "text": "Wij bieden e-consult.", "term_years": 1, "lines": [{"module": "kwaliteit", "tariff": "-3"}]}
    with time_machine.travel(MARCH, tick=False):
        assert_error(client_for(signatory).post("/api/v1/own-offers/", body, format="json"), 400, "invalid_tariff")
        body["lines"] = [{"module": "kwaliteit", "tariff": "900"}]
        created = client_for(signatory).post("/api/v1/own-offers/", body, format="json")
        assert created.status_code == 201, created.json()
    row = created.json()
    assert (row["status"], row["due_at"], row["lines"][0]["tariff"]) == ("submitted", "2026-09-15T22:00:00Z",
                                                                          "900.00")
    with time_machine.travel(ams(2026, 7, 2, 0, 0), tick=False):
        assert_error(client_for(signatory).post("/api/v1/own-offers/", {**body, "title": "Te laat"}, format="json"),
                     409, "own_offer_window_closed")
    assert [r["id"] for r in client_for(purchaser).get("/api/v1/own-offers/").json()["results"]] == [row["id"]]
    url = f"/api/v1/own-offers/{row['id']}/decide/"
    with time_machine.travel(AUGUST, tick=False):
        assert_error(client_for(purchaser).post(url, {"decision": "refused"}), 400, "reason_required")
        assert_error(client_for(signatory).post(url, {"decision": "refused", "reason": "x"}), 403, "not_purchaser")
        decided = client_for(purchaser).post(url, {"decision": "refused", "reason": "Niet nodig."}).json()
    assert (decided["status"], decided["reason"]) == ("refused", "Niet nodig.")


def test_a_care_group_proposes_too_and_the_insurer_decides_by_15_july(market, nza_tariffs, purchaser):
    from contracting.models import HolderKind
    from tests.factories import CareGroupFactory

    group = CareGroupFactory(region=market["region"])
    member = make_member(Role.CAREGROUP_MEMBER, group)
    own = own_offer_submit(actor=member, care_group=group, insurer=market["preferent"], year=2027,
                           title="Ketenzorg DM2", text="Wij bieden ketenzorg diabetes.", now=MARCH,
                           lines=[{"module": "ketenzorg-dm2", "tariff": "25.00"}])
    assert (own.holder, own.due_at) == (group, ams(2026, 7, 16, 0, 0))  # the care groups' 15 July
    accepted = own_offer_decide(actor=purchaser, own_offer=own, decision="accepted", now=ams(2026, 7, 10, 9, 0))
    offer = Offer.objects.get(standard_contract=accepted.contract)
    assert (accepted.contract.holder_kind, offer.care_group, offer.reason) == (HolderKind.CARE_GROUP, group,
                                                                               "own_offer")


def test_the_insurers_own_offer_page_is_laid_out_as_the_practices(own, purchaser, signatory):
    """Both pages share the body (for, from, to, status); its layout classes live in offers.css, which the
    insurer's page did not load, so 'Voor 2027 Van: … Aan: …' ran together."""
    for user, name in ((purchaser, "purchasing:own_offer"), (signatory, "offers:own_offer")):
        with time_machine.travel(AUGUST, tick=False):
            html = page_html_as(client_for(), user, reverse(name, args=[own.pk]))
        assert 'class="utrecht-paragraph offers-meta"' in html and "css/offers.css" in html, name
