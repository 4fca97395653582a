"""One pricing home: the estimate a practice sees is the amount it signs, also for hours with more decimals
than the contract keeps."""

from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from accounts.models import Role
from contracting.services import offer_sign
from tests.contracting.conftest import IN_WINDOW
from tests.contracting.test_practice_views import estimate_total
from tests.factories import make_member

# The offer of tests/contracting/conftest.py: 3,100 patients; inschrijving € 17,00 per patient per quarter
# (mandatory), consult per consult (not estimated), POH-GGZ € 3.900 per weekly hour per year.
INSCHRIJVING = Decimal("17.00") * 3100 * 4  # 210,800.00


@pytest.fixture
def member_client(client, practice_3100):
    client.force_login(make_member(Role.PRACTICE_MEMBER, practice_3100, email="lid@praktijk.example"))
    return client


@time_machine.travel(IN_WINDOW, tick=False)
def test_estimate_equals_the_signed_amount_for_fractional_hours(member_client, offer, signatory):
    # 7,25 hours are kept as 7,3 (a tenth, like the caps): € 3.900 × 7,3 = € 28.470, not € 28.275.
    response = member_client.post(reverse("offers:estimate", args=[offer.pk]),
                                  {"modules": ["poh-ggz"], "uren-poh-ggz": "7,25"})
    shown = estimate_total(response.content.decode())
    assert shown == INSCHRIJVING + Decimal("28470.00")

    signature = offer_sign(actor=signatory, offer=offer, now=IN_WINDOW,
                           modules=[{"module": "poh-ggz", "hours": "7.25"}], two_factor_verified=True)
    assert signature.estimated_amount == shown
    poh = next(m for m in signature.content["modules"] if m["code"] == "poh-ggz")
    assert (poh["hours"], poh["estimated_amount"]) == ("7.3", "28470.00")


def test_a_mandatory_hour_module_without_a_cap_is_not_signed_at_zero_hours(market, nza_tariffs, practice_3100,
                                                                           purchaser, signatory):
    # POH-S is paid per hour actually worked and has no cap; made mandatory, there is no cap to fill in when the
    # practice leaves it out, so signing must ask for the hours instead of signing 0 hours for € 0.
    from contracting.models import Module
    from contracting.services import standard_contract_publish, standard_contract_set_module
    from core.errors import PortalError
    from tests.contracting.conftest import ams, build_contract

    contract = build_contract(market["preferent"], purchaser, publish=False)
    standard_contract_set_module(actor=purchaser, contract=contract, module=Module.objects.get(code="poh-s"),
                                 tariff="3350.00", mandatory=True)
    contract = standard_contract_publish(actor=purchaser, contract=contract, now=ams(2026, 9, 1, 12, 0))
    offer = contract.offers.get(practice=practice_3100)
    with pytest.raises(PortalError) as exc:
        offer_sign(actor=signatory, offer=offer, now=IN_WINDOW, modules=["kwaliteit"], two_factor_verified=True)
    assert exc.value.code == "invalid_modules"
    assert list(exc.value.fields["modules"]) == ["poh-s"]
    signature = offer_sign(actor=signatory, offer=offer, now=IN_WINDOW,
                           modules=[{"module": "poh-s", "hours": "8"}], two_factor_verified=True)
    poh_s = next(m for m in signature.content["modules"] if m["code"] == "poh-s")
    assert (poh_s["hours"], poh_s["estimated_amount"]) == ("8.0", "26800.00")  # € 3.350 × 8
