"""The whole demo data set: organisations (providers.demo), contract years, demo users (accounts.demo) and the
contracting cycle of both years (demo_cycle). Lives in contracting because it is the lowest app that may import
all three."""

import time
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from accounts.demo import seed_users
from providers.demo import seed_organisations

from .demo_cycle import seed_cycle
from .models import ContractYear
from .services import contract_year_ensure

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
    now = now or timezone.now()
    with transaction.atomic():
        created = seed_organisations(practices=practices)
        years_before = ContractYear.objects.count()
        years = demo_contract_years(year)
        for contract_year in years:
            contract_year_ensure(actor=None, year=contract_year)
        created["contract_years"] = ContractYear.objects.count() - years_before
        created.update(seed_users())
        cycle = seed_cycle(years=years, now=now)
        created["users"] += cycle.pop("users")
        created.update(cycle)
    return {"created": created, "seconds": time.monotonic() - started}
