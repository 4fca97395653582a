"""The steps that make up the demo data set. Each app's demo data lives in a module of this app and registers
its steps here, so a new app adds a module and a step, and seed_demo runs it in order:

    @demo_step("consultations.rounds", order=50)
    def seed_rounds(ctx: DemoContext) -> dict[str, int]: ...

A step receives the shared context (practice count, contract years, `now`) and returns counts of what it
created (0 for a second run: every step is idempotent)."""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime


@dataclass
class DemoContext:
    practices: int
    years: tuple[int, ...]
    now: datetime
    created: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class DemoStep:
    name: str
    order: int
    func: Callable[[DemoContext], dict[str, int]]


_STEPS: dict[str, DemoStep] = {}


def demo_step(name: str, *, order: int):
    def register(func):
        _STEPS[name] = DemoStep(name=name, order=order, func=func)
        return func

    return register


def demo_steps() -> list[DemoStep]:
    return sorted(_STEPS.values(), key=lambda s: (s.order, s.name))
