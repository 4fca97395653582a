"""A mid-term adjustment under the exception clause of a running multi-year contract: on a ground the clause
names, yearly (from 1 January of a later year), proposed by that year's definitive offers, and in force only
when the holder's signatory accepts its addendum; refused, or not accepted by the end of signing, the contract
runs on unchanged."""

import pytest
import time_machine
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from contracting.models import ContractAddendum, ContractAdjustment
from contracting.selectors import contract_terms
from contracting.services import (
    addendum_accept,
    addendum_propose,
    addendum_refuse,
    adjustment_propose,
    contract_year_ensure,
    deadlines_sweep,
    offer_sign,
)
from core.errors import PortalError
from tests.contracting.conftest import CHOICE, IN_WINDOW, ams, build_contract
from tests.factories import code_for
from tests.helpers import assert_error, client_for, page_html_as, text

SUMMER_2027 = ams(2027, 6, 1, 10, 0)
KWALITEIT_2028 = [{"module": "kwaliteit", "tariff": "1600.00", "hours": None}]


@pytest.fixture
def running(market, nza_tariffs, practice_3100, purchaser, signatory):
    """Practice X signed the preferent insurer's 2027–2029 contract (kwaliteit €1,500.00)."""
    contract_year_ensure(actor=None, year=2028)
    contract_year_ensure(actor=None, year=2029)
    contract = build_contract(market["preferent"], purchaser, term_years=3)
    offer = contract.offers.get(practice=practice_3100)
    offer_sign(actor=signatory, offer=offer, now=IN_WINDOW, modules=CHOICE, two_factor_verified=True)
    offer.refresh_from_db()
    return offer


def propose(purchaser, offer, **overrides):
    values = {"year": 2028, "ground": "budget", "title": "Aanpassing kwaliteit 2028",
              "explanation": "Het macrokader huisartsenzorg 2028 is door VWS verlaagd.",
              "text": "Partijen passen de vergoeding kwaliteit aan vanaf 2028.", "changes": KWALITEIT_2028,
              "now": SUMMER_2027}
    values.update(overrides)
    return adjustment_propose(actor=purchaser, offer=offer, **values)


def tariff(offer, year, code="kwaliteit"):
    return next(line["tariff"] for line in contract_terms(offer, year) if line["code"] == code)


def signing_code(user):
    return code_for(TOTPDevice.objects.get(user=user))


def test_an_accepted_adjustment_changes_the_contract_from_1_january_of_its_year(running, purchaser, signatory):
    adjustment = propose(purchaser, running)
    assert adjustment.addendum.kind == "adjustment"
    assert adjustment.addendum.effective_from.isoformat() == "2028-01-01"
    assert adjustment.addendum.text == ("Budgettaire wijziging (aanpassingsclausule): Het macrokader huisartsenzorg "
                                        "2028 is door VWS verlaagd.\n\nPartijen passen de vergoeding kwaliteit aan "
                                        "vanaf 2028.")
    assert adjustment.due_at == ams(2027, 11, 8, 0, 0)  # accept by the end of 7 November 2027
    assert tariff(running, 2028) == "1500.00"  # proposed only: nothing changed yet
    addendum_accept(actor=signatory, addendum=adjustment.addendum, code=signing_code(signatory),
                    now=ams(2027, 10, 3, 10, 0))
    assert (tariff(running, 2027), tariff(running, 2028), tariff(running, 2029)) == ("1500.00", "1600.00",
                                                                                     "1600.00")
    deadlines_sweep(now=ams(2027, 11, 8, 0, 5))  # the lapse clock finds it decided
    adjustment.refresh_from_db()
    assert adjustment.lapsed_at is None and adjustment.addendum.status == "accepted"


def test_a_refused_adjustment_leaves_the_contract_as_it_was(running, purchaser, signatory):
    adjustment = propose(purchaser, running)
    addendum_refuse(actor=signatory, addendum=adjustment.addendum, reason="Geen overleg gevoerd.",
                    now=ams(2027, 10, 3, 10, 0))
    assert tariff(running, 2028) == "1500.00"
    # Refused, the insurer may propose a new one for the year, after consultation.
    again = propose(purchaser, running, title="Aanpassing kwaliteit 2028 na overleg")
    assert again.pk != adjustment.pk


def test_not_accepted_by_the_end_of_signing_it_lapses_once(running, purchaser, signatory):
    adjustment = propose(purchaser, running)
    # Checked at request time: 00:00 on 8 November, before any sweep has run, is too late.
    with pytest.raises(PortalError) as refused:
        addendum_accept(actor=signatory, addendum=adjustment.addendum, code=signing_code(signatory),
                        now=ams(2027, 11, 8, 0, 0))
    assert refused.value.code == "adjustment_signing_closed"
    assert "tot en met 7 november 2027" in refused.value.detail
    assert ContractAddendum.objects.get(pk=adjustment.addendum_id).status == "proposed"
    deadlines_sweep(now=ams(2027, 11, 9, 9, 0))  # catches up after the deadline
    deadlines_sweep(now=ams(2027, 11, 9, 9, 1))
    adjustment.refresh_from_db()
    assert adjustment.lapsed_at == ams(2027, 11, 8, 0, 0)
    assert adjustment.addendum.status == ContractAddendum.Status.WITHDRAWN
    with pytest.raises(PortalError) as refused:
        addendum_accept(actor=signatory, addendum=adjustment.addendum, code=signing_code(signatory))
    assert refused.value.code == "addendum_not_open"
    assert tariff(running, 2028) == "1500.00"


@pytest.mark.parametrize(("overrides", "code"), [
    ({"ground": "wens"}, "invalid_ground"),
    ({"explanation": "  "}, "explanation_required"),
    ({"year": 2027}, "year_outside_term"),
    ({"year": 2030}, "year_outside_term"),
    ({"now": ams(2027, 9, 16, 0, 0)}, "adjustment_deadline_passed"),
    ({"changes": [{"module": "kwaliteit", "tariff": "-1", "hours": None}]}, "negative_tariff"),
])
def test_bad_proposals_change_nothing(running, purchaser, overrides, code):
    with pytest.raises(PortalError) as refused:
        propose(purchaser, running, **overrides)
    assert refused.value.code == code
    assert not ContractAdjustment.objects.exists() and not ContractAddendum.objects.exists()


def test_one_adjustment_a_year_and_only_through_the_exception_clause(running, purchaser, other_purchaser):
    first = propose(purchaser, running)
    assert propose(purchaser, running).pk == first.pk  # the same again
    with pytest.raises(PortalError) as refused:
        propose(purchaser, running, title="Nog een")
    assert refused.value.code == "adjustment_exists"
    with pytest.raises(PortalError) as refused:
        propose(other_purchaser, running, year=2029)
    assert refused.value.code == "not_purchaser"
    with pytest.raises(PortalError) as refused:
        addendum_propose(actor=purchaser, offer=running, kind="adjustment", title="x", text="y", changes=[],
                         effective_from="2028-01-01", now=SUMMER_2027)
    assert refused.value.code == "adjustment_via_exception_clause"
    assert ContractAdjustment.objects.count() == 1


def test_a_one_year_contract_has_no_exception_clause(signed_offer, purchaser):
    with pytest.raises(PortalError) as refused:
        propose(purchaser, signed_offer, year=2027)
    assert refused.value.code == "no_adjustment_clause"


def test_the_insurer_proposes_on_its_page_and_the_holder_sees_the_addendum(running, purchaser, signatory):
    url = reverse("purchasing:adjustment", args=[running.pk])
    with time_machine.travel(SUMMER_2027, tick=False):
        html = text(page_html_as(client_for(), purchaser, url))
        assert "2028 voorstellen uiterlijk 15 september 2027 nog 106 dagen" in html
        assert "Kwaliteit (NHG-accreditatie) (nu € 1.500,00)" in html
        response = client_for(purchaser).post(url, {
            "year": 2028, "ground": "budget", "explanation": "", "title": "Aanpassing", "text": "Tekst",
            "tarief-kwaliteit": "1600"})
        assert "Licht toe welke wijziging buiten de macht van partijen" in text(response.content.decode())
        response = client_for(purchaser).post(url, {
            "year": 2028, "ground": "budget", "explanation": "Macrokader verlaagd.", "title": "Aanpassing",
            "text": "Tekst", "tarief-kwaliteit": "1600"}, follow=True)
    adjustment = ContractAdjustment.objects.get()
    assert adjustment.addendum.changes == [{"module": "kwaliteit", "tariff": "1600.00", "hours": None}]
    html = text(page_html_as(client_for(), signatory, reverse("offers:detail", args=[running.pk])))
    assert "Aanpassing" in html


def test_the_api_proposes_and_others_get_404(running, purchaser, signatory):
    from accounts.models import Role
    from tests.factories import InsurerFactory, make_member

    url = f"/api/v1/offers/{running.pk}/adjustments/"
    body = {"year": 2028, "ground": "legal", "explanation": "Nieuwe wet.", "title": "Wetswijziging",
            "text": "Aanpassing door de wet.", "changes": KWALITEIT_2028}
    with time_machine.travel(SUMMER_2027, tick=False):
        assert_error(client_for(signatory).post(url, body, format="json"), 403, "not_purchaser")
        stranger = make_member(Role.INSURER_PURCHASER, InsurerFactory())
        assert_error(client_for(stranger).post(url, body, format="json"), 404, "not_found")
        created = client_for(purchaser).post(url, body, format="json")
    assert created.status_code == 201, created.json()
    row = created.json()
    assert (row["year"], row["ground"], row["status"], row["addendum"]["kind"]) == (2028, "legal", "proposed",
                                                                                     "adjustment")
    assert [r["id"] for r in client_for(signatory).get(url).json()] == [row["id"]]


def test_a_bad_tariff_on_the_adjustment_page_is_marked_at_its_module_and_kept(running, purchaser):
    """The page shows today's tariff as '€ 1.500,00'; a tariff typed that way is read as such, and a tariff that
    is no amount is marked at its module by name, with what was typed still in the box."""
    url = reverse("purchasing:adjustment", args=[running.pk])
    form = {"year": 2028, "ground": "budget", "explanation": "Macrokader verlaagd.", "title": "Aanpassing",
            "text": "Tekst"}
    with time_machine.travel(SUMMER_2027, tick=False):
        client = client_for(purchaser)
        response = client.post(url, {**form, "tarief-kwaliteit": "1,2,3"})
        assert response.status_code == 400
        html = response.content.decode()
        assert 'value="1,2,3"' in html
        page = text(html)
        assert "Kwaliteit (NHG-accreditatie) (nu € 1.500,00) Vul een getal in, bijvoorbeeld 12,50." in page
        assert "kwaliteit:" not in page
        response = client.post(url, {**form, "tarief-kwaliteit": "-5"})
        assert "Kwaliteit (NHG-accreditatie) (nu € 1.500,00) Een tarief kan niet negatief zijn." in text(
            response.content.decode())
        assert not ContractAdjustment.objects.exists()
        client.post(url, {**form, "tarief-kwaliteit": "1.600,00"})
    assert ContractAdjustment.objects.get().addendum.changes == [
        {"module": "kwaliteit", "tariff": "1600.00", "hours": None}]


def test_both_sides_see_by_when_the_adjustment_must_be_signed(running, purchaser, signatory):
    """2028's signing closes at the end of 7 November 2027: on 1 June 2027 that is 159 days away (30 days of
    June minus 1, then 31 + 31 + 30 + 31 + 7 = 130: 29 + 130 = 159)."""
    adjustment = propose(purchaser, running)
    with time_machine.travel(SUMMER_2027, tick=False):
        for user, name in ((signatory, "offers:addendum"), (purchaser, "purchasing:addendum")):
            html = text(page_html_as(client_for(), user, reverse(name, args=[adjustment.addendum_id])))
            assert ("Zonder handtekening vervalt de aanpassing en blijft het contract zoals het is. "
                    "Ondertekenen uiterlijk 7 november 2027 nog 159 dagen") in html
    addendum_refuse(actor=signatory, addendum=adjustment.addendum, reason="Niet akkoord.")
    html = text(page_html_as(client_for(), signatory, reverse("offers:addendum", args=[adjustment.addendum_id])))
    assert "Ondertekenen uiterlijk" not in html


def test_the_signing_deadline_in_english(client, running, purchaser, signatory):
    adjustment = propose(purchaser, running)
    with time_machine.travel(SUMMER_2027, tick=False):
        client.force_login(signatory)
        client.cookies["django_language"] = "en"
        html = text(client.get(reverse("offers:addendum", args=[adjustment.addendum_id]), HTTP_ACCEPT_LANGUAGE="en")
                    .content.decode())
    assert "Without a signature the adjustment lapses and the contract stays as it is. Sign by 7 November 2027" in html
