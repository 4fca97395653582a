from datetime import datetime
from decimal import Decimal

import pytest

from accounts.models import Role
from contracting.calendar import AMSTERDAM
from contracting.models import Module
from contracting.services import (
    contract_year_ensure,
    follow_requests_create,
    offer_sign,
    standard_contract_create,
    standard_contract_publish,
    standard_contract_set_module,
)
from tests.factories import (
    CareGroupFactory,
    InsurerFactory,
    MarketShareFactory,
    PracticeFactory,
    enrol_totp,
    make_member,
    set_nza_tariffs,
)


def ams(*args) -> datetime:
    return datetime(*args, tzinfo=AMSTERDAM)


IN_WINDOW = ams(2026, 10, 15, 10, 0)


@pytest.fixture
def year2027(db):
    return contract_year_ensure(actor=None, year=2027)


@pytest.fixture
def nza_tariffs(year2027):
    return set_nza_tariffs(2027)


@pytest.fixture
def market(db):
    """Two insurers in one region; `preferent` has the larger share."""
    preferent = InsurerFactory(name="Preferente Verzekeraar", short_name="Pref", slug="pref")
    other = InsurerFactory(name="Verre Verzekeraar", short_name="Ver", slug="ver")
    share = MarketShareFactory(insurer=preferent, share_percent=Decimal("60"))
    MarketShareFactory(region=share.region, insurer=other, share_percent=Decimal("40"))
    return {"region": share.region, "preferent": preferent, "other": other}


@pytest.fixture
def practice_3100(market):
    return PracticeFactory(region=market["region"], registered_patients=3100)


@pytest.fixture
def signatory(practice_3100):
    user = make_member(Role.PRACTICE_SIGNATORY, practice_3100, email="tekenbevoegd@praktijk.example")
    enrol_totp(user)
    return user


@pytest.fixture
def purchaser(market):
    return make_member(Role.INSURER_PURCHASER, market["preferent"], email="inkoper@pref.example")


@pytest.fixture
def other_purchaser(market):
    return make_member(Role.INSURER_PURCHASER, market["other"], email="inkoper@ver.example")


def build_contract(insurer, actor=None, *, year=2027, term_years=1, publish=True, now=None):
    """A contract for `year` built in the summer before (a contract for a year whose signing has closed can no
    longer be made) and, unless publish=False, published at `now` (default 1 September)."""
    contract = standard_contract_create(actor=actor, insurer=insurer, first_year=year, term_years=term_years,
                                        title=f"Huisartsenzorg {year}", now=ams(year - 1, 8, 1, 12, 0))
    modules = {m.code: m for m in Module.objects.all()}
    standard_contract_set_module(actor=actor, contract=contract, module=modules["inschrijving"], tariff="17.00")
    standard_contract_set_module(actor=actor, contract=contract, module=modules["consult"], tariff="10.50")
    standard_contract_set_module(actor=actor, contract=contract, module=modules["poh-ggz"], tariff="3900.00")
    standard_contract_set_module(actor=actor, contract=contract, module=modules["praktijkmanagement"],
                                 tariff="2500.00", cap_hours="4")
    standard_contract_set_module(actor=actor, contract=contract, module=modules["kwaliteit"], tariff="1500.00")
    if publish:
        contract = standard_contract_publish(actor=actor, contract=contract, now=now or ams(2026, 9, 1, 12, 0))
    return contract


@pytest.fixture
def published_contract(market, nza_tariffs, practice_3100, purchaser):
    return build_contract(market["preferent"], purchaser)


@pytest.fixture
def offer(published_contract, practice_3100):
    return published_contract.offers.get(practice=practice_3100)


# A choice within the caps of a 3,100-patient practice: POH-GGZ at its cap of 15.8 hours.
CHOICE = [{"module": "poh-ggz", "hours": "15.8"}, {"module": "praktijkmanagement", "hours": "5"}, "kwaliteit"]


@pytest.fixture
def signed_offer(offer, signatory):
    offer_sign(actor=signatory, offer=offer, now=IN_WINDOW, modules=CHOICE, two_factor_verified=True)
    offer.refresh_from_db()
    return offer


@pytest.fixture
def follow_request(signed_offer, signatory, market):
    """The practice offers its signed preferent contract to the other insurer."""
    return follow_requests_create(actor=signatory, offer=signed_offer, insurers=[market["other"]], now=IN_WINDOW)[0]


@pytest.fixture
def care_group(market):
    group = CareGroupFactory(name="Zorggroep Rivierenland", region=market["region"])
    # A population of 25,000: DM2's ceiling of 5% is 1,250 keten patients.
    group.practices.add(PracticeFactory(region=market["region"], registered_patients=15000),
                        PracticeFactory(region=market["region"], registered_patients=10000))
    return group


@pytest.fixture
def cg_member(care_group):
    return make_member(Role.CAREGROUP_MEMBER, care_group, email="coordinator@zorggroep.example")


@pytest.fixture
def cg_signatory(care_group):
    user = make_member(Role.CAREGROUP_SIGNATORY, care_group, email="bestuurder@zorggroep.example")
    enrol_totp(user)
    return user
