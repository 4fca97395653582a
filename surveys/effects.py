"""The survey engine's clocks on the contracting deadline engine (imported from SurveysConfig.ready()).

A published survey has three per-object clocks, started by survey_publish at the survey's own moments: the
invitations at opening, a reminder `reminder_days_before` days before closing (to the respondents who have not
submitted), and the closing. The engine runs each effect once (an EffectRun per clock and effect, claimed
under a lock), catches up after downtime with the clock's moment as the effective time, and retries an effect
that failed. Each effect is also safe to run again: an invitation is stamped (invited_at, reminded_at) in the
same transaction as its notices, and a notice goes to a user once per key.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts.models import Membership, Role, User
from accounts.notices import N_, day
from contracting.calendar import last_day
from contracting.engine import ClockKind, Skip, clock_effect, register_clock_kind

from .models import Invitation, Survey
from .services.surveys import CLOSE_CLOCK, INVITE_CLOCK, REMIND_CLOCK, survey_close


@dataclass(frozen=True)
class AtStart:
    """Due at the moment the clock is started at: the survey's own opening, reminder or closing moment (exact
    moments, not the end of a day), which survey_publish passes as the clock's start."""

    def due_from(self, started_at: datetime) -> datetime:
        return started_at


register_clock_kind(ClockKind(name=INVITE_CLOCK, label=_("Uitnodigingen voor een enquête"), duration=AtStart(),
                              effect="surveys.survey.send_invitations"))
register_clock_kind(ClockKind(name=REMIND_CLOCK, label=_("Herinnering voor een enquête"), duration=AtStart(),
                              effect="surveys.survey.send_reminders"))
register_clock_kind(ClockKind(name=CLOSE_CLOCK, label=_("Sluiting van een enquête"), duration=AtStart(),
                              effect="surveys.survey.close"))

PRACTICE_ROLES = (Role.PRACTICE_MEMBER, Role.PRACTICE_SIGNATORY)
CARE_GROUP_ROLES = (Role.CAREGROUP_MEMBER, Role.CAREGROUP_SIGNATORY)


def respondent_user_ids(invitations):
    """The users who may answer for `invitations` (a queryset): the invited person; a practice's or care
    group's people; an insurer's purchasers. A subquery, however many invitations."""
    persons = invitations.filter(user__isnull=False).values("user_id")
    organisations = invitations.filter(user__isnull=True)
    members = Membership.objects.filter(
        Q(role__in=PRACTICE_ROLES, practice_id__in=organisations.filter(practice__isnull=False).values("practice_id"))
        | Q(role__in=CARE_GROUP_ROLES,
            care_group_id__in=organisations.filter(care_group__isnull=False).values("care_group_id"))
        | Q(role=Role.INSURER_PURCHASER,
            insurer_id__in=organisations.filter(insurer__isnull=False).values("insurer_id"))
    ).values("user_id")
    return User.objects.filter(Q(pk__in=persons) | Q(pk__in=members)).values("pk")


def _notify(survey: Survey, invitations, *, key: str, subject: str, body: str) -> int:
    from accounts.services import notify_users

    return notify_users(user_ids=respondent_user_ids(invitations), key=key, subject=subject, body=body,
                        params={"title": survey.title, "last_day": day(last_day(survey.closes_at))},
                        url=reverse("surveys:respond", args=[survey.pk]))


@clock_effect("surveys.survey.send_invitations")
def send_invitations(*, clock, obj, effective_at, now) -> dict:
    survey: Survey = obj
    if survey.status != Survey.Status.PUBLISHED:
        raise Skip("not_published", status=survey.status)
    pending = Invitation.objects.filter(survey=survey, invited_at__isnull=True)
    notified = _notify(survey, pending, key=f"surveys.invite.{survey.pk}",
                       subject=N_("Uitnodiging voor de enquête ‘%(title)s’"),
                       body=N_("U bent uitgenodigd voor de enquête ‘%(title)s’. U kunt hem invullen en wijzigen tot "
                               "en met %(last_day)s."))
    stamped = pending.update(invited_at=effective_at)
    return {"invitations": stamped, "notified": notified}


@clock_effect("surveys.survey.send_reminders", late_after=timedelta(days=1))
def send_reminders(*, clock, obj, effective_at, now) -> dict:
    """Only to who has not submitted yet. Found more than a day late (the worker was down), it is skipped: a
    reminder that may arrive after closing is no news any more."""
    survey: Survey = obj
    if survey.status != Survey.Status.PUBLISHED or now >= survey.closes_at:
        raise Skip("not_open", status=survey.status)
    pending = Invitation.objects.filter(survey=survey, responded_at__isnull=True, reminded_at__isnull=True)
    notified = _notify(survey, pending, key=f"surveys.remind.{survey.pk}",
                       subject=N_("Herinnering: de enquête ‘%(title)s’ sluit binnenkort"),
                       body=N_("U hebt de enquête ‘%(title)s’ nog niet ingediend. U kunt hem invullen tot en met "
                               "%(last_day)s."))
    stamped = pending.update(reminded_at=effective_at)
    return {"reminded": stamped, "notified": notified}


@clock_effect("surveys.survey.close")
def close_survey(*, clock, obj, effective_at, now) -> dict:
    survey = survey_close(actor=None, survey=obj, now=effective_at)
    return {"status": survey.status}
