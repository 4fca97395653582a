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
