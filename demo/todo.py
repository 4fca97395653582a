"""What a demo login has to do now, in a few words, for the demo_logins table: the same counts and deadlines
the portal's own pages show that user (the inbox, the signing window, the offers, the NZa tariffs), read
through the contracting selectors. Empty when there is nothing for the role to act on now."""

from datetime import datetime

from django.db.models import Q
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import Membership, Notification, Role
from contracting.calendar import MilestoneKind
from contracting.models import FollowRequest, HolderKind, Module, Offer, Question, Segment, StandardContract
from contracting.selectors import (
    contract_year_current,
    inbox_counts,
    milestone_deadline,
    signing_window_at,
    unsigned_offers,
)
from insurers.models import Insurer, PolicyVersion


def _day(deadline) -> str:
    return date_format(deadline.day, "j F Y")


def _purchaser(membership: Membership, year: int, now: datetime) -> list[str]:
    insurer_id = membership.insurer_id
    waiting = inbox_counts(insurer_id=insurer_id, now=now)
    todo = []
    follow = waiting["follow_requests"]
    if follow["open"]:
        todo.append(ngettext("%(n)d volgverzoek wacht op uw besluit", "%(n)d volgverzoeken wachten op uw besluit",
                             follow["open"]) % {"n": follow["open"]})
    questions = waiting["questions"]
    if questions["overdue"]:
        todo.append(ngettext("%(n)d vraag te laat", "%(n)d vragen te laat", questions["overdue"])
                    % {"n": questions["overdue"]})
    inside = questions["open"] - questions["overdue"]
    if inside:
        todo.append(ngettext("%(n)d open vraag binnen de termijn", "%(n)d open vragen binnen de termijn", inside)
                    % {"n": inside})
    policy_due = milestone_deadline(year, MilestoneKind.POLICY_PUBLICATION, now)
    if policy_due and not PolicyVersion.objects.filter(policy__insurer_id=insurer_id, policy__year=year).exists():
        if policy_due.passed:
            todo.append(_("inkoopbeleid %(year)s publiceren (te laat)") % {"year": year})
        else:
            todo.append(_("inkoopbeleid %(year)s publiceren (uiterlijk %(day)s)")
                        % {"year": year, "day": _day(policy_due)})
    contracts = StandardContract.objects.filter(insurer_id=insurer_id, holder_kind=HolderKind.PRACTICE,
                                                first_year=year)
    offers_due = milestone_deadline(year, MilestoneKind.INDIVIDUAL_OFFERS_FINAL, now)
    if (offers_due and not offers_due.passed and contracts.exists()
            and not contracts.filter(status=StandardContract.Status.PUBLISHED).exists()):
        todo.append(_("concept-standaardcontract %(year)s afmaken en publiceren (uiterlijk %(day)s)")
                    % {"year": year, "day": _day(offers_due)})
    window = signing_window_at(year, now)
    if window and window.state == "open":
        unsigned = unsigned_offers(insurer_id=insurer_id, year=year).count()
        if unsigned:
            todo.append(ngettext("ondertekening volgen: %(n)d praktijk tekende nog niet",
                                 "ondertekening volgen: %(n)d praktijken tekenden nog niet", unsigned)
                        % {"n": unsigned})
    return todo


def _holder(membership: Membership, year: int, now: datetime) -> list[str]:
    """A practice's people: offers to look at, sign or offer to other insurers, and questions waiting."""
    practice_id = membership.practice_id
    todo = []
    window = signing_window_at(year, now)
    offers = list(Offer.objects.filter(practice_id=practice_id, year=year).select_related("insurer"))
    for offer in offers:
        if offer.status != Offer.Status.OPEN or window is None:
            continue
        if window.state == "open":
            if membership.role == Role.PRACTICE_SIGNATORY:
                todo.append(_("contract van %(insurer)s ondertekenen (uiterlijk %(day)s)")
                            % {"insurer": offer.insurer.name, "day": date_format(window.last_day, "j F Y")})
            else:
                todo.append(_("modules kiezen en de tekenbevoegde vragen het contract van %(insurer)s te tekenen")
                            % {"insurer": offer.insurer.name})
        elif window.state == "before":
            todo.append(_("aanbod van %(insurer)s bekijken en modules kiezen (ondertekenen vanaf %(day)s)")
                        % {"insurer": offer.insurer.name, "day": date_format(window.first_day, "j F Y")})
    follow_due = milestone_deadline(year, MilestoneKind.FOLLOW_DECISIONS_DUE, now)
    if follow_due and not follow_due.passed:
        insurers = Insurer.objects.count()
        for offer in offers:
            if offer.status == Offer.Status.SIGNED:
                left = insurers - 1 - FollowRequest.objects.filter(offer=offer).count()
                if left > 0:
                    todo.append(ngettext(
                        "ondertekend contract van %(insurer)s aanbieden aan een andere verzekeraar (nog %(n)d)",
                        "ondertekend contract van %(insurer)s aanbieden aan andere verzekeraars (nog %(n)d)", left)
                        % {"insurer": offer.insurer.name, "n": left})
    unanswered = Question.objects.filter(offer__practice_id=practice_id, answered_at__isnull=True)
    mine = unanswered.filter(asked_by=membership.user).count()
    if mine:
        todo.append(ngettext("wacht op antwoord op %(n)d eigen vraag", "wacht op antwoord op %(n)d eigen vragen",
                             mine) % {"n": mine})
    decided = FollowRequest.objects.filter(offer__practice_id=practice_id, year=year).exclude(
        status=FollowRequest.Status.PENDING).values_list("pk", flat=True)
    decisions = Notification.objects.filter(user=membership.user, read_at__isnull=True,
                                            key__in=[f"follow-decided:{pk}" for pk in decided]).count()
    if decisions:
        todo.append(ngettext("%(n)d besluit op een volgverzoek in de inbox",
                             "%(n)d besluiten op volgverzoeken in de inbox", decisions) % {"n": decisions})
    return todo


def _nza(year: int, now: datetime) -> list[str]:
    modules = Module.objects.filter(segment=Segment.S1, has_nza_max=True)
    missing = modules.exclude(Q(nza_tariffs__year=year)).count()
    due = milestone_deadline(year, MilestoneKind.NZA_TARIFFS, now)
    if missing and due:
        return [ngettext("%(n)d NZa-maximumtarief %(year)s vaststellen (uiterlijk %(day)s)",
                         "%(n)d NZa-maximumtarieven %(year)s vaststellen (uiterlijk %(day)s)", missing)
                % {"n": missing, "year": year, "day": _day(due)}]
    return []


def demo_todo(membership: Membership, now: datetime) -> str:
    """What this membership's user has to do now, or "" (one line, Dutch unless another language is active)."""
    current = contract_year_current(now)
    if current is None:
        return ""
    year = current.year
    if membership.role == Role.INSURER_PURCHASER:
        todo = _purchaser(membership, year, now)
    elif membership.role in (Role.PRACTICE_MEMBER, Role.PRACTICE_SIGNATORY):
        todo = _holder(membership, year, now)
    elif membership.role == Role.NZA_ANALYST:
        todo = _nza(year, now)
    else:
        todo = []
    return "; ".join(todo)

