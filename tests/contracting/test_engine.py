"""The deadline engine's registry and its sweep: rules an app registers (fixed and relative), failure
isolation and retries, and the late signing reminder."""

from datetime import datetime, timedelta

import pytest
from django.core.exceptions import ValidationError

from accounts.models import Notification, Role
from contracting.calendar import AMSTERDAM, Audience, MilestoneKind, Phase
from contracting.engine import (
    CalendarRule,
    Skip,
    milestone_effect,
    register_calendar_rules,
    unregister_calendar_rule,
    unregister_effect,
)
from contracting.models import ContractYear, EffectRun, Milestone
from contracting.services import (
    contract_year_ensure,
    deadlines_sweep,
    effect_runs_retry,
    milestone_reschedule,
    offer_sign,
)
from core.models import AuditEvent
from tests.contracting.conftest import CHOICE
from tests.factories import PracticeFactory, make_member


def ams(*args) -> datetime:
    return datetime(*args, tzinfo=AMSTERDAM)


@pytest.fixture
def year(db):
    return contract_year_ensure(actor=None, year=2027)


# --- Rules another app registers ---------------------------------------------------------------------------
@pytest.fixture
def survey_rules():
    """A pretend app's rules: one on a fixed day, one counted from the end of signing, one from that one."""
    rules = (
        CalendarRule(kind="surveys.provider_survey", label="Enquête onder zorgaanbieders",
                     boundary="end", who=(Audience.PRACTICE, Audience.NZA), month=3, day=15),
        CalendarRule(kind="surveys.survey_reminder", label="Herinnering enquête", boundary="start",
                     who=(Audience.PRACTICE,), relative_to=MilestoneKind.SIGNING_CLOSE, offset_days=-10,
                     on_timeline=False),
        CalendarRule(kind="surveys.survey_last_call", label="Laatste oproep enquête",
                     boundary="start", who=(Audience.PRACTICE,), relative_to="surveys.survey_reminder",
                     offset_days=3, on_timeline=False),
    )
    register_calendar_rules(*rules)
    yield rules
    for rule in rules:
        unregister_calendar_rule(rule.kind)


def test_an_app_registers_rules_and_every_year_gets_them_without_a_migration(year, survey_rules):
    # An existing year gets them from the sweep (the running and the next year) or contract_year_ensure.
    contract_year_ensure(actor=None, year=2027)
    due = dict(year.milestones.values_list("kind", "due_at"))
    assert due["surveys.provider_survey"] == ams(2026, 3, 16, 0, 0)  # by the end of 15 March 2026
    assert due["surveys.survey_reminder"] == ams(2026, 10, 28, 0, 0)  # 10 days before 7 November
    assert due["surveys.survey_last_call"] == ams(2026, 10, 31, 0, 0)  # 3 days after that
    assert AuditEvent.objects.filter(verb="contracting.contract_year.milestones_added").count() == 1
    assert str(year.milestones.get(kind="surveys.provider_survey").label) == "Enquête onder zorgaanbieders"

    deadlines_sweep(now=ams(2026, 12, 1, 9, 0))  # creates 2028 with them as well
    assert Milestone.objects.filter(contract_year__year=2028, kind__startswith="surveys.").count() == 3


def test_moving_a_milestone_moves_the_rules_counted_from_it(year, survey_rules, admin_user):
    contract_year_ensure(actor=None, year=2027)
    close = year.milestones.get(kind=MilestoneKind.SIGNING_CLOSE)
    milestone_reschedule(actor=admin_user, milestone=close, due_at=ams(2026, 11, 15, 0, 0))  # to end of 14 Nov
    due = dict(year.milestones.values_list("kind", "due_at"))
    assert due["surveys.survey_reminder"] == ams(2026, 11, 4, 0, 0)
    assert due["surveys.survey_last_call"] == ams(2026, 11, 7, 0, 0)  # a rule counted from a moved rule moves too
    assert due[MilestoneKind.SIGNING_REMINDER_2] == ams(2026, 11, 12, 0, 0)
    # the close, the three signing reminders and the two survey milestones
    assert AuditEvent.objects.filter(verb="contracting.milestone.rescheduled", actor=admin_user).count() == 6


def test_an_applied_dependent_stays_where_it_was(year, admin_user):
    deadlines_sweep(now=ams(2026, 10, 24, 9, 0))  # the 14-day reminder went out
    close = year.milestones.get(kind=MilestoneKind.SIGNING_CLOSE)
    milestone_reschedule(actor=admin_user, milestone=close, due_at=ams(2026, 11, 15, 0, 0))
    due = dict(year.milestones.values_list("kind", "due_at"))
    assert due[MilestoneKind.SIGNING_REMINDER_14] == ams(2026, 10, 24, 0, 0)
    assert due[MilestoneKind.SIGNING_REMINDER_7] == ams(2026, 11, 7, 0, 0)


def test_only_an_administrator_moves_a_milestone(year, insurer_user, practice_user, admin_user):
    """The end of signing decides who may still sign: a purchaser (who would gain time for late offers) or a
    practice may not move it; an administrator and the system (actor None) may."""
    from core.errors import Forbidden

    close = year.milestones.get(kind=MilestoneKind.SIGNING_CLOSE)
    for actor in (insurer_user, practice_user):
        with pytest.raises(Forbidden) as excinfo:
            milestone_reschedule(actor=actor, milestone=close, due_at=ams(2026, 11, 30, 0, 0))
        assert excinfo.value.detail == "Alleen een beheerder kan de datum van een mijlpaal verplaatsen."
    close.refresh_from_db()
    assert close.due_at == ams(2026, 11, 8, 0, 0)
    assert not AuditEvent.objects.filter(verb="contracting.milestone.rescheduled").exists()
    milestone_reschedule(actor=admin_user, milestone=close, due_at=ams(2026, 11, 15, 0, 0))
    milestone_reschedule(actor=None, milestone=close, due_at=ams(2026, 11, 16, 0, 0))
    close.refresh_from_db()
    assert close.due_at == ams(2026, 11, 16, 0, 0)


def test_a_milestone_kind_nobody_registered_is_refused(year):
    milestone = Milestone(contract_year=year, kind="nobody.knows", due_at=ams(2026, 5, 1, 0, 0))
    with pytest.raises(ValidationError) as excinfo:
        milestone.full_clean(exclude=["contract_year"], validate_unique=False)
    assert "geen geregistreerde soort mijlpaal" in str(excinfo.value)


def test_labels_come_from_the_registry_in_the_request_language(client, year, practice_user):
    client.force_login(practice_user)
    response = client.get("/api/v1/contract-years/2027/", HTTP_ACCEPT_LANGUAGE="en")
    labels = {m["kind"]: m["label"] for m in response.json()["milestones"]}
    assert labels[MilestoneKind.SIGNING_CLOSE] == "Contracting closes"


# --- Failure isolation -------------------------------------------------------------------------------------
@pytest.fixture
def flaky_effect():
    """An effect on the opening of signing that raises until told otherwise."""
    state = {"fail": True, "calls": 0, "applied": 0}

    @milestone_effect("test.flaky", kinds={MilestoneKind.SIGNING_OPEN}, order=15)
    def _flaky(*, milestone, effective_at, now):
        state["calls"] += 1
        Notification.objects.all().delete()  # a write that must be rolled back when the effect fails
        if state["fail"]:
            raise RuntimeError("the SMTP relay said no")
        state["applied"] += 1
        return {"effective_at": effective_at.isoformat()}

    yield state
    unregister_effect("test.flaky")


def test_one_effect_raising_does_not_block_the_others(year, flaky_effect):
    signatory = make_member(Role.PRACTICE_SIGNATORY, PracticeFactory())
    run = deadlines_sweep(now=ams(2026, 10, 1, 9, 0))
    opening = year.milestones.get(kind=MilestoneKind.SIGNING_OPEN)
    failed = opening.effects.get(effect="test.flaky")
    assert failed.status == EffectRun.Status.FAILED
    assert failed.attempts == 1
    assert "RuntimeError: the SMTP relay said no" in failed.error
    assert "Traceback (most recent call last)" in failed.error
    assert failed.next_attempt_at == ams(2026, 10, 1, 9, 1)  # first retry a minute later
    # The other effects of the same milestone ran, after it (notify) and before it (phase)...
    assert opening.effects.get(effect="contracting.phase").status == EffectRun.Status.APPLIED
    assert opening.effects.get(effect="contracting.notify").status == EffectRun.Status.APPLIED
    year.refresh_from_db()
    assert year.phase == Phase.SIGNING_OPEN
    # ...and its rolled-back write took nothing with it: the practice was told signing opened.
    assert Notification.objects.filter(user=signatory, subject__contains="ondertekenen mogelijk").exists()
    # The milestone is not applied while one effect failed; every other due milestone is.
    opening.refresh_from_db()
    assert opening.applied_at is None
    assert not year.milestones.filter(due_at__lte=ams(2026, 10, 1, 9, 0), applied_at__isnull=True) \
        .exclude(pk=opening.pk).exists()
    detail = next(d for d in run.details if d["milestone"] == opening.pk)
    assert detail["complete"] is False
    assert detail["effects"]["test.flaky"]["error"] == "RuntimeError: the SMTP relay said no"


def test_a_failed_effect_is_retried_after_its_backoff_and_applies_once(year, flaky_effect):
    deadlines_sweep(now=ams(2026, 10, 1, 9, 0))
    assert deadlines_sweep(now=ams(2026, 10, 1, 9, 0, 30)) is None  # before its retry time: left alone
    assert flaky_effect["calls"] == 1
    deadlines_sweep(now=ams(2026, 10, 1, 9, 1))  # second attempt, fails again: next retry two minutes later
    failed = EffectRun.objects.get(effect="test.flaky")
    assert (failed.attempts, failed.next_attempt_at) == (2, ams(2026, 10, 1, 9, 3))

    flaky_effect["fail"] = False
    deadlines_sweep(now=ams(2026, 10, 1, 9, 3))
    applied = EffectRun.objects.get(effect="test.flaky")
    assert (applied.status, applied.attempts) == (EffectRun.Status.APPLIED, 3)
    assert applied.result == {"effective_at": "2026-09-30T22:00:00+00:00"}  # 00:00 on 1 October: not the retry
    assert applied.effective_at == ams(2026, 10, 1, 0, 0)
    opening = year.milestones.get(kind=MilestoneKind.SIGNING_OPEN)
    assert opening.applied_at == ams(2026, 10, 1, 9, 3)
    assert AuditEvent.objects.filter(verb="contracting.milestone.applied", object_id=str(opening.pk)).count() == 1
    # The other effects ran once, on the first sweep.
    assert opening.effects.get(effect="contracting.notify").attempts == 1

    deadlines_sweep(now=ams(2026, 10, 1, 10, 0))
    deadlines_sweep(now=ams(2026, 10, 2, 10, 0))
    assert flaky_effect["applied"] == 1
    assert EffectRun.objects.filter(effect="test.flaky").count() == 1


def test_a_milestone_waiting_for_a_retry_is_left_alone_unless_another_effect_never_ran(
        year, flaky_effect, django_assert_num_queries):
    deadlines_sweep(now=ams(2026, 10, 1, 9, 0))  # test.flaky fails on the opening of signing: retry at 9:01
    # The contract years required (the end of signing, then the years' milestone kinds), the milestones due and
    # not applied, their effect runs, the clocks with work. The waiting milestone is not locked and read again.
    with django_assert_num_queries(5):
        assert deadlines_sweep(now=ams(2026, 10, 1, 9, 0, 30)) is None

    # An effect registered since (a deployment) has never run for it: the milestone is picked up for that one,
    # and the failed effect still waits for its retry time.
    ran = []

    @milestone_effect("test.newcomer", kinds={MilestoneKind.SIGNING_OPEN}, order=95)
    def _newcomer(*, milestone, effective_at, now):
        ran.append(now)
        return {}

    try:
        deadlines_sweep(now=ams(2026, 10, 1, 9, 0, 40))
        assert ran == [ams(2026, 10, 1, 9, 0, 40)]
        assert flaky_effect["calls"] == 1
        opening = year.milestones.get(kind=MilestoneKind.SIGNING_OPEN)
        assert opening.applied_at is None
        assert deadlines_sweep(now=ams(2026, 10, 1, 9, 0, 50)) is None
        flaky_effect["fail"] = False
        deadlines_sweep(now=ams(2026, 10, 1, 9, 1))
        opening.refresh_from_db()
        assert opening.applied_at == ams(2026, 10, 1, 9, 1)
        assert len(ran) == 1 and flaky_effect["applied"] == 1
    finally:
        unregister_effect("test.newcomer")


def test_an_effect_can_skip_itself_with_a_reason(year):
    @milestone_effect("test.skipper", kinds={MilestoneKind.POLICY_PUBLICATION})
    def _skipper(*, milestone, effective_at, now):
        raise Skip("nothing_to_do", checked=3)

    try:
        deadlines_sweep(now=ams(2026, 4, 3, 9, 0))
    finally:
        unregister_effect("test.skipper")
    run = EffectRun.objects.get(effect="test.skipper")
    assert (run.status, run.result) == (EffectRun.Status.SKIPPED, {"reason": "nothing_to_do", "checked": 3})
    assert year.milestones.get(kind=MilestoneKind.POLICY_PUBLICATION).applied_at is not None


def test_administrator_sees_failed_effects_and_retries_them_now(year, flaky_effect, admin_client, admin_user):
    deadlines_sweep(now=ams(2026, 10, 1, 9, 0))
    page = admin_client.get("/beheer/contracting/effectrun/", {"status__exact": "failed"}).content.decode()
    assert "test.flaky" in page
    assert "RuntimeError: the SMTP relay said no" in page
    assert page.count('class="action-select"') == 1  # only the failed one under this filter
    failed = EffectRun.objects.get(effect="test.flaky")
    detail = admin_client.get(f"/beheer/contracting/effectrun/{failed.pk}/change/").content.decode()
    assert "Traceback (most recent call last)" in detail

    flaky_effect["fail"] = False
    response = admin_client.post("/beheer/contracting/effectrun/", {
        "action": "retry_now", "_selected_action": [failed.pk]}, follow=True)
    assert response.status_code == 200
    assert "Opnieuw uitgevoerd: 1 gelukt, 0 opnieuw mislukt." in response.content.decode()
    failed.refresh_from_db()
    assert (failed.status, failed.attempts) == (EffectRun.Status.APPLIED, 2)
    assert year.milestones.get(kind=MilestoneKind.SIGNING_OPEN).applied_at is not None
    assert AuditEvent.objects.filter(verb="contracting.effect.retry_requested", actor=admin_user).count() == 1
    # Retrying again changes nothing: it applied once.
    effect_runs_retry(actor=admin_user, effect_run_ids=[failed.pk], now=ams(2026, 10, 1, 10, 0))
    assert flaky_effect["applied"] == 1


def test_only_staff_retry_effects(year, flaky_effect, practice_user):
    from core.errors import Forbidden

    deadlines_sweep(now=ams(2026, 10, 1, 9, 0))
    with pytest.raises(Forbidden):
        effect_runs_retry(actor=practice_user, effect_run_ids=EffectRun.objects.values_list("pk", flat=True),
                          now=ams(2026, 10, 1, 9, 5))
    assert EffectRun.objects.get(effect="test.flaky").attempts == 1


# --- The late signing reminder ----------------------------------------------------------------------------
def reminders_of(user) -> list[str]:
    return list(Notification.objects.filter(user=user, key__startswith="milestone:")
                .exclude(subject__startswith="Contractjaar").order_by("pk").values_list("subject", flat=True))


def test_a_late_reminder_goes_out_with_the_days_actually_left(offer, signatory, year2027):
    # The worker was down from 23 October until 26 October: the 14-day reminder (from 24 October) is found two
    # days late, while signing is open until the end of 7 November: 12 days left.
    deadlines_sweep(now=ams(2026, 10, 23, 9, 0))
    deadlines_sweep(now=ams(2026, 10, 26, 9, 0))
    assert reminders_of(signatory) == ["Nog 12 dagen: uw contracten voor 2027 ondertekenen"]
    reminder = year2027.milestones.get(kind=MilestoneKind.SIGNING_REMINDER_14)
    assert reminder.effects.get(effect="contracting.offers.remind").result == {"notified": 1, "days_left": 12}


def test_after_a_long_outage_only_the_latest_reminder_goes_out(offer, signatory, year2027):
    # Down from 23 October until Friday 6 November 12:00: all three reminders are due; the 14- and 7-day ones
    # are superseded by the 2-day one, which goes out with the 1 day actually left (7 November).
    deadlines_sweep(now=ams(2026, 10, 23, 9, 0))
    deadlines_sweep(now=ams(2026, 11, 6, 12, 0))
    assert reminders_of(signatory) == ["Nog 1 dag: uw contracten voor 2027 ondertekenen"]
    effects = {m.kind: m.effects.get(effect="contracting.offers.remind")
               for m in year2027.milestones.filter(kind__startswith="signing_reminder")}
    assert effects[MilestoneKind.SIGNING_REMINDER_14].status == EffectRun.Status.SKIPPED
    assert effects[MilestoneKind.SIGNING_REMINDER_14].result == {"reason": "superseded",
                                                                 "by": MilestoneKind.SIGNING_REMINDER_2}
    assert effects[MilestoneKind.SIGNING_REMINDER_7].result["reason"] == "superseded"
    assert effects[MilestoneKind.SIGNING_REMINDER_2].status == EffectRun.Status.APPLIED


def test_a_reminder_on_the_last_day_says_so(offer, signatory, year2027):
    deadlines_sweep(now=ams(2026, 10, 23, 9, 0))
    deadlines_sweep(now=ams(2026, 11, 7, 18, 0))
    assert reminders_of(signatory) == ["Vandaag is de laatste dag: uw contracten voor 2027 ondertekenen"]


def test_a_reminder_found_after_signing_closed_is_skipped(offer, signatory, year2027):
    deadlines_sweep(now=ams(2026, 10, 23, 9, 0))
    deadlines_sweep(now=ams(2026, 11, 8, 0, 0))
    assert reminders_of(signatory) == []
    reminder_2 = year2027.milestones.get(kind=MilestoneKind.SIGNING_REMINDER_2)
    skipped = reminder_2.effects.get(effect="contracting.offers.remind")
    assert (skipped.status, skipped.result["reason"]) == (EffectRun.Status.SKIPPED, "signing_closed")
    assert reminder_2.applied_at is not None


def test_a_reminder_on_time_still_goes_to_open_offers_only(offer, signatory, year2027):
    deadlines_sweep(now=ams(2026, 10, 24, 0, 5))
    offer_sign(actor=signatory, offer=offer, now=ams(2026, 10, 25, 10, 0), modules=CHOICE, two_factor_verified=True)
    deadlines_sweep(now=ams(2026, 10, 31, 0, 5))
    assert reminders_of(signatory) == ["Nog 14 dagen: uw contracten voor 2027 ondertekenen"]
    assert ContractYear.objects.get(year=2027).phase == Phase.SIGNING_OPEN


def test_retry_backoff_doubles_up_to_an_hour():
    from contracting.engine import retry_delay

    assert [retry_delay(n) for n in (1, 2, 3, 6, 7, 500)] == [
        timedelta(minutes=1), timedelta(minutes=2), timedelta(minutes=4), timedelta(minutes=32),
        timedelta(hours=1), timedelta(hours=1)]
