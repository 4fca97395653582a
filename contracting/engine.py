"""The deadline engine's registry of milestone effects.

An app that must act on a milestone registers an effect here (the contracting app for phases and notices;
later the offers, signing and reminders), so the engine itself never imports the apps above it:

    @milestone_effect("offers.expire_unsigned", kinds={MilestoneKind.SIGNING_CLOSE})
    def expire_unsigned(*, milestone, effective_at, now) -> dict: ...

An effect runs inside the sweep's transaction with the milestone row locked, receives the milestone's own
moment as `effective_at` (not the sweep's clock), and returns a small JSON-able summary. It runs once per
milestone: a `MilestoneEffect` row with a unique constraint records it. `late_after` gives a lateness policy:
an effect found more than that long after its milestone is recorded as skipped instead (for reminders and
notices that no longer make sense); without it the effect always catches up.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass(frozen=True)
class Effect:
    name: str
    kinds: frozenset[str]
    func: Callable[..., dict]
    late_after: timedelta | None = None
    order: int = 100

    def is_too_late(self, *, due_at: datetime, now: datetime) -> bool:
        return self.late_after is not None and now - due_at > self.late_after


_REGISTRY: dict[str, Effect] = {}


def milestone_effect(name: str, *, kinds, late_after: timedelta | None = None, order: int = 100):
    def register(func):
        _REGISTRY[name] = Effect(name=name, kinds=frozenset(str(k) for k in kinds), func=func,
                                 late_after=late_after, order=order)
        return func

    return register


def effects_for(kind: str) -> list[Effect]:
    return sorted((e for e in _REGISTRY.values() if kind in e.kinds), key=lambda e: (e.order, e.name))


def registered_effects() -> dict[str, Effect]:
    return dict(_REGISTRY)
