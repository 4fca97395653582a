"""Reads of regiobijeenkomsten: lists with their counts, and the facts behind the NZa provider survey's Q15
("Worden in uw regio bijeenkomsten georganiseerd door een zorgverzekeraar waar het inkoopbeleid wordt
toegelicht?") and Q16 ("Heeft u zo'n regio bijeenkomst bijgewoond?")."""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Q, QuerySet, Sum

from ..models import RegionalMeeting, RegionalMeetingInvitation


def meetings_with_counts(queryset: QuerySet[RegionalMeeting]) -> QuerySet[RegionalMeeting]:
    """Each meeting with `invited`, `registered`, `attendees` (people registered) and `attended` (holders
    recorded present): counts only, never who. One query (with the insurer and region joined)."""
    return (queryset.select_related("insurer", "region")
            .annotate(invited=Count("invitations"),
                      registered=Count("invitations", filter=Q(invitations__registered_at__isnull=False)),
                      attendees=Sum("invitations__attendees", default=0),
                      attended=Count("invitations", filter=Q(invitations__attended=True)))
            .order_by("-starts_at", "-pk"))


def regional_meetings_held(*, year: int, now: datetime, region_id: int | None = None,
                           insurer_id: int | None = None) -> QuerySet[RegionalMeeting]:
    """The meetings about contract year `year`'s purchasing policy that took place in the region (not cancelled,
    begun before `now`), of one insurer or of any; without a region, in every region."""
    queryset = RegionalMeeting.objects.filter(year=year, starts_at__lte=now, status=RegionalMeeting.Status.PLANNED)
    if region_id is not None:
        queryset = queryset.filter(region_id=region_id)
    if insurer_id is not None:
        queryset = queryset.filter(insurer_id=insurer_id)
    return queryset


@dataclass(frozen=True)
class RegionalAnswers:
    """Q15: were meetings organised (held) for the region; Q16: did this holder attend one. `attended` is None
    when there was nothing to attend, or when a meeting it registered for has no attendance recorded (the
    portal does not know)."""

    organised: bool
    meetings: int
    attended: bool | None


def regional_meeting_answers(*, region_id: int, year: int, now: datetime, insurer_id: int | None = None,
                             practice_id: int | None = None, care_group_id: int | None = None) -> RegionalAnswers:
    """What the portal knows of Q15 and Q16 for one practice or care group (or, with neither, Q15 alone) in
    region R, for the policy of contract year Y, about insurer I (or any insurer: the survey asks about "een
    zorgverzekeraar"). Two queries."""
    held = regional_meetings_held(region_id=region_id, year=year, now=now, insurer_id=insurer_id)
    meetings = held.count()
    if not meetings or (practice_id is None and care_group_id is None):
        return RegionalAnswers(organised=bool(meetings), meetings=meetings, attended=None)
    holder = Q(practice_id=practice_id) if practice_id is not None else Q(care_group_id=care_group_id)
    rows = RegionalMeetingInvitation.objects.filter(holder, meeting__in=held).aggregate(
        present=Count("pk", filter=Q(attended=True)),
        unknown=Count("pk", filter=Q(attended__isnull=True, registered_at__isnull=False)))
    if rows["present"]:
        attended = True
    elif rows["unknown"]:
        attended = None
    else:
        attended = False
    return RegionalAnswers(organised=True, meetings=meetings, attended=attended)


@dataclass(frozen=True)
class RegionalMeetingFigures:
    """One insurer's regiobijeenkomsten in one region about contract year Y's policy: how many were held, how
    many practices and care groups were invited to one, and how many were recorded present at one."""

    insurer_id: int
    insurer_name: str
    region_id: int
    region_name: str
    meetings: int
    invited: int
    present: int


def regional_meeting_figures(*, year: int, now: datetime) -> list[RegionalMeetingFigures]:
    """Per insurer and region, the meetings held (regional_meetings_held) and their invited and present holders
    (each practice or care group counted once per insurer and region, however many meetings). Two queries."""
    held = regional_meetings_held(year=year, now=now)
    meetings = {(r["insurer_id"], r["insurer__name"], r["region_id"], r["region__name"]): r["n"]
                for r in held.values("insurer_id", "insurer__name", "region_id", "region__name")
                .annotate(n=Count("pk")).order_by()}
    present = Q(attended=True)
    holders = {}
    for r in (RegionalMeetingInvitation.objects.filter(meeting__in=held)
              .values("meeting__insurer_id", "meeting__region_id")
              .annotate(practices=Count("practice_id", distinct=True), groups=Count("care_group_id", distinct=True),
                        practices_present=Count("practice_id", filter=present, distinct=True),
                        groups_present=Count("care_group_id", filter=present, distinct=True))
              .order_by()):
        holders[(r["meeting__insurer_id"], r["meeting__region_id"])] = (
            r["practices"] + r["groups"], r["practices_present"] + r["groups_present"])
    return [RegionalMeetingFigures(insurer_id, insurer_name, region_id, region_name, n,
                                   *holders.get((insurer_id, region_id), (0, 0)))
            for (insurer_id, insurer_name, region_id, region_name), n in sorted(meetings.items())]
