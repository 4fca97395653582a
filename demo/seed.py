"""The whole demo data set, step by step (demo.registry): organisations, contract years, demo users and the
contracting cycle of the demo years. Each app's part lives in its own module here."""

import time
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from contracting.calendar import local_date, start_of_day

# The modules whose steps make up the data set, in no particular order (each step has its own `order`).
from . import (  # noqa: F401
    caregroups,
    consultations,
    contract_years,
    cycle,
    insured,
    members,
    monitor,
    multiyear,
    organisations,
    qualification,
    regional,
    requests,
    surveys,
    users,
)
from .bulk import compress_quickly
from .moments import contract_years_around
from .registry import DemoContext, demo_steps

DEFAULT_PRACTICES = 200


def seed_demo(*, practices: int = DEFAULT_PRACTICES, now: datetime | None = None) -> dict:
    """Create whatever demo data is missing, in one transaction. Deterministic for a given `now` (default: the
    clock) and safe to repeat: the data is that of 00:00 on `now`'s day (Amsterdam), so a date gives the same
    data at any hour. The contract years are those around it (demo.moments.contract_years_around): the year in
    force, the year in contracting and the next.

    Contract years get their calendar from contract_year_ensure but are not swept here: the running worker's
    sweep applies the milestones that are already due, as it would after any downtime (so offers of a year
    whose signing window has closed and that nobody decided expire, and its register is published, on the
    first sweep). Returns {"created": {kind: count}, "years": (in force, in contracting, next), "seconds": float}.
    """
    started = time.monotonic()
    # As of the start of the day: the same date always gives the same data, whatever the hour.
    as_of = start_of_day(local_date(now or timezone.now()))
    ctx = DemoContext(practices=practices, years=contract_years_around(as_of), now=as_of)
    with transaction.atomic():
        compress_quickly()
        for step in demo_steps():
            for kind, count in step.func(ctx).items():
                ctx.created[kind] = ctx.created.get(kind, 0) + count
    return {"created": ctx.created, "years": ctx.years, "seconds": time.monotonic() - started}
