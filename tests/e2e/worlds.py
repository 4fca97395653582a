"""The small worlds the browser tests start from, built through the services as the portal's users would."""

from decimal import Decimal

from accounts.models import Role
from contracting.models import Module
from contracting.services import (
    contract_year_ensure,
    offer_sign,
    standard_contract_create,
    standard_contract_publish,
    standard_contract_set_module,
)
from tests.contracting.conftest import ams
from tests.factories import InsurerFactory, MarketShareFactory, PracticeFactory, make_member, set_nza_tariffs


def noord_and_de_linde(*, tariffs=(("inschrijving", "17.00"), ("consult", "10.50")), chosen=()) -> dict:
    """Zorgverzekeraar Noord (62% of a region) and Huisartsenpraktijk De Linde there (3,100 patients), its
    tekenbevoegde (tekenbevoegde@delinde.example, Dr. A. de Vries) and Noord's inkoper (inkoper@noord.example,
    J. Jansen). Noord's one-year contract for 2027 with `tariffs` is published on 1 September 2026 and De Linde
    signs it on 15 October 2026 with the `chosen` modules ([{"module", "hours"}])."""
    contract_year_ensure(actor=None, year=2027)
    set_nza_tariffs(2027)
    noord = InsurerFactory(name="Zorgverzekeraar Noord", short_name="Noord", slug="noord")
    share = MarketShareFactory(insurer=noord, share_percent=Decimal("62"))
    practice = PracticeFactory(name="Huisartsenpraktijk De Linde", region=share.region, registered_patients=3100)
    signatory = make_member(Role.PRACTICE_SIGNATORY, practice, email="tekenbevoegde@delinde.example",
                            full_name="Dr. A. de Vries")
    purchaser = make_member(Role.INSURER_PURCHASER, noord, email="inkoper@noord.example", full_name="J. Jansen")
    contract = standard_contract_create(actor=purchaser, insurer=noord, first_year=2027, term_years=1,
                                        title="Huisartsenzorg Noord 2027", now=ams(2026, 8, 1, 12, 0))
    for code, tariff in tariffs:
        standard_contract_set_module(actor=purchaser, contract=contract, module=Module.objects.get(code=code),
                                     tariff=tariff)
    standard_contract_publish(actor=purchaser, contract=contract, now=ams(2026, 9, 1, 12, 0))
    offer = contract.offers.get(practice=practice)
    offer_sign(actor=signatory, offer=offer, now=ams(2026, 10, 15, 10, 0), modules=list(chosen) or None,
               two_factor_verified=True)
    return {"insurer": noord, "practice": practice, "signatory": signatory, "purchaser": purchaser,
            "contract": contract, "offer": offer}
