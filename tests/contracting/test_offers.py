import threading
from decimal import Decimal

import pytest

from accounts.models import Role
from contracting.calendar import MilestoneKind
from contracting.models import Offer, Request, Signature
from contracting.services import (
    milestone_reschedule,
    milestones_sweep,
    offer_choose_modules,
    offer_refuse,
    offer_request,
    offer_sign,
    offers_expire,
    question_answer,
    question_ask,
)
from core.errors import ConflictError, PortalError
from core.models import AuditEvent
from tests.contracting.conftest import CHOICE, IN_WINDOW, ams
from tests.factories import make_member
from tests.helpers import run_in_threads


def test_poh_ggz_cap_follows_registered_patients(offer, signatory):
    # 12 hours per 2,350 patients: 3,100 patients may contract at most 15.8 hours a week.
    with pytest.raises(PortalError) as exc:
        offer_choose_modules(actor=signatory, offer=offer, modules=[{"module": "poh-ggz", "hours": "15.9"}],
                             now=IN_WINDOW)
    assert exc.value.code == "module_over_cap"
    assert "ten hoogste 15,8 uur" in exc.value.fields["modules"]["poh-ggz"][0]
    assert not offer.choices.exists()
    offer_choose_modules(actor=signatory, offer=offer, modules=[{"module": "poh-ggz", "hours": "15.8"}], now=IN_WINDOW)
    assert offer.choices.get(contract_module__module__code="poh-ggz").hours == Decimal("15.80")


def test_insurer_cap_setting_applies_to_praktijkmanagement(offer, signatory):
    # The insurer capped praktijkmanagement at 4 hours per 2,350 patients: 5.2 hours for 3,100 patients.
    with pytest.raises(PortalError) as exc:
        offer_choose_modules(actor=signatory, offer=offer, modules=[{"module": "praktijkmanagement", "hours": "5.3"}],
                             now=IN_WINDOW)
    assert exc.value.code == "module_over_cap"
    offer_choose_modules(actor=signatory, offer=offer, modules=[{"module": "praktijkmanagement", "hours": "5.2"}],
                         now=IN_WINDOW)
    assert offer.choices.get(contract_module__module__code="praktijkmanagement").hours == Decimal("5.20")


def test_signing_freezes_content_with_hash_and_estimated_amount(offer, signatory):
    signature = offer_sign(actor=signatory, offer=offer, now=IN_WINDOW, modules=CHOICE, two_factor_verified=True)
    offer.refresh_from_db()
    assert offer.status == Offer.Status.SIGNED
    assert len(signature.content_hash) == 64
    codes = [m["code"] for m in signature.content["modules"]]
    # The S1 prestaties are always part of the contract; the rest is what the practice chose.
    assert set(codes) == {"inschrijving", "consult", "poh-ggz", "praktijkmanagement", "kwaliteit"}
    # inschrijving 17.00 x 3,100 x 4 + POH-GGZ 3,900 x 15.8 + praktijkmanagement 2,500 x 5 + kwaliteit 1,500
    assert signature.estimated_amount == Decimal("210800.00") + Decimal("61620.00") + Decimal("12500.00") + 1500
    assert signature.content["holder"]["agb_code"] == offer.practice.agb_code


def test_signed_content_cannot_change(offer, signatory):
    signature = offer_sign(actor=signatory, offer=offer, now=IN_WINDOW, modules=CHOICE, two_factor_verified=True)
    frozen = dict(signature.content)
    with pytest.raises(ConflictError):
        offer_choose_modules(actor=signatory, offer=offer, modules=["kwaliteit"], now=IN_WINDOW)
    with pytest.raises(ConflictError) as exc:
        offer_sign(actor=signatory, offer=offer, now=IN_WINDOW, modules=["kwaliteit"], two_factor_verified=True)
    assert exc.value.code == "already_signed"
    signature.refresh_from_db()
    assert signature.content == frozen


def test_signing_window_at_both_ends(offer, signatory):
    with pytest.raises(ConflictError) as exc:
        offer_sign(actor=signatory, offer=offer, now=ams(2026, 9, 30, 23, 59, 59), modules=CHOICE,
                   two_factor_verified=True)
    assert exc.value.code == "signing_window_not_open"
    with pytest.raises(ConflictError) as exc:
        offer_sign(actor=signatory, offer=offer, now=ams(2026, 11, 8, 0, 0, 0), modules=CHOICE,
                   two_factor_verified=True)
    assert exc.value.code == "signing_window_closed"
    assert "tot en met 7 november 2026." in exc.value.detail
    assert not Signature.objects.exists()
    # The last second of 7 November still counts, even if no sweep ever ran.
    offer_sign(actor=signatory, offer=offer, now=ams(2026, 11, 7, 23, 59, 59), modules=CHOICE,
               two_factor_verified=True)


def test_only_a_signatory_with_two_factor_may_sign(offer, signatory, practice_3100):
    member = make_member(Role.PRACTICE_MEMBER, practice_3100)
    with pytest.raises(PortalError) as exc:
        offer_sign(actor=member, offer=offer, now=IN_WINDOW, modules=CHOICE, two_factor_verified=True)
    assert (exc.value.code, exc.value.status) == ("not_signatory", 403)
    with pytest.raises(PortalError) as exc:
        offer_sign(actor=signatory, offer=offer, now=IN_WINDOW, modules=CHOICE, two_factor_verified=False)
    assert (exc.value.code, exc.value.status) == ("two_factor_required", 403)
    assert Offer.objects.get(pk=offer.pk).status == Offer.Status.OPEN


def test_signatory_of_another_practice_cannot_sign(offer, market):
    from tests.factories import PracticeFactory

    stranger = make_member(Role.PRACTICE_SIGNATORY, PracticeFactory(region=market["region"]))
    with pytest.raises(PortalError) as exc:
        offer_sign(actor=stranger, offer=offer, now=IN_WINDOW, modules=CHOICE, two_factor_verified=True)
    assert exc.value.code == "not_signatory"


def test_a_role_that_may_not_act_is_forbidden_and_nothing_changes(offer, market, published_contract):
    """Not signing, refusing or asking for someone else's practice is a Forbidden (403, and for a view that
    does not catch it the 403 page), the same error every service raises for a role that may not act."""
    from core.errors import Forbidden
    from tests.factories import PracticeFactory

    member = make_member(Role.PRACTICE_MEMBER, offer.practice)
    with pytest.raises(Forbidden) as exc:
        offer_sign(actor=member, offer=offer, now=IN_WINDOW, modules=CHOICE, two_factor_verified=True)
    assert exc.value.code == "not_signatory"
    signatory = make_member(Role.PRACTICE_SIGNATORY, offer.practice)
    with pytest.raises(Forbidden) as exc:
        offer_sign(actor=signatory, offer=offer, now=IN_WINDOW, modules=CHOICE, two_factor_verified=False)
    assert exc.value.code == "two_factor_required"
    with pytest.raises(Forbidden) as exc:
        offer_refuse(actor=member, offer=offer, now=IN_WINDOW)
    assert exc.value.code == "not_signatory"
    with pytest.raises(Forbidden) as exc:
        offer_request(actor=member, practice=PracticeFactory(region=market["region"]), contract=published_contract,
                      now=IN_WINDOW)
    assert exc.value.code == "not_practice_member"
    offer.refresh_from_db()
    assert offer.status == Offer.Status.OPEN
    assert Offer.objects.filter(standard_contract=published_contract).count() == 1


def test_unsigned_offers_expire_at_the_end_of_7_november(offer, signatory, year2027):
    milestones_sweep(now=ams(2026, 11, 7, 23, 59, 59))
    offer.refresh_from_db()
    assert offer.status == Offer.Status.OPEN
    milestones_sweep(now=ams(2026, 11, 8, 0, 0, 1))
    offer.refresh_from_db()
    assert offer.status == Offer.Status.EXPIRED
    assert offer.decided_at == ams(2026, 11, 8, 0, 0)


def test_each_expired_offer_is_audited_once_in_a_fixed_number_of_queries(offer, signatory, published_contract,
                                                                          market, django_assert_num_queries):
    from tests.factories import PracticeFactory

    offer_sign(actor=signatory, offer=offer, now=IN_WINDOW, modules=CHOICE, two_factor_verified=True)
    late = [offer_request(actor=None, practice=PracticeFactory(region=market["region"], name=f"Praktijk {n}"),
                          contract=published_contract, now=IN_WINDOW) for n in range(3)]
    close = ams(2026, 11, 8, 0, 0)
    # In a savepoint: the open offers locked, then per 2,000 of them their names read, one audit INSERT and one
    # UPDATE.
    with django_assert_num_queries(6):
        assert offers_expire(year=2027, effective_at=close) == 3
    events = AuditEvent.objects.filter(verb="contracting.offer.expired")
    assert sorted(e.object_id for e in events) == sorted(str(o.pk) for o in late)
    event = events.get(object_id=str(late[0].pk))
    assert event.actor is None
    assert event.object_type == "contracting.offer"
    assert event.object_repr == f"Huisartsenzorg 2027 → Praktijk 0 ({late[0].practice.agb_code})"
    assert event.before == {"status": "open"}
    assert event.after == {"status": "expired", "effective_at": "2026-11-08T00:00:00+01:00"}
    assert not AuditEvent.objects.filter(verb="contracting.offer.expired", object_id=str(offer.pk)).exists()
    # Repeating it (a retried effect) expires and audits nothing more.
    assert offers_expire(year=2027, effective_at=close) == 0
    assert events.count() == 3


def test_reminders_go_only_to_practices_with_unsigned_offers(offer, signatory, market, year2027):
    from accounts.models import Notification
    from tests.factories import PracticeFactory

    bystander = make_member(Role.PRACTICE_MEMBER, PracticeFactory(region=market["region"],
                                                                   preferred_insurer=market["other"]))
    hesitant = PracticeFactory(region=market["region"])  # asks for the same contract and does not sign
    offer_request(actor=None, practice=hesitant, contract=offer.standard_contract, now=ams(2026, 10, 2, 9, 0))
    colleague = make_member(Role.PRACTICE_MEMBER, hesitant)
    milestones_sweep(now=ams(2026, 10, 24, 8, 0))
    assert Notification.objects.filter(user=signatory, subject__startswith="Nog 14 dagen").count() == 1
    assert not Notification.objects.filter(user=bystander, subject__startswith="Nog 14 dagen").exists()
    offer_sign(actor=signatory, offer=offer, now=ams(2026, 10, 25, 10, 0), modules=CHOICE, two_factor_verified=True)
    milestones_sweep(now=ams(2026, 10, 31, 8, 0))
    assert not Notification.objects.filter(user=signatory, subject__startswith="Nog 7 dagen").exists()
    milestones_sweep(now=ams(2026, 11, 5, 8, 0))
    assert [n.subject[:12] for n in Notification.objects.filter(user=colleague, subject__startswith="Nog ")
            .order_by("created_at", "pk")] == ["Nog 14 dagen", "Nog 7 dagen:", "Nog 2 dagen:"]


def test_reminders_follow_an_extended_end_of_signing(offer, signatory, admin_user, year2027):
    from accounts.models import Notification

    close = year2027.milestones.get(kind=MilestoneKind.SIGNING_CLOSE)
    milestone_reschedule(actor=admin_user, milestone=close, due_at=ams(2026, 11, 15, 0, 0))  # to end of 14 Nov
    due = dict(year2027.milestones.filter(kind__startswith="signing_reminder").values_list("kind", "due_at"))
    assert due == {"signing_reminder_14": ams(2026, 10, 31, 0, 0), "signing_reminder_7": ams(2026, 11, 7, 0, 0),
                   "signing_reminder_2": ams(2026, 11, 12, 0, 0)}
    assert AuditEvent.objects.filter(verb="contracting.milestone.rescheduled", actor=admin_user).count() == 4

    milestones_sweep(now=ams(2026, 10, 24, 8, 0))
    assert not Notification.objects.filter(user=signatory, subject__startswith="Nog 14 dagen").exists()
    milestones_sweep(now=ams(2026, 10, 31, 8, 0))
    reminder = Notification.objects.get(user=signatory, subject__startswith="Nog 14 dagen")
    assert "tot en met 14 november" in reminder.body


def test_refusal_is_for_signatories_and_final(offer, signatory):
    offer_refuse(actor=signatory, offer=offer, now=IN_WINDOW, reason="Te weinig uren POH-GGZ")
    offer_refuse(actor=signatory, offer=offer, now=IN_WINDOW)  # again: nothing changes
    offer.refresh_from_db()
    assert offer.status == Offer.Status.REFUSED and offer.refusal_reason == "Te weinig uren POH-GGZ"
    with pytest.raises(ConflictError):
        offer_sign(actor=signatory, offer=offer, now=IN_WINDOW, modules=CHOICE, two_factor_verified=True)


def test_question_due_in_five_working_days_and_answered_once(offer, signatory, purchaser):
    question = question_ask(actor=signatory, offer=offer, text="Geldt het plafond per locatie?",
                            now=ams(2026, 12, 24, 10, 0))
    assert question.due_at == ams(2027, 1, 5, 0, 0)  # through Christmas and New Year: end of Monday 4 January
    question_answer(actor=purchaser, question=question, answer="Per praktijk.", now=ams(2026, 12, 28, 9, 0))
    question_answer(actor=purchaser, question=question, answer="Per praktijk.", now=ams(2026, 12, 28, 9, 5))
    with pytest.raises(ConflictError):
        question_answer(actor=purchaser, question=question, answer="Anders", now=ams(2026, 12, 29, 9, 0))
    assert Request.objects.get(pk=question.pk).answer == "Per praktijk."


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_sign_requests_give_exactly_one_signature(request):
    # Fixtures with transaction=True: build the world inside the test.
    for name in ("market", "nza_tariffs", "practice_3100", "signatory", "purchaser", "published_contract"):
        request.getfixturevalue(name)
    offer = Offer.objects.get()
    signatory = request.getfixturevalue("signatory")
    barrier = threading.Barrier(2)
    outcomes = []

    def sign():
        barrier.wait()
        try:
            offer_sign(actor=signatory, offer=offer, now=IN_WINDOW, modules=CHOICE, two_factor_verified=True)
            outcomes.append("signed")
        except ConflictError as exc:
            outcomes.append(exc.code)

    assert run_in_threads(sign, sign) == []
    assert sorted(outcomes) == ["already_signed", "signed"]
    assert Signature.objects.filter(offer=offer).count() == 1
