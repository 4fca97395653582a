"""The purchaser's signing watch: practice offers by region and status, counted from the offers alone (each
offer keeps the region it was made for), and the standard contracts with their offer counts."""

from decimal import Decimal

from accounts.models import Role
from contracting.models import Offer
from contracting.selectors import contracts_covering, signing_watch
from contracting.services import offer_mark_opened, offer_refuse, offer_request, offer_sign, offers_create_for_preferent
from providers.services import practice_update
from tests.contracting.conftest import IN_WINDOW, build_contract
from tests.factories import CareGroupFactory, MarketShareFactory, PracticeFactory, make_member


def test_offers_counted_by_the_region_they_were_made_for(published_contract, market, offer, signatory,
                                                         other_purchaser):
    # Region "Noord": the preferent insurer is the largest there too. X (Utrecht region) signs; De Linde opens
    # and refuses; Noord's practice only opens its offer.
    noord = MarketShareFactory(insurer=market["preferent"], share_percent=Decimal("55"), region__name="Noord").region
    linde = PracticeFactory(region=market["region"], name="De Linde")
    north = PracticeFactory(region=noord, name="Praktijk Noord")
    offers_create_for_preferent(contract=published_contract)
    offers = {o.practice_id: o for o in Offer.objects.filter(standard_contract=published_contract)}
    assert {o.practice_id: o.region_id for o in offers.values()} == {
        offer.practice_id: market["region"].pk, linde.pk: market["region"].pk, north.pk: noord.pk}
    offer_sign(actor=signatory, offer=offer, now=IN_WINDOW, modules=["kwaliteit"], two_factor_verified=True)
    linde_signer = make_member(Role.PRACTICE_SIGNATORY, linde)
    offer_mark_opened(actor=linde_signer, offer=offers[linde.pk], now=IN_WINDOW)
    offer_refuse(actor=linde_signer, offer=offers[linde.pk], now=IN_WINDOW, reason="Te laag")
    offer_mark_opened(actor=make_member(Role.PRACTICE_MEMBER, north), offer=offers[north.pk], now=IN_WINDOW)
    # A care group's offer is not a practice offer: the care groups sign in their own negotiation.
    Offer.objects.create(standard_contract=published_contract, care_group=CareGroupFactory(region=noord), year=2027,
                         insurer=market["preferent"], region=noord)

    expected_regions = [
        ("Noord", {"sent": 1, "opened": 1, "signed": 0, "refused": 0, "expired": 0, "open": 1}),
        (market["region"].name, {"sent": 2, "opened": 1, "signed": 1, "refused": 1, "expired": 0, "open": 0}),
    ]
    watch = signing_watch(insurer_id=market["preferent"].pk, year=2027)
    assert watch.regions == expected_regions
    assert watch.totals == {"sent": 3, "opened": 2, "signed": 1, "refused": 1, "expired": 0, "open": 1}

    # The practice moves to Noord later: its offer stays with the region it was made for, a new offer
    # (here one it asks the other insurer for) is made for Noord.
    linde = practice_update(actor=None, practice=linde, region=noord)
    assert signing_watch(insurer_id=market["preferent"].pk, year=2027).regions == expected_regions
    contract_b = build_contract(market["other"], other_purchaser)
    requested = offer_request(actor=linde_signer, practice=linde, contract=contract_b, now=IN_WINDOW)
    assert requested.region_id == noord.pk
    assert signing_watch(insurer_id=market["other"].pk, year=2027).regions == [
        ("Noord", {"sent": 1, "opened": 0, "signed": 0, "refused": 0, "expired": 0, "open": 1})]


def test_contracts_covering_a_year_with_their_offer_counts(market, purchaser, nza_tariffs, practice_3100):
    two_years = build_contract(market["preferent"], purchaser, term_years=2)
    for _ in range(2):
        PracticeFactory(region=market["region"])
    offers_create_for_preferent(contract=two_years)
    assert [(c.pk, c.offer_count) for c in contracts_covering(insurer_id=market["preferent"].pk, year=2027)] == [
        (two_years.pk, 3)]
    # The 2027–2028 contract covers 2028 too; nothing covers 2029.
    assert [c.pk for c in contracts_covering(insurer_id=market["preferent"].pk, year=2028)] == [two_years.pk]
    assert list(contracts_covering(insurer_id=market["preferent"].pk, year=2029)) == []
