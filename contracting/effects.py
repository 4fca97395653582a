"""What the contracting app registers with the deadline engine (contracting/engine.py): the GCP calendar
rules, the clocks of questions and follow requests, and the effects of its milestones and clocks (the year's
phase, notices to those concerned, expiry, the register, the next contract year, overdue answers).
Imported once from ContractingConfig.ready()."""

from datetime import timedelta

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts.notices import N_, day, label, plural
from accounts.services import notify_audiences, notify_users
from core.audit import audit_record

from .calendar import (
    APPEAL_WINDOW_CLOCK,
    CONTRACT_YEAR_START,
    CONTRACTING_CALENDAR,
    FOLLOW_DECISION_CLOCK,
    GCP_CALENDAR,
    KNELPUNT_REACTION_CLOCK,
    REQUEST_REACTION_CLOCK,
    REQUEST_SETTLE_CLOCK,
    RULES_BY_KIND,
    SIGNING_REMINDER_KINDS,
    MilestoneKind,
    display_day,
    last_day,
    local_date,
)
from .engine import (
    AtMilestone,
    CalendarDays,
    ClockKind,
    Skip,
    WorkingDays,
    clock_effect,
    milestone_effect,
    register_calendar_rules,
    register_clock_kind,
)
from .models import FollowRequest, HolderKind, Milestone, Offer, Request
from .selectors.calendar import OFFERS_DEADLINE_KIND
from .services import (
    contract_year_advance_phase,
    contract_year_ensure_next,
    negotiations_close,
    offers_expire,
    register_publish,
)
from .services.adjustments import ADJUSTMENT_ACCEPT_CLOCK, adjustment_lapse
from .services.indexation import indexations_apply
from .services.own_offers import OWN_OFFER_DECISION_CLOCK
from .workdays import (
    APPEAL_CALENDAR_DAYS,
    KNELPUNT_CALENDAR_DAYS,
    LABORIOUS_QUESTION_WORKING_DAYS,
    QUESTION_WORKING_DAYS,
)

register_calendar_rules(*CONTRACTING_CALENDAR)

register_clock_kind(ClockKind(
    name=REQUEST_REACTION_CLOCK, label=_("Reactie"),
    duration=WorkingDays(QUESTION_WORKING_DAYS), effect="contracting.request.overdue", due_field="due_at"))
register_clock_kind(ClockKind(
    name=REQUEST_SETTLE_CLOCK, label=_("Afhandeling (bewerkelijk)"),
    duration=WorkingDays(LABORIOUS_QUESTION_WORKING_DAYS), effect="contracting.request.overdue",
    due_field="settle_due_at"))
register_clock_kind(ClockKind(
    name=KNELPUNT_REACTION_CLOCK, label=_("Reactie op knelpunt"),
    duration=CalendarDays(KNELPUNT_CALENDAR_DAYS), effect="contracting.request.overdue", due_field="due_at"))
register_clock_kind(ClockKind(
    name=APPEAL_WINDOW_CLOCK, label=_("Beroepstermijn"), duration=CalendarDays(APPEAL_CALENDAR_DAYS)))
register_clock_kind(ClockKind(
    name=ADJUSTMENT_ACCEPT_CLOCK, label=_("Ondertekenen van een tussentijdse aanpassing"),
    duration=AtMilestone(MilestoneKind.SIGNING_CLOSE), effect="contracting.adjustment.lapse", due_field="due_at"))
for _holder_kind, _clock in OWN_OFFER_DECISION_CLOCK.items():
    # The insurer decides on an own offer by the year's definitive offers (practices 15 September, care
    # groups 15 July), anchored to that milestone and moved with it.
    register_clock_kind(ClockKind(
        name=_clock, label=_("Besluit op eigen contractaanbod"),
        duration=AtMilestone(OFFERS_DEADLINE_KIND[_holder_kind]), effect="contracting.own_offer.overdue",
        due_field="due_at"))
register_clock_kind(ClockKind(
    name=FOLLOW_DECISION_CLOCK, label=_("Besluit op volgverzoek"),
    duration=AtMilestone(MilestoneKind.FOLLOW_DECISIONS_DUE), effect="contracting.follow_request.overdue",
    due_field="due_at"))


# --- Milestones ----------------------------------------------------------------------------------------
@milestone_effect("contracting.phase", kinds={r.kind for r in GCP_CALENDAR if r.phase}, order=10)
def advance_phase(*, milestone, effective_at, now) -> dict:
    rule = RULES_BY_KIND[milestone.kind]
    changed = contract_year_advance_phase(contract_year=milestone.contract_year, phase=rule.phase,
                                          effective_at=effective_at)
    return {"phase": rule.phase, "changed": changed}


# A notice found more than three days after its milestone (the worker was down) is no news any more.
# Reminders go only to practices that still have something to sign (below), not to everyone.
@milestone_effect("contracting.notify", kinds={r.kind for r in GCP_CALENDAR} - SIGNING_REMINDER_KINDS,
                  late_after=timedelta(days=3), order=90)
def notify_concerned(*, milestone, effective_at, now) -> dict:
    rule = RULES_BY_KIND[milestone.kind]
    when = display_day(effective_at, rule.boundary)
    if rule.boundary == "start":
        body = N_("Vanaf %(day)s: %(milestone)s. Bekijk de kalender van contractjaar %(year)s in het portaal.")
    else:
        body = N_("Uiterlijk %(day)s: %(milestone)s. Bekijk de kalender van contractjaar %(year)s in het portaal.")
    count = notify_audiences(audiences=rule.who, key=f"milestone:{milestone.pk}",
                             subject=N_("Contractjaar %(year)s: %(milestone)s"), body=body,
                             params={"year": milestone.contract_year.year, "day": day(when),
                                     "milestone": label(milestone.label)},
                             url="/")
    return {"notified": count}


@milestone_effect("contracting.offers.expire", kinds={MilestoneKind.SIGNING_CLOSE}, order=20)
def expire_unsigned_offers(*, milestone, effective_at, now) -> dict:
    return {"expired": offers_expire(year=milestone.contract_year.year, effective_at=effective_at)}


# Care groups negotiate and sign by the end of 1 October: their unsigned offers expire then, once (each
# audited), and negotiations without agreement close.
@milestone_effect("contracting.caregroup_offers.expire", kinds={MilestoneKind.CAREGROUP_SIGNING_CLOSE}, order=20)
def expire_unsigned_caregroup_offers(*, milestone, effective_at, now) -> dict:
    year = milestone.contract_year.year
    expired = offers_expire(year=year, effective_at=effective_at, holder_kind=HolderKind.CARE_GROUP)
    return {"expired": expired, "negotiations_closed": negotiations_close(year=year, effective_at=effective_at)}


@milestone_effect("contracting.caregroup_offers.flag_late", kinds={MilestoneKind.CAREGROUP_OFFERS}, order=20)
def flag_caregroup_offers_late(*, milestone, effective_at, now) -> dict:
    """By 15 July the insurers' offers to the care groups in their regions are out: the ones missing are
    counted here (the list itself is a query, selectors.caregroup_offers_late, so it never goes stale)."""
    from .selectors import caregroup_offers_late

    late = caregroup_offers_late(milestone.contract_year.year, now=effective_at)
    return {"late": len(late)}


# When signing for year Y closes, year Y+1 and its calendar exist (the sweep also creates it at once if it is
# missing, e.g. on a fresh database): its cycle starts with the evaluation on 1 January.
@milestone_effect("contracting.next_year", kinds={MilestoneKind.SIGNING_CLOSE}, order=30)
def create_next_year(*, milestone, effective_at, now) -> dict:
    return contract_year_ensure_next(year=milestone.contract_year.year)


# A reminder found late (the worker was down) still goes out while signing is open, with the days actually
# left; it is skipped once signing has closed, or when a later reminder of the same year is due as well (so a
# long outage does not send three stale reminders at once: only the latest goes out).
@milestone_effect("contracting.offers.remind", kinds=SIGNING_REMINDER_KINDS, order=50)
def remind_unsigned(*, milestone, effective_at, now) -> dict:
    from accounts.models import Membership, Role

    year = milestone.contract_year.year
    siblings = {m.kind: m for m in Milestone.objects.filter(
        contract_year_id=milestone.contract_year_id, kind__in=[*SIGNING_REMINDER_KINDS, MilestoneKind.SIGNING_CLOSE])}
    closes = siblings[MilestoneKind.SIGNING_CLOSE].due_at
    if now >= closes:
        raise Skip("signing_closed", closes=closes.isoformat())
    later = sorted((m for m in siblings.values() if m.kind in SIGNING_REMINDER_KINDS
                    and milestone.due_at < m.due_at <= now), key=lambda m: m.due_at)
    if later:
        raise Skip("superseded", by=later[-1].kind)
    days = (last_day(closes) - local_date(now)).days
    if days == 0:
        subject = N_("Vandaag is de laatste dag: uw contracten voor %(year)s ondertekenen")
    else:
        subject = N_("%(days_left)s: uw contracten voor %(year)s ondertekenen")
    practice_ids = Offer.objects.filter(year=year, status=Offer.Status.OPEN, practice__isnull=False).values("practice")
    users = Membership.objects.filter(role__in=[Role.PRACTICE_MEMBER, Role.PRACTICE_SIGNATORY],
                                      practice__in=practice_ids).values_list("user_id", flat=True)
    count = notify_users(
        user_ids=users, key=f"milestone:{milestone.pk}", subject=subject,
        body=N_("U heeft nog niet ondertekende contracten voor %(year)s. Ondertekenen kan tot en met %(last_day)s."),
        params={"year": year, "days_left": plural("Nog %(n)s dag", "Nog %(n)s dagen", days),
                "last_day": day(last_day(closes), "j F")},
        url=reverse("offers:list"))
    return {"notified": count, "days_left": days}


@milestone_effect("contracting.register.publish", kinds={MilestoneKind.REGISTER_PUBLICATION}, order=20)
def publish_register(*, milestone, effective_at, now) -> dict:
    return {"published": register_publish(year=milestone.contract_year.year, effective_at=effective_at)}


@milestone_effect("contracting.follow.flag_undecided", kinds={MilestoneKind.FOLLOW_DECISIONS_DUE}, order=20)
def flag_undecided_follow_requests(*, milestone, effective_at, now) -> dict:
    """Before 1 January the follow requests must be decided: the undecided ones are counted here for the NZa
    view (each request's own clock records it as overdue; the list itself is a query, so it never goes
    stale)."""
    pending = FollowRequest.objects.filter(year=milestone.contract_year.year, status=FollowRequest.Status.PENDING)
    return {"undecided": pending.count()}


# Running multi-year contracts with an indexation clause get the year's index figure at 00:00 on 1 January
# (services.indexation); after downtime it still applies, as of the milestone's moment, never twice.
@milestone_effect("contracting.indexation.apply", kinds={CONTRACT_YEAR_START}, order=20)
def apply_indexation(*, milestone, effective_at, now) -> dict:
    return indexations_apply(year=milestone.contract_year.year, effective_at=effective_at)


# --- Clocks ----------------------------------------------------------------------------------------------
def request_overdue_notice_key(request_id: int, clock_kind: str) -> str:
    """The key of the notice that a request was not reacted to (or settled) in time: one per request and clock."""
    if clock_kind == REQUEST_SETTLE_CLOCK:
        return f"request-settle-overdue:{request_id}"
    return f"request-overdue:{request_id}"


def follow_overdue_notice_key(follow_request_id: int) -> str:
    """The key of the holder's notice of a follow request not decided in time."""
    return f"follow-overdue:{follow_request_id}"


@clock_effect("contracting.request.overdue")
def request_overdue(*, clock, obj, effective_at, now) -> dict:
    """A request not reacted to (or, marked laborious, not settled) in time: recorded as overdue, and the side
    that had to act is told once (every list shows it as late from the due moment on, sweep or no sweep)."""
    from .selectors.requests import request_notice_params, request_other_side_users, request_url

    request = obj
    if not request.is_open:
        raise Skip("settled")
    audit_record(actor=None, verb="contracting.request.overdue", obj=request,
                 after={"clock": clock.kind, "due_at": clock.due_at})
    if clock.kind == REQUEST_REACTION_CLOCK and request.kind == Request.Kind.QUESTION:
        subject = N_("Vraag niet op tijd beantwoord: %(contract)s")
        body = N_("De vraag van %(holder)s moest uiterlijk %(last_day)s beantwoord zijn. Beantwoord haar zo snel "
                  "mogelijk.")
    elif clock.kind == REQUEST_SETTLE_CLOCK:
        subject = N_("Niet op tijd afgehandeld: %(subject)s")
        body = N_("%(kind)s (%(holder)s, %(insurer)s) moest uiterlijk %(last_day)s afgehandeld zijn. Handel het zo "
                  "snel mogelijk af.")
    else:
        subject = N_("Niet op tijd gereageerd: %(subject)s")
        body = N_("Op dit verzoek (%(kind)s; %(holder)s, %(insurer)s) moest uiterlijk %(last_day)s gereageerd "
                  "zijn. Reageer zo snel mogelijk.")
    count = notify_users(
        user_ids=request_other_side_users(request), key=request_overdue_notice_key(request.pk, clock.kind),
        subject=subject, body=body,
        params={**request_notice_params(request), "last_day": day(last_day(clock.due_at))},
        url=request_url(request, side=request_other_side(request)))
    return {"notified": count}


def request_other_side(request) -> str:
    return Request.Side.INSURER if request.side == Request.Side.HOLDER else Request.Side.HOLDER


@clock_effect("contracting.follow_request.overdue")
def follow_request_overdue(*, clock, obj, effective_at, now) -> dict:
    """No decision on a follow request before its deadline: recorded as overdue, and the practice or care
    group that asked is told once, so it knows to contact the insurer (GCP: an insurer that does not follow
    says so in time)."""
    from accounts.models import Membership

    follow_request = obj
    if follow_request.status != FollowRequest.Status.PENDING:
        raise Skip("decided")
    offer = follow_request.offer
    audit_record(actor=None, verb="contracting.follow_request.overdue", obj=follow_request,
                 after={"due_at": clock.due_at})
    holder = {"practice_id": offer.practice_id} if offer.practice_id else {"care_group_id": offer.care_group_id}
    count = notify_users(
        user_ids=Membership.objects.filter(**holder).values_list("user_id", flat=True),
        key=follow_overdue_notice_key(follow_request.pk),
        subject=N_("Geen besluit op tijd op uw volgverzoek aan %(insurer)s"),
        body=N_("%(insurer)s heeft uiterlijk %(last_day)s niet besloten of het uw contract volgt. Neem contact op "
                "met de verzekeraar."),
        params={"insurer": follow_request.insurer.name, "last_day": day(last_day(clock.due_at))},
        url=reverse("offers:detail", args=[offer.pk]) + "#volgen")
    return {"notified": count}


def own_offer_overdue_notice_key(own_offer_id: int) -> str:
    return f"own-offer-overdue:{own_offer_id}"


@clock_effect("contracting.own_offer.overdue")
def own_offer_overdue(*, clock, obj, effective_at, now) -> dict:
    """No decision on an own offer by the year's definitive offers: recorded as overdue, and the practice or
    care group that made it is told once."""
    from accounts.models import Membership

    own = obj
    if own.status != own.Status.SUBMITTED:
        raise Skip("decided")
    audit_record(actor=None, verb="contracting.own_offer.overdue", obj=own, after={"due_at": clock.due_at})
    holder = {"practice_id": own.practice_id} if own.practice_id else {"care_group_id": own.care_group_id}
    count = notify_users(
        user_ids=Membership.objects.filter(**holder).values_list("user_id", flat=True),
        key=own_offer_overdue_notice_key(own.pk),
        subject=N_("Geen besluit op tijd op uw eigen contractaanbod aan %(insurer)s"),
        body=N_("%(insurer)s moest uiterlijk %(last_day)s besluiten over ‘%(title)s’. Neem contact op met de "
                "verzekeraar."),
        params={"insurer": own.insurer.name, "title": own.title, "last_day": day(last_day(clock.due_at))},
        url=reverse("offers:own_offer", args=[own.pk]))
    return {"notified": count}


@clock_effect("contracting.adjustment.lapse")
def adjustment_lapses(*, clock, obj, effective_at, now) -> dict:
    """A mid-term adjustment not accepted by the end of its year's signing lapses: the contract runs on as it
    was (services.adjustments)."""
    if not adjustment_lapse(adjustment=obj, effective_at=effective_at):
        raise Skip("decided")
    return {"lapsed": True}
