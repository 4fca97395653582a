from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone

from accounts.models import Role
from accounts.selectors import memberships_of

from ..selectors import (
    contract_year_current,
    contract_year_timeline,
    home_next_steps,
    home_tasks,
    next_cycle_timeline,
    signing_year_default,
)


@login_required
def home(request):
    """Who the user acts for, what waits on them, what to do next, the current contract year's calendar and,
    once that year is in its last phase, the next cycle's first steps."""
    now = timezone.now()
    memberships = memberships_of(request.user)
    contract_year = contract_year_current(now)
    timeline = contract_year_timeline(contract_year, now) if contract_year else None
    next_timeline = next_cycle_timeline(timeline, now) if timeline else None
    # Overlegteams read the policy of the insurer they face on the public policy pages, and its published
    # versions and standard contracts from their overleg page (/overleg/).
    oth_insurers = list({m.overleg_team.insurer_id: m.overleg_team.insurer for m in memberships
                         if m.role == Role.OTH_MEMBER and m.overleg_team_id}.values())
    return render(request, "contracting/home.html", {
        "timeline": timeline,
        "tasks": home_tasks(memberships, timeline, now) if timeline else [],
        "next_timeline": next_timeline,
        "next_steps": home_next_steps(memberships, timeline, next_timeline) if timeline else [],
        "oth_insurers": oth_insurers,
        "policy_year": signing_year_default(now) if oth_insurers and contract_year else None,
    })
