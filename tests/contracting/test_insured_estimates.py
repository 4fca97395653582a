"""Estimates an insurer would recognise: a practice's estimated yearly amount counts that insurer's own insured
among its registered patients (stored per practice per insurer), falling back to all registered patients, and
saying so, when no count is stored. Caps stay on the registered patients; a signed estimate stays as signed."""

import re
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.models import Role
from contracting.models import ContractModule, Module, Signature
from contracting.pricing import estimate
from contracting.services import insured_counts_set, offer_sign
from core.errors import PortalError
from core.models import AuditEvent
from demo.insured import seed_insured_counts
from providers.models import InsuredCount
from providers.services import practice_update
from tests.contracting.conftest import CHOICE, IN_WINDOW
from tests.factories import InsurerFactory, MarketShareFactory, PracticeFactory, make_member
from tests.helpers import assert_error, client_for, page_html_as, text

# 35% of 3,100 registered patients.
INSURED = 1085
# inschrijving 17.00 x 1,085 insured x 4 quarters (consult depends on production)
MANDATORY_ON_INSURED = Decimal("73780.00")
# ... + POH-GGZ 3,900 x 15.8 hours + praktijkmanagement 2,500 x 5 hours + kwaliteit 1,500 (not per patient)
CHOICE_ON_INSURED = Decimal("149400.00")
# The same on all 3,100 registered patients: 17.00 x 3,100 x 4 = 210,800, plus the same 75,620.
CHOICE_ON_REGISTERED = Decimal("286420.00")


def estimate_total(content: str) -> Decimal:
    return Decimal(re.search(r'class="offers-estimate-total" value="([^"]+)"', content).group(1))


@pytest.fixture
def counted(offer, practice_3100, market):
    insured_counts_set(actor=None, insurer=market["preferent"], counts={practice_3100.pk: INSURED})
    return offer


# --- Pricing: the one home of the arithmetic ------------------------------------------------------------------
def _cm(code: str, tariff: str) -> ContractModule:
    return ContractModule(module=Module.objects.get(code=code), tariff=Decimal(tariff))


def test_per_patient_modules_count_the_insured_and_caps_the_registered(db):
    """2,000 registered, 35% insured with the insurer: 700 insured x 17.00 x 4 quarters = 47,600.00. POH-GGZ's
    cap is 12 hours per 2,350 registered patients: 12 x 2,000 / 2,350 = 10.2 hours (not 3.5 for 700)."""
    modules = [_cm("inschrijving", "17.00"), _cm("poh-ggz", "3900.00")]
    result = estimate(modules, 2000, {"inschrijving", "poh-ggz"}, {"poh-ggz": "10,2"}, insured=700)
    assert [line.amount for line in result.lines] == [Decimal("47600.00"), Decimal("39780.00")]  # 3,900 x 10.2
    assert result.total == Decimal("87380.00") and result.counted == 700
    over = estimate(modules, 2000, {"poh-ggz"}, {"poh-ggz": "10,3"}, insured=700)
    assert over.lines[0].amount is None and "plafond van 10,2 uur" in over.lines[0].note
    # No count stored: all 2,000 registered patients, 17.00 x 2,000 x 4.
    assert estimate(modules, 2000, {"inschrijving"}, {}).total == Decimal("136000.00")


# --- Storing the counts ---------------------------------------------------------------------------------------
def test_counts_are_stored_per_practice_per_insurer_and_audited(practice_3100, market, purchaser):
    insured_counts_set(actor=purchaser, insurer=market["preferent"], counts={practice_3100.pk: "1085"})
    insured_counts_set(actor=purchaser, insurer=market["preferent"], counts={practice_3100.pk: 1085})  # again
    assert InsuredCount.objects.get(practice=practice_3100, insurer=market["preferent"]).insured == 1085
    assert AuditEvent.objects.filter(verb="providers.insured_count.set").count() == 1


@pytest.mark.parametrize(("value", "code"), [(-1, "negative_insured"), ("7,5", "invalid_insured"),
                                             ("veel", "invalid_insured")])
def test_a_count_is_a_whole_number_not_negative(practice_3100, market, purchaser, value, code):
    with pytest.raises(PortalError) as exc:
        insured_counts_set(actor=purchaser, insurer=market["preferent"], counts={practice_3100.pk: value})
    assert exc.value.code == code and exc.value.status == 400
    assert not InsuredCount.objects.exists()


def test_all_insurers_together_at_most_the_registered_patients(practice_3100, market, purchaser, other_purchaser):
    insured_counts_set(actor=other_purchaser, insurer=market["other"], counts={practice_3100.pk: 2500})
    with pytest.raises(PortalError) as exc:
        insured_counts_set(actor=purchaser, insurer=market["preferent"], counts={practice_3100.pk: 601})
    assert exc.value.code == "insured_above_registered"
    assert exc.value.fields["counts"][str(practice_3100.pk)] == [
        f"Samen 3.101 verzekerden bij alle verzekeraars, meer dan de 3.100 ingeschreven patiënten van "
        f"{practice_3100.name}."]
    assert not InsuredCount.objects.filter(insurer=market["preferent"]).exists()
    insured_counts_set(actor=purchaser, insurer=market["preferent"], counts={practice_3100.pk: 600})
    # Nor can the practice's registered patients drop below what the insurers stored.
    with pytest.raises(ValidationError):
        practice_update(actor=None, practice=practice_3100, registered_patients=3099)
    practice_update(actor=None, practice=practice_3100, registered_patients=3100)


def test_all_or_nothing(practice_3100, market, purchaser):
    small = PracticeFactory(region=market["region"], registered_patients=500)
    with pytest.raises(PortalError):
        insured_counts_set(actor=purchaser, insurer=market["preferent"],
                           counts={practice_3100.pk: 1085, small.pk: 501})
    assert not InsuredCount.objects.exists()


def test_only_the_insurers_purchasers_set_its_counts(practice_3100, market, other_purchaser, signatory):
    for actor in (other_purchaser, signatory):
        with pytest.raises(PortalError) as exc:
            insured_counts_set(actor=actor, insurer=market["preferent"], counts={practice_3100.pk: 10})
        assert exc.value.code == "not_purchaser" and exc.value.status == 403
    assert not InsuredCount.objects.exists()


# --- The practice's pages --------------------------------------------------------------------------------------
@time_machine.travel(IN_WINDOW, tick=False)
def test_the_offer_page_estimates_on_the_insurers_own_insured(client, counted, signatory):
    content = page_html_as(client, signatory, reverse("offers:detail", args=[counted.pk]))
    assert estimate_total(content) == MANDATORY_ON_INSURED
    assert ("Bij 1.085 verzekerden van Preferente Verzekeraar onder uw 3.100 ingeschreven patiënten."
            in text(content))


@time_machine.travel(IN_WINDOW, tick=False)
def test_without_a_count_the_page_says_it_counts_all_registered_patients(client, offer, signatory):
    content = page_html_as(client, signatory, reverse("offers:detail", args=[offer.pk]))
    assert estimate_total(content) == Decimal("210800.00")
    assert ("Van Preferente Verzekeraar is niet bekend hoeveel van uw patiënten daar verzekerd zijn: deze "
            "schatting rekent met alle 3.100 ingeschreven patiënten" in text(content))


@time_machine.travel(IN_WINDOW, tick=False)
def test_signing_freezes_the_estimate_on_the_insured_and_later_counts_do_not_rewrite_it(client, counted,
                                                                                        signatory, market):
    signature = offer_sign(actor=signatory, offer=counted, now=IN_WINDOW, modules=CHOICE, two_factor_verified=True)
    assert signature.estimated_amount == CHOICE_ON_INSURED
    assert signature.content["holder"]["insured"] == INSURED
    assert signature.content["estimated_amount"] == str(CHOICE_ON_INSURED)
    insured_counts_set(actor=None, insurer=market["preferent"], counts={counted.practice_id: 2000})
    signed = Signature.objects.get(pk=signature.pk)
    assert (signed.estimated_amount, signed.content_hash) == (CHOICE_ON_INSURED, signature.content_hash)
    body = text(page_html_as(client, signatory, reverse("offers:receipt", args=[counted.pk])))
    assert "Verzekerden bij Preferente Verzekeraar 1.085" in body
    assert "149.400,00" in body


@time_machine.travel(IN_WINDOW, tick=False)
def test_signing_without_a_count_keeps_the_registered_patients(offer, signatory):
    signature = offer_sign(actor=signatory, offer=offer, now=IN_WINDOW, modules=CHOICE, two_factor_verified=True)
    assert signature.estimated_amount == CHOICE_ON_REGISTERED
    assert signature.content["holder"]["insured"] is None


# --- API ------------------------------------------------------------------------------------------------------
@time_machine.travel(IN_WINDOW, tick=False)
def test_the_offer_api_names_the_base(counted, signatory, offer):
    assert client_for(signatory).get(f"/api/v1/offers/{counted.pk}/").json()["insured_patients"] == INSURED


def test_a_purchaser_sets_and_reads_its_counts_over_the_api(practice_3100, market, purchaser, other_purchaser,
                                                           signatory):
    api = client_for(purchaser)
    response = api.post("/api/v1/insured-counts/", {"counts": [{"practice": practice_3100.pk, "insured": 1085}]},
                        format="json")
    assert response.status_code == 200, response.content
    assert response.json()[0]["insured"] == 1085
    assert_error(api.post("/api/v1/insured-counts/", {"counts": [{"practice": practice_3100.pk, "insured": -3}]},
                          format="json"), 400, "negative_insured")
    assert_error(client_for(other_purchaser).post(
        "/api/v1/insured-counts/", {"insurer": market["preferent"].pk,
                                    "counts": [{"practice": practice_3100.pk, "insured": 5}]}, format="json"),
        403, "not_purchaser")
    assert InsuredCount.objects.get().insured == 1085

    def visible(user) -> list[int]:
        return [row["insured"] for row in client_for(user).get("/api/v1/insured-counts/").json()["results"]]

    assert visible(purchaser) == [1085]
    assert visible(signatory) == [1085]  # the practice sees what each insurer stored for it
    assert visible(other_purchaser) == []
    stranger = make_member(Role.PRACTICE_MEMBER, PracticeFactory(region=market["region"]))
    assert visible(stranger) == []
    assert visible(make_member(Role.NZA_ANALYST)) == [1085]


# --- Demo -----------------------------------------------------------------------------------------------------
def test_the_demo_derives_counts_from_the_regions_market_shares(db):
    share = MarketShareFactory(share_percent=Decimal("35"))
    MarketShareFactory(region=share.region, insurer=InsurerFactory(), share_percent=Decimal("33.33"))
    MarketShareFactory(region=share.region, insurer=InsurerFactory(), share_percent=Decimal("31.67"))
    practice = PracticeFactory(region=share.region, registered_patients=2000)
    odd = PracticeFactory(region=share.region, registered_patients=1001)
    assert seed_insured_counts() == {"insured_counts": 6}
    assert InsuredCount.objects.get(practice=practice, insurer=share.insurer).insured == 700  # 35% of 2,000
    # 35% of 1,001 = 350.35, 33.33% = 333.63, 31.67% = 317.02: rounded down, 1,000 together, never above 1,001.
    assert sorted(InsuredCount.objects.filter(practice=odd).values_list("insured", flat=True)) == [317, 333, 350]
    assert seed_insured_counts() == {"insured_counts": 0}
