"""Volgen: a provider offers its signed contract to other insurers; each decides before 1 January (the
follow-decision milestone; a request's decision clock is anchored to it and moves with it)."""

from datetime import datetime

from django.db import transaction
from django.urls import reverse
from django.utils import formats
from django.utils.translation import gettext as _

from accounts.notices import N_, label
from core.audit import audit_record
from core.errors import ConflictError, PortalError
from insurers.models import Insurer

from ..calendar import FOLLOW_DECISION_CLOCK, RULES_BY_KIND, MilestoneKind, last_day
from ..models import FollowRequest, Milestone, Offer
from .clocks import clock_done, clock_start
from .register import register_add_offer


def follow_decision_milestone(year: int) -> Milestone:
    milestone = Milestone.objects.filter(contract_year__year=year, kind=MilestoneKind.FOLLOW_DECISIONS_DUE).first()
    if milestone is None:
        raise ConflictError("no_contract_year", _("Contractjaar %(year)s heeft nog geen kalender.") % {"year": year})
    return milestone


def follow_decision_due(year: int) -> datetime:
    """When follow requests of `year` are due: the follow-decision milestone as stored (the default before
    the year has a calendar)."""
    milestone = Milestone.objects.filter(contract_year__year=year, kind=MilestoneKind.FOLLOW_DECISIONS_DUE).first()
    return milestone.due_at if milestone else RULES_BY_KIND[MilestoneKind.FOLLOW_DECISIONS_DUE].due_at(year)


def follow_requests_refusal(year: int, now: datetime, *, milestone: Milestone | None = None) -> ConflictError | None:
    """Why a signed contract of `year` can no longer be offered to other insurers at `now`, or None: once the
    follow decisions are due, a new request would be overdue the moment it is made. The follow page asks this
    too, so it never offers what the service refuses."""
    milestone = milestone or follow_decision_milestone(year)
    if now < milestone.due_at:
        return None
    return ConflictError("follow_window_closed",
                         _("Aanbieden ter volging kon tot en met %(day)s; de verzekeraars hebben voor %(year)s "
                           "besloten.")
                         % {"day": formats.date_format(last_day(milestone.due_at), "j F Y"), "year": year})


def follow_request_notice_key(follow_request_id: int) -> str:
    """The key of the purchasers' notice of a new follow request."""
    return f"follow:{follow_request_id}"


def follow_decided_notice_key(follow_request_id: int) -> str:
    """The key of the holder's notice of the decision on its follow request."""
    return f"follow-decided:{follow_request_id}"


def follow_requests_create(*, actor, offer: Offer, insurers: list[Insurer], now: datetime) -> list[FollowRequest]:
    """Offer a signed contract to other insurers in one action, one request each. Insurers that already
    have a request for this contract are left alone (safe to repeat)."""
    from ..access import require_holder_member

    require_holder_member(actor, offer)
    if offer.status != Offer.Status.SIGNED:
        raise ConflictError("offer_not_signed",
                            _("Alleen een ondertekend contract kan ter volging worden aangeboden."))
    targets = {i.pk: i for i in insurers}
    if not targets:
        raise PortalError("insurers_required", _("Kies ten minste één verzekeraar."),
                          fields={"insurers": [_("Verplicht.")]})
    if offer.insurer_id in targets:
        raise PortalError("own_insurer", _("Dit contract is al met deze verzekeraar gesloten."),
                          fields={"insurers": [_("De eigen verzekeraar kan niet volgen.")]})
    milestone = follow_decision_milestone(offer.year)
    refusal = follow_requests_refusal(offer.year, now, milestone=milestone)
    if refusal is not None:
        raise refusal
    with transaction.atomic():
        Offer.objects.select_for_update().get(pk=offer.pk)
        existing = {fr.insurer_id: fr for fr in FollowRequest.objects.filter(offer=offer, insurer__in=targets)}
        created = []
        for pk in sorted(targets):
            if pk in existing:
                continue
            fr = FollowRequest.objects.create(offer=offer, insurer_id=pk, year=offer.year, requested_by=actor,
                                              requested_at=now)
            # Due with the follow-decision milestone, and moved with it (this also writes fr.due_at).
            clock_start(actor=actor, obj=fr, kind=FOLLOW_DECISION_CLOCK, started_at=now, milestone=milestone)
            audit_record(actor=actor, verb="contracting.follow_request.created", obj=fr,
                         after={"insurer": pk, "due_at": fr.due_at})
            created.append(fr)
    if created:
        from accounts.models import Membership, Role
        from accounts.services import notify_users

        for fr in created:
            users = Membership.objects.filter(role=Role.INSURER_PURCHASER, insurer_id=fr.insurer_id)
            notify_users(user_ids=users.values_list("user_id", flat=True), key=follow_request_notice_key(fr.pk),
                         subject=N_("Volgverzoek van %(holder)s"),
                         body=N_("%(holder)s biedt het ondertekende contract van %(insurer)s ter volging aan."),
                         params={"holder": offer.holder.name, "insurer": offer.insurer.name},
                         url=reverse("purchasing:follow_request", args=[fr.pk]))
    return [*existing.values(), *created]


def follow_request_decide(*, actor, follow_request: FollowRequest, decision: str, now: datetime,
                          explanation: str = "", not_followed: list[str] | None = None) -> FollowRequest:
    """Follow, follow partially (naming the modules or tariffs not followed) or decline. Partial and decline
    need an explanation (GCP: an insurer that does not follow says so in time and explains why). Deciding
    the same way again changes nothing; changing a decision is refused."""
    from ..access import require_insurer_purchaser

    require_insurer_purchaser(actor, follow_request.insurer_id)
    explanation = (explanation or "").strip()
    not_followed = sorted(set(not_followed or []))
    if decision not in (FollowRequest.Status.FOLLOWED, FollowRequest.Status.PARTIAL, FollowRequest.Status.DECLINED):
        raise PortalError("invalid_decision", _("Kies volgen, gedeeltelijk volgen of niet volgen."),
                          fields={"decision": [_("Ongeldige keuze.")]})
    if decision != FollowRequest.Status.FOLLOWED and not explanation:
        raise PortalError("explanation_required",
                          _("Licht toe waarom u het contract niet of niet geheel volgt."),
                          fields={"explanation": [_("Verplicht bij gedeeltelijk volgen of niet volgen.")]})
    with transaction.atomic():
        locked = FollowRequest.objects.select_for_update(of=("self",)).select_related("offer__signature").get(
            pk=follow_request.pk)
        codes = {m["code"] for m in locked.offer.signature.content["modules"]}
        if decision == FollowRequest.Status.PARTIAL:
            if not not_followed:
                raise PortalError("not_followed_required", _("Noem de modules of tarieven die u niet volgt."),
                                  fields={"not_followed": [_("Verplicht bij gedeeltelijk volgen.")]})
            unknown = set(not_followed) - codes
            if unknown:
                raise PortalError("unknown_modules",
                                  _("Deze modules staan niet in het contract: %(modules)s")
                                  % {"modules": ", ".join(sorted(unknown))},
                                  fields={"not_followed": [_("Onbekende module.")]})
        else:
            not_followed = []
        if locked.status != FollowRequest.Status.PENDING:
            if (locked.status, locked.not_followed, locked.explanation) == (decision, not_followed, explanation):
                return locked
            raise ConflictError("already_decided", _("Op dit verzoek is al besloten: %(decision)s.")
                                % {"decision": locked.get_status_display()})
        locked.status, locked.explanation, locked.not_followed = decision, explanation, not_followed
        locked.decided_by, locked.decided_at = actor, now
        locked.save(update_fields=["status", "explanation", "not_followed", "decided_by", "decided_at"])
        clock_done(actor=actor, obj=locked, kind=FOLLOW_DECISION_CLOCK, at=now)
        audit_record(actor=actor, verb="contracting.follow_request.decided", obj=locked,
                     before={"status": "pending"},
                     after={"status": decision, "not_followed": not_followed, "late": now >= locked.due_at})
        if decision != FollowRequest.Status.DECLINED:
            # Decisions are due by 1 January, after the register's publication: a followed contract joins it then.
            register_add_offer(offer=locked.offer, insurer_id=locked.insurer_id, now=now)
        _notify_holder_of_decision(locked)
    return locked


def _notify_holder_of_decision(follow_request: FollowRequest) -> None:
    """The practice or care group hears the insurer's decision."""
    from accounts.models import Membership
    from accounts.services import notify_users

    offer = follow_request.offer
    holder = {"practice_id": offer.practice_id} if offer.practice_id else {"care_group_id": offer.care_group_id}
    if follow_request.explanation:
        body = N_("%(insurer)s besloot: %(decision)s. Toelichting: %(explanation)s")
    else:
        body = N_("%(insurer)s besloot: %(decision)s.")
    notify_users(user_ids=Membership.objects.filter(**holder).values_list("user_id", flat=True),
                 key=follow_decided_notice_key(follow_request.pk),
                 subject=N_("Besluit op uw volgverzoek aan %(insurer)s"), body=body,
                 params={"insurer": follow_request.insurer.name, "explanation": follow_request.explanation,
                         "decision": label(FollowRequest.Status(follow_request.status).label)},
                 url=reverse("offers:detail", args=[offer.pk]) + "#volgen")
