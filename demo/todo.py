"""What a demo login has to do now, in a few words, for the demo_logins table: the tasks its home page lists
under "Wat wacht op u" (contracting.selectors.tasks), for the one membership of the row."""

from datetime import datetime

from accounts.models import Membership
from contracting.selectors import TaskReader, contract_year_current


def demo_todo(membership: Membership, now: datetime, reader: TaskReader | None = None) -> str:
    """What this membership's user has to do now, or "" (one line, in the active language)."""
    if reader is None:
        current = contract_year_current(now)
        if current is None:
            return ""
        reader = TaskReader(current.year, now)
    return "; ".join(task.text for task in reader.tasks([membership]))
