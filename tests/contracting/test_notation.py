"""Service messages, help texts, pages and the PDF write amounts and hours in the reader's notation: "€ 4.000,01"
and "12 uur" in Dutch, "€ 4,000.01" and "12 hours" in English; a cap range whose ends are equal reads as a
maximum, not as "between 12 and 12"."""


import pytest
from django.urls import reverse
from django.utils import translation

from contracting.forms.insurer import ContractModuleForm
from contracting.models import ContractModule, Module, Signature
from contracting.pdf import signed_contract_pdf
from contracting.services import offer_sign, standard_contract_set_module
from core.errors import PortalError
from tests.contracting.conftest import CHOICE, IN_WINDOW, build_contract
from tests.contracting.test_pdf import page_text
from tests.helpers import text


@pytest.fixture
def draft(market, nza_tariffs, purchaser):
    return build_contract(market["preferent"], purchaser, publish=False)


def refusal(language: str, draft, purchaser, code: str, **values) -> PortalError:
    with translation.override(language), pytest.raises(PortalError) as exc:
        standard_contract_set_module(actor=purchaser, contract=draft, module=Module.objects.get(code=code), **values)
    return exc.value


@pytest.mark.parametrize(("language", "detail", "field"), [
    ("nl", "Het tarief voor POH-GGZ (€ 4.000,01) ligt boven het NZa-maximumtarief voor 2027 (€ 4.000,00).",
     "Ten hoogste € 4.000,00."),
    ("en", "The tariff for POH-GGZ (€ 4,000.01) is above the NZa maximum tariff for 2027 (€ 4,000.00).",
     "At most € 4,000.00."),
])
def test_a_tariff_above_the_nza_maximum_is_told_in_the_readers_notation(draft, purchaser, language, detail, field):
    exc = refusal(language, draft, purchaser, "poh-ggz", tariff="4000.01")
    assert exc.code == "tariff_above_nza_max"
    assert (exc.detail, exc.fields["tariff"]) == (detail, [field])
    assert ContractModule.objects.get(standard_contract=draft, module__code="poh-ggz").tariff == 3900


@pytest.mark.parametrize(("language", "detail", "field"), [
    ("nl", "Het plafond voor POH-GGZ is ten hoogste 12 uur per week per 2.350 patiënten.", "Ten hoogste 12 uur."),
    ("en", "The cap for POH-GGZ is at most 12 hours per week per 2,350 patients.", "At most 12 hours."),
])
def test_a_cap_with_one_allowed_value_reads_as_a_maximum(draft, purchaser, language, detail, field):
    exc = refusal(language, draft, purchaser, "poh-ggz", tariff="3900", cap_hours="12,5")
    assert exc.code == "cap_out_of_range"
    assert (exc.detail, exc.fields["cap_hours"]) == (detail, [field])


@pytest.mark.parametrize(("language", "detail", "field"), [
    ("nl", "Het plafond voor Praktijkmanagement ligt tussen 3 en 6 uur per week per 2.350 patiënten.", "3–6 uur."),
    ("en", "The cap for Praktijkmanagement is between 3 and 6 hours per week per 2,350 patients.", "3–6 hours."),
])
def test_a_cap_range_is_told_in_the_readers_notation(draft, purchaser, language, detail, field):
    exc = refusal(language, draft, purchaser, "praktijkmanagement", tariff="2500", cap_hours="6,5")
    assert (exc.detail, exc.fields["cap_hours"]) == (detail, [field])


@pytest.mark.parametrize(("language", "poh", "management"), [
    ("nl", "Ten hoogste 12 uur per week per 2.350 patiënten; leeg laten is dat maximum.",
     "Van 3 tot 6 uur per week per 2.350 patiënten; leeg laten is het maximum."),
    ("en", "At most 12 hours per week per 2,350 patients; leaving it empty means that maximum.",
     "From 3 to 6 hours per week per 2,350 patients; leaving it empty means the maximum."),
])
def test_the_builders_cap_help_in_the_readers_notation(db, language, poh, management):
    with translation.override(language):
        assert ContractModuleForm(module=Module.objects.get(code="poh-ggz")).fields["cap_hours"].help_text == poh
        assert ContractModuleForm(
            module=Module.objects.get(code="praktijkmanagement")).fields["cap_hours"].help_text == management


def test_the_builder_page_in_english_shows_the_refusal_in_english_notation(client, purchaser, draft):
    client.force_login(purchaser)
    client.post(reverse("set_language"), {"language": "en"})
    response = client.post(reverse("purchasing:contract_edit", args=[draft.pk]), {
        "action": "module", "module": "inschrijving", "m-inschrijving-include": "on",
        "m-inschrijving-tariff": "18.00"})
    body = text(response.content.decode())
    assert ("The tariff for Inschrijving op naam (inschrijftarief) (€ 18.00) is above the NZa maximum tariff for "
            "2027 (€ 17.50).") in body
    assert "NZa max € 4,000.00" in body or "NZa-max € 4,000.00" in body


@pytest.mark.parametrize(("language", "expected"), [
    ("nl", ["€ 3.900,00", "15,8", "€ 61.620,00", "€ 286.420,00", "3.100"]),
    ("en", ["€ 3,900.00", "15.8", "€ 61,620.00", "€ 286,420.00", "3,100"]),
])
def test_the_pdf_in_the_readers_notation(offer, signatory, language, expected):
    offer_sign(actor=signatory, offer=offer, now=IN_WINDOW, modules=CHOICE, two_factor_verified=True)
    with translation.override(language):
        drawn = page_text(signed_contract_pdf(Signature.objects.get(offer=offer), compress=False))
    for value in expected:
        assert value in drawn, value
