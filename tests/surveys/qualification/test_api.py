"""The uitvraag API: attach, list, start; another organisation's contract, questionnaire or practice is a 404."""

import pytest
import time_machine

from accounts.models import Role
from contracting.models import Module
from contracting.services import (
    standard_contract_create,
    standard_contract_publish,
    standard_contract_set_module,
    standard_contract_update,
)
from surveys.models import Invitation, QualificationQuestionnaire
from tests.contracting.conftest import ams
from tests.factories import PracticeFactory, make_member
from tests.helpers import assert_error, client_for

NOW = ams(2026, 9, 10, 9, 0)


@pytest.fixture(autouse=True)
def _before_signing_closes():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def contract(market, nza_tariffs, other_purchaser):
    contract = standard_contract_create(actor=other_purchaser, insurer=market["other"], first_year=2027,
                                        title="Zorg voor kwetsbare ouderen 2027", now=ams(2026, 8, 1, 12, 0))
    standard_contract_set_module(actor=other_purchaser, contract=contract,
                                 module=Module.objects.get(code="inschrijving"), tariff="17.00")
    standard_contract_update(actor=other_purchaser, contract=contract, requires_qualification=True)
    return standard_contract_publish(actor=other_purchaser, contract=contract, now=ams(2026, 9, 1, 12, 0))


def test_attach_list_and_start(contract, other_purchaser, purchaser, practice_3100, signatory):
    url = "/api/v1/qualification-questionnaires/"
    insurer = client_for(other_purchaser)
    assert_error(insurer.post(url, {"standard_contract": contract.pk, "template": "uitvraag-ouderenzorg",
                                    "rule": "Q1 = wellicht"}, format="json"), 400, "rule_invalid")
    # Another insurer's contract: not found.
    assert_error(client_for(purchaser).post(url, {"standard_contract": contract.pk,
                                                  "template": "uitvraag-ouderenzorg"}, format="json"),
                 404, "not_found")
    assert not QualificationQuestionnaire.objects.exists()
    response = insurer.post(url, {"standard_contract": contract.pk, "template": "uitvraag-ouderenzorg",
                                  "rule": "Q1 = ja en Q2 >= 4"}, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["standard_contract"], body["module"], body["rule"]) == (contract.pk, None, "Q1 = ja en Q2 >= 4")
    again = insurer.post(url, {"standard_contract": contract.pk, "template": "uitvraag-ouderenzorg"}, format="json")
    assert again.status_code == 200 and again.json()["id"] == body["id"]

    # The practice sees the open uitvraag; the other insurer's purchaser does not.
    practice = client_for(signatory)
    assert [row["id"] for row in practice.get(url).json()["results"]] == [body["id"]]
    assert client_for(purchaser).get(url).json()["results"] == []
    start = f"{url}{body['id']}/start/"
    # Another practice's id: not found, nothing made.
    assert_error(practice.post(start, {"practice": PracticeFactory().pk}, format="json"), 404, "not_found")
    assert practice.post(start, {}, format="json").status_code == 400
    assert not Invitation.objects.exists()
    response = practice.post(start, {"practice": practice_3100.pk}, format="json")
    assert response.status_code == 200, response.content
    assert Invitation.objects.get().pk == response.json()["invitation"]
    # A practice member of another practice cannot start for this one either.
    stranger = make_member(Role.PRACTICE_MEMBER, PracticeFactory())
    assert_error(client_for(stranger).post(start, {"practice": practice_3100.pk}, format="json"), 404,
                 "not_found")
