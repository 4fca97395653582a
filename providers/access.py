"""Who may see which organisation. Views and the API start from these querysets, so an organisation outside
the user's scope is simply not found (404), never forbidden-but-revealed.

The user's memberships are passed in as id sets (from accounts.selectors), because providers sits left of
accounts and must not import it.
"""

from django.db.models import Q, QuerySet

from insurers.models import Insurer

from .models import CareGroup, OverlegTeam, Practice


def practices_visible_to(*, see_all: bool, practice_ids, care_group_ids) -> QuerySet[Practice]:
    if see_all:
        return Practice.objects.all()
    return Practice.objects.filter(Q(pk__in=practice_ids) | Q(care_groups__in=care_group_ids)).distinct()


def care_groups_visible_to(*, see_all: bool, care_group_ids, practice_ids) -> QuerySet[CareGroup]:
    if see_all:
        return CareGroup.objects.all()
    return CareGroup.objects.filter(Q(pk__in=care_group_ids) | Q(practices__in=practice_ids)).distinct()


def insurers_managed_by(*, see_all: bool, insurer_ids) -> QuerySet[Insurer]:
    """Insurers whose internal figures (market shares, overlegteams, members) the user may see."""
    return Insurer.objects.all() if see_all else Insurer.objects.filter(pk__in=insurer_ids)


def overleg_teams_visible_to(*, see_all: bool, overleg_team_ids, insurer_ids) -> QuerySet[OverlegTeam]:
    if see_all:
        return OverlegTeam.objects.all()
    return OverlegTeam.objects.filter(Q(pk__in=overleg_team_ids) | Q(insurer__in=insurer_ids))
