"""The demo's uitvraag: on 1 December 2026 VGZ (whose 2027–2028 contract already covers 2028) offers
'Zorg voor kwetsbare ouderen 2028' only after qualification, and its accreditation module only after a second
uitvraag. Demo practice 2 met the rule and has the offer with its answers, its module uitvraag waits for VGZ,
demo practice 3 waits for VGZ, and demo practice 1 has the uitvraag to answer now. Seeding again adds nothing."""

from datetime import datetime
from io import StringIO

import time_machine
from django.core.management import call_command

from accounts.models import User
from contracting.calendar import AMSTERDAM
from contracting.models import Offer, Qualification, StandardContract
from demo.organisations import demo_practice_agb_codes
from providers.models import Practice
from surveys.models import QualificationQuestionnaire, Response
from tests.helpers import page_html_as, text

NOW = datetime(2026, 12, 1, 10, 0, tzinfo=AMSTERDAM)


def seed() -> None:
    with time_machine.travel(NOW, tick=False):
        call_command("seed_demo", practices=120, stdout=StringIO())


def test_an_uitvraag_with_answers_in_every_state_and_one_to_answer_now(db, client):
    seed()
    contract = StandardContract.objects.get(title="Zorg voor kwetsbare ouderen 2028")
    assert (contract.insurer.name, contract.requires_qualification, contract.status) == ("VGZ", True, "published")
    assert QualificationQuestionnaire.objects.filter(standard_contract=contract).count() == 2
    first, second, third = (Practice.objects.get(agb_code=agb) for agb in demo_practice_agb_codes()[:3])
    qualified = Qualification.objects.get(practice=second, contract_module=None)
    assert (qualified.status, qualified.decided_by_rule) == ("qualified", True)
    assert qualified.offer == Offer.objects.get(standard_contract=contract, practice=second)
    assert Qualification.objects.get(practice=second, contract_module__module__code="kwaliteit").status == "pending"
    assert Qualification.objects.get(practice=third).status == "pending"
    assert not Qualification.objects.filter(practice=first).exists()
    counts = (Qualification.objects.count(), Response.objects.count(), Offer.objects.count())
    seed()
    assert (Qualification.objects.count(), Response.objects.count(), Offer.objects.count()) == counts

    member = User.objects.get(email="medewerker@praktijk1.demo")
    with time_machine.travel(NOW, tick=False):
        listing = text(page_html_as(client, member, "/enquetes/uitvragen/"))
    assert "Uitvraag zorg voor kwetsbare ouderen — VGZ: Zorg voor kwetsbare ouderen 2028" in listing
    assert "beantwoorden uiterlijk" in listing
