"""Reading surveys: what a respondent is invited to, an owner's surveys, the response rate."""

from datetime import datetime

from django.db.models import Count, Q, QuerySet

from accounts.models import Role
from accounts.selectors import is_nza_or_admin, memberships_of

from .models import Invitation, Response, Survey
from .results import is_available


def invitations_for(user, *, memberships=None) -> QuerySet[Invitation]:
    """The invitations `user` may answer: their own as a person; their practice's, care group's or insurer's
    as one of its people (a GP's personal invitation is theirs alone). Published or closed surveys only.
    `memberships`: the user's memberships when the caller has them (the home page's tasks), else read here."""
    if memberships is None:
        if not user.is_authenticated:
            return Invitation.objects.none()
        memberships = memberships_of(user)
    practices, groups, insurers = set(), set(), set()
    for m in memberships:
        if m.role in (Role.PRACTICE_MEMBER, Role.PRACTICE_SIGNATORY):
            practices.add(m.practice_id)
        elif m.role in (Role.CAREGROUP_MEMBER, Role.CAREGROUP_SIGNATORY):
            groups.add(m.care_group_id)
        elif m.role == Role.INSURER_PURCHASER:
            insurers.add(m.insurer_id)
    organisation = (Q(practice_id__in=practices) | Q(care_group_id__in=groups) | Q(insurer_id__in=insurers))
    return (Invitation.objects.filter(Q(user_id=user.pk) | (Q(user__isnull=True) & organisation))
            .exclude(survey__status=Survey.Status.DRAFT))


def respondent_invitations(user, *, now: datetime) -> list[Invitation]:
    """The respondent's survey list: open surveys first (soonest closing first), then the ones that closed,
    each with its survey and its response status (`response_status`: "", "draft" or "submitted"). Two
    queries."""
    invitations = list(invitations_for(user).select_related("survey", "practice", "care_group", "insurer")
                       .order_by("survey__closes_at", "id"))
    statuses = dict(Response.objects.filter(invitation__in=[i.pk for i in invitations])
                    .values_list("invitation_id", "status"))
    for invitation in invitations:
        invitation.response_status = statuses.get(invitation.pk, "")
        invitation.is_open = survey_is_open(invitation.survey, now)
    # Open ones soonest closing first, then the closed ones most recently closed first.
    return sorted(invitations, key=lambda i: (not i.is_open, (1 if i.is_open else -1) * i.survey.closes_at.timestamp(),
                                              i.pk))


def survey_is_open(survey: Survey, now: datetime) -> bool:
    """A response can be saved: published, opened, not yet closed. The one home of this rule."""
    return survey.status == Survey.Status.PUBLISHED and survey.opens_at <= now < survey.closes_at


def series_survey(*, series: str, year: int, now: datetime) -> Survey | None:
    """The survey of `series` for contract year `year` that reports the year: the newest one with results (closed:
    surveys.results.is_available), else the newest one still open (no results yet); None when the year has no
    published survey of the series. Drafts never count. One query."""
    surveys = list(Survey.objects.filter(series=series, year=year).exclude(status=Survey.Status.DRAFT)
                   .order_by("-closes_at", "-pk"))
    return next((s for s in surveys if is_available(s, now)), surveys[0] if surveys else None)


def surveys_owned_by(user) -> QuerySet[Survey]:
    """The surveys `user` runs: its insurer's; the NZa and administrators all surveys."""
    if not user.is_authenticated:
        return Survey.objects.none()
    if is_nza_or_admin(user):
        return Survey.objects.all()
    insurers = {m.insurer_id for m in memberships_of(user) if m.role == Role.INSURER_PURCHASER}
    return Survey.objects.filter(owner_insurer_id__in=insurers)


def response_rate(survey: Survey) -> dict:
    """{"invited", "submitted", "drafts", "percent"}: submitted responses out of invitations, percent rounded
    down to a whole number. Counts only, never who; the same for anonymous surveys (after closing their
    responses are detached, so they are counted from the invitations' responded_at). One query."""
    counts = Invitation.objects.filter(survey=survey).aggregate(
        invited=Count("id"), submitted=Count("id", filter=Q(responded_at__isnull=False)),
        drafts=Count("id", filter=Q(response__status=Response.Status.DRAFT)))
    invited, submitted = counts["invited"], counts["submitted"]
    return {"invited": invited, "submitted": submitted, "drafts": counts["drafts"],
            "percent": submitted * 100 // invited if invited else 0}
