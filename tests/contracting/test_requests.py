"""Requests with their GCP clocks: every kind through the one workflow, the clocks across weekends, Dutch public
holidays and the laborious extension (dates worked out by hand from the calendar), attachments, and bad input
that changes nothing."""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from accounts.models import Notification, Role
from contracting.calendar import (
    APPEAL_WINDOW_CLOCK,
    KNELPUNT_REACTION_CLOCK,
    REQUEST_REACTION_CLOCK,
    REQUEST_SETTLE_CLOCK,
    last_day,
)
from contracting.models import Module, Request, RequestAttachment, RequestMessage
from contracting.selectors import clock_of
from contracting.selectors.requests import request_clocks
from contracting.services import (
    deadlines_sweep,
    innovation_criteria_publish,
    question_answer,
    question_ask,
    request_appeal,
    request_decide,
    request_decide_appeal,
    request_escalate,
    request_mark_laborious,
    request_post_message,
    request_propose_addendum,
    request_raise,
    request_withdraw,
)
from core.errors import ConflictError, Forbidden, PortalError
from core.models import AuditEvent
from tests.contracting.conftest import ams
from tests.factories import PracticeFactory, make_member

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def member(practice_3100):
    return make_member(Role.PRACTICE_MEMBER, practice_3100, email="lid@praktijk.example")


@pytest.fixture
def second_purchaser(market):
    return make_member(Role.INSURER_PURCHASER, market["preferent"], email="inkoper2@pref.example")


def raise_(actor, practice, insurer, kind, now, **kwargs):
    kwargs.setdefault("text", f"Een {kind} van de praktijk.")
    return request_raise(actor=actor, kind=kind, practice=practice, insurer=insurer, now=now, **kwargs)


def last_days(request):
    return {row.kind: row.deadline.day for row in request_clocks(request, ams(2026, 1, 1, 0, 0))}


# --- Clocks, by hand -----------------------------------------------------------------------------------------
def test_a_question_without_offer_is_answered_within_5_working_days_skipping_koningsdag(member, practice_3100,
                                                                                         market):
    # Friday 24 April 2026: Monday 27 April is Koningsdag, so the five working days are 28, 29, 30 April and
    # 1 and 4 May: the answer is due by the end of Monday 4 May.
    question = raise_(member, practice_3100, market["preferent"], "question", ams(2026, 4, 24, 10, 0))
    assert question.offer is None and question.status == Request.Status.OPEN
    assert last_day(question.due_at) == date(2026, 5, 4)
    assert question.due_at == ams(2026, 5, 5, 0, 0)
    assert clock_of(question, REQUEST_REACTION_CLOCK).due_at == question.due_at


def test_a_laborious_question_has_two_clocks_the_second_two_working_weeks_from_asking(member, purchaser,
                                                                                      practice_3100, market):
    # Asked Friday 24 April 2026. Reaction: 28, 29, 30 April, 1, 4 May -> by 4 May. Settled within 10 working
    # days: ... 5, 6, 7, 8, 11 May -> by Monday 11 May (Ascension, 14 May, is later).
    question = raise_(member, practice_3100, market["preferent"], "question", ams(2026, 4, 24, 10, 0))
    marked = request_mark_laborious(actor=purchaser, request=question, reason="Wij moeten de NZa-regels nalezen.",
                                    now=ams(2026, 4, 29, 9, 0))
    assert marked.settle_due_at == ams(2026, 5, 12, 0, 0)
    assert last_days(marked) == {REQUEST_REACTION_CLOCK: date(2026, 5, 4), REQUEST_SETTLE_CLOCK: date(2026, 5, 11)}
    reaction, settle = request_clocks(marked, ams(2026, 5, 6, 12, 0))
    assert (reaction.met, reaction.done_at) == (True, ams(2026, 4, 29, 9, 0))  # the marking was the reaction
    assert settle.is_open and settle.deadline.days_left == 5
    # Marking it again with the same reason changes nothing; the answer stops the second clock.
    assert request_mark_laborious(actor=purchaser, request=question, reason="Wij moeten de NZa-regels nalezen.",
                                  now=ams(2026, 4, 30, 9, 0)).laborious_at == ams(2026, 4, 29, 9, 0)
    question_answer(actor=purchaser, question=question, answer="Zo zit het.", now=ams(2026, 5, 11, 23, 59))
    assert clock_of(question, REQUEST_SETTLE_CLOCK).done_at == ams(2026, 5, 11, 23, 59)
    assert AuditEvent.objects.filter(verb="contracting.request.laborious", object_id=str(question.pk)).count() == 1


def test_question_clocks_across_christmas_and_new_year(member, purchaser, practice_3100, market):
    # Wednesday 23 December 2026: 24, 28, 29, 30, 31 December (25 and 26 are Christmas, 27 a Sunday) -> by
    # 31 December. Laborious: 1 January is New Year's Day, then 4, 5, 6, 7, 8 January -> by 8 January 2027.
    question = raise_(member, practice_3100, market["preferent"], "question", ams(2026, 12, 23, 15, 0))
    request_mark_laborious(actor=purchaser, request=question, reason="Eerst intern overleggen.",
                           now=ams(2026, 12, 24, 9, 0))
    assert last_days(question) == {REQUEST_REACTION_CLOCK: date(2026, 12, 31), REQUEST_SETTLE_CLOCK: date(2027, 1, 8)}


def test_question_clocks_across_easter(member, purchaser, practice_3100, market):
    # Thursday 2 April 2026: Good Friday 3 April and Easter Monday 6 April do not count: 7, 8, 9, 10, 13 April ->
    # by Monday 13 April; laborious: 14, 15, 16, 17, 20 April -> by Monday 20 April.
    question = raise_(member, practice_3100, market["preferent"], "question", ams(2026, 4, 2, 9, 0))
    request_mark_laborious(actor=purchaser, request=question, reason="Rekenwerk.", now=ams(2026, 4, 7, 9, 0))
    assert last_days(question) == {REQUEST_REACTION_CLOCK: date(2026, 4, 13), REQUEST_SETTLE_CLOCK: date(2026, 4, 20)}


def test_a_knelpunt_is_reacted_to_within_two_calendar_weeks_holidays_included(member, purchaser, practice_3100,
                                                                              market, offer):
    # Friday 24 April 2026 + 14 days = Friday 8 May (Koningsdag counts: calendar days) -> by the end of 8 May.
    knelpunt = raise_(member, practice_3100, market["preferent"], "knelpunt", ams(2026, 4, 24, 16, 0))
    assert knelpunt.due_at == ams(2026, 5, 9, 0, 0)
    assert clock_of(knelpunt, KNELPUNT_REACTION_CLOCK) is not None
    assert clock_of(knelpunt, REQUEST_REACTION_CLOCK) is None
    # Across the end of summer time (25 October 2026): raised Saturday 17 October 23:30 -> by the end of
    # Saturday 31 October, 00:00 on 1 November in winter time (23:00 UTC on 31 October).
    late = raise_(purchaser, practice_3100, market["preferent"], "knelpunt", ams(2026, 10, 17, 23, 30),
                  text="Declaraties komen niet door.")
    assert late.side == Request.Side.INSURER and last_day(late.due_at) == date(2026, 10, 31)
    assert late.due_at.isoformat() == "2026-10-31T23:00:00+00:00"
    # A message from the other side is the reaction.
    request_post_message(actor=purchaser, request=knelpunt, text="Wij kijken ernaar.", now=ams(2026, 5, 8, 17, 0))
    knelpunt.refresh_from_db()
    assert knelpunt.reacted_at == ams(2026, 5, 8, 17, 0) and knelpunt.status == Request.Status.IN_PROGRESS
    assert clock_of(knelpunt, KNELPUNT_REACTION_CLOCK).done_at == ams(2026, 5, 8, 17, 0)


def test_an_overdue_request_tells_the_side_that_must_react_once(member, purchaser, practice_3100, market):
    maatwerk = raise_(member, practice_3100, market["preferent"], "maatwerk", ams(2026, 4, 24, 10, 0),
                      situation=Request.Situation.TAKEOVER, subject="Overname per 1 juni")
    deadlines_sweep(now=ams(2026, 5, 4, 23, 59, 59))
    assert not Notification.objects.filter(user=purchaser, key=f"request-overdue:{maatwerk.pk}").exists()
    deadlines_sweep(now=ams(2026, 5, 5, 0, 0))
    deadlines_sweep(now=ams(2026, 5, 6, 0, 0))
    [notice] = Notification.objects.filter(user=purchaser, key=f"request-overdue:{maatwerk.pk}")
    assert notice.subject == "Niet op tijd gereageerd: Overname per 1 juni"
    assert not Notification.objects.filter(user=member, key__startswith="request-overdue:").exists()


# --- The workflow ----------------------------------------------------------------------------------------------
def test_question_about_an_offer_keeps_working_as_before(offer, signatory, purchaser):
    question = question_ask(actor=signatory, offer=offer, text="Telt de POH-GGZ per locatie?",
                            now=ams(2026, 10, 15, 10, 0))
    assert (question.kind, question.insurer_id, question.practice_id, question.year) == (
        "question", offer.insurer_id, offer.practice_id, 2027)
    again = question_ask(actor=signatory, offer=offer, text="Telt de POH-GGZ per locatie?",
                         now=ams(2026, 10, 15, 10, 1))
    assert again.pk == question.pk
    answered = question_answer(actor=purchaser, question=question, answer="Per praktijk.", now=ams(2026, 10, 16, 9, 0))
    assert answered.status == Request.Status.ANSWERED
    assert Notification.objects.filter(user=signatory, key=f"request-answered:{question.pk}").exists()


def test_maatwerk_during_the_contract_year_granted_with_reasons(signed_offer, signatory, purchaser):
    maatwerk = request_raise(actor=signatory, kind="maatwerk", offer=signed_offer, text="Een huisarts valt uit.",
                             situation=Request.Situation.GP_LOSS, now=ams(2027, 3, 2, 10, 0))
    decided = request_decide(actor=purchaser, request=maatwerk, outcome="partly", reasons="Voor zes maanden.",
                             now=ams(2027, 3, 5, 10, 0))
    assert (decided.status, decided.outcome, decided.year) == (Request.Status.DECIDED, "partly", 2027)
    assert clock_of(maatwerk, REQUEST_REACTION_CLOCK).done_at == ams(2027, 3, 5, 10, 0)
    assert request_decide(actor=purchaser, request=maatwerk, outcome="partly", reasons="Voor zes maanden.",
                          now=ams(2027, 3, 6, 10, 0)).decided_at == ams(2027, 3, 5, 10, 0)
    with pytest.raises(ConflictError) as exc:
        request_decide(actor=purchaser, request=maatwerk, outcome="granted", now=ams(2027, 3, 6, 10, 0))
    assert exc.value.code == "already_decided"


@pytest.mark.parametrize(("kwargs", "code"), [
    ({"kind": "maatwerk", "situation": ""}, "situation_required"),
    ({"kind": "maatwerk", "situation": "verzonnen"}, "situation_required"),
    ({"kind": "module_change"}, "module_required"),
    ({"kind": "dispute"}, "phase_required"),
    ({"kind": "question", "text": "   "}, "text_required"),
    ({"kind": "question", "text": "x" * 5001}, "text_too_long"),
    ({"kind": "innovation", "year": None}, "year_required"),
    ({"kind": "innovation", "year": 2027, "project_starts": date(2027, 6, 1), "project_ends": date(2027, 1, 1)},
     "project_term"),
    ({"kind": "spam"}, "unknown_kind"),
])
def test_bad_input_on_raising_changes_nothing(member, practice_3100, market, kwargs, code):
    kwargs = {"text": "Iets.", **kwargs}
    with pytest.raises(PortalError) as exc:
        request_raise(actor=member, practice=practice_3100, insurer=market["preferent"], now=ams(2026, 5, 1, 9, 0),
                      **kwargs)
    assert exc.value.code == code and exc.value.detail
    assert not Request.objects.exists() and not AuditEvent.objects.filter(verb__startswith="contracting.req").exists()


def test_who_may_raise_what(member, purchaser, other_purchaser, practice_3100, market):
    with pytest.raises(Forbidden):  # the insurer raises only knelpunten and disputes
        raise_(purchaser, practice_3100, market["preferent"], "maatwerk", ams(2026, 5, 1, 9, 0),
               situation="takeover")
    stranger = PracticeFactory(region=market["region"])
    with pytest.raises(Forbidden):  # not a practice the insurer made an offer to
        raise_(purchaser, stranger, market["preferent"], "knelpunt", ams(2026, 5, 1, 9, 0))
    with pytest.raises(Forbidden):  # another practice's member
        raise_(member, stranger, market["preferent"], "question", ams(2026, 5, 1, 9, 0))
    with pytest.raises(Forbidden):  # a purchaser of another insurer
        raise_(other_purchaser, practice_3100, market["preferent"], "knelpunt", ams(2026, 5, 1, 9, 0))
    assert not Request.objects.exists()


def test_an_empty_message_or_a_message_on_a_settled_request_changes_nothing(member, purchaser, practice_3100,
                                                                            market):
    question = raise_(member, practice_3100, market["preferent"], "question", ams(2026, 5, 1, 9, 0))
    with pytest.raises(PortalError) as exc:
        request_post_message(actor=member, request=question, text=" \n ", now=ams(2026, 5, 1, 10, 0))
    assert exc.value.code == "message_required" and exc.value.detail == "Typ uw bericht."
    question_answer(actor=purchaser, question=question, answer="Ja.", now=ams(2026, 5, 2, 9, 0))
    with pytest.raises(ConflictError):
        request_post_message(actor=member, request=question, text="Dank!", now=ams(2026, 5, 2, 10, 0))
    assert not RequestMessage.objects.exists()


def test_attachments_are_checked_before_anything_is_saved(member, practice_3100, market):
    maatwerk = raise_(member, practice_3100, market["preferent"], "maatwerk", ams(2026, 5, 1, 9, 0),
                      situation="population_change",
                      attachments=[SimpleUploadedFile("wijkplan.pdf", PDF, content_type="application/pdf")])
    [kept] = RequestAttachment.objects.filter(request=maatwerk)
    assert (kept.name, kept.message_id, kept.content_type) == ("wijkplan.pdf", None, "application/pdf")
    assert not kept.file.name.endswith("wijkplan.pdf")  # stored under a generated name
    cases = [
        (SimpleUploadedFile("a" * 197 + ".pdf", PDF), "attachment_name_too_long",
         "De bestandsnaam is 201 tekens lang; ten hoogste 200. Geef het bestand een kortere naam en voeg het "
         "opnieuw toe."),
        (SimpleUploadedFile("script.exe", b"MZ..."), "attachment_type",
         "‘script.exe’ kan niet als bijlage: toegestaan zijn PDF, DOCX, XLSX, ODT, PNG, JPG, JPEG."),
        (SimpleUploadedFile("nep.pdf", b"<html>"), "attachment_type", "‘nep.pdf’ is geen geldig PDF-bestand."),
        (SimpleUploadedFile("groot.pdf", PDF + b"0" * (10 * 1024 * 1024)), "attachment_too_large",
         "‘groot.pdf’ is 10.0 MB; een bijlage is ten hoogste 10 MB."),
    ]
    for upload, code, message in cases:
        with pytest.raises(PortalError) as exc:
            request_post_message(actor=member, request=maatwerk, text="Zie bijlage.", now=ams(2026, 5, 1, 10, 0),
                                 attachments=[upload])
        assert (exc.value.code, exc.value.detail) == (code, message)
    assert RequestAttachment.objects.count() == 1 and not RequestMessage.objects.exists()


# --- Innovation: published criteria and the single appeal ------------------------------------------------------
@pytest.fixture
def criteria(market, purchaser):
    return innovation_criteria_publish(
        actor=purchaser, insurer=market["preferent"], year=2027, method="Wij toetsen elk voorstel aan alle eisen.",
        items=[("Meetbare zorgdoelen", "Met nulmeting."), ("Draagvlak in de regio", "")], now=ams(2026, 3, 1, 9, 0))


@pytest.fixture
def proposal(member, practice_3100, market):
    return raise_(member, practice_3100, market["preferent"], "innovation", ams(2026, 5, 4, 9, 0), year=2027,
                  project_starts=date(2026, 9, 1), project_ends=date(2028, 8, 31), subject="Wijkverpleging op afstand")


def test_a_refusal_must_cite_published_criteria_of_that_insurer_and_year(proposal, criteria, purchaser,
                                                                         other_purchaser, market):
    other = innovation_criteria_publish(actor=other_purchaser, insurer=market["other"], year=2027, method="Zo.",
                                        items=[("Kosten", "")], now=ams(2026, 3, 1, 9, 0))
    earlier = innovation_criteria_publish(actor=purchaser, insurer=market["preferent"], year=2026, method="Zo.",
                                          items=[("Oud", "")], now=ams(2025, 3, 1, 9, 0))
    bad = [
        ({"criteria": []}, "criterion_required"),
        ({"criteria": [other.items.get()]}, "criterion_unknown"),
        ({"criteria": [earlier.items.get()]}, "criterion_unknown"),
        ({"criteria": [criteria.items.first()], "reasons": ""}, "reasons_required"),
    ]
    for kwargs, code in bad:
        kwargs = {"reasons": "Geen nulmeting.", **kwargs}
        with pytest.raises(PortalError) as exc:
            request_decide(actor=purchaser, request=proposal, outcome="refused", now=ams(2026, 5, 8, 9, 0), **kwargs)
        assert exc.value.code == code
    proposal.refresh_from_db()
    assert proposal.decided_at is None and not proposal.criteria_cited.exists()
    refused = request_decide(actor=purchaser, request=proposal, outcome="refused", reasons="Geen nulmeting.",
                             criteria=[criteria.items.get(number=1)], now=ams(2026, 5, 8, 9, 0))
    assert [c.title for c in refused.criteria_cited.all()] == ["Meetbare zorgdoelen"]
    # The appeal window: 42 days from Friday 8 May 2026 -> by Friday 19 June 2026.
    assert last_day(clock_of(refused, APPEAL_WINDOW_CLOCK).due_at) == date(2026, 6, 19)


def test_one_appeal_decided_by_another_purchaser(proposal, criteria, member, purchaser, second_purchaser):
    with pytest.raises(ConflictError) as exc:
        request_appeal(actor=member, request=proposal, text="Wij zijn het oneens.", now=ams(2026, 5, 5, 9, 0))
    assert exc.value.code == "not_decided"
    request_decide(actor=purchaser, request=proposal, outcome="refused", reasons="Geen nulmeting.",
                   criteria=[criteria.items.get(number=1)], now=ams(2026, 5, 8, 9, 0))
    with pytest.raises(Forbidden):  # the insurer does not appeal
        request_appeal(actor=purchaser, request=proposal, text="?", now=ams(2026, 5, 9, 9, 0))
    appealed = request_appeal(actor=member, request=proposal, text="De nulmeting zit in bijlage 2.",
                              now=ams(2026, 5, 11, 9, 0))
    assert appealed.status == Request.Status.APPEALED
    with pytest.raises(ConflictError) as exc:
        request_appeal(actor=member, request=proposal, text="Nog een beroep.", now=ams(2026, 5, 12, 9, 0))
    assert exc.value.code == "appeal_already_lodged"
    with pytest.raises(Forbidden) as exc:
        request_decide_appeal(actor=purchaser, request=proposal, outcome="granted", now=ams(2026, 5, 13, 9, 0))
    assert exc.value.code == "same_purchaser"
    decided = request_decide_appeal(actor=second_purchaser, request=proposal, outcome="granted",
                                    reasons="De nulmeting volstaat.", now=ams(2026, 5, 13, 9, 0))
    assert (decided.appeal_outcome, decided.appeal_decided_by, decided.status) == (
        "granted", second_purchaser, Request.Status.DECIDED)
    with pytest.raises(ConflictError):  # an appeal after the appeal was decided
        request_appeal(actor=member, request=proposal, text="Nog eens.", now=ams(2026, 5, 14, 9, 0))


def test_an_appeal_after_the_window_is_refused(proposal, criteria, member, purchaser):
    request_decide(actor=purchaser, request=proposal, outcome="refused", reasons="Geen nulmeting.",
                   criteria=[criteria.items.get(number=1)], now=ams(2026, 5, 8, 9, 0))
    with pytest.raises(ConflictError) as exc:
        request_appeal(actor=member, request=proposal, text="Te laat.", now=ams(2026, 6, 20, 0, 0))
    assert exc.value.code == "appeal_window_closed"
    assert exc.value.detail == "De beroepstermijn is verstreken: beroep kon tot en met 19 juni 2026."
    assert request_appeal(actor=member, request=proposal, text="Net op tijd.",
                          now=ams(2026, 6, 19, 23, 59)).status == Request.Status.APPEALED


def test_published_criteria_stay_as_they_are(criteria, purchaser, market):
    same = innovation_criteria_publish(
        actor=purchaser, insurer=market["preferent"], year=2027, method="Wij toetsen elk voorstel aan alle eisen.",
        items=[("Meetbare zorgdoelen", "Met nulmeting."), ("Draagvlak in de regio", "")], now=ams(2026, 3, 2, 9, 0))
    assert same.pk == criteria.pk and same.published_at == ams(2026, 3, 1, 9, 0)
    with pytest.raises(ConflictError):
        innovation_criteria_publish(actor=purchaser, insurer=market["preferent"], year=2027, method="Anders.",
                                    items=[("Iets", "")], now=ams(2026, 3, 2, 9, 0))
    with pytest.raises(PortalError) as exc:
        innovation_criteria_publish(actor=purchaser, insurer=market["preferent"], year=2028, method="Zo.", items=[],
                                    now=ams(2026, 3, 2, 9, 0))
    assert exc.value.code == "criteria_required"


# --- Module change, knelpunt, dispute --------------------------------------------------------------------------
def test_a_module_change_request_names_the_module(member, purchaser, practice_3100, market):
    module = Module.objects.get(code="poh-ggz")
    change = raise_(member, practice_3100, market["preferent"], "module_change", ams(2026, 5, 1, 9, 0), module=module,
                    text="Graag uren per 2.000 patiënten in plaats van 2.350.")
    refused = request_decide(actor=purchaser, request=change, outcome="refused", reasons="Landelijke norm.",
                             now=ams(2026, 5, 4, 9, 0))
    assert (refused.module, refused.outcome) == (module, "refused")
    assert clock_of(refused, APPEAL_WINDOW_CLOCK) is None  # the appeal is the innovation proposer's


def test_a_dispute_goes_to_the_geschillencommissie_only_after_consultation(member, purchaser, practice_3100,
                                                                           market):
    knelpunt = raise_(member, practice_3100, market["preferent"], "knelpunt", ams(2026, 5, 1, 9, 0))
    dispute = raise_(member, practice_3100, market["preferent"], "dispute", ams(2026, 5, 4, 9, 0),
                     phase=Request.Phase.CONTRACTUAL, follows=knelpunt)
    with pytest.raises(ConflictError) as exc:
        request_escalate(actor=member, request=dispute, now=ams(2026, 5, 5, 9, 0))
    assert exc.value.code == "consult_first"
    assert exc.value.detail == ("Eerst overleg: de geschillencommissie kan zodra de andere partij heeft gereageerd "
                                "of uiterlijk 18 mei 2026 niet heeft gereageerd.")
    # Either side may escalate once the other has reacted.
    request_post_message(actor=purchaser, request=dispute, text="Wij blijven bij ons standpunt.",
                         now=ams(2026, 5, 6, 9, 0))
    escalated = request_escalate(actor=purchaser, request=dispute, now=ams(2026, 5, 7, 9, 0))
    assert (escalated.status, escalated.escalated_by) == (Request.Status.ESCALATED, purchaser)
    assert request_escalate(actor=member, request=dispute, now=ams(2026, 5, 8, 9, 0)).escalated_by == purchaser


def test_an_unanswered_dispute_can_be_escalated_after_its_two_weeks(member, practice_3100, market):
    dispute = raise_(member, practice_3100, market["preferent"], "dispute", ams(2026, 5, 4, 9, 0),
                     phase=Request.Phase.PRE_CONTRACTUAL)
    assert request_escalate(actor=member, request=dispute, now=ams(2026, 5, 19, 0, 0)).status == "escalated"


def test_the_raiser_withdraws_and_the_clocks_stop(member, purchaser, practice_3100, market):
    question = raise_(member, practice_3100, market["preferent"], "question", ams(2026, 5, 1, 9, 0))
    with pytest.raises(Forbidden):
        request_withdraw(actor=purchaser, request=question, now=ams(2026, 5, 1, 10, 0))
    request_withdraw(actor=member, request=question, now=ams(2026, 5, 1, 10, 0))
    assert clock_of(question, REQUEST_REACTION_CLOCK).cancelled_at == ams(2026, 5, 1, 10, 0)
    deadlines_sweep(now=ams(2026, 5, 20, 0, 0))
    assert not Notification.objects.filter(key__startswith="request-overdue:").exists()


# --- Granted maatwerk amends the contract as an addendum -------------------------------------------------------
def test_granted_maatwerk_becomes_an_addendum_that_the_signatory_signs(signed_offer, signatory, purchaser,
                                                                      other_purchaser):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from contracting.models import ContractAddendum
    from contracting.selectors import contract_terms
    from contracting.services import addendum_accept
    from tests.factories import code_for

    maatwerk = request_raise(actor=signatory, kind="maatwerk", offer=signed_offer, now=ams(2027, 2, 1, 10, 0),
                             situation=Request.Situation.POPULATION_CHANGE, subject="Nieuwbouwwijk",
                             text="Er komen 800 patiënten bij; wij vragen meer POH-GGZ-uren.")
    with pytest.raises(ConflictError) as exc:  # not before the decision
        request_propose_addendum(actor=purchaser, request=maatwerk, title="Meer uren", text="Uren omhoog.",
                                 changes=[{"module": "poh-ggz", "hours": "20"}], effective_from=date(2027, 3, 1),
                                 now=ams(2027, 2, 2, 10, 0))
    assert exc.value.code == "not_granted"
    request_decide(actor=purchaser, request=maatwerk, outcome="partly", reasons="20 uur in plaats van 24.",
                   now=ams(2027, 2, 3, 10, 0))
    with pytest.raises(Forbidden):
        request_propose_addendum(actor=other_purchaser, request=maatwerk, title="x", text="y", changes=[],
                                 effective_from=date(2027, 3, 1), now=ams(2027, 2, 3, 11, 0))
    with pytest.raises(PortalError) as exc:  # the addendum's own rules: a module the contract does not hold
        request_propose_addendum(actor=purchaser, request=maatwerk, title="Meer uren", text="Uren omhoog.",
                                 changes=[{"module": "onbekend", "hours": "20"}], effective_from=date(2027, 3, 1),
                                 now=ams(2027, 2, 3, 11, 0))
    assert exc.value.code == "unknown_module" and Request.objects.get(pk=maatwerk.pk).addendum is None
    addendum = request_propose_addendum(actor=purchaser, request=maatwerk, title="Meer uren POH-GGZ",
                                        text="Vanaf 1 maart 20 uur POH-GGZ per week.",
                                        changes=[{"module": "poh-ggz", "hours": "20"}],
                                        effective_from=date(2027, 3, 1), now=ams(2027, 2, 3, 11, 0))
    assert (addendum.kind, addendum.status, addendum.offer) == ("maatwerk", "proposed", signed_offer)
    assert Request.objects.get(pk=maatwerk.pk).addendum == addendum
    again = request_propose_addendum(actor=purchaser, request=maatwerk, title="Anders", text="Anders.",
                                     changes=[], effective_from=date(2027, 4, 1), now=ams(2027, 2, 4, 11, 0))
    assert again.pk == addendum.pk and ContractAddendum.objects.count() == 1
    addendum_accept(actor=signatory, addendum=addendum, code=code_for(TOTPDevice.objects.get(user=signatory)))
    [poh] = [line for line in contract_terms(signed_offer, 2027) if line["code"] == "poh-ggz"]
    assert poh["hours"] == "20.0"


def test_maatwerk_without_a_contract_cannot_become_an_addendum(member, purchaser, practice_3100, market):
    maatwerk = raise_(member, practice_3100, market["preferent"], "maatwerk", ams(2026, 5, 1, 9, 0),
                      situation="takeover")
    request_decide(actor=purchaser, request=maatwerk, outcome="granted", now=ams(2026, 5, 2, 9, 0))
    with pytest.raises(ConflictError) as exc:
        request_propose_addendum(actor=purchaser, request=maatwerk, title="x", text="y", changes=[],
                                 effective_from=date(2027, 1, 1), now=ams(2026, 5, 2, 10, 0))
    assert exc.value.code == "no_contract"


def test_maatwerk_on_an_unsigned_offer_gets_no_addendum_form_nor_addendum(offer, member, purchaser):
    # Granted maatwerk on an offer the practice has not signed: nothing to amend yet. The service refuses and the
    # insurer's request page, asking the same rule, offers no addendum form.
    from django.urls import reverse

    from contracting.models import ContractAddendum
    from tests.helpers import page_html_as

    maatwerk = request_raise(actor=member, kind="maatwerk", offer=offer, now=ams(2026, 10, 5, 10, 0),
                             situation=Request.Situation.POPULATION_CHANGE, subject="Nieuwbouwwijk",
                             text="Er komen 800 patiënten bij.")
    request_decide(actor=purchaser, request=maatwerk, outcome="granted", now=ams(2026, 10, 6, 10, 0))
    with pytest.raises(ConflictError) as exc:
        request_propose_addendum(actor=purchaser, request=maatwerk, title="x", text="y", changes=[],
                                 effective_from=date(2027, 1, 1), now=ams(2026, 10, 6, 11, 0))
    assert exc.value.code == "offer_not_signed" and not ContractAddendum.objects.exists()
    html = page_html_as(Client(), purchaser, reverse("purchasing:request", args=[maatwerk.pk]))
    assert "Nieuwbouwwijk" in html and 'name="action" value="addendum"' not in html


def test_a_care_group_raises_and_the_insurer_reacts_by_message(market, purchaser):
    from tests.factories import CareGroupFactory

    group = CareGroupFactory(region=market["region"])
    member = make_member(Role.CAREGROUP_MEMBER, group, email="medewerker@zorggroep.example")
    change = request_raise(actor=member, kind="module_change", care_group=group, insurer=market["preferent"],
                           module=Module.objects.get(code="poh-ggz"), text="Een ketenmodule voor GGZ graag.",
                           now=ams(2026, 6, 1, 9, 0))
    assert (change.care_group, change.practice, change.region) == (group, None, market["region"])
    request_post_message(actor=purchaser, request=change, text="Wij nemen het mee in het beleid 2028.",
                         now=ams(2026, 6, 3, 9, 0))
    change.refresh_from_db()
    # Monday 1 June 2026: 2, 3, 4, 5, 8 June -> by 8 June; reacted on the 3rd, in time.
    assert last_day(change.due_at) == date(2026, 6, 8)
    assert clock_of(change, REQUEST_REACTION_CLOCK).done_at == ams(2026, 6, 3, 9, 0)
    assert change.status == Request.Status.IN_PROGRESS
    assert Notification.objects.filter(user=member, key__startswith="request-message:").exists()
