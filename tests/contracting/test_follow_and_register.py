import pytest

from contracting.models import FollowRequest
from contracting.services import (
    follow_request_decide,
    follow_requests_create,
    milestones_sweep,
    register_entries,
)
from core.errors import ConflictError, PortalError
from tests.contracting.conftest import IN_WINDOW, ams
from tests.factories import InsurerFactory
from tests.helpers import client_for


def test_one_action_offers_the_signed_contract_to_each_other_insurer(signed_offer, signatory, market):
    third = InsurerFactory()
    requests = follow_requests_create(actor=signatory, offer=signed_offer, insurers=[market["other"], third],
                                      now=IN_WINDOW)
    assert {r.insurer_id for r in requests} == {market["other"].pk, third.pk}
    assert all(r.due_at == ams(2027, 1, 1, 0, 0) for r in requests)  # before 1 January: by the end of 31 December
    follow_requests_create(actor=signatory, offer=signed_offer, insurers=[market["other"]], now=IN_WINDOW)
    assert FollowRequest.objects.count() == 2


def test_only_signed_contracts_can_be_followed(offer, signatory, market):
    with pytest.raises(ConflictError) as exc:
        follow_requests_create(actor=signatory, offer=offer, insurers=[market["other"]], now=IN_WINDOW)
    assert exc.value.code == "offer_not_signed"


def test_the_own_insurer_cannot_be_asked_to_follow(signed_offer, signatory, market):
    with pytest.raises(PortalError) as exc:
        follow_requests_create(actor=signatory, offer=signed_offer, insurers=[market["preferent"]], now=IN_WINDOW)
    assert exc.value.code == "own_insurer"


@pytest.mark.parametrize("decision", ["partial", "declined"])
def test_partial_and_decline_need_an_explanation(follow_request, other_purchaser, decision):
    with pytest.raises(PortalError) as exc:
        follow_request_decide(actor=other_purchaser, follow_request=follow_request, decision=decision,
                              not_followed=["kwaliteit"], now=ams(2026, 12, 3, 10, 0))
    assert exc.value.code == "explanation_required"
    assert FollowRequest.objects.get(pk=follow_request.pk).status == FollowRequest.Status.PENDING


def test_partial_names_the_modules_not_followed(follow_request, other_purchaser):
    with pytest.raises(PortalError) as exc:
        follow_request_decide(actor=other_purchaser, follow_request=follow_request, decision="partial",
                              explanation="Eigen kwaliteitsbeleid", now=ams(2026, 12, 3, 10, 0))
    assert exc.value.code == "not_followed_required"
    with pytest.raises(PortalError) as exc:
        follow_request_decide(actor=other_purchaser, follow_request=follow_request, decision="partial",
                              explanation="x", not_followed=["poh-s"], now=ams(2026, 12, 3, 10, 0))
    assert exc.value.code == "unknown_modules"
    decided = follow_request_decide(actor=other_purchaser, follow_request=follow_request, decision="partial",
                                    explanation="Eigen kwaliteitsbeleid", not_followed=["kwaliteit"],
                                    now=ams(2026, 12, 3, 10, 0))
    assert decided.status == FollowRequest.Status.PARTIAL and decided.not_followed == ["kwaliteit"]


def test_a_decision_is_final_and_repeating_it_is_harmless(follow_request, other_purchaser):
    follow_request_decide(actor=other_purchaser, follow_request=follow_request, decision="followed",
                          now=ams(2026, 12, 3, 10, 0))
    follow_request_decide(actor=other_purchaser, follow_request=follow_request, decision="followed",
                          now=ams(2026, 12, 3, 10, 1))
    with pytest.raises(ConflictError) as exc:
        follow_request_decide(actor=other_purchaser, follow_request=follow_request, decision="declined",
                              explanation="Toch niet", now=ams(2026, 12, 4, 10, 0))
    assert exc.value.code == "already_decided"


def test_register_lists_contracted_and_followed_practices_from_19_november(follow_request, other_purchaser,
                                                                           signed_offer, market):
    follow_request_decide(actor=other_purchaser, follow_request=follow_request, decision="followed",
                          now=ams(2026, 11, 10, 10, 0))
    milestones_sweep(now=ams(2026, 11, 18, 23, 59, 59))
    assert list(register_entries(year=2027)) == []  # not public before 19 November
    milestones_sweep(now=ams(2026, 11, 19, 0, 0, 1))
    rows = list(register_entries(year=2027))
    assert {(r["insurer"], r["via"]) for r in rows} == {(market["preferent"].name, "contract"),
                                                         (market["other"].name, "volgcontract")}
    assert all(r["agb_code"] == signed_offer.practice.agb_code for r in rows)


def test_expired_and_refused_offers_are_not_in_the_register(offer, market, year2027):
    milestones_sweep(now=ams(2026, 11, 20, 0, 0))
    assert list(register_entries(year=2027)) == []


def test_no_follow_request_once_the_follow_decisions_are_due(signed_offer, signatory, market, client):
    # Follow decisions for 2027 are due before 1 January 2027 (00:00, Amsterdam). At 23:59:59 on 31 December
    # a request can still be made; from midnight a new one would be overdue the moment it is made.
    follow_requests_create(actor=signatory, offer=signed_offer, insurers=[InsurerFactory()],
                           now=ams(2026, 12, 31, 23, 59, 59))
    with pytest.raises(ConflictError) as exc:
        follow_requests_create(actor=signatory, offer=signed_offer, insurers=[market["other"]],
                               now=ams(2027, 1, 1, 0, 0))
    assert exc.value.code == "follow_window_closed"
    assert "31 december 2026" in exc.value.detail
    assert not FollowRequest.objects.filter(insurer=market["other"]).exists()

    import time_machine
    from django.urls import reverse

    with time_machine.travel(ams(2027, 1, 2, 10, 0), tick=False):
        api = client_for(signatory)
        response = api.post("/api/v1/follow-requests/", {"offer": signed_offer.pk, "insurers": [market["other"].pk]},
                            format="json")
        assert (response.status_code, response.json()["code"]) == (409, "follow_window_closed")
        client.force_login(signatory)
        page = client.get(reverse("offers:follow", args=[signed_offer.pk])).content.decode()
        assert "Aanbieden ter volging kon tot en met 31 december 2026" in page
        assert "Aanbieden aan de gekozen verzekeraars" not in page  # no button the service would refuse
    assert not FollowRequest.objects.filter(insurer=market["other"]).exists()
