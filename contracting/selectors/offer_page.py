"""What the practice's offer pages show: the holder's offers and the year the list opens on, the follow requests
the reader may see, the policy version an offer comes with, and the module choice as the reader may see it.
Reads only; the views render them."""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Q
from django.utils.formats import number_format

from accounts.selectors import care_group_ids_of, practice_ids_of
from core.text import render_policy_text
from insurers.models import PolicyVersion

from ..access import follow_requests_visible_to, may_see_choice, offers_visible_to
from ..calendar import Deadline, MilestoneKind
from ..models import ContractModule, ContractYear, FollowRequest, Offer, Request, Signature, covering
from ..pricing import cap_hours_for, needs_hours
from .calendar import signing_year_default
from .offers import offer_policy_version, segment_label, unit_label


def holder_offers(user):
    """Offers held by the user's own practices and care groups (not every offer the user may look at)."""
    return offers_visible_to(user).filter(
        Q(practice__in=practice_ids_of(user)) | Q(care_group__in=care_group_ids_of(user)))


def offers_for_year(queryset, year: int):
    """The offers of `queryset` that belong in year `year`'s lists: those made for `year`, and the signed ones
    of a multi-year contract that started earlier and still covers `year` (models.covering): in force without
    signing again, shown as "loopt door tot en met …". For the holder's list, the insurer's and the API's."""
    running = covering(Offer.objects.filter(status=Offer.Status.SIGNED, year__lt=year), year,
                       "standard_contract__")
    return queryset.filter(Q(year=year) | Q(pk__in=running.values("pk")))


def runs_on(offer: Offer, year: int) -> bool:
    """A signed offer shown in a later year of its term (it needs no signature for `year`)."""
    return offer.status == Offer.Status.SIGNED and offer.year < year <= offer.standard_contract.last_year


def visible_follow_requests(user):
    """Follow requests the user may see (access.follow_requests_visible_to, the API's rule): the holder's people
    see all of theirs, an insurer only the one addressed to it, so the insurer of the signed contract sees none
    of the other insurers' decisions and explanations."""
    return follow_requests_visible_to(user).select_related("insurer").order_by("insurer__name")


def with_deadlines(rows: list, now: datetime) -> list:
    """Follow requests or questions, each with `deadline`: its stored due moment read as every page reads a
    deadline (calendar.Deadline: the last day, the days left or how late), for includes/deadline.html."""
    for row in rows:
        row.deadline = Deadline.of(row.due_at, now)
    return rows


def offer_follow_requests(user, offer: Offer, signature: Signature | None, now: datetime) -> list[FollowRequest]:
    names = {m["code"]: m["name"] for m in signature.content["modules"]} if signature else {}
    rows = with_deadlines(list(visible_follow_requests(user).filter(offer=offer)), now)
    for fr in rows:
        fr.not_followed_names = [names.get(code, code) for code in fr.not_followed]
    return rows


def offer_questions(offer: Offer, now: datetime) -> list[Request]:
    """The offer's questions (requests of kind question) in the order asked, each with its answer deadline
    (`deadline`), the settlement deadline of a laborious one (`settle_deadline`) and whether the answer came
    after them (`answered_late`)."""
    questions = with_deadlines(list(offer.requests.filter(kind=Request.Kind.QUESTION).order_by("raised_at", "id")),
                               now)
    for question in questions:
        question.settle_deadline = Deadline.of(question.settle_due_at, now) if question.settle_due_at else None
        question.answered_late = question.answered_at is not None and question.answered_at >= (
            question.settle_due_at or question.due_at)
    return questions


def offer_policy_context(offer: Offer, signature: Signature | None) -> dict:
    """The purchasing-policy version the offer's pages show: for a signed offer the one it was signed under (and
    whether a later one came out, which does not apply to it), otherwise the latest; and its text rendered."""
    policy = offer_policy_version(offer, signature)
    newer = None
    if signature is not None and policy is not None:
        newer = (PolicyVersion.objects.filter(policy_id=policy.policy_id, number__gt=policy.number)
                 .order_by("-number").first())
    # The text as every page shows a policy: paragraphs, '# ' headings (under the section's h2) and '- ' lists.
    return {"policy": policy, "policy_signed": signature is not None, "policy_newer": newer,
            "policy_text": render_policy_text(policy.body, heading_level=3) if policy is not None else ""}


def display_content(content: dict) -> dict:
    """A copy of frozen contract content with readable unit and segment labels, for the templates."""
    modules = [{**m, "unit_label": unit_label(m["unit"]), "segment_label": segment_label(m["segment"])}
               for m in content.get("modules", [])]
    return {**content, "modules": modules}


def offer_contract_modules(offer: Offer) -> list[ContractModule]:
    return list(offer.standard_contract.modules.select_related("module")
                .order_by("module__segment", "module__sort_order", "id"))


@dataclass
class ChoiceState:
    ticked: set[str]
    hours: dict[str, str]


def saved_choice_state(offer: Offer, contract_modules: list[ContractModule], patients: int,
                        *, user) -> ChoiceState:
    """The saved choice, for those who may see it (access.may_see_choice); the insurer and others see only the
    mandatory modules until the offer is signed."""
    saved = {c.contract_module_id: c.hours for c in offer.choices.all()} if may_see_choice(user, offer) else {}
    if saved:
        by_id = {cm.pk: cm for cm in contract_modules}
        ticked = {by_id[pk].module.code for pk in saved if pk in by_id}
        hours = {by_id[pk].module.code: number_format(h, 1) for pk, h in saved.items() if pk in by_id and h}
    else:
        ticked, hours = set(), {}
    # Mandatory modules are always part of the contract; an hour module among them starts at the cap.
    for cm in contract_modules:
        if cm.mandatory:
            ticked.add(cm.module.code)
            if needs_hours(cm) and cm.module.code not in hours:
                cap = cap_hours_for(cm, patients)
                hours[cm.module.code] = number_format(cap, 1) if cap is not None else ""
    return ChoiceState(ticked=ticked, hours=hours)


def offers_default_year(user, now) -> int:
    """The year the page opens on: the earliest year whose follow decisions are still ahead and of which the
    user's organisations hold offers (in December the contract just signed, to offer to other insurers until
    1 January), otherwise the year whose signing is open or next. One query when there are such offers."""
    in_contracting = ContractYear.objects.filter(milestones__kind=MilestoneKind.FOLLOW_DECISIONS_DUE,
                                                 milestones__due_at__gt=now).values("year")
    year = (holder_offers(user).filter(year__in=in_contracting).order_by("year")
            .values_list("year", flat=True).first())
    return year if year is not None else signing_year_default(now)
