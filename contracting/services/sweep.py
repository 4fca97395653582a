"""The deadline sweep: the one job Celery beat runs every minute. It creates the contract years the calendar
needs, applies every milestone that is due, and processes every clock that fell due, each effect once, each
in its own savepoint, retrying failed effects with backoff. See contracting/engine.py for the model."""

import logging
import traceback
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import audit_record
from core.errors import Forbidden

from ..engine import Effect, Skip, effect_named, effects_for, retry_delay
from ..models import Clock, ContractYear, EffectRun, Milestone, SweepRun
from .milestones import contract_years_roll_over

logger = logging.getLogger(__name__)

ERROR_CHARS = 4000  # of a traceback kept on a failed effect: its end, where the cause is


@dataclass
class _Outcome:
    effects: dict = field(default_factory=dict)
    attempted: int = 0
    complete: bool = True


def _attempt(effect: Effect, call: Callable[[Effect], dict], *, due_at: datetime, now: datetime):
    """Run one effect in a savepoint: (status, result, error)."""
    if effect.is_too_late(due_at=due_at, now=now):
        return EffectRun.Status.SKIPPED, {"reason": "late", "late_after": str(effect.late_after)}, ""
    try:
        with transaction.atomic():
            result = call(effect) or {}
    except Skip as skip:
        return EffectRun.Status.SKIPPED, {"reason": skip.reason, **skip.details}, ""
    except Exception as exc:  # isolation: any failure of one effect is recorded, never stops the sweep
        logger.exception("effect %s failed", effect.name)
        text = "".join(traceback.format_exception(exc))
        return EffectRun.Status.FAILED, {}, text[-ERROR_CHARS:]
    return EffectRun.Status.APPLIED, result, ""


def _run_effects(effects: list[Effect | str], records: dict[str, EffectRun], *, owner: dict, due_at: datetime,
                 now: datetime, call: Callable[[Effect], dict]) -> _Outcome:
    """Each effect not yet applied or skipped, whose retry time (if it failed before) has come. An entry that
    is a bare name is an effect nobody registers (any more): recorded as failed until it is registered."""
    outcome = _Outcome()
    for effect in effects:
        name = effect if isinstance(effect, str) else effect.name
        record = records.get(name)
        if record is not None and record.status in (EffectRun.Status.APPLIED, EffectRun.Status.SKIPPED):
            continue
        if record is not None and _waits_for_retry(record.status, record.next_attempt_at, now):
            outcome.complete = False  # failed before; waiting for its retry time
            continue
        outcome.attempted += 1
        if isinstance(effect, str):
            status, result, error = EffectRun.Status.FAILED, {}, f"Effect {name!r} is not registered."
        else:
            status, result, error = _attempt(effect, call, due_at=due_at, now=now)
        if record is None:
            record = EffectRun(effect=name, effective_at=due_at, **owner)
        record.status, record.result = status, result
        record.attempts += 1
        if status == EffectRun.Status.FAILED:
            outcome.complete = False
            record.error, record.failed_at = error, now
            record.next_attempt_at = now + retry_delay(record.attempts)
            outcome.effects[name] = {"status": status, "attempts": record.attempts,
                                     "error": error.strip().splitlines()[-1][:200] if error else ""}
        else:
            record.applied_at, record.next_attempt_at = now, None
            outcome.effects[name] = {"status": status, **result}
        record.save()
    return outcome


def milestone_apply(pk: int, *, now: datetime) -> dict | None:
    """Apply one due milestone: lock it (skipping it when another sweep holds it) and its contract year, run
    its effects, and mark it applied once every effect is applied or skipped. None when there was nothing to
    do (applied already, held by another sweep, or every open effect waiting for its retry time)."""
    with transaction.atomic():
        milestone = (Milestone.objects.select_for_update(skip_locked=True)
                     .filter(pk=pk, applied_at__isnull=True).first())
        if milestone is None:
            return None
        # The year after its milestone, always in that order: phase effects change the year.
        milestone.contract_year = ContractYear.objects.select_for_update().get(pk=milestone.contract_year_id)
        outcome = _run_effects(
            effects_for(milestone.kind), {r.effect: r for r in milestone.effects.all()},
            owner={"milestone": milestone}, due_at=milestone.due_at, now=now,
            call=lambda effect: effect.func(milestone=milestone, effective_at=milestone.due_at, now=now))
        if outcome.complete:
            milestone.applied_at = now
            milestone.save(update_fields=["applied_at"])
            audit_record(actor=None, verb="contracting.milestone.applied", obj=milestone,
                         after={"due_at": milestone.due_at, "effects": outcome.effects})
        elif not outcome.attempted:
            return None
    return {"milestone": pk, "year": milestone.contract_year.year, "kind": milestone.kind,
            "due_at": milestone.due_at.isoformat(), "effects": outcome.effects, "complete": outcome.complete}


def clock_apply(pk: int, *, now: datetime) -> dict | None:
    """Process one clock that fell due while open: lock it (skipping it when held elsewhere, e.g. by an
    answer being given right now), run its effect with the due moment as effective time, and mark it
    processed once the effect is applied or skipped. None when there was nothing to do."""
    with transaction.atomic():
        clock = (Clock.objects.select_for_update(skip_locked=True)
                 .filter(pk=pk, processed_at__isnull=True, done_at__isnull=True, cancelled_at__isnull=True)
                 .select_related("content_type").first())
        if clock is None:
            return None
        effects = [effect_named(clock.effect) or clock.effect] if clock.effect else []
        target = clock.target

        def call(effect: Effect) -> dict:
            if target is None:
                raise Skip("object_missing")
            return effect.func(clock=clock, obj=target, effective_at=clock.due_at, now=now)

        outcome = _run_effects(effects, {r.effect: r for r in clock.effects.all()}, owner={"clock": clock},
                               due_at=clock.due_at, now=now, call=call)
        if outcome.complete:
            clock.processed_at = now
            clock.save(update_fields=["processed_at"])
            audit_record(actor=None, verb="contracting.clock.fell_due", obj=clock,
                         after={"due_at": clock.due_at, "effects": outcome.effects})
        elif not outcome.attempted:
            return None
    return {"clock": pk, "kind": clock.kind, "object_id": clock.object_id, "due_at": clock.due_at.isoformat(),
            "effects": outcome.effects, "complete": outcome.complete}


def _apply_each(pks: Iterable[int], apply: Callable[..., dict | None], *, now: datetime, label: str) -> list[dict]:
    details = []
    for pk in pks:
        try:
            detail = apply(pk, now=now)
        except IntegrityError:
            # Another sweep recorded an effect of this one first; its transaction owns the work.
            logger.info("%s %s: another sweep got there first", label, pk)
            continue
        if detail is not None:
            details.append(detail)
    return details


def _waits_for_retry(status: str, next_attempt_at: datetime | None, now: datetime) -> bool:
    return status == EffectRun.Status.FAILED and next_attempt_at is not None and next_attempt_at > now


def milestones_with_work(now: datetime) -> list[int]:
    """The due milestones not yet applied that have something to do at `now`, oldest first. Left out: one
    whose registered effects are all applied, skipped, or failed and waiting for their retry time, at least
    one of them waiting; the sweep would only lock it and find nothing to run, every minute until the retry.
    Kept: one with an effect that never ran (for instance one registered since), even beside a waiting one.
    Two queries, however many milestones wait."""
    pending = list(Milestone.objects.filter(due_at__lte=now, applied_at__isnull=True)
                   .order_by("due_at", "pk").values_list("pk", "kind"))
    records: dict[int, dict[str, tuple[str, datetime | None]]] = {}
    for milestone_id, effect, status, next_attempt_at in EffectRun.objects.filter(
            milestone__in=[pk for pk, _kind in pending]).values_list("milestone_id", "effect", "status",
                                                                      "next_attempt_at"):
        records.setdefault(milestone_id, {})[effect] = (status, next_attempt_at)

    def idle(pk: int, kind: str) -> bool:
        runs = records.get(pk, {})
        names = [effect.name for effect in effects_for(kind)]
        waiting = [name for name in names if name in runs and _waits_for_retry(*runs[name], now)]
        done = [name for name in names if name in runs and runs[name][0] != EffectRun.Status.FAILED]
        return bool(waiting) and len(waiting) + len(done) == len(names)

    return [pk for pk, kind in pending if not idle(pk, kind)]


def clocks_with_work(now: datetime) -> list[int]:
    """The clocks that fell due while open and are not processed yet, oldest first, except those whose
    effect failed and waits for its retry time (a clock has one effect). One query."""
    waiting = EffectRun.objects.filter(clock=OuterRef("pk"), effect=OuterRef("effect"),
                                       status=EffectRun.Status.FAILED, next_attempt_at__gt=now)
    return list(Clock.objects.filter(due_at__lte=now, processed_at__isnull=True, done_at__isnull=True,
                                     cancelled_at__isnull=True)
                .exclude(Exists(waiting)).order_by("due_at", "pk").values_list("pk", flat=True))


def deadlines_sweep(*, now: datetime) -> SweepRun | None:
    """The whole sweep at `now`: create the contract years the calendar needs, then apply every milestone
    with due_at <= now that is not yet applied (oldest first), then every clock that fell due while open,
    each in its own transaction. Catches up after downtime by construction (it selects on due_at <= now, not
    on "today"), and an effect gets the deadline as its effective time, not `now`.

    Two sweeps at once are harmless: each milestone and clock row is claimed with SELECT ... FOR UPDATE SKIP
    LOCKED and checked again under the lock, and EffectRun's unique constraints back that up; creating a year
    is safe with two creators (contract_year_ensure). Returns the recorded run, or None when nothing was done.
    """
    started = timezone.now()
    years_created = contract_years_roll_over(now=now)
    details = _apply_each(milestones_with_work(now), milestone_apply, now=now, label="milestone")
    details += _apply_each(clocks_with_work(now), clock_apply, now=now, label="clock")
    if not details and not years_created:
        return None
    return SweepRun.objects.create(started_at=started, finished_at=timezone.now(), as_of=now,
                                   applied_count=sum(1 for d in details if d["complete"]),
                                   years_created=years_created, details=details)


# The name the beat task and older callers use.
milestones_sweep = deadlines_sweep


def effect_runs_retry(*, actor, effect_run_ids: Iterable[int], now: datetime) -> dict[str, int]:
    """An administrator retries failed effects now instead of at their retry time: each becomes due at once
    (audited) and its milestone or clock is processed straight away, as the sweep would. Returns how many
    effects applied (or were skipped) and how many failed again."""
    if actor is None or not actor.is_staff:
        raise Forbidden("not_staff", _("Alleen een beheerder kan effecten opnieuw laten uitvoeren."))
    runs = list(EffectRun.objects.filter(pk__in=list(effect_run_ids), status=EffectRun.Status.FAILED)
                .order_by("pk"))
    with transaction.atomic():
        for run in runs:
            EffectRun.objects.filter(pk=run.pk).update(next_attempt_at=now)
            audit_record(actor=actor, verb="contracting.effect.retry_requested", obj=run,
                         after={"effect": run.effect, "attempts": run.attempts})
    for run in runs:
        if run.milestone_id:
            milestone_apply(run.milestone_id, now=now)
        else:
            clock_apply(run.clock_id, now=now)
    statuses = dict(EffectRun.objects.filter(pk__in=[r.pk for r in runs]).values_list("pk", "status"))
    failed = sum(1 for status in statuses.values() if status == EffectRun.Status.FAILED)
    return {"done": len(runs) - failed, "failed": failed}
