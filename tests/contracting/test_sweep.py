import threading
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest
import time_machine

from accounts.models import Notification, Role
from contracting.calendar import AMSTERDAM, MilestoneKind, Phase
from contracting.engine import milestone_effect, unregister_effect
from contracting.models import ContractYear, EffectRun, Milestone, SweepRun
from contracting.services import contract_year_ensure, milestone_reschedule, milestones_sweep
from core.errors import ConflictError
from core.models import AuditEvent
from tests.factories import PracticeFactory, make_member
from tests.helpers import run_in_threads, wait_for_lock_waiter


def ams(*args) -> datetime:
    return datetime(*args, tzinfo=AMSTERDAM)


@pytest.fixture
def year(db):
    return contract_year_ensure(actor=None, year=2027)


@pytest.fixture
def practice_signatory(db):
    return make_member(Role.PRACTICE_SIGNATORY, PracticeFactory())


def applied_kinds(year) -> set[str]:
    return set(year.milestones.filter(applied_at__isnull=False).values_list("kind", flat=True))


def test_contract_year_gets_every_calendar_milestone_once(year):
    # The GCP table's milestones and the start of the contract year (when running contracts are indexed).
    assert year.milestones.count() == len(MilestoneKind.values) + 1
    contract_year_ensure(actor=None, year=2027)
    assert Milestone.objects.filter(contract_year=year).count() == len(MilestoneKind.values) + 1
    assert year.milestones.get(kind=MilestoneKind.POLICY_PUBLICATION).due_at == ams(2026, 4, 2, 0, 0)


def test_sweep_applies_each_due_milestone_once(year, practice_signatory):
    now = ams(2026, 10, 1, 9, 0)
    first = milestones_sweep(now=now)
    assert first is not None
    assert MilestoneKind.SIGNING_OPEN in applied_kinds(year)
    assert MilestoneKind.SIGNING_CLOSE not in applied_kinds(year)
    year.refresh_from_db()
    assert year.phase == Phase.SIGNING_OPEN

    effects = EffectRun.objects.count()
    audits = AuditEvent.objects.filter(verb="contracting.milestone.applied").count()
    notices = Notification.objects.count()
    assert milestones_sweep(now=now) is None  # the second run finds nothing to do
    assert milestones_sweep(now=now + timedelta(minutes=1)) is None
    assert EffectRun.objects.count() == effects
    assert AuditEvent.objects.filter(verb="contracting.milestone.applied").count() == audits
    assert Notification.objects.count() == notices
    assert SweepRun.objects.count() == 1


def test_practice_users_are_told_that_signing_opened(year, practice_signatory):
    milestones_sweep(now=ams(2026, 10, 1, 0, 5))
    subjects = list(Notification.objects.filter(user=practice_signatory).values_list("subject", flat=True))
    assert "Contractjaar 2027: Contracteerportalen open; ondertekenen mogelijk" in subjects


def test_signing_closes_after_23_59_59_on_7_november(year):
    milestones_sweep(now=ams(2026, 11, 7, 23, 59, 59))
    year.refresh_from_db()
    assert year.phase == Phase.SIGNING_OPEN
    assert MilestoneKind.SIGNING_CLOSE not in applied_kinds(year)

    milestones_sweep(now=ams(2026, 11, 8, 0, 0, 0))
    year.refresh_from_db()
    assert year.phase == Phase.SIGNING_CLOSED
    assert year.phase_since == ams(2026, 11, 8, 0, 0)


def test_catch_up_after_downtime_uses_the_milestone_moment(year, practice_signatory):
    milestones_sweep(now=ams(2026, 9, 1, 12, 0))
    # The worker was down from 1 September until 10 November.
    run = milestones_sweep(now=ams(2026, 11, 10, 8, 0))
    kinds = [d["kind"] for d in run.details]
    assert kinds == [MilestoneKind.INDIVIDUAL_OFFERS_FINAL, MilestoneKind.SIGNING_OPEN,
                     MilestoneKind.CAREGROUP_SIGNING_CLOSE, MilestoneKind.SIGNING_REMINDER_14,
                     MilestoneKind.SIGNING_REMINDER_7, MilestoneKind.SIGNING_REMINDER_2, MilestoneKind.SIGNING_CLOSE]
    year.refresh_from_db()
    assert year.phase == Phase.SIGNING_CLOSED
    assert year.phase_since == ams(2026, 11, 8, 0, 0)  # effective at the deadline, not at the late run
    close = year.milestones.get(kind=MilestoneKind.SIGNING_CLOSE)
    assert close.effects.get(effect="contracting.phase").effective_at == close.due_at
    # A notice that is over three days late is recorded as skipped rather than sent as news...
    open_ = year.milestones.get(kind=MilestoneKind.SIGNING_OPEN)
    assert open_.effects.get(effect="contracting.notify").status == EffectRun.Status.SKIPPED
    # ...while a recent one still goes out.
    assert close.effects.get(effect="contracting.notify").status == EffectRun.Status.APPLIED


def test_phase_never_moves_backwards_when_milestones_apply_out_of_order(year):
    # An admin pushed the opening of signing past its close (a mistake, but allowed while neither is applied):
    # the later-applied milestone must not take the year back to an earlier phase.
    opening = year.milestones.get(kind=MilestoneKind.SIGNING_OPEN)
    milestone_reschedule(actor=None, milestone=opening, due_at=ams(2026, 11, 9, 0, 0))
    milestones_sweep(now=ams(2026, 11, 9, 12, 0))
    year.refresh_from_db()
    assert year.phase == Phase.SIGNING_CLOSED
    assert opening.effects.get(effect="contracting.phase").result["changed"] is False


def test_applied_milestone_cannot_be_rescheduled(year):
    milestones_sweep(now=ams(2026, 10, 2, 12, 0))
    with pytest.raises(ConflictError) as excinfo:
        milestone_reschedule(actor=None, milestone=year.milestones.get(kind=MilestoneKind.SIGNING_OPEN),
                             due_at=ams(2026, 12, 1, 0, 0))
    assert excinfo.value.code == "milestone_already_applied"
    assert year.milestones.get(kind=MilestoneKind.SIGNING_OPEN).due_at == ams(2026, 10, 1, 0, 0)


def test_reschedule_is_audited_and_moves_the_deadline(year, admin_user):
    close = year.milestones.get(kind=MilestoneKind.SIGNING_CLOSE)
    # The admin extends signing by a week, to the end of 14 November.
    milestone_reschedule(actor=admin_user, milestone=close, due_at=ams(2026, 11, 15, 0, 0))
    event = AuditEvent.objects.get(verb="contracting.milestone.rescheduled", object_id=str(close.pk))
    assert event.actor == admin_user
    assert event.before["due_at"].startswith("2026-11-07T23:00:00")
    assert event.after["due_at"].startswith("2026-11-15")
    milestones_sweep(now=ams(2026, 11, 10, 12, 0))
    year.refresh_from_db()
    assert year.phase == Phase.SIGNING_OPEN


def test_milestone_on_the_night_summer_time_ends(year):
    # An admin moves the close of signing to the end of Sunday 25 October 2026, the 25-hour day.
    close = year.milestones.get(kind=MilestoneKind.SIGNING_CLOSE)
    milestone_reschedule(actor=None, milestone=close, due_at=ams(2026, 10, 26, 0, 0))
    close.refresh_from_db()
    assert close.due_at == datetime(2026, 10, 25, 23, 0, tzinfo=UTC)
    milestones_sweep(now=datetime(2026, 10, 25, 22, 59, 59, tzinfo=UTC))  # 23:59:59 winter time
    assert MilestoneKind.SIGNING_CLOSE not in applied_kinds(year)
    milestones_sweep(now=datetime(2026, 10, 25, 23, 0, 0, tzinfo=UTC))  # 00:00 on Monday 26 October
    assert MilestoneKind.SIGNING_CLOSE in applied_kinds(year)


def test_admin_change_of_an_applied_milestone_is_refused(year, admin_client):
    milestones_sweep(now=ams(2026, 4, 5, 12, 0))
    policy = year.milestones.get(kind=MilestoneKind.POLICY_PUBLICATION)
    response = admin_client.post(f"/beheer/contracting/milestone/{policy.pk}/change/",
                                 {"due_at_0": "2026-04-20", "due_at_1": "00:00:00"})
    assert response.status_code == 200
    assert "al verwerkt" in response.content.decode()
    policy.refresh_from_db()
    assert policy.due_at == ams(2026, 4, 2, 0, 0)


def test_admin_changes_a_date_through_the_service(year, admin_client, admin_user):
    policy = year.milestones.get(kind=MilestoneKind.POLICY_PUBLICATION)
    response = admin_client.post(f"/beheer/contracting/milestone/{policy.pk}/change/",
                                 {"due_at_0": "2026-04-16", "due_at_1": "00:00:00"})
    assert response.status_code == 302
    policy.refresh_from_db()
    assert policy.due_at == ams(2026, 4, 16, 0, 0)
    assert AuditEvent.objects.filter(verb="contracting.milestone.rescheduled", actor=admin_user).count() == 1


@pytest.fixture
def slow_effect():
    """An extra effect that, the first time it runs, holds its milestone and the contract year (locked by the
    sweep before its effects run) until the other sweep waits on that lock, so that two sweeps really overlap.
    The other one always gets there: it skips the held milestone and locks the year for the next one."""
    calls, overlapped = [], []

    @milestone_effect("test.slow", kinds={MilestoneKind.SIGNING_OPEN, MilestoneKind.SIGNING_CLOSE})
    def _slow(*, milestone, effective_at, now):
        if not calls:  # the year's lock serialises the calls
            overlapped.append(wait_for_lock_waiter())
        calls.append(milestone.pk)
        return {}

    yield SimpleNamespace(calls=calls, overlapped=overlapped)
    unregister_effect("test.slow")


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_sweeps_apply_each_effect_once(slow_effect):
    year = contract_year_ensure(actor=None, year=2027)
    make_member(Role.PRACTICE_SIGNATORY, PracticeFactory())
    now = ams(2026, 11, 9, 12, 0)
    barrier = threading.Barrier(2)
    runs = []

    def sweep():
        barrier.wait()
        runs.append(milestones_sweep(now=now))

    assert run_in_threads(sweep, sweep) == []
    due = Milestone.objects.filter(contract_year=year, due_at__lte=now).count()
    applied_by = [d["milestone"] for run in runs if run for d in run.details]
    assert sorted(applied_by) == sorted(set(applied_by))  # no milestone applied by both sweeps
    assert len(applied_by) == due
    assert slow_effect.overlapped == [True]  # the second sweep waited on the first one's lock
    assert sorted(slow_effect.calls) == sorted(set(slow_effect.calls)) and len(slow_effect.calls) == 2
    assert EffectRun.objects.filter(effect="test.slow").count() == 2
    assert Notification.objects.filter(key__startswith="milestone:").values("key").distinct().count() == \
        Notification.objects.filter(key__startswith="milestone:").count()
    assert ContractYear.objects.get(pk=year.pk).phase == Phase.SIGNING_CLOSED


@time_machine.travel(datetime(2026, 10, 1, 7, 0, tzinfo=UTC), tick=False)
def test_sweep_task_runs_the_sweep_at_the_current_time(year):
    from contracting.tasks import sweep_milestones_task

    applied = sweep_milestones_task()
    assert applied == len([k for k in MilestoneKind.values if year.milestones.get(kind=k).due_at <= datetime(
        2026, 10, 1, 7, 0, tzinfo=UTC)])
    assert sweep_milestones_task() == 0
