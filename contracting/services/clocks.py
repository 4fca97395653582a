"""Per-object clocks: start one for an object, mark it done, cancel it, and move the clocks anchored to a
milestone. The only writer of Clock.due_at (and of the column a clock kind mirrors it into).

Callers are services that have already checked who acts; these functions assert only their own invariants
and write their audit events inside the caller's transaction.
"""

from datetime import date, datetime

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.utils import timezone

from core.audit import audit_event, audit_record
from core.models import AuditEvent

from ..engine import AtMilestone, ByDate, ClockKind, clock_kind, clock_kinds, effect_named
from ..models import Clock, Milestone


def _due_at(spec: ClockKind, started_at: datetime, milestone: Milestone | None, due_on: date | None) -> datetime:
    if isinstance(spec.duration, ByDate):
        if due_on is None:
            raise ValueError(f"Clock {spec.name} runs to a day the caller sets; pass due_on")
        return spec.duration.due_on(due_on)
    if due_on is not None:
        raise ValueError(f"Clock {spec.name} computes its own due moment; due_on is for ByDate clocks only")
    if isinstance(spec.duration, AtMilestone):
        if milestone is None or milestone.kind != spec.duration.kind:
            raise ValueError(f"Clock {spec.name} runs to a {spec.duration.kind} milestone; pass that milestone")
        return milestone.due_at
    return spec.duration.due_from(started_at)


def _mirror(spec: ClockKind | None, model, object_ids, due_at: datetime) -> None:
    if spec is not None and spec.due_field:
        model._default_manager.filter(pk__in=object_ids).update(**{spec.due_field: due_at})


def clock_start(*, actor, obj: models.Model, kind: str, started_at: datetime, milestone: Milestone | None = None,
                effect: str | None = None, due_on: date | None = None) -> Clock:
    """Start clock `kind` for `obj` at `started_at`. Its due moment is computed here, once (working days,
    calendar days, the moment of `milestone` for a clock anchored to one, or the end of day `due_on` for a
    ByDate clock, whose day the caller sets; the caller checks that day is sensible), stored, and copied into the
    kind's `due_field` of `obj` (also on the instance passed in). `effect` overrides the kind's effect.

    Call it inside the transaction that creates or changes `obj`. Safe to repeat: a clock of this kind for
    this object is returned as it is (one clock per object and kind)."""
    if timezone.is_naive(started_at):
        raise ValueError("started_at must be timezone-aware")
    spec = clock_kind(kind)
    effect = spec.effect if effect is None else effect
    if effect and (effect_named(effect) is None or effect_named(effect).target != "clock"):
        raise ValueError(f"{effect!r} is not a registered clock effect")
    content_type = ContentType.objects.get_for_model(obj)
    due_at = _due_at(spec, started_at, milestone, due_on)
    with transaction.atomic():
        clock, created = Clock.objects.get_or_create(
            content_type=content_type, object_id=obj.pk, kind=kind,
            defaults={"started_at": started_at, "due_at": due_at, "effect": effect,
                      "milestone": milestone if isinstance(spec.duration, AtMilestone) else None})
        if created:
            _mirror(spec, type(obj), [obj.pk], clock.due_at)
            audit_record(actor=actor, verb="contracting.clock.started", obj=clock,
                         after={"kind": kind, "object": f"{content_type.app_label}.{content_type.model}:{obj.pk}",
                                "started_at": started_at, "due_at": clock.due_at})
    if spec.due_field:
        setattr(obj, spec.due_field, clock.due_at)
    return clock


def _locked_clock(obj: models.Model, kind: str) -> Clock | None:
    return (Clock.objects.select_for_update()
            .filter(content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk, kind=kind).first())


def clock_done(*, actor, obj: models.Model, kind: str, at: datetime) -> Clock | None:
    """The thing the clock waits for happened (the question was answered, the request decided) at `at`.
    Stops the clock: it will not fall due any more. Safe to repeat (the first moment stays). Audited with
    whether it was late. None when `obj` has no such clock."""
    with transaction.atomic():
        clock = _locked_clock(obj, kind)
        if clock is None or clock.done_at is not None or clock.cancelled_at is not None:
            return clock
        clock.done_at = at
        clock.save(update_fields=["done_at"])
        audit_record(actor=actor, verb="contracting.clock.done", obj=clock,
                     after={"done_at": at, "late": at >= clock.due_at})
    return clock


def clock_cancel(*, actor, obj: models.Model, kind: str, at: datetime, reason: str = "") -> Clock | None:
    """The clock no longer applies (the request was withdrawn). Safe to repeat; a done clock stays done."""
    with transaction.atomic():
        clock = _locked_clock(obj, kind)
        if clock is None or clock.done_at is not None or clock.cancelled_at is not None:
            return clock
        clock.cancelled_at = at
        clock.save(update_fields=["cancelled_at"])
        audit_record(actor=actor, verb="contracting.clock.cancelled", obj=clock,
                     after={"cancelled_at": at, "reason": reason})
    return clock


def clocks_follow_milestone(*, actor, milestone: Milestone) -> int:
    """After `milestone` moved: every clock anchored to it that is still running (not done, cancelled or
    already processed) gets the milestone's new moment, and so does the column its kind mirrors it into.
    Each move is audited (one bulk insert). The caller holds the milestone's row lock. Returns how many
    clocks moved.

    Locks in the order of the services that finish a clock's object (follow_request_decide locks the follow
    request, then clock_done its clock): first the objects of the clocks that would move, by primary key, then
    those clocks, so a decision taken while an administrator moves the milestone waits instead of deadlocking.
    A clock finished while this waited is left alone."""
    running = {"milestone": milestone, "done_at__isnull": True, "cancelled_at__isnull": True,
               "processed_at__isnull": True}
    candidates = list(Clock.objects.filter(**running).exclude(due_at=milestone.due_at)
                      .values_list("pk", "content_type_id", "object_id"))
    if not candidates:
        return 0
    objects_by_type: dict[int, list[int]] = {}
    for _pk, content_type_id, object_id in candidates:
        objects_by_type.setdefault(content_type_id, []).append(object_id)
    for content_type_id, object_ids in sorted(objects_by_type.items()):
        model = ContentType.objects.get_for_id(content_type_id).model_class()
        if model is not None:
            list(model._default_manager.select_for_update().filter(pk__in=object_ids).order_by("pk")
                 .values_list("pk", flat=True))
    clocks = list(Clock.objects.select_for_update().filter(pk__in=[pk for pk, _ct, _obj in candidates], **running)
                  .exclude(due_at=milestone.due_at).select_related("content_type").order_by("pk"))
    if not clocks:
        return 0
    AuditEvent.objects.bulk_create([
        audit_event(actor=actor, verb="contracting.clock.rescheduled", obj=clock,
                    before={"due_at": clock.due_at}, after={"due_at": milestone.due_at, "milestone": milestone.pk})
        for clock in clocks], batch_size=2000)
    Clock.objects.filter(pk__in=[c.pk for c in clocks]).update(due_at=milestone.due_at)
    by_kind: dict[tuple[str, int], list[Clock]] = {}
    for clock in clocks:
        by_kind.setdefault((clock.kind, clock.content_type_id), []).append(clock)
    for (kind, _content_type_id), group in by_kind.items():
        _mirror(clock_kinds().get(kind), group[0].content_type.model_class(), [c.object_id for c in group],
                milestone.due_at)
    return len(clocks)
