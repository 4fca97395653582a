"""The deadline engine: one registry and one sweep for every deadline of every app.

Two kinds of deadline, swept by the same Celery beat task (contracting.tasks.sweep_milestones_task, every
minute, calling contracting.services.deadlines_sweep):

- **Calendar milestones**: one `Milestone` row per registered `CalendarRule` for each contract year (1 April,
  15 July, 1 October, 7 November, ...), on a fixed day or relative to another milestone of the same year.
  Contract year Y+1 and its whole calendar are created by the sweep before its cycle starts.
- **Per-object clocks**: one `Clock` row per object and clock kind (a question answered within 5 working days,
  a knelpunt within 2 weeks, an appeal window, a survey closing), its due moment computed once when started
  and stored, so every page, the API and every notice show the same moment.

When a milestone or clock falls due, the sweep runs its effects: each exactly once (an `EffectRun` row,
unique per milestone or clock and effect, written while the milestone or clock row is locked), with the
deadline itself as `effective_at` (so a sweep after downtime catches up as if it had run on time), and each
in its own savepoint: an effect that raises is recorded as failed with its traceback and a retry time
(backoff), the sweep carries on with every other effect, milestone and clock, and tries again later until it
applies. A milestone counts as applied, and a clock as processed, only when all its effects are applied or
skipped. Administrators see failed effects in /beheer/ and can retry them at once.

This module only holds the registry; it imports no models, so an app registers without importing the
contracting app's internals, and the contracting app never imports the apps above it. Register from your
AppConfig.ready() (import a module that does it), as contracting/effects.py does for the contracting app.
Kinds and effect names are strings stored in the database, validated against this registry: a new app needs
no contracting migration. Prefix them with your app label.

**A calendar rule** (a milestone in every contract year from now on; the sweep adds it to the running and
the next year; "by D" is end-boundary, "from D" start-boundary):

    from django.utils.translation import gettext_lazy as _
    from contracting.calendar import Audience
    from contracting.engine import CalendarRule, register_calendar_rules

    register_calendar_rules(
        CalendarRule(kind="consultations.evaluation_shared", label=_("Evaluatie met het overlegteam gedeeld"),
                     boundary="end", who=(Audience.INSURER, Audience.OTH), month=3, day=1),
        # 10 days before the end of signing; moves with it when an administrator moves that milestone.
        CalendarRule(kind="surveys.reminder", label=_("Herinnering enquête"), boundary="start",
                     who=(Audience.PRACTICE,), relative_to="signing_close", offset_days=-10, on_timeline=False),
    )

**A clock kind** (duration `WorkingDays(n)`, `CalendarDays(n)`, `AtMilestone(kind)` or `ByDate()`, a day the
caller sets, passed to clock_start as `due_on`; `effect` names the
clock effect to run when the clock falls due while still open; `due_field` optionally names a column of the
object that mirrors the due moment for sorting, written only by the clock service):

    from contracting.engine import CalendarDays, ClockKind, register_clock_kind

    register_clock_kind(ClockKind(name="consultations.knelpunt.reaction", label=_("Reactie op knelpunt"),
                                  duration=CalendarDays(14), effect="consultations.knelpunt.overdue"))

    # in your service, inside the transaction that creates the knelpunt:
    from contracting.services import clock_start, clock_done
    clock_start(actor=user, obj=knelpunt, kind="consultations.knelpunt.reaction", started_at=now)
    # a clock due by a day the caller chooses (duration ByDate()): the insurer decides by the day it set
    clock_start(actor=user, obj=position, kind="consultations.position.decision", started_at=now,
                due_on=date(2026, 5, 31))  # due at 00:00 on 1 June Amsterdam: "uiterlijk 31 mei"
    # when the other side reacts:
    clock_done(actor=user, obj=knelpunt, kind="consultations.knelpunt.reaction", at=now)
    # lists: contracting.selectors.with_clock(Knelpunt.objects.all(), "consultations.knelpunt.reaction", now=now)
    # annotates clock_due_at, clock_done_at and clock_overdue; clocks_overdue(kind=..., now=...) lists them.

**Effects** (keyword-only arguments; return a small JSON-able summary; raise `Skip(reason, **details)` to
record the effect as skipped; any other exception records it as failed and it is retried later). An effect
runs inside the sweep's transaction with its milestone (and contract year) or clock row locked; it must do
its work through services and be safe to run again after a failure (its savepoint is rolled back):

    from contracting.engine import Skip, clock_effect, milestone_effect

    @milestone_effect("surveys.open", kinds={"signing_close"}, late_after=timedelta(days=3))
    def open_survey(*, milestone, effective_at, now) -> dict: ...

    @clock_effect("consultations.knelpunt.overdue")
    def knelpunt_overdue(*, clock, obj, effective_at, now) -> dict:
        if obj.closed_at:
            raise Skip("closed")
        ...

`late_after` gives an effect a lateness policy: found more than that long after its deadline (the worker was
down), it is recorded as skipped instead of run (for notices that are no news any more); without it the
effect always catches up.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.utils.translation import gettext_lazy as _

from .calendar import CalendarRule, display_day, end_of_day
from .workdays import calendar_days_due, working_days_due

__all__ = [
    "AtMilestone", "ByDate", "CalendarDays", "CalendarRule", "ClockKind", "Effect", "Skip", "WorkingDays",
    "calendar_rule", "calendar_rules", "clock_effect", "clock_kind", "clock_kinds", "dependent_rules",
    "effect_named", "effects_for", "milestone_effect", "milestone_label", "register_calendar_rules",
    "register_clock_kind", "registered_effects", "relative_due_at", "retry_delay", "validate_clock_kind",
    "validate_milestone_kind",
]


# --- Calendar rules ----------------------------------------------------------------------------------------
_RULES: dict[str, CalendarRule] = {}


def register_calendar_rules(*rules: CalendarRule) -> None:
    """Add rules to every contract year's calendar. Registering the same rule again is harmless; another rule
    under a kind already taken is a configuration error."""
    for rule in rules:
        known = _RULES.get(rule.kind)
        if known is not None and known != rule:
            raise ImproperlyConfigured(f"Calendar rule {rule.kind!r} is registered twice with different content")
        _RULES[rule.kind] = rule


def unregister_calendar_rule(kind: str) -> None:
    """For tests that register a rule of a pretend app."""
    _RULES.pop(kind, None)


def calendar_rule(kind: str) -> CalendarRule | None:
    return _RULES.get(kind)


def calendar_rules() -> list[CalendarRule]:
    """Every registered rule, each after the rule it is counted from (so a year is built in this order)."""
    ordered, placed = [], set()
    pending = list(_RULES.values())
    while pending:
        progressed = False
        for rule in list(pending):
            if rule.relative_to is None or rule.relative_to in placed:
                ordered.append(rule)
                placed.add(rule.kind)
                pending.remove(rule)
                progressed = True
        if not progressed:
            missing = {r.kind: r.relative_to for r in pending}
            raise ImproperlyConfigured(f"Calendar rules counted from an unknown or circular anchor: {missing}")
    return ordered


def dependent_rules(kind: str) -> list[CalendarRule]:
    """The rules counted directly from milestone `kind`."""
    return [rule for rule in _RULES.values() if rule.relative_to == kind]


def relative_due_at(rule: CalendarRule, anchor_due_at: datetime) -> datetime:
    """The moment of relative `rule` when its anchor milestone is at `anchor_due_at`."""
    anchor = _RULES[rule.relative_to]
    anchor_day: date = display_day(anchor_due_at, anchor.boundary)
    return rule.due_from_anchor(anchor_day)


def milestone_label(kind: str) -> str:
    """The label of a milestone kind in the active language; the bare kind for a kind nobody registers any
    more (its app was removed), so old rows still display."""
    rule = _RULES.get(kind)
    return rule.label if rule else kind


def validate_milestone_kind(value: str) -> None:
    if value not in _RULES:
        raise ValidationError(_("‘%(kind)s’ is geen geregistreerde soort mijlpaal."), params={"kind": value},
                              code="unknown_milestone_kind")


# --- Clock kinds ------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class WorkingDays:
    """n Dutch working days after the start day (weekends and public holidays do not count), to the end of
    the last one: 5 for a question, 10 ("2 working weeks") for a laborious one."""

    n: int

    def due_from(self, started_at: datetime) -> datetime:
        return working_days_due(started_at, self.n)


@dataclass(frozen=True)
class CalendarDays:
    """n calendar days after the start day, to the end of the last one: 14 for a knelpunt ("2 weeks")."""

    n: int

    def due_from(self, started_at: datetime) -> datetime:
        return calendar_days_due(started_at, self.n)


@dataclass(frozen=True)
class AtMilestone:
    """Due when milestone `kind` of a contract year is due, and moved with it when an administrator moves
    the milestone (the clock is anchored to the milestone row)."""

    kind: str


@dataclass(frozen=True)
class ByDate:
    """Due by the end of a day the caller sets when it starts the clock (clock_start(..., due_on=D)): the
    insurer says by when it decides on an overlegteam's position. Stored once like every other clock, so
    every page shows the same moment; "by D" is 00:00 local on D+1 (an exclusive bound)."""

    def due_on(self, day: date) -> datetime:
        return end_of_day(day)


@dataclass(frozen=True)
class ClockKind:
    name: str
    label: str
    duration: WorkingDays | CalendarDays | AtMilestone | ByDate
    effect: str = ""  # the clock effect run when the clock falls due while open; "" for none
    due_field: str = ""  # a column of the object mirroring due_at (for sorting); only the clock service writes it


_CLOCK_KINDS: dict[str, ClockKind] = {}


def register_clock_kind(kind: ClockKind) -> None:
    known = _CLOCK_KINDS.get(kind.name)
    if known is not None and known != kind:
        raise ImproperlyConfigured(f"Clock kind {kind.name!r} is registered twice with different content")
    _CLOCK_KINDS[kind.name] = kind


def unregister_clock_kind(name: str) -> None:
    """For tests that register a clock kind of a pretend app."""
    _CLOCK_KINDS.pop(name, None)


def clock_kind(name: str) -> ClockKind:
    try:
        return _CLOCK_KINDS[name]
    except KeyError:
        raise ImproperlyConfigured(f"Clock kind {name!r} is not registered") from None


def clock_kinds() -> dict[str, ClockKind]:
    return dict(_CLOCK_KINDS)


def validate_clock_kind(value: str) -> None:
    if value not in _CLOCK_KINDS:
        raise ValidationError(_("‘%(kind)s’ is geen geregistreerde soort termijn."), params={"kind": value},
                              code="unknown_clock_kind")


# --- Effects ----------------------------------------------------------------------------------------------
class Skip(Exception):  # noqa: N818 (an outcome, not an error)
    """Raised by an effect to record itself as skipped with a reason (nothing to do, superseded, too late)."""

    def __init__(self, reason: str, **details):
        super().__init__(reason)
        self.reason = reason
        self.details = details


@dataclass(frozen=True)
class Effect:
    name: str
    func: Callable[..., dict]
    target: str  # "milestone" or "clock"
    kinds: frozenset[str] = field(default_factory=frozenset)  # milestone kinds (milestone effects only)
    late_after: timedelta | None = None
    order: int = 100

    def is_too_late(self, *, due_at: datetime, now: datetime) -> bool:
        return self.late_after is not None and now - due_at > self.late_after


_EFFECTS: dict[str, Effect] = {}


def _register(effect: Effect) -> None:
    known = _EFFECTS.get(effect.name)
    if known is not None and known.func.__qualname__ != effect.func.__qualname__:
        raise ImproperlyConfigured(f"Effect {effect.name!r} is registered twice")
    _EFFECTS[effect.name] = effect


def milestone_effect(name: str, *, kinds, late_after: timedelta | None = None, order: int = 100):
    """Run the decorated function when a milestone of one of `kinds` falls due (lower `order` first)."""
    def register(func):
        _register(Effect(name=name, func=func, target="milestone", kinds=frozenset(str(k) for k in kinds),
                         late_after=late_after, order=order))
        return func

    return register


def clock_effect(name: str, *, late_after: timedelta | None = None):
    """Register a function a clock kind can name as its effect: it runs when such a clock falls due while
    still open (neither done nor cancelled)."""
    def register(func):
        _register(Effect(name=name, func=func, target="clock", late_after=late_after))
        return func

    return register


def unregister_effect(name: str) -> None:
    """For tests that register an effect of a pretend app."""
    _EFFECTS.pop(name, None)


def effects_for(kind: str) -> list[Effect]:
    """The milestone effects of milestone kind `kind`, in their order."""
    return sorted((e for e in _EFFECTS.values() if e.target == "milestone" and kind in e.kinds),
                  key=lambda e: (e.order, e.name))


def effect_named(name: str) -> Effect | None:
    return _EFFECTS.get(name)


def registered_effects() -> dict[str, Effect]:
    return dict(_EFFECTS)


# An effect that failed is tried again after 1, 2, 4, ... minutes, at most an hour apart, until it applies.
RETRY_FIRST = timedelta(minutes=1)
RETRY_MAX = timedelta(hours=1)


def retry_delay(attempts: int) -> timedelta:
    return min(RETRY_FIRST * 2 ** min(max(attempts - 1, 0), 10), RETRY_MAX)
