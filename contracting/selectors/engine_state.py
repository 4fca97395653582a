"""Whether the deadline engine has caught up with a contract year: readers that freeze what they read (the
monitor's published figures) wait until the year's due milestones are applied, as the next sweep does."""

from datetime import datetime

from ..models import Milestone


def milestones_behind(year: int, now: datetime) -> bool:
    """The year has a milestone due at `now` that the sweep has not applied yet (after downtime, or right after
    seed_demo, which leaves the first sweep to the worker). One query."""
    return Milestone.objects.filter(contract_year__year=year, due_at__lte=now, applied_at__isnull=True).exists()
