"""What an overlegteam sees of its insurer and region: counts, never a single practice's contract or request
(GCP: the overlegteam is the providers' representative delegation, not a party to their contracts)."""

from dataclasses import dataclass
from datetime import datetime

from contracting.access import overleg_team_contracts
from contracting.models import StandardContract, covering
from contracting.selectors import signing_watch
from contracting.selectors.requests import requests_aggregate
from insurers.models import PolicyVersion

from ..models import RegionalMeeting
from .regional import meetings_with_counts


@dataclass(frozen=True)
class OverlegTeamFigures:
    team: object
    year: int
    signing: dict[str, int]  # sent, opened, signed, refused, expired, open: the region's practice offers
    requests: dict  # requests_aggregate over all years: totals and by kind (open, overdue, decided, escalated)
    policy_versions: list[PolicyVersion]  # the insurer's published versions for the year, newest first
    contracts: list[StandardContract]  # the insurer's published standard contracts covering the year
    meetings: list[RegionalMeeting]  # the insurer's regiobijeenkomsten in the region, with counts

    @property
    def signed_percent(self) -> int | None:
        sent = self.signing["sent"]
        return round(100 * self.signing["signed"] / sent) if sent else None


def overleg_team_figures(team, *, year: int, now: datetime) -> OverlegTeamFigures:
    """The overlegteam's home page and API: signing progress of the insurer's practice offers in the team's
    region for `year`, the requests to the insurer from the region (overdue ones by kind), the published
    purchasing policy and standard contracts it may read (never a holder's own contract,
    contracting.access.overleg_team_contracts), and the regiobijeenkomsten. Six queries."""
    watch = signing_watch(insurer_id=team.insurer_id, year=year, region_id=team.region_id)
    versions = list(PolicyVersion.objects.filter(policy__insurer_id=team.insurer_id, policy__year=year)
                    .defer("body").order_by("-number"))
    contracts = list(covering(overleg_team_contracts([team.insurer_id]), year)
                     .order_by("holder_kind", "first_year", "pk"))
    meetings = list(meetings_with_counts(RegionalMeeting.objects.filter(insurer_id=team.insurer_id,
                                                                        region_id=team.region_id)))
    return OverlegTeamFigures(
        team=team, year=year, signing=watch.totals,
        requests=requests_aggregate(insurer_id=team.insurer_id, region_id=team.region_id, now=now),
        policy_versions=versions, contracts=contracts, meetings=meetings)
