"""Every write of the monitor: computing a year's snapshots, asking for that, and publishing a year.

One run computes one contract year at a time: at most one queued or running run per year (a unique constraint,
and the year's ContractYear row locked while a run is created or a year published). A published year is never
recomputed, so its figures stay as published.
"""

from __future__ import annotations

import time
from datetime import datetime, timedelta
from functools import partial

from django.db import transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.selectors import is_nza_or_admin
from contracting.models import ContractYear
from contracting.selectors import milestones_behind
from core.audit import audit_record
from core.errors import ConflictError, Forbidden, PortalError

from .indicators import Context, Indicator, all_indicators
from .models import MonitorPublication, MonitorRun, MonitorSnapshot
from .sources import source_of

# A running run whose heartbeat (moved on after every indicator) is older than this has lost its worker.
RUN_STALE_AFTER = timedelta(minutes=30)
# A queued run that no worker started within this time (the broker was down when it was asked for, or the
# worker) is started by the minutely sweep.
QUEUED_GRACE = timedelta(minutes=1)
# A queued run waits while the deadline engine has not applied the year's due milestones (the register, the
# offers that expired, …), so it does not compute, or publish, figures the next sweep changes; at most this long,
# so a milestone whose effect keeps failing does not hold the monitor back for good.
ENGINE_WAIT = timedelta(hours=1)

Status = MonitorRun.Status


def _not_nza() -> Forbidden:
    return Forbidden("not_nza", _("Alleen analisten van de NZa herberekenen en publiceren de monitor."))


def _lock_year(year: int) -> ContractYear:
    """The year's ContractYear, locked: run creation and publication of one year go one at a time."""
    contract_year = ContractYear.objects.select_for_update().filter(year=year).first()
    if contract_year is None:
        raise PortalError("monitor_no_contract_year",
                          _("Voor %(year)s is er geen contractjaar; er valt niets te berekenen.") % {"year": year})
    return contract_year


def _published_error(year: int) -> ConflictError:
    return ConflictError("monitor_year_published",
                         _("De cijfers van %(year)s zijn gepubliceerd en worden niet meer herberekend.")
                         % {"year": year})


def _run_enqueue(*, year: int, actor, now: datetime) -> tuple[MonitorRun, bool]:
    """The year's queued or running run, or a new queued one: (run, created). Refuses a published year and a
    year without a ContractYear. Call inside a transaction."""
    _lock_year(year)
    if MonitorPublication.objects.filter(year=year).exists():
        raise _published_error(year)
    active = MonitorRun.objects.filter(year=year, status__in=MonitorRun.ACTIVE).order_by("pk").first()
    if active is not None:
        return active, False
    run = MonitorRun.objects.create(year=year, status=Status.QUEUED, requested_by=actor if actor else None,
                                    requested_at=now, indicators_total=len(all_indicators()))
    return run, True


def _dispatch(run_pk: int) -> None:
    from .tasks import monitor_run_task

    # retry=False: with the broker down the request must not wait for it; the minutely sweep starts the run.
    monitor_run_task.apply_async((run_pk,), retry=False)


def monitor_request_recompute(*, actor, year: int, now: datetime | None = None,
                              publish_when_done: bool = False) -> MonitorRun:
    """The NZa asks for the year's figures to be computed again ("Nu herberekenen"). Creates a queued run and
    hands it to a worker once the transaction commits; a run of the year that is already queued or running is
    returned instead (safe to repeat, and two clicks never compute twice). With `publish_when_done` the year is
    published by the actor once the new run is done. Refuses anyone but the NZa (403), a published year (409)
    and a year without a ContractYear (400)."""
    if not is_nza_or_admin(actor):
        raise _not_nza()
    now = now or timezone.now()
    with transaction.atomic():
        run, created = _run_enqueue(year=year, actor=actor, now=now)
        if created:
            if publish_when_done:
                run.publish_when_done = True
                run.save(update_fields=["publish_when_done"])
            audit_record(actor=actor, verb="monitor.run.requested", obj=run,
                         after={"year": year, "publish_when_done": publish_when_done})
            transaction.on_commit(partial(_dispatch, run.pk), robust=True)
    return run


def _claim(*, year: int, now: datetime, actor, run: MonitorRun | None) -> MonitorRun | None:
    """Mark the run running (creating it when none is given). None: the given run is not queued any more (another
    worker has it, or it is finished), its year was published meanwhile (then it is marked failed), or it waits
    for the deadline engine (ENGINE_WAIT; it stays queued for the next sweep)."""
    queued_before = run is not None  # a direct call (the demo, the benchmark, tests) does not wait for the engine
    with transaction.atomic():
        if run is None:
            run, created = _run_enqueue(year=year, actor=actor, now=now)
            if not created:
                raise ConflictError("monitor_run_active",
                                    _("Er loopt al een berekening voor %(year)s.") % {"year": year})
        run = MonitorRun.objects.select_for_update().get(pk=run.pk)
        if run.status != Status.QUEUED:
            return None
        if queued_before and now - run.requested_at < ENGINE_WAIT and milestones_behind(run.year, now):
            return None
        started = timezone.now()
        if MonitorPublication.objects.filter(year=run.year).exists():
            run.status, run.finished_at, run.error = Status.FAILED, started, _published_error(run.year).detail
            run.save(update_fields=["status", "finished_at", "error"])
            return None
        run.status, run.started_at, run.heartbeat_at = Status.RUNNING, started, started
        run.indicators_total, run.indicators_done = len(all_indicators()), 0
        # What it computes from, as it starts: the figures show at least the data up to this moment.
        run.source = source_of(run.year, now=now)
        run.save(update_fields=["status", "started_at", "heartbeat_at", "indicators_total", "indicators_done",
                                "source"])
    return run


class RunAbandoned(Exception):
    """The run is no longer running: the sweep marked it failed (no progress for too long) while this worker was
    still at it. It writes nothing more, so a later run, and a year published from it, keep their figures."""


def _still_running(run: MonitorRun, *, lock: bool = False) -> None:
    runs = MonitorRun.objects.filter(pk=run.pk, status=Status.RUNNING)
    if not (runs.select_for_update() if lock else runs).exists():
        raise RunAbandoned(run.pk)


def _snapshots_replace(*, indicator: Indicator, run: MonitorRun, now: datetime) -> int:
    """Compute one indicator and replace the year's rows of it by its cuts, in one transaction: the year holds
    either the old figures or the new ones, never a mix, and recomputing gives the same rows again. Only while
    the run is still running (checked before computing, and again under its row lock before writing)."""
    allowed = set(indicator.dimensions)
    _still_running(run)
    with transaction.atomic():
        rows = []
        for cut in indicator.compute(Context(year=run.year, now=now)):
            used = {name for name in ("insurer", "region", "segment", "provider_type") if getattr(cut.dims, name)}
            if used - allowed:
                raise ValueError(f"{indicator.code}: cut by {sorted(used - allowed)}, which it does not declare")
            rows.append(MonitorSnapshot(year=run.year, indicator=indicator.code, insurer_id=cut.dims.insurer,
                                        region_id=cut.dims.region, segment=cut.dims.segment,
                                        provider_type=cut.dims.provider_type, value=cut.value, run=run,
                                        computed_at=now))
        _still_running(run, lock=True)
        MonitorSnapshot.objects.filter(year=run.year, indicator=indicator.code).delete()
        MonitorSnapshot.objects.bulk_create(rows, batch_size=1000)
        _advance(run)
    return len(rows)


def _advance(run: MonitorRun) -> None:
    MonitorRun.objects.filter(pk=run.pk, status=Status.RUNNING).update(indicators_done=F("indicators_done") + 1,
                                                heartbeat_at=timezone.now())


def monitor_recompute(*, year: int, now: datetime, actor=None, run: MonitorRun | None = None) -> MonitorRun | None:
    """Compute every registered indicator for `year` as of `now` and store its cuts as the year's snapshots.

    With `run` (a queued run, from monitor_request_recompute or the nightly schedule): claims it; when it is no
    longer queued (another worker took it, or it is finished) returns None and does nothing, so a task delivered
    twice computes once; while the year's due milestones wait for the deadline sweep it stays queued (None) for
    up to ENGINE_WAIT after it was asked for. A run asked for with `publish_when_done` publishes the year once
    it is done. Without `run` a new run is created and computed at once (the benchmark, tests); a year with a
    queued or running run is then refused (409), as is a published year (409).

    Each indicator is computed and written in its own transaction and advances `indicators_done` (the progress
    bar). An indicator that raises keeps its previous snapshot rows, is named in the run's error and the others
    carry on; the run ends `failed` then, else `done`. Records `source` (row counts and latest change moments of
    the tables read, as the run started) and `timings` (milliseconds per indicator and in total). Rows of
    indicators that are no longer registered are removed from the year when the run is done."""
    run = _claim(year=year, now=now, actor=actor, run=run)
    if run is None:
        return None
    indicators = all_indicators()
    errors: list[str] = []
    timings: dict[str, int] = {}
    started = time.monotonic()
    try:
        for indicator in indicators:
            began = time.monotonic()
            try:
                _snapshots_replace(indicator=indicator, run=run, now=now)
            except RunAbandoned:
                run.refresh_from_db()
                return run  # given up by the sweep: as it was marked, nothing more written or published
            except Exception as exc:  # isolated: the run carries on with the next indicator
                errors.append(f"{indicator.code}: {type(exc).__name__}: {exc}")
                _advance(run)
            timings[indicator.code] = round((time.monotonic() - began) * 1000)
        if not errors:
            MonitorSnapshot.objects.filter(year=run.year).exclude(indicator__in=[i.code for i in indicators]).delete()
    except Exception as exc:  # the database went away, or the like: record it rather than leave it running
        errors.append(f"{type(exc).__name__}: {exc}")
        _finish(run, errors=errors, timings=timings, started=started)
        raise
    run = _finish(run, errors=errors, timings=timings, started=started)
    if run.status == Status.DONE and run.publish_when_done:
        try:
            monitor_publish(actor=run.requested_by, year=run.year)
        except PortalError as exc:  # the run stands; the year stays unpublished, and the run says why
            MonitorRun.objects.filter(pk=run.pk).update(error=exc.detail)
            run.error = exc.detail
    return run


def _finish(run: MonitorRun, *, errors: list[str], timings: dict, started: float) -> MonitorRun:
    timings["total"] = round((time.monotonic() - started) * 1000)
    with transaction.atomic():
        run = MonitorRun.objects.select_for_update().get(pk=run.pk)
        if run.status != Status.RUNNING:  # the sweep gave up on it meanwhile: it stays as the sweep marked it
            return run
        run.status = Status.FAILED if errors else Status.DONE
        run.error = "\n".join(errors)
        run.finished_at = timezone.now()
        run.timings = timings
        run.save(update_fields=["status", "error", "finished_at", "timings"])
        audit_record(actor=None, verb=f"monitor.run.{run.status}", obj=run,
                     after={"year": run.year, "indicators_done": run.indicators_done, "errors": len(errors)})
    return run


def monitor_publish(*, actor, year: int, now: datetime | None = None) -> MonitorPublication:
    """Publish the year's figures as they are: its snapshots are never recomputed after this. Only the NZa (403).
    Needs a finished run whose latest is done (409 while a run is queued or running, or when the latest failed
    or there is none). Publishing a published year returns its publication (safe to repeat)."""
    if actor is None or not is_nza_or_admin(actor):  # None: a run whose requester was deleted since
        raise _not_nza()
    now = now or timezone.now()
    with transaction.atomic():
        _lock_year(year)
        published = MonitorPublication.objects.filter(year=year).first()
        if published is not None:
            return published
        if MonitorRun.objects.filter(year=year, status__in=MonitorRun.ACTIVE).exists():
            raise ConflictError("monitor_run_active",
                                _("Er loopt nog een berekening voor %(year)s; publiceer als die klaar is.")
                                % {"year": year})
        latest = (MonitorRun.objects.filter(year=year, status__in=[Status.DONE, Status.FAILED])
                  .order_by("-finished_at", "-pk").first())
        if latest is None:
            raise ConflictError("monitor_nothing_to_publish",
                                _("Er zijn nog geen berekende cijfers van %(year)s om te publiceren.")
                                % {"year": year})
        if latest.status != Status.DONE:
            raise ConflictError("monitor_latest_run_failed",
                                _("De laatste berekening van %(year)s is mislukt; herbereken eerst.")
                                % {"year": year})
        publication = MonitorPublication.objects.create(year=year, published_at=now, published_by=actor,
                                                        run=latest)
        audit_record(actor=actor, verb="monitor.year.published", obj=publication,
                     after={"year": year, "run": latest.pk})
    return publication


def monitor_runs_sweep(*, now: datetime) -> dict[str, int]:
    """The minutely sweep: a running run without progress for RUN_STALE_AFTER lost its worker and is marked
    failed with that as its error (never left running); a queued run that no worker started within QUEUED_GRACE
    (catch-up after the broker or the workers were down) is run here. Safe to run twice at once: each run is
    claimed under its lock."""
    failed = 0
    stale = MonitorRun.objects.filter(status=Status.RUNNING, heartbeat_at__lt=now - RUN_STALE_AFTER)
    for pk in stale.order_by("pk").values_list("pk", flat=True):
        with transaction.atomic():
            run = (MonitorRun.objects.select_for_update(skip_locked=True)
                   .filter(pk=pk, status=Status.RUNNING, heartbeat_at__lt=now - RUN_STALE_AFTER).first())
            if run is None:
                continue
            with translation.override("nl"):  # stored, as the run's other errors, in the monitor's language
                run.error = _("De berekening is afgebroken: geen voortgang meer sinds %(moment)s.") % {
                    "moment": timezone.localtime(run.heartbeat_at).strftime("%d-%m-%Y %H:%M")}
            run.status, run.finished_at = Status.FAILED, now
            run.save(update_fields=["status", "error", "finished_at"])
            audit_record(actor=None, verb="monitor.run.failed", obj=run, after={"year": run.year, "stale": True})
            failed += 1
    started = 0
    queued = MonitorRun.objects.filter(status=Status.QUEUED, requested_at__lte=now - QUEUED_GRACE)
    for run in list(queued.order_by("requested_at", "pk")):
        if monitor_recompute(year=run.year, now=now, run=run) is not None:
            started += 1
    return {"failed": failed, "started": started}


def monitor_recompute_nightly(*, now: datetime) -> list[MonitorRun]:
    """Every unpublished year that has a ContractYear, computed again (the nightly schedule). A year whose run
    is already queued or running is left to that run."""
    published = set(MonitorPublication.objects.values_list("year", flat=True))
    done = []
    for year in ContractYear.objects.exclude(year__in=published).order_by("year").values_list("year", flat=True):
        try:
            with transaction.atomic():
                run, created = _run_enqueue(year=year, actor=None, now=now)
        except PortalError:
            continue  # published meanwhile
        if created and (finished := monitor_recompute(year=year, now=now, run=run)) is not None:
            done.append(finished)
    return done
