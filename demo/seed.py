"""The whole demo data set, step by step (demo.registry): organisations, contract years, demo users and the
contracting cycle of the demo years. Each app's part lives in its own module here."""

import time
from datetime import datetime

from django.db import transaction
from django.utils import timezone

# The modules whose steps make up the data set, in no particular order (each step has its own `order`).
from . import contract_years, cycle, organisations, users  # noqa: F401
from .registry import DemoContext, demo_steps

DEFAULT_PRACTICES = 200


def demo_contract_years(year: int | None = None) -> tuple[int, int]:
    """The running contract year and the next one, whose contracting happens now."""
    year = year if year is not None else timezone.localdate().year
    return year, year + 1


def seed_demo(*, practices: int = DEFAULT_PRACTICES, year: int | None = None, now: datetime | None = None) -> dict:
    """Create whatever demo data is missing, in one transaction. Deterministic for a given `now` (default: the
    clock) and safe to repeat.

    Contract years get their calendar from contract_year_ensure but are not swept here: the running worker's
    sweep applies the milestones that are already due, as it would after any downtime (so offers of a year
    whose signing window has closed expire, and its register is published, on the first sweep).
    Returns {"created": {kind: count}, "seconds": float}.
    """
    started = time.monotonic()
    ctx = DemoContext(practices=practices, years=demo_contract_years(year), now=now or timezone.now())
    with transaction.atomic():
        for step in demo_steps():
            for kind, count in step.func(ctx).items():
                ctx.created[kind] = ctx.created.get(kind, 0) + count
    return {"created": ctx.created, "seconds": time.monotonic() - started}
