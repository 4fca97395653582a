"""The demo's multi-year contracts with indexation and its own contract offers: on 1 December 2026 the
2027 contracts of ENO (2027–2029, staff costs), CZ and VGZ (2027–2028) run into later years with index figures
set for 2028, one own offer for 2027 waits for a decision (overdue since 15 September 2026) and one was refused with
reasons; seeding again adds nothing. On 15 May 2027 the own offer is for 2028, inside its window."""

from datetime import datetime
from decimal import Decimal
from io import StringIO

import time_machine
from django.core.management import call_command
from django.urls import reverse

from accounts.models import User
from contracting.calendar import AMSTERDAM
from contracting.models import ContractIndex, OwnOffer, StandardContract
from tests.helpers import page_html_as, text


def seed(now: datetime) -> None:
    with time_machine.travel(now, tick=False):
        call_command("seed_demo", practices=120, stdout=StringIO())


def test_index_figures_and_own_offers_once(db, client):
    now = datetime(2026, 12, 1, 10, 0, tzinfo=AMSTERDAM)
    seed(now)
    eno = StandardContract.objects.get(insurer__name__icontains="ENO", first_year=2027, holder_kind="practice")
    assert (eno.years_label, eno.indexation) == ("2027–2029", "staff")
    # 2029 has no calendar yet on 1 December 2026, so its figure waits until it has.
    assert list(ContractIndex.objects.filter(standard_contract=eno).values_list("year", "percent")) == [
        (2028, Decimal("3.50"))]
    waiting = OwnOffer.objects.get(status="submitted")
    refused = OwnOffer.objects.get(status="refused")
    assert waiting.year == refused.year == 2027
    assert refused.reason.startswith("Een hoger plafond dan 6 uur")
    before = (ContractIndex.objects.count(), OwnOffer.objects.count())
    seed(now)
    assert (ContractIndex.objects.count(), OwnOffer.objects.count()) == before
    member = User.objects.get(email="medewerker@praktijk1.demo")
    with time_machine.travel(now, tick=False):
        html = text(page_html_as(client, member, reverse("offers:own_offers")))
    assert "Eigen aanbod: avondspreekuur en e-consult" in html
    assert "Besluit van de verzekeraar uiterlijk 15 september 2026 77 dagen te laat" in html
