"""Per-object clocks: computed once when started, the one due moment everywhere it is shown, falling due once
(also after downtime), the services API other apps use, and a follow deadline that moves with its milestone."""

import threading
from datetime import UTC, date, datetime

import pytest
import time_machine
from django.db import connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Notification
from contracting.calendar import AMSTERDAM, FOLLOW_DECISION_CLOCK, REQUEST_REACTION_CLOCK, MilestoneKind
from contracting.engine import (
    ByDate,
    CalendarDays,
    ClockKind,
    Skip,
    WorkingDays,
    clock_effect,
    register_clock_kind,
    unregister_clock_kind,
    unregister_effect,
)
from contracting.models import Clock, EffectRun, FollowRequest, Milestone, Request
from contracting.selectors import clock_of, clocks_overdue, with_clock
from contracting.services import (
    clock_cancel,
    clock_done,
    clock_start,
    deadlines_sweep,
    follow_request_decide,
    follow_requests_create,
    milestone_reschedule,
    question_answer,
    question_ask,
)
from core.models import AuditEvent
from insurers.models import Insurer
from tests.factories import InsurerFactory
from tests.helpers import client_for, run_in_threads, text, wait_for_lock_waiter


def ams(*args) -> datetime:
    return datetime(*args, tzinfo=AMSTERDAM)


# Asked on Friday 18 December 2026. Working days after it: Mon 21 (1), Tue 22 (2), Wed 23 (3), Thu 24 (4);
# Fri 25 is Christmas, Sat 26 (Boxing Day) and Sun 27 the weekend; Mon 28 is the fifth. So the answer is due by
# the end of Monday 28 December: stored as 00:00 on 29 December Amsterdam, 23:00 UTC on the 28th.
FRIDAY_BEFORE_CHRISTMAS = ams(2026, 12, 18, 16, 30)
DUE_AFTER_CHRISTMAS = datetime(2026, 12, 28, 23, 0, tzinfo=UTC)


def overdue_notices(purchaser) -> list[Notification]:
    return list(Notification.objects.filter(user=purchaser, key__startswith="request-overdue:"))


def test_a_question_clock_falls_due_once_across_a_weekend_and_christmas(offer, signatory, purchaser):
    question = question_ask(actor=signatory, offer=offer, text="Telt de POH-GGZ per locatie?",
                            now=FRIDAY_BEFORE_CHRISTMAS)
    clock = clock_of(question, REQUEST_REACTION_CLOCK)
    assert clock.due_at == question.due_at == DUE_AFTER_CHRISTMAS
    assert clock.started_at == FRIDAY_BEFORE_CHRISTMAS

    deadlines_sweep(now=ams(2026, 12, 28, 23, 59, 59))  # the last second of the fifth working day
    assert overdue_notices(purchaser) == []
    deadlines_sweep(now=ams(2026, 12, 29, 0, 0))
    [notice] = overdue_notices(purchaser)
    assert notice.subject == "Vraag niet op tijd beantwoord: Huisartsenzorg 2027"
    assert "moest uiterlijk 28 december 2026 beantwoord zijn" in notice.body
    assert AuditEvent.objects.filter(verb="contracting.request.overdue", object_id=str(question.pk)).count() == 1
    deadlines_sweep(now=ams(2026, 12, 29, 0, 1))
    deadlines_sweep(now=ams(2027, 1, 4, 9, 0))
    assert len(overdue_notices(purchaser)) == 1
    assert EffectRun.objects.filter(clock=clock).count() == 1
    clock.refresh_from_db()
    assert clock.processed_at == ams(2026, 12, 29, 0, 0) and clock.done_at is None

    # Answering late still stops the clock, recorded as late.
    question_answer(actor=purchaser, question=question, answer="Per praktijk.", now=ams(2027, 1, 4, 10, 0))
    clock.refresh_from_db()
    assert clock.done_at == ams(2027, 1, 4, 10, 0)
    assert AuditEvent.objects.get(verb="contracting.clock.done", object_id=str(clock.pk)).after["late"] is True


def test_a_clock_found_late_after_downtime_counts_from_its_deadline(offer, signatory, purchaser):
    question = question_ask(actor=signatory, offer=offer, text="Vraag", now=FRIDAY_BEFORE_CHRISTMAS)
    deadlines_sweep(now=ams(2026, 12, 18, 17, 0))
    # The worker was down over the holidays; on 4 January the overdue question is caught up, once.
    deadlines_sweep(now=ams(2027, 1, 4, 8, 0))
    run = EffectRun.objects.get(clock__object_id=question.pk, effect="contracting.request.overdue")
    assert run.status == EffectRun.Status.APPLIED
    assert run.effective_at == DUE_AFTER_CHRISTMAS
    assert len(overdue_notices(purchaser)) == 1


def test_an_answered_question_never_falls_due(offer, signatory, purchaser):
    question = question_ask(actor=signatory, offer=offer, text="Vraag", now=FRIDAY_BEFORE_CHRISTMAS)
    question_answer(actor=purchaser, question=question, answer="Antwoord", now=ams(2026, 12, 21, 9, 0))
    deadlines_sweep(now=ams(2027, 1, 4, 8, 0))
    assert overdue_notices(purchaser) == []
    clock = clock_of(question, REQUEST_REACTION_CLOCK)
    assert clock.done_at == ams(2026, 12, 21, 9, 0) and clock.processed_at is None


@pytest.mark.parametrize(("asked", "due"), [
    # Maundy Thursday 25 March 2027: Good Friday 26, the weekend and Easter Monday 29 March do not count;
    # Tue 30 (1), Wed 31 (2), Thu 1 April (3), Fri 2 (4), Mon 5 April (5): due by the end of 5 April.
    (ams(2027, 3, 25, 15, 0), ams(2027, 4, 6, 0, 0)),
    # Friday 23 April 2027: Mon 26 (1), King's Day Tue 27 does not count, Wed 28 (2), Thu 29 (3), Fri 30 (4),
    # Mon 3 May (5): due by the end of 3 May.
    (ams(2027, 4, 23, 11, 0), ams(2027, 5, 4, 0, 0)),
])
def test_question_clocks_skip_easter_and_kings_day(offer, signatory, asked, due):
    question = question_ask(actor=signatory, offer=offer, text="Vraag", now=asked)
    assert question.due_at == due
    assert clock_of(question, REQUEST_REACTION_CLOCK).due_at == question.due_at


def test_one_due_moment_on_every_page_the_api_and_the_notice(client, offer, signatory, purchaser):
    question = question_ask(actor=signatory, offer=offer, text="Telt de POH-GGZ per locatie?",
                            now=FRIDAY_BEFORE_CHRISTMAS)
    notice = Notification.objects.get(user=purchaser, key=f"request:{question.pk}")
    assert notice.body.endswith("Antwoord uiterlijk 28 december 2026.")

    api = client_for(signatory)
    [row] = api.get(f"/api/v1/offers/{offer.pk}/questions/").json()
    assert row["due_at"] == "2026-12-28T23:00:00Z"

    with time_machine.travel(ams(2026, 12, 21, 10, 0), tick=False):
        client.force_login(purchaser)
        inbox = text(client.get(reverse("purchasing:inbox")).content.decode())
        # The days-left badge follows the date with no space in the markup (includes/deadline.html), hence " ?".
        assert "28 december 2026 nog 7 dagen" in inbox, inbox
        detail = text(client.get(reverse("purchasing:question", args=[question.pk])).content.decode())
        assert "Antwoord uiterlijk 28 december 2026 (5 werkdagen)." in detail
        client.force_login(signatory)
        offer_page = text(client.get(reverse("offers:detail", args=[offer.pk])).content.decode())
        assert "antwoord uiterlijk 28 december 2026 nog 7 dagen" in offer_page  # as the inbox shows it


# --- The services API for other apps -----------------------------------------------------------------------
@pytest.fixture
def knelpunt_clocks():
    """A pretend consultations app: a knelpunt reaction in 2 weeks, a laborious answer in 2 working weeks."""
    calls = []

    @clock_effect("test.knelpunt.overdue")
    def _overdue(*, clock, obj, effective_at, now):
        if obj.name == "Gesloten":
            raise Skip("closed")
        calls.append((obj.pk, effective_at))
        return {"insurer": obj.name}

    register_clock_kind(ClockKind(name="test.knelpunt", label="Reactie op knelpunt",
                                  duration=CalendarDays(14), effect="test.knelpunt.overdue"))
    register_clock_kind(ClockKind(name="test.laborious", label="Bewerkelijke vraag",
                                  duration=WorkingDays(10)))
    yield calls
    unregister_clock_kind("test.knelpunt")
    unregister_clock_kind("test.laborious")
    unregister_effect("test.knelpunt.overdue")


def test_start_done_cancel_and_lists_of_clocks(db, knelpunt_clocks):
    raised = ams(2026, 12, 20, 10, 0)  # a Sunday; 14 calendar days later is Sunday 3 January 2027
    first, second, third = InsurerFactory(name="Eerste"), InsurerFactory(name="Tweede"), InsurerFactory(name="Derde")
    clock = clock_start(actor=None, obj=first, kind="test.knelpunt", started_at=raised)
    assert clock.due_at == ams(2027, 1, 4, 0, 0)  # by the end of 3 January
    assert clock_start(actor=None, obj=first, kind="test.knelpunt", started_at=ams(2026, 12, 22)) == clock
    clock_start(actor=None, obj=second, kind="test.knelpunt", started_at=raised)
    clock_start(actor=None, obj=third, kind="test.knelpunt", started_at=ams(2026, 12, 30, 9, 0))
    # Two working weeks from Monday 2 November 2026: no holidays, so the end of Monday 16 November.
    laborious = clock_start(actor=None, obj=first, kind="test.laborious", started_at=ams(2026, 11, 2, 9, 0))
    assert laborious.due_at == ams(2026, 11, 17, 0, 0)

    clock_done(actor=None, obj=second, kind="test.knelpunt", at=ams(2026, 12, 23, 12, 0))
    clock_done(actor=None, obj=second, kind="test.knelpunt", at=ams(2026, 12, 24, 12, 0))  # the first moment stays
    assert clock_of(second, "test.knelpunt").done_at == ams(2026, 12, 23, 12, 0)

    now = ams(2027, 1, 5, 9, 0)
    assert [c.object_id for c in clocks_overdue(now=now, kind="test.knelpunt")] == [first.pk]
    rows = {i.name: i for i in with_clock(Insurer.objects.all(), "test.knelpunt", now=now).order_by("clock_due_at")}
    assert (rows["Eerste"].clock_due_at, rows["Eerste"].clock_overdue) == (ams(2027, 1, 4, 0, 0), True)
    assert rows["Tweede"].clock_overdue is False  # done in time
    assert (rows["Derde"].clock_due_at, rows["Derde"].clock_overdue) == (ams(2027, 1, 14, 0, 0), False)

    clock_cancel(actor=None, obj=third, kind="test.knelpunt", at=ams(2027, 1, 2, 9, 0), reason="ingetrokken")
    deadlines_sweep(now=ams(2027, 1, 20, 9, 0))
    assert knelpunt_clocks == [(first.pk, ams(2027, 1, 4, 0, 0))]  # the done and the cancelled clock stay quiet
    assert clock_of(laborious.target, "test.laborious").processed_at == ams(2027, 1, 20, 9, 0)  # no effect: just noted
    assert AuditEvent.objects.filter(verb="contracting.clock.cancelled").count() == 1


@pytest.fixture
def decision_clock():
    """A pretend app whose decisions are due by a day the deciding side chooses."""
    calls = []

    @clock_effect("test.decision.overdue")
    def _overdue(*, clock, obj, effective_at, now):
        calls.append((obj.pk, effective_at))
        return {}

    register_clock_kind(ClockKind(name="test.decision", label="Besluit", duration=ByDate(),
                                  effect="test.decision.overdue"))
    yield calls
    unregister_clock_kind("test.decision")
    unregister_effect("test.decision.overdue")


def test_a_clock_due_by_a_day_the_caller_sets_counts_to_the_end_of_that_local_day(db, decision_clock):
    # The caller says "uiterlijk zondag 25 oktober 2026", the day summer time ends: the clock is due at 00:00
    # on Monday 26 October in Amsterdam, which is already winter time (UTC+1): 23:00 UTC on the 25th.
    insurer = InsurerFactory(name="Eerste")
    clock = clock_start(actor=None, obj=insurer, kind="test.decision", started_at=ams(2026, 10, 1, 9, 0),
                        due_on=date(2026, 10, 25))
    assert clock.due_at == datetime(2026, 10, 25, 23, 0, tzinfo=UTC)
    # Started again (a retried request) with another day: one clock, its first moment.
    assert clock_start(actor=None, obj=insurer, kind="test.decision", started_at=ams(2026, 10, 2, 9, 0),
                       due_on=date(2026, 11, 30)).due_at == datetime(2026, 10, 25, 23, 0, tzinfo=UTC)
    assert Clock.objects.filter(kind="test.decision").count() == 1

    deadlines_sweep(now=ams(2026, 10, 25, 23, 59, 59))  # the last second of the day set: still in time
    assert decision_clock == []
    deadlines_sweep(now=ams(2026, 10, 26, 0, 0))
    deadlines_sweep(now=ams(2026, 10, 26, 0, 5))
    assert decision_clock == [(insurer.pk, datetime(2026, 10, 25, 23, 0, tzinfo=UTC))]


def test_a_day_set_clock_needs_its_day_and_other_clocks_refuse_one(db, decision_clock, knelpunt_clocks):
    insurer = InsurerFactory(name="Eerste")
    with pytest.raises(ValueError, match="due_on"):
        clock_start(actor=None, obj=insurer, kind="test.decision", started_at=ams(2026, 10, 1, 9, 0))
    with pytest.raises(ValueError, match="due_on"):
        clock_start(actor=None, obj=insurer, kind="test.knelpunt", started_at=ams(2026, 10, 1, 9, 0),
                    due_on=date(2026, 10, 25))
    assert not Clock.objects.exists()


def test_a_failing_clock_effect_does_not_block_other_clocks_and_applies_once_when_retried(db):
    started = ams(2026, 12, 1, 9, 0)
    broken, fine = InsurerFactory(name="Kapot"), InsurerFactory(name="Goed")
    Insurer.objects.filter(pk=broken.pk).update(name="")  # an empty name makes the effect below raise

    @clock_effect("test.fragile")
    def _fragile(*, clock, obj, effective_at, now):
        return {"initial": obj.name[0]}  # IndexError for the empty name

    register_clock_kind(ClockKind(name="test.fragile", label="Breekbaar", duration=CalendarDays(1),
                                  effect="test.fragile"))
    try:
        broken_clock = clock_start(actor=None, obj=broken, kind="test.fragile", started_at=started)
        fine_clock = clock_start(actor=None, obj=fine, kind="test.fragile", started_at=started)
        deadlines_sweep(now=ams(2026, 12, 3, 9, 0))
        failed = EffectRun.objects.get(clock=broken_clock)
        assert failed.status == EffectRun.Status.FAILED and "IndexError" in failed.error
        assert EffectRun.objects.get(clock=fine_clock).status == EffectRun.Status.APPLIED
        broken_clock.refresh_from_db()
        assert broken_clock.processed_at is None

        Insurer.objects.filter(pk=broken.pk).update(name="Hersteld")
        deadlines_sweep(now=ams(2026, 12, 3, 9, 1))
        deadlines_sweep(now=ams(2026, 12, 3, 10, 0))
        retried = EffectRun.objects.get(clock=broken_clock)
        assert (retried.status, retried.attempts, retried.result) == (EffectRun.Status.APPLIED, 2, {"initial": "H"})
        assert EffectRun.objects.filter(clock__in=[broken_clock, fine_clock]).count() == 2
    finally:
        unregister_clock_kind("test.fragile")
        unregister_effect("test.fragile")


@pytest.fixture
def unreachable_clock_kind():
    """A clock kind whose effect always fails (the system it talks to is down); the effect's calls."""
    calls = []

    @clock_effect("test.unreachable")
    def _unreachable(*, clock, obj, effective_at, now):
        calls.append(clock.pk)
        raise ConnectionError("the other system is down")

    register_clock_kind(ClockKind(name="test.unreachable", label="Onbereikbaar", duration=CalendarDays(1),
                                  effect="test.unreachable"))
    yield calls
    unregister_clock_kind("test.unreachable")
    unregister_effect("test.unreachable")


def test_clocks_waiting_for_their_retry_are_left_alone_in_a_fixed_number_of_queries(db, unreachable_clock_kind):
    """A clock whose effect failed waits for its retry time; the sweep every minute until then does not lock
    and read it again, so 50 such clocks cost the sweep what one does."""
    started, failed_at = ams(2026, 12, 1, 9, 0), ams(2026, 12, 3, 9, 0)
    deadlines_sweep(now=failed_at)  # the contract years the calendar needs, and their milestones due by then

    def failing_clocks(n: int, now: datetime) -> None:
        for _ in range(n):
            clock_start(actor=None, obj=InsurerFactory(), kind="test.unreachable", started_at=started)
        deadlines_sweep(now=now)  # they fall due and fail; each is retried a minute later

    def sweep_queries(now: datetime) -> int:
        with CaptureQueriesContext(connection) as queries:
            assert deadlines_sweep(now=now) is None  # nothing to do
        return len(queries)

    failing_clocks(1, failed_at)
    # The contract years required (the end of signing, then the years' milestone kinds), the milestones with
    # work, the clocks with work: none.
    assert sweep_queries(ams(2026, 12, 3, 9, 0, 30)) == 4
    failing_clocks(49, ams(2026, 12, 3, 9, 0, 40))
    assert EffectRun.objects.filter(status=EffectRun.Status.FAILED, next_attempt_at__gt=ams(2026, 12, 3, 9, 0, 50)) \
        .count() == 50
    assert sweep_queries(ams(2026, 12, 3, 9, 0, 50)) == 4
    assert len(unreachable_clock_kind) == 50  # each tried once so far
    # At its retry time the first one is tried again, and only it.
    deadlines_sweep(now=ams(2026, 12, 3, 9, 1))
    assert len(unreachable_clock_kind) == 51
    assert EffectRun.objects.get(clock_id=unreachable_clock_kind[-1]).attempts == 2


# --- A follow deadline that moves with its milestone --------------------------------------------------------
def test_a_follow_deadline_moves_with_its_milestone(admin_client, admin_user, follow_request, signatory, market,
                                                    signed_offer, other_purchaser, client):
    assert follow_request.due_at == ams(2027, 1, 1, 0, 0)  # before 1 January: uiterlijk 31 december 2026
    decided = follow_requests_create(actor=signatory, offer=signed_offer, insurers=[InsurerFactory()],
                                     now=ams(2026, 10, 16, 9, 0))[0]
    follow_request_decide(actor=_purchaser_of(decided.insurer), follow_request=decided,
                          decision=FollowRequest.Status.FOLLOWED, now=ams(2026, 12, 2, 9, 0))
    # The administrator gives insurers one more week: decisions by the end of Friday 8 January 2027.
    milestone = Milestone.objects.get(contract_year__year=2027, kind=MilestoneKind.FOLLOW_DECISIONS_DUE)
    response = admin_client.post(f"/beheer/contracting/milestone/{milestone.pk}/change/",
                                 {"due_at_0": "2027-01-09", "due_at_1": "00:00:00"})
    assert response.status_code == 302

    follow_request.refresh_from_db()
    clock = clock_of(follow_request, FOLLOW_DECISION_CLOCK)
    assert follow_request.due_at == clock.due_at == ams(2027, 1, 9, 0, 0)
    moved = AuditEvent.objects.get(verb="contracting.clock.rescheduled", object_id=str(clock.pk))
    assert moved.actor == admin_user and moved.before["due_at"].startswith("2026-12-31T23:00")
    decided.refresh_from_db()
    assert decided.due_at == ams(2027, 1, 1, 0, 0)  # a decided request keeps its deadline

    api = client_for(other_purchaser)
    row = api.get(f"/api/v1/follow-requests/{follow_request.pk}/").json()
    assert row["due_at"] == "2027-01-08T23:00:00Z"
    with time_machine.travel(ams(2026, 12, 2, 10, 0), tick=False):
        client.force_login(signatory)
        page = text(client.get(reverse("offers:detail", args=[signed_offer.pk])).content.decode())
        assert "besluit uiterlijk 8 januari 2027" in page

    deadlines_sweep(now=ams(2027, 1, 1, 0, 0))  # the old deadline: nothing falls due
    assert not Notification.objects.filter(key=f"follow-overdue:{follow_request.pk}").exists()
    deadlines_sweep(now=ams(2027, 1, 9, 0, 0))
    deadlines_sweep(now=ams(2027, 1, 9, 0, 5))
    [notice] = Notification.objects.filter(user=signatory, key=f"follow-overdue:{follow_request.pk}")
    assert notice.subject == "Geen besluit op tijd op uw volgverzoek aan Verre Verzekeraar"
    assert "uiterlijk 8 januari 2027 niet besloten" in notice.body
    assert not Notification.objects.filter(key=f"follow-overdue:{decided.pk}").exists()


@pytest.mark.django_db(transaction=True)
def test_a_decision_taken_while_its_milestone_moves_does_not_deadlock(request):
    """A purchaser decides a follow request (follow_request_decide locks the request, then clock_done its
    clock) while an administrator moves the follow-decision milestone. The decision holds its request when
    the move starts, and finishes its clock while the move waits. The move locks the requests before their
    clocks, so it waits for the decision; when it locked the clocks first, each waited for the other and
    PostgreSQL aborted one of them with a deadlock."""
    follow_request = request.getfixturevalue("follow_request")
    other_purchaser = request.getfixturevalue("other_purchaser")
    admin_user = request.getfixturevalue("admin_user")
    milestone = Milestone.objects.get(contract_year__year=2027, kind=MilestoneKind.FOLLOW_DECISIONS_DUE)
    holding = threading.Event()

    def decide():
        with transaction.atomic():
            FollowRequest.objects.select_for_update().get(pk=follow_request.pk)  # the decision's first lock
            holding.set()
            assert wait_for_lock_waiter(60), "the move never queued behind the decision"
            follow_request_decide(actor=other_purchaser, follow_request=follow_request,
                                  decision=FollowRequest.Status.FOLLOWED, now=ams(2026, 12, 2, 9, 0))

    def move():
        assert holding.wait(60)
        milestone_reschedule(actor=admin_user, milestone=milestone, due_at=ams(2027, 1, 9, 0, 0))

    assert run_in_threads(decide, move) == []
    follow_request.refresh_from_db()
    milestone.refresh_from_db()
    assert follow_request.status == FollowRequest.Status.FOLLOWED
    assert milestone.due_at == ams(2027, 1, 9, 0, 0)
    # Decided before the move reached it: the request keeps its deadline, as every decided request does.
    assert clock_of(follow_request, FOLLOW_DECISION_CLOCK).done_at is not None
    assert follow_request.due_at == ams(2027, 1, 1, 0, 0)


def _purchaser_of(insurer):
    from accounts.models import Role
    from tests.factories import make_member

    return make_member(Role.INSURER_PURCHASER, insurer)


# --- The data migration ------------------------------------------------------------------------------------
def test_migration_moves_old_follow_defaults_and_gives_rows_their_clocks(follow_request, offer, signatory, purchaser):
    question = question_ask(actor=signatory, offer=offer, text="Vraag", now=FRIDAY_BEFORE_CHRISTMAS)
    # As the database stood before: follow decisions due at the end of 1 January, and no clocks.
    old_default = ams(2027, 1, 2, 0, 0)
    Milestone.objects.filter(kind=MilestoneKind.FOLLOW_DECISIONS_DUE, contract_year__year=2027).update(
        due_at=old_default)
    FollowRequest.objects.filter(pk=follow_request.pk).update(due_at=old_default)
    Clock.objects.all().delete()

    # Migrating back also unapplies later migrations that alter tables written in this test's transaction;
    # PostgreSQL refuses ALTER TABLE while deferred foreign-key checks are pending, so run those checks now.
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    executor = MigrationExecutor(connection)
    executor.migrate([("contracting", "0005_deadline_engine")])
    executor.loader.build_graph()
    executor.migrate([("contracting", "0006_follow_decisions_before_new_year_and_clocks")])
    # On to today's schema: 0010 makes the question a request of kind question, its answer clock the reaction
    # clock with the same moment.
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes("contracting"))

    milestone = Milestone.objects.get(kind=MilestoneKind.FOLLOW_DECISIONS_DUE, contract_year__year=2027)
    assert milestone.due_at == ams(2027, 1, 1, 0, 0)
    follow_request.refresh_from_db()
    assert follow_request.due_at == ams(2027, 1, 1, 0, 0)
    follow_clock = clock_of(follow_request, FOLLOW_DECISION_CLOCK)
    assert (follow_clock.due_at, follow_clock.milestone_id) == (ams(2027, 1, 1, 0, 0), milestone.pk)
    migrated = Request.objects.get(pk=question.pk)  # the same id, now a request of kind question
    assert (migrated.kind, migrated.side, migrated.status, migrated.insurer_id, migrated.practice_id,
            migrated.year, migrated.region_id) == ("question", "holder", "open", offer.insurer_id, offer.practice_id,
                                                   2027, offer.practice.region_id)
    question_clock = clock_of(migrated, REQUEST_REACTION_CLOCK)
    assert (question_clock.due_at, question_clock.effect) == (DUE_AFTER_CHRISTMAS, "contracting.request.overdue")
