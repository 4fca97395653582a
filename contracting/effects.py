"""The effects the contracting app attaches to milestones: the year's phase, and notices to those concerned."""

from datetime import timedelta

from django.urls import reverse

from accounts.notices import N_, day, label, plural
from accounts.services import notify_audiences

from .calendar import (
    GCP_CALENDAR,
    RULES_BY_KIND,
    SIGNING_REMINDER_DAYS,
    MilestoneKind,
    last_day,
    local_date,
)
from .engine import milestone_effect
from .models import FollowRequest, Offer
from .services import contract_year_advance_phase, offers_expire, register_publish


@milestone_effect("contracting.phase", kinds={r.kind for r in GCP_CALENDAR if r.phase}, order=10)
def advance_phase(*, milestone, effective_at, now) -> dict:
    rule = RULES_BY_KIND[milestone.kind]
    changed = contract_year_advance_phase(contract_year=milestone.contract_year, phase=rule.phase,
                                          effective_at=effective_at)
    return {"phase": rule.phase, "changed": changed}


REMINDER_KINDS = set(SIGNING_REMINDER_DAYS)


# A notice found more than three days after its milestone (the worker was down) is no news any more.
# Reminders go only to practices that still have something to sign (below), not to everyone.
@milestone_effect("contracting.notify", kinds={r.kind for r in GCP_CALENDAR} - REMINDER_KINDS,
                  late_after=timedelta(days=3), order=90)
def notify_concerned(*, milestone, effective_at, now) -> dict:
    rule = RULES_BY_KIND[milestone.kind]
    when = local_date(effective_at if rule.boundary == "start" else effective_at - timedelta(seconds=1))
    if rule.boundary == "start":
        body = N_("Vanaf %(day)s: %(milestone)s. Bekijk de kalender van contractjaar %(year)s in het portaal.")
    else:
        body = N_("Uiterlijk %(day)s: %(milestone)s. Bekijk de kalender van contractjaar %(year)s in het portaal.")
    count = notify_audiences(audiences=rule.who, key=f"milestone:{milestone.pk}",
                             subject=N_("Contractjaar %(year)s: %(milestone)s"), body=body,
                             params={"year": milestone.contract_year.year, "day": day(when),
                                     "milestone": label(MilestoneKind(milestone.kind).label)},
                             url="/")
    return {"notified": count}


@milestone_effect("contracting.offers.expire", kinds={MilestoneKind.SIGNING_CLOSE}, order=20)
def expire_unsigned_offers(*, milestone, effective_at, now) -> dict:
    return {"expired": offers_expire(year=milestone.contract_year.year, effective_at=effective_at)}


# A reminder that arrives more than a day late would contradict the next one: skip it.
@milestone_effect("contracting.offers.remind", kinds=REMINDER_KINDS, late_after=timedelta(days=1), order=50)
def remind_unsigned(*, milestone, effective_at, now) -> dict:
    from accounts.models import Membership, Role
    from accounts.services import notify_users

    year = milestone.contract_year.year
    days = SIGNING_REMINDER_DAYS[milestone.kind]
    closes = milestone.contract_year.milestones.get(kind=MilestoneKind.SIGNING_CLOSE).due_at
    practice_ids = Offer.objects.filter(year=year, status=Offer.Status.OPEN, practice__isnull=False).values("practice")
    users = Membership.objects.filter(role__in=[Role.PRACTICE_MEMBER, Role.PRACTICE_SIGNATORY],
                                      practice__in=practice_ids).values_list("user_id", flat=True)
    count = notify_users(
        user_ids=users, key=f"milestone:{milestone.pk}",
        subject=N_("%(days_left)s: uw contracten voor %(year)s ondertekenen"),
        body=N_("U heeft nog niet ondertekende contracten voor %(year)s. Ondertekenen kan tot en met %(last_day)s."),
        params={"year": year, "days_left": plural("Nog %(n)s dag", "Nog %(n)s dagen", days),
                "last_day": day(last_day(closes), "j F")},
        url=reverse("offers:list"))
    return {"notified": count, "days_before": days}


@milestone_effect("contracting.register.publish", kinds={MilestoneKind.REGISTER_PUBLICATION}, order=20)
def publish_register(*, milestone, effective_at, now) -> dict:
    return {"published": register_publish(year=milestone.contract_year.year, effective_at=effective_at)}


@milestone_effect("contracting.follow.flag_undecided", kinds={MilestoneKind.FOLLOW_DECISIONS_DUE}, order=20)
def flag_undecided_follow_requests(*, milestone, effective_at, now) -> dict:
    """On 1 January the undecided follow requests are overdue: counted here for the NZa view (the list itself
    is a query on due_at, so it never goes stale)."""
    pending = FollowRequest.objects.filter(year=milestone.contract_year.year, status=FollowRequest.Status.PENDING)
    return {"undecided": pending.count()}
