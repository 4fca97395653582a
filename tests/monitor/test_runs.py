"""Computing the monitor's snapshots: a run per year, its progress, what it computed from, publishing a year, the
nightly and minutely schedules and who may ask for any of it.

The indicators here are the tests' own (a registry of their own for each test), reading real rows: what is under
test is the run, not any figure of the monitor."""

import threading
import time
from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import Role
from config.celery import app as celery_app
from contracting.services import contract_year_ensure, deadlines_sweep
from core.errors import PortalError
from core.models import AuditEvent
from monitor import indicators
from monitor.indicators import Chapter, Cut, Dim, Dims, Unit, indicator, table
from monitor.models import MonitorPublication, MonitorRun, MonitorSnapshot
from monitor.selectors import freshness
from monitor.services import (
    monitor_publish,
    monitor_recompute,
    monitor_recompute_nightly,
    monitor_request_recompute,
    monitor_runs_sweep,
)
from monitor.tasks import monitor_recompute_nightly_task, monitor_run_task, monitor_sweep_runs_task
from tests.factories import InsurerFactory, PracticeFactory, RegionFactory, make_member
from tests.monitor.practices_indicator import engine_caught_up, register_practices


@pytest.fixture
def registry(monkeypatch):
    """An empty indicator registry for this test: the test registers its own indicators in it."""
    own: dict = {}
    monkeypatch.setattr(indicators, "_REGISTRY", own)
    return own


@pytest.fixture
def year2027(db):
    year = contract_year_ensure(actor=None, year=2027)
    engine_caught_up(2027)
    return year


@pytest.fixture
def practices(db):
    north, south = RegionFactory(name="Noord"), RegionFactory(name="Zuid")
    PracticeFactory(region=north), PracticeFactory(region=north), PracticeFactory(region=south)
    return {"north": north, "south": south}


@pytest.fixture
def nza(db):
    return make_member(Role.NZA_ANALYST, email="analist@nza.example")


def snapshot_of(year):
    """The year's figures as a reader sees them: every cut and its value (not when or by which run)."""
    return sorted((s.indicator, s.insurer_id or 0, s.region_id or 0, s.segment, s.provider_type, repr(s.value))
                  for s in MonitorSnapshot.objects.filter(year=year))


def national(year, code="practices"):
    return MonitorSnapshot.objects.get(year=year, indicator=code, region=None, insurer=None).value


# --- recomputing ------------------------------------------------------------------------------------------------

def test_recomputing_twice_gives_the_same_snapshot(registry, year2027, practices):
    register_practices()
    now = timezone.now()
    first = monitor_recompute(year=2027, now=now)
    before = snapshot_of(2027)
    second = monitor_recompute(year=2027, now=now + timedelta(hours=1))
    assert first.status == second.status == MonitorRun.Status.DONE
    assert first.pk != second.pk
    # One national cut (2 + 1 practices) and one per region, written once each: the second run replaced them.
    assert snapshot_of(2027) == before
    assert MonitorSnapshot.objects.filter(year=2027).count() == 3
    assert national(2027)["headline"]["value"] == 3
    assert set(MonitorSnapshot.objects.filter(year=2027).values_list("run", flat=True)) == {second.pk}


def test_a_recompute_sees_changed_data_and_records_what_it_read(registry, year2027, practices):
    register_practices()
    # The latest change is the contract year's calendar, audited as it was created, before the run.
    latest = AuditEvent.objects.latest("at").at
    now = timezone.now()
    run = monitor_recompute(year=2027, now=now)
    assert national(2027)["headline"]["value"] == 3
    assert run.source["as_of"] == now.isoformat()
    # Every table it reads, with the year's row count: nothing of 2027 contracting exists yet.
    assert run.source["tables"]["offers"] == {"rows": 0, "latest": None}
    assert set(run.source["tables"]) >= {"offers", "signatures", "follow_requests", "requests", "survey_responses"}
    assert run.source["data_until"] == latest.isoformat()
    assert set(run.timings) == {"practices", "total"}
    PracticeFactory(region=practices["south"])
    monitor_recompute(year=2027, now=timezone.now())
    assert national(2027)["headline"]["value"] == 4


def test_freshness_is_the_latest_done_run(registry, year2027, practices):
    register_practices()
    assert freshness(2027).computed_at is None
    latest = AuditEvent.objects.latest("at").at  # the contract year's calendar
    now = timezone.now()
    run = monitor_recompute(year=2027, now=now)
    # The run's own audit events are no change in the data: the figures are still from data up to `latest`.
    fresh = freshness(2027)
    assert (fresh.run, fresh.computed_at, fresh.data_until, fresh.published_at) == (run, now, latest, None)
    monitor_recompute(year=2027, now=timezone.now())
    assert freshness(2027).data_until == latest


def test_progress_advances_after_each_indicator(registry, year2027, practices):
    seen = []

    def progress_so_far(ctx):
        # What the Berekeningen page's progress bar reads while this, the second indicator, is computed.
        seen.append(MonitorRun.objects.values_list("status", "indicators_done", "indicators_total").get(year=2027))
        return [Cut(Dims(), table(columns=[], rows=[]))]

    register_practices(order=10)
    indicator(code="second", chapter=Chapter.CONTRACTS, order=20, title="Tweede", unit=Unit.COUNT, formula="-",
              source="-")(progress_so_far)
    run = monitor_recompute(year=2027, now=timezone.now())
    assert seen == [(MonitorRun.Status.RUNNING, 1, 2)]
    assert (run.indicators_done, run.indicators_total) == (2, 2)


def test_a_failing_indicator_is_recorded_and_keeps_its_previous_figures(registry, year2027, practices):
    register_practices()
    monitor_recompute(year=2027, now=timezone.now())
    before = national(2027)

    def broken(ctx):
        raise ZeroDivisionError("division by zero")

    # The practices indicator now fails; a new one after it still runs.
    registry.clear()
    indicator(code="practices", chapter=Chapter.CONTRACTS, order=10, title="Praktijken", unit=Unit.COUNT,
              formula="-", source="-", dimensions=(Dim.REGION,))(broken)
    register_practices(order=20, code="practices_again")
    PracticeFactory(region=practices["north"])
    run = monitor_recompute(year=2027, now=timezone.now())
    assert run.status == MonitorRun.Status.FAILED
    assert run.error == "practices: ZeroDivisionError: division by zero"
    assert (run.indicators_done, run.indicators_total) == (2, 2)
    assert national(2027) == before  # 3 practices, as computed before
    assert national(2027, "practices_again")["headline"]["value"] == 4
    # A failed run is not the freshness of the figures.
    assert freshness(2027).run.status == MonitorRun.Status.DONE


def test_a_cut_by_an_undeclared_dimension_fails_that_indicator(registry, year2027, practices):
    insurer = InsurerFactory()
    indicator(code="bad", chapter=Chapter.CONTRACTS, order=10, title="-", unit=Unit.COUNT, formula="-", source="-",
              dimensions=(Dim.REGION,))(lambda ctx: [Cut(Dims(insurer=insurer.pk), table(columns=[], rows=[]))])
    run = monitor_recompute(year=2027, now=timezone.now())
    assert run.status == MonitorRun.Status.FAILED
    assert "cut by ['insurer']" in run.error
    assert not MonitorSnapshot.objects.exists()


def test_a_year_without_contract_year_is_refused(registry, db):
    with pytest.raises(PortalError) as refused:
        monitor_recompute(year=2031, now=timezone.now())
    assert refused.value.code == "monitor_no_contract_year"
    assert "2031" in refused.value.detail
    assert not MonitorRun.objects.exists()


def test_rows_of_an_indicator_no_longer_defined_are_removed(registry, year2027, practices):
    register_practices(code="old")
    register_practices(code="kept", order=20)
    monitor_recompute(year=2027, now=timezone.now())
    del registry["old"]
    monitor_recompute(year=2027, now=timezone.now())
    assert set(MonitorSnapshot.objects.values_list("indicator", flat=True)) == {"kept"}


# --- publishing -------------------------------------------------------------------------------------------------

def test_a_published_year_does_not_change_and_is_not_recomputed(registry, year2027, practices, nza):
    register_practices()
    contract_year_ensure(actor=None, year=2028)
    engine_caught_up(2028)
    monitor_recompute(year=2027, now=timezone.now())
    publication = monitor_publish(actor=nza, year=2027)
    published = snapshot_of(2027)
    assert monitor_publish(actor=nza, year=2027) == publication  # safe to repeat
    PracticeFactory(region=practices["north"])  # the data changes after publication

    with pytest.raises(PortalError) as refused:
        monitor_recompute(year=2027, now=timezone.now())
    assert (refused.value.code, refused.value.status) == ("monitor_year_published", 409)
    assert refused.value.detail == "De cijfers van 2027 zijn gepubliceerd en worden niet meer herberekend."
    with pytest.raises(PortalError) as refused:
        monitor_request_recompute(actor=nza, year=2027)
    assert refused.value.code == "monitor_year_published"
    # The nightly run computes 2028 only.
    runs = monitor_recompute_nightly(now=timezone.now())
    assert [r.year for r in runs] == [2028]
    assert snapshot_of(2027) == published
    assert national(2027)["headline"]["value"] == 3
    assert national(2028)["headline"]["value"] == 4
    fresh = freshness(2027)
    assert (fresh.run, fresh.published_at) == (publication.run, publication.published_at)
    assert AuditEvent.objects.filter(verb="monitor.year.published").count() == 1


def test_publishing_needs_a_done_run_and_none_running(registry, year2027, practices, nza):
    register_practices()
    with pytest.raises(PortalError) as refused:
        monitor_publish(actor=nza, year=2027)
    assert refused.value.code == "monitor_nothing_to_publish"
    monitor_recompute(year=2027, now=timezone.now())
    run = monitor_request_recompute(actor=nza, year=2027)
    with pytest.raises(PortalError) as refused:
        monitor_publish(actor=nza, year=2027)
    assert (refused.value.code, refused.value.status) == ("monitor_run_active", 409)
    MonitorRun.objects.filter(pk=run.pk).update(status=MonitorRun.Status.FAILED, finished_at=timezone.now())
    with pytest.raises(PortalError) as refused:
        monitor_publish(actor=nza, year=2027)
    assert refused.value.code == "monitor_latest_run_failed"
    assert not MonitorPublication.objects.exists()


# --- asking for a run, the task and the sweeps ------------------------------------------------------------------

def test_asking_twice_gives_one_queued_run_handed_to_a_worker_once(registry, year2027, practices, nza,
                                                                  django_capture_on_commit_callbacks):
    register_practices()
    with django_capture_on_commit_callbacks() as dispatched:
        run = monitor_request_recompute(actor=nza, year=2027)
        again = monitor_request_recompute(actor=nza, year=2027)
    assert again == run
    assert (run.status, run.requested_by, run.indicators_total) == (MonitorRun.Status.QUEUED, nza, 1)
    assert len(dispatched) == 1
    assert AuditEvent.objects.filter(verb="monitor.run.requested").count() == 1
    # The worker's task, delivered twice (acks_late after a worker restart): it computes once.
    assert monitor_run_task(run.pk) == MonitorRun.Status.DONE
    assert monitor_run_task(run.pk) is None
    run.refresh_from_db()
    assert (run.status, run.indicators_done) == (MonitorRun.Status.DONE, 1)
    assert national(2027)["headline"]["value"] == 3
    # Once done, a new request is a new run.
    with django_capture_on_commit_callbacks():
        assert monitor_request_recompute(actor=nza, year=2027) != run


def test_the_sweep_starts_a_queued_run_no_worker_started(registry, year2027, practices, nza,
                                                         django_capture_on_commit_callbacks):
    register_practices()
    asked = timezone.now()
    with django_capture_on_commit_callbacks(execute=False):  # the broker was down: nothing reached a worker
        run = monitor_request_recompute(actor=nza, year=2027, now=asked)
    # Within the grace minute the worker may still get it.
    assert monitor_runs_sweep(now=asked + timedelta(seconds=30)) == {"failed": 0, "started": 0}
    assert monitor_runs_sweep(now=asked + timedelta(minutes=2)) == {"failed": 0, "started": 1}
    run.refresh_from_db()
    assert run.status == MonitorRun.Status.DONE
    assert national(2027)["headline"]["value"] == 3
    assert monitor_runs_sweep(now=asked + timedelta(minutes=3)) == {"failed": 0, "started": 0}


def test_a_queued_run_waits_until_the_deadline_engine_has_caught_up(registry, practices, nza,
                                                                  django_capture_on_commit_callbacks):
    register_practices()
    contract_year_ensure(actor=None, year=2027)  # its calendar from 2026 on, due in the past and not swept
    asked = timezone.now()
    with django_capture_on_commit_callbacks():
        run = monitor_request_recompute(actor=nza, year=2027, now=asked)
    assert monitor_run_task(run.pk) is None  # the worker's task leaves it for later
    run.refresh_from_db()
    assert run.status == MonitorRun.Status.QUEUED
    assert monitor_runs_sweep(now=asked + timedelta(minutes=2))["started"] == 0
    engine_caught_up(2027)  # the deadline sweep ran
    assert monitor_runs_sweep(now=asked + timedelta(minutes=3))["started"] == 1
    run.refresh_from_db()
    assert run.status == MonitorRun.Status.DONE


def test_a_run_does_not_wait_for_the_engine_for_ever(registry, practices, nza, django_capture_on_commit_callbacks):
    register_practices()
    contract_year_ensure(actor=None, year=2027)  # not swept, and it stays so (an effect that keeps failing)
    asked = timezone.now()
    with django_capture_on_commit_callbacks():
        run = monitor_request_recompute(actor=nza, year=2027, now=asked)
    assert monitor_runs_sweep(now=asked + timedelta(minutes=59))["started"] == 0
    assert monitor_runs_sweep(now=asked + timedelta(minutes=60))["started"] == 1
    run.refresh_from_db()
    assert run.status == MonitorRun.Status.DONE


def test_a_run_asked_for_with_publication_publishes_the_year_when_done(registry, year2027, practices, nza,
                                                                     django_capture_on_commit_callbacks):
    register_practices()
    with django_capture_on_commit_callbacks():
        run = monitor_request_recompute(actor=nza, year=2027, publish_when_done=True)
    assert not MonitorPublication.objects.exists()  # not before it is computed
    monitor_run_task(run.pk)
    publication = MonitorPublication.objects.get()
    assert (publication.year, publication.run, publication.published_by) == (2027, run, nza)
    assert national(2027)["headline"]["value"] == 3


def test_a_run_that_lost_its_worker_is_marked_failed(registry, year2027, practices):
    now = timezone.now()
    dead = MonitorRun.objects.create(year=2027, status=MonitorRun.Status.RUNNING, requested_at=now - timedelta(hours=2),
                                     started_at=now - timedelta(hours=2), heartbeat_at=now - timedelta(minutes=31),
                                     indicators_total=5, indicators_done=2)
    contract_year_ensure(actor=None, year=2028)
    alive = MonitorRun.objects.create(year=2028, status=MonitorRun.Status.RUNNING, requested_at=now,
                                      started_at=now, heartbeat_at=now - timedelta(minutes=10))
    assert monitor_runs_sweep(now=now) == {"failed": 1, "started": 0}
    dead.refresh_from_db()
    alive.refresh_from_db()
    assert dead.status == MonitorRun.Status.FAILED
    moment = timezone.localtime(now - timedelta(minutes=31)).strftime("%d-%m-%Y %H:%M")
    assert dead.error == f"De berekening is afgebroken: geen voortgang meer sinds {moment}."
    assert dead.finished_at == now
    assert alive.status == MonitorRun.Status.RUNNING
    # The year can be computed again.
    register_practices()
    assert monitor_recompute(year=2027, now=now).status == MonitorRun.Status.DONE


@pytest.mark.django_db(transaction=True)
def test_a_run_the_sweep_gave_up_on_writes_nothing_more(registry, year2027, practices):
    """The worker was slow, not dead: the sweep marked its run failed while it computed the first indicator.
    The run stops there: the second indicator is neither computed nor written, and the run stays as the sweep
    marked it (so a later run, and a year published from it, keep their figures)."""
    computed = []

    def sweep_gives_up():  # the minutely sweep, in its own connection and transaction
        from django.db import connection

        MonitorRun.objects.filter(status=MonitorRun.Status.RUNNING).update(
            status=MonitorRun.Status.FAILED, error="geen voortgang")
        connection.close()

    def slow(ctx):
        worker = threading.Thread(target=sweep_gives_up)
        worker.start()
        worker.join()
        return [Cut(Dims(), table(columns=[], rows=[]))]

    def after(ctx):
        computed.append(ctx.year)
        return [Cut(Dims(), table(columns=[], rows=[]))]

    indicator(code="first", chapter=Chapter.CONTRACTS, order=1, title="Eerste", unit=Unit.COUNT, formula="f",
              source="s")(slow)
    indicator(code="second", chapter=Chapter.CONTRACTS, order=2, title="Tweede", unit=Unit.COUNT, formula="f",
              source="s")(after)
    run = monitor_recompute(year=2027, now=timezone.now())
    assert computed == []
    assert not MonitorSnapshot.objects.filter(indicator__in=("first", "second")).exists()
    assert (run.status, run.error) == (MonitorRun.Status.FAILED, "geen voortgang")


def test_publishing_for_a_requester_deleted_since_is_refused_not_a_crash(registry, year2027, practices, nza):
    register_practices()
    run = monitor_request_recompute(actor=nza, year=2027, publish_when_done=True)
    MonitorRun.objects.filter(pk=run.pk).update(requested_by=None)  # the analyst's account was removed
    deadlines_sweep(now=timezone.now())
    run = monitor_recompute(year=2027, now=timezone.now(), run=MonitorRun.objects.get(pk=run.pk))
    assert run.status == MonitorRun.Status.DONE and run.error  # computed; why it was not published is said
    assert not MonitorPublication.objects.filter(year=2027).exists()


def test_a_second_direct_run_while_one_runs_is_refused(registry, year2027):
    MonitorRun.objects.create(year=2027, status=MonitorRun.Status.RUNNING, requested_at=timezone.now(),
                              heartbeat_at=timezone.now())
    with pytest.raises(PortalError) as refused:
        monitor_recompute(year=2027, now=timezone.now())
    assert (refused.value.code, refused.value.detail) == ("monitor_run_active", "Er loopt al een berekening voor 2027.")


def test_the_nightly_task_computes_every_unpublished_year(registry, year2027, practices, nza):
    register_practices()
    contract_year_ensure(actor=None, year=2028)
    engine_caught_up(2028)
    ids = monitor_recompute_nightly_task()
    assert sorted(MonitorRun.objects.filter(pk__in=ids).values_list("year", "status")) == [
        (2027, "done"), (2028, "done")]
    assert monitor_sweep_runs_task() == {"failed": 0, "started": 0}


def test_beat_schedules_the_sweep_every_minute_and_the_recompute_nightly():
    schedule = celery_app.conf.beat_schedule
    sweep, nightly = schedule["monitor-sweep-runs"], schedule["monitor-recompute-nightly"]
    assert sweep["task"] == monitor_sweep_runs_task.name and sweep["task"] in celery_app.tasks
    assert sweep["schedule"].minute == set(range(60))
    assert nightly["task"] == monitor_recompute_nightly_task.name and nightly["task"] in celery_app.tasks
    assert (nightly["schedule"].hour, nightly["schedule"].minute) == ({3}, {15})


# --- who may ask ------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("role", [Role.INSURER_PURCHASER, Role.PRACTICE_SIGNATORY])
def test_only_the_nza_asks_for_a_run_or_publishes(registry, year2027, practices, role):
    organisation = InsurerFactory() if role == Role.INSURER_PURCHASER else PracticeFactory()
    user = make_member(role, organisation)
    for service in (monitor_request_recompute, monitor_publish):
        with pytest.raises(PortalError) as refused:
            service(actor=user, year=2027)
        assert (refused.value.code, refused.value.status) == ("not_nza", 403)
    assert not MonitorRun.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_computes_the_run_the_nza_asked_for(registry, nza):
    """Through the test Redis and a real Celery worker (not eager): the request's commit hands the run over."""
    from celery.contrib.testing.worker import start_worker

    if not celery_app.conf.broker_url.startswith("redis://"):
        pytest.fail("This test needs REDIS_URL: run it through scripts/test, which starts Redis")
    register_practices()
    contract_year_ensure(actor=None, year=2027)
    engine_caught_up(2027)
    PracticeFactory(), PracticeFactory()
    with start_worker(celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=30):
        run = monitor_request_recompute(actor=nza, year=2027)  # autocommit: dispatched at once
        for _ in range(600):
            run.refresh_from_db()
            if run.status not in MonitorRun.ACTIVE:
                break
            time.sleep(0.1)
    assert (run.status, run.indicators_done, run.indicators_total) == (MonitorRun.Status.DONE, 1, 1)
    assert national(2027)["headline"]["value"] == 2


def test_every_indicator_of_the_monitor_recomputed_gives_the_same_snapshot(db):
    """The real registry on a small contract year: two insurers in one region, three practices with the
    preferent insurer's offer, one signed and offered to the other insurer."""
    from decimal import Decimal

    from accounts.models import Role as R
    from contracting.services import follow_requests_create, offer_sign
    from monitor.indicators import all_indicators
    from tests.contracting.conftest import CHOICE, IN_WINDOW, ams, build_contract
    from tests.factories import MarketShareFactory, enrol_totp, set_nza_tariffs

    contract_year_ensure(actor=None, year=2027)
    set_nza_tariffs(2027)
    preferent, other = InsurerFactory(name="Preferente Verzekeraar"), InsurerFactory(name="Verre Verzekeraar")
    share = MarketShareFactory(insurer=preferent, share_percent=Decimal("60"))
    MarketShareFactory(region=share.region, insurer=other, share_percent=Decimal("40"))
    practices = [PracticeFactory(region=share.region, registered_patients=3100) for _ in range(3)]
    contract = build_contract(preferent)
    signatory = make_member(R.PRACTICE_SIGNATORY, practices[0])
    enrol_totp(signatory)
    offer = contract.offers.get(practice=practices[0])
    offer_sign(actor=signatory, offer=offer, now=IN_WINDOW, modules=CHOICE, two_factor_verified=True)
    offer.refresh_from_db()
    follow_requests_create(actor=signatory, offer=offer, insurers=[other], now=IN_WINDOW)

    moment = ams(2026, 12, 1, 3, 15)
    first = monitor_recompute(year=2027, now=moment)
    assert (first.status, first.error) == (MonitorRun.Status.DONE, "")
    before = snapshot_of(2027)
    codes = {i.code for i in all_indicators()}
    assert first.indicators_done == first.indicators_total == len(codes)
    # Most indicators have a figure here (one with nothing to count, such as indexation, may write no cut).
    assert len({row[0] for row in before}) >= len(codes) - 3
    assert monitor_recompute(year=2027, now=moment).status == MonitorRun.Status.DONE
    assert snapshot_of(2027) == before
