"""Which contracting objects a user may see and act on. Views and API start from these querysets, so an
object outside the user's scope is not found (404); an action the user's role does not allow is 403."""

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from accounts.models import Role
from accounts.selectors import (
    care_group_ids_of,
    insurer_ids_of,
    is_nza_or_admin,
    memberships_of,
    practice_ids_of,
)
from core.errors import Forbidden
from insurers.models import PolicyAttachment, PolicyVersion
from providers.models import CareGroup, InsuredCount

from .models import ContractAddendum, FollowRequest, Offer, OwnOffer, Qualification, Request, StandardContract


def offers_visible_to(user) -> QuerySet[Offer]:
    if not user.is_authenticated:
        return Offer.objects.none()
    if is_nza_or_admin(user):
        return Offer.objects.all()
    return Offer.objects.filter(
        Q(insurer__in=insurer_ids_of(user)) | Q(practice__in=practice_ids_of(user))
        | Q(care_group__in=care_group_ids_of(user))
    )


def offer_for_user(user, pk, *, queryset: QuerySet[Offer] | None = None) -> Offer:
    offer = (queryset if queryset is not None else offers_visible_to(user)).filter(pk=pk).first()
    if offer is None:
        raise Http404("Dit aanbod bestaat niet of is niet voor u zichtbaar.")
    return offer


def is_holder_member(user, offer: Offer) -> bool:
    if offer.practice_id:
        return offer.practice_id in practice_ids_of(user)
    return offer.care_group_id in care_group_ids_of(user)


def is_holder_signatory(user, offer: Offer) -> bool:
    for m in memberships_of(user):
        if offer.practice_id and m.role == Role.PRACTICE_SIGNATORY and m.practice_id == offer.practice_id:
            return True
        if offer.care_group_id and m.role == Role.CAREGROUP_SIGNATORY and m.care_group_id == offer.care_group_id:
            return True
    return False


def is_insurer_purchaser(user, insurer_id: int) -> bool:
    return any(m.role == Role.INSURER_PURCHASER and m.insurer_id == insurer_id for m in memberships_of(user))


def require_holder_member(user, offer: Offer) -> None:
    """For services and views: only the holder's own people (actor None is the system)."""
    if user is not None and not is_holder_member(user, offer):
        raise Forbidden("not_holder_member", _("Alleen medewerkers van de zorgaanbieder kunnen dit doen."))


def require_insurer_purchaser(user, insurer_id: int) -> None:
    """For services and views: only a purchaser of this insurer (actor None is the system)."""
    if user is not None and not is_insurer_purchaser(user, insurer_id):
        raise Forbidden("not_purchaser", _("Alleen een zorginkoper van deze zorgverzekeraar kan dit doen."))


def may_see_choice(user, offer: Offer) -> bool:
    """The holder's module choice is its own until it signs: only its people see it before; everyone else (the
    insurer, the NZa, administrators) only the signed content."""
    return offer.status == Offer.Status.SIGNED or is_holder_member(user, offer)


def standard_contracts_visible_to(user) -> QuerySet[StandardContract]:
    """Insurers see their own contracts (drafts included); everyone logged in sees published ones, except a
    care group's negotiated agreement, which only that care group (and its insurer and the NZa) sees."""
    if not user.is_authenticated:
        return StandardContract.objects.none()
    if is_nza_or_admin(user):
        return StandardContract.objects.all()
    # The contract made from a care group's negotiation is that care group's agreement (its tariffs are its
    # own): only its insurer, the care group itself and the NZa see it, not every logged-in user.
    from .models import Negotiation

    agreement = Exists(Negotiation.objects.filter(offer__standard_contract=OuterRef("pk")))
    own_care_group = Exists(Offer.objects.filter(standard_contract=OuterRef("pk"),
                                                 care_group__in=care_group_ids_of(user)))
    published = Q(status=StandardContract.Status.PUBLISHED)
    return StandardContract.objects.filter(
        (published & ~agreement) | Q(insurer__in=insurer_ids_of(user)) | (published & own_care_group)
    )


def oth_insurer_ids_of(user) -> set[int]:
    """The insurers that the user's overlegteams face (an overlegteam faces one insurer)."""
    return {m.overleg_team.insurer_id for m in memberships_of(user) if m.role == Role.OTH_MEMBER and m.overleg_team_id}


def holders_own_contracts() -> Q:
    """A standard contract that is one holder's own: made from a care group's negotiation or from an accepted
    own contract offer (its terms are that practice's or care group's)."""
    from .models import Negotiation

    return Q(Exists(Negotiation.objects.filter(offer__standard_contract=OuterRef("pk")))) | Q(own_offer__isnull=False)


def standard_contracts_readable_by(user) -> QuerySet[StandardContract]:
    """The standard contracts whose content the purchaser's contract page shows (/inkoop/contracten/<id>/voorbeeld/):
    a purchaser's own insurer's, drafts included; an overlegteam member's insurer's published ones, read only,
    except a contract that is one holder's own (holders_own_contracts): an overlegteam never reads a single
    practice's contract. Anyone else: nothing (404)."""
    if not user.is_authenticated:
        return StandardContract.objects.none()
    return StandardContract.objects.filter(Q(insurer__in=insurer_ids_of(user))
                                           | Q(pk__in=overleg_team_contracts(oth_insurer_ids_of(user))))


def overleg_team_contracts(insurer_ids) -> QuerySet[StandardContract]:
    """The standard contracts an overlegteam facing one of `insurer_ids` reads: published, and not one holder's
    own (holders_own_contracts)."""
    return StandardContract.objects.filter(insurer__in=insurer_ids, status=StandardContract.Status.PUBLISHED).exclude(
        holders_own_contracts())


def policy_versions_readable_by(user) -> QuerySet[PolicyVersion]:
    """The published policy versions the purchaser's version page shows (/inkoop/beleid/versies/<id>/): a
    purchaser's own insurer's and an overlegteam member's insurer's. A version is published by being written
    (PolicyVersion); a policy's draft text is never a version, so no draft is read here."""
    if not user.is_authenticated:
        return PolicyVersion.objects.none()
    return PolicyVersion.objects.filter(policy__insurer__in=insurer_ids_of(user) | oth_insurer_ids_of(user))


def standard_contract_for_insurer_user(user, pk) -> StandardContract:
    """A contract the user may edit: one of their own insurer's. Others: 404."""
    contract = StandardContract.objects.filter(pk=pk, insurer__in=insurer_ids_of(user)).first()
    if contract is None:
        raise Http404("Dit standaardcontract bestaat niet of is niet van uw organisatie.")
    return contract


def follow_requests_visible_to(user) -> QuerySet[FollowRequest]:
    if not user.is_authenticated:
        return FollowRequest.objects.none()
    if is_nza_or_admin(user):
        return FollowRequest.objects.all()
    return FollowRequest.objects.filter(
        Q(insurer__in=insurer_ids_of(user)) | Q(offer__practice__in=practice_ids_of(user))
        | Q(offer__care_group__in=care_group_ids_of(user))
    )


def addenda_visible_to(user) -> QuerySet[ContractAddendum]:
    """The addenda of the offers the user may see: the insurer's purchasers, the holder's people, the NZa and
    administrators. Another organisation's addendum is not found."""
    return ContractAddendum.objects.filter(offer__in=offers_visible_to(user))


def own_offers_visible_to(user) -> QuerySet[OwnOffer]:
    """Own contract offers: the holder's people see theirs, an insurer's people those made to it, NZa and
    administrators all; anyone else none (404)."""
    if not user.is_authenticated:
        return OwnOffer.objects.none()
    if is_nza_or_admin(user):
        return OwnOffer.objects.all()
    return OwnOffer.objects.filter(
        Q(insurer__in=insurer_ids_of(user)) | Q(practice__in=practice_ids_of(user))
        | Q(care_group__in=care_group_ids_of(user)))


def own_offer_for_user(user, pk, *, holder_only: bool = False, insurer_only: bool = False) -> OwnOffer:
    """An own offer the user may see (only as its holder's member, or only as its insurer's, if asked);
    otherwise 404."""
    queryset = own_offers_visible_to(user)
    if holder_only:
        queryset = queryset.filter(Q(practice__in=practice_ids_of(user)) | Q(care_group__in=care_group_ids_of(user)))
    if insurer_only:
        queryset = queryset.filter(insurer__in=insurer_ids_of(user))
    own = queryset.select_related("insurer", "practice", "care_group", "contract").filter(pk=pk).first()
    if own is None:
        raise Http404("Dit eigen contractaanbod bestaat niet of is niet voor u zichtbaar.")
    return own
def insured_counts_visible_to(user) -> QuerySet[InsuredCount]:
    """An insurer's purchasers see its own counts; a practice's people the counts of their practice (a care
    group's, those of its practices); the NZa and administrators all."""
    if not user.is_authenticated:
        return InsuredCount.objects.none()
    if is_nza_or_admin(user):
        return InsuredCount.objects.all()
    return InsuredCount.objects.filter(
        Q(insurer__in=insurer_ids_of(user)) | Q(practice__in=practice_ids_of(user))
        | Q(practice__care_groups__in=care_group_ids_of(user))
    ).distinct()


def member_care_groups_visible_to(user) -> QuerySet[CareGroup]:
    """The care groups whose member practices (programmes, POH-S arrangements) the user may see: its own
    people's, and every one for the NZa and administrators. Another care group is not found."""
    if not user.is_authenticated:
        return CareGroup.objects.none()
    if is_nza_or_admin(user):
        return CareGroup.objects.all()
    return CareGroup.objects.filter(pk__in=care_group_ids_of(user))


def requests_visible_to(user) -> QuerySet[Request]:
    """A request is its two parties' alone: the holder's people and the insurer's purchasers (and the portal's
    administrators). The NZa and the overlegteams see counts and anonymised lists only
    (selectors.requests_aggregate), never a practice's request; for them and everyone else it is a 404."""
    if not user.is_authenticated:
        return Request.objects.none()
    if user.is_superuser or Role.ADMINISTRATOR in {m.role for m in memberships_of(user)}:
        return Request.objects.all()
    purchasing = [m.insurer_id for m in memberships_of(user) if m.role == Role.INSURER_PURCHASER]
    return Request.objects.filter(
        Q(insurer__in=purchasing) | Q(practice__in=practice_ids_of(user)) | Q(care_group__in=care_group_ids_of(user))
    )


def request_for_user(user, pk, *, queryset: QuerySet[Request] | None = None) -> Request:
    request = (queryset if queryset is not None else requests_visible_to(user)).filter(pk=pk).first()
    if request is None:
        raise Http404("Dit verzoek bestaat niet of is niet voor u zichtbaar.")
    return request


def questions_visible_to(user) -> QuerySet[Request]:
    """The questions about offers (requests of kind question), as requests_visible_to scopes them."""
    return requests_visible_to(user).filter(kind=Request.Kind.QUESTION)


def is_request_holder_member(user, request: Request) -> bool:
    if request.practice_id:
        return request.practice_id in practice_ids_of(user)
    return request.care_group_id in care_group_ids_of(user)


def is_request_holder_signatory(user, request: Request) -> bool:
    for m in memberships_of(user):
        if request.practice_id and m.role == Role.PRACTICE_SIGNATORY and m.practice_id == request.practice_id:
            return True
        if (request.care_group_id and m.role == Role.CAREGROUP_SIGNATORY
                and m.care_group_id == request.care_group_id):
            return True
    return False


def request_side_of(user, request: Request) -> str | None:
    """Which party `user` acts for on `request`: "holder", "insurer" or None (neither)."""
    if is_request_holder_member(user, request):
        return Request.Side.HOLDER
    if is_insurer_purchaser(user, request.insurer_id):
        return Request.Side.INSURER
    return None


def policy_attachments_visible_to(user) -> QuerySet[PolicyAttachment]:
    """A policy attachment that a published version carries is public, for anyone without logging in (the GCP's
    publication duty); one that is only in a draft is its own insurer's purchasers' alone."""
    published = Exists(PolicyVersion.attachments.through.objects.filter(policyattachment_id=OuterRef("pk")))
    own = [m.insurer_id for m in memberships_of(user) if m.role == Role.INSURER_PURCHASER]
    return PolicyAttachment.objects.filter(published | Q(policy__insurer_id__in=own))


def negotiations_visible_to(user):
    """A care group's negotiations are its own and its insurer's (NZa and administrators see all): another
    organisation's negotiation is not found (404)."""
    from .models import Negotiation

    if not user.is_authenticated:
        return Negotiation.objects.none()
    if is_nza_or_admin(user):
        return Negotiation.objects.all()
    return Negotiation.objects.filter(Q(insurer__in=insurer_ids_of(user)) | Q(care_group__in=care_group_ids_of(user)))


def qualifications_visible_to(user) -> QuerySet[Qualification]:
    """A qualification is its two parties' alone, like a request: the holder's people and the insurer's
    purchasers (and the portal's administrators); for everyone else, the NZa included, a 404."""
    if not user.is_authenticated:
        return Qualification.objects.none()
    if user.is_superuser or Role.ADMINISTRATOR in {m.role for m in memberships_of(user)}:
        return Qualification.objects.all()
    purchasing = [m.insurer_id for m in memberships_of(user) if m.role == Role.INSURER_PURCHASER]
    return Qualification.objects.filter(
        Q(insurer__in=purchasing) | Q(practice__in=practice_ids_of(user)) | Q(care_group__in=care_group_ids_of(user))
    )


def qualification_for_user(user, pk, *, insurer_only: bool = False) -> Qualification:
    queryset = qualifications_visible_to(user)
    if insurer_only:
        queryset = queryset.filter(insurer__in=insurer_ids_of(user))
    qualification = (queryset.select_related("standard_contract", "contract_module__module", "practice",
                                             "care_group", "insurer", "offer", "decided_by")
                     .filter(pk=pk).first())
    if qualification is None:
        raise Http404("Deze kwalificatie bestaat niet of is niet voor u zichtbaar.")
    return qualification


def is_member_of_holder(user, *, practice_id: int | None = None, care_group_id: int | None = None) -> bool:
    if practice_id:
        return practice_id in practice_ids_of(user)
    return bool(care_group_id) and care_group_id in care_group_ids_of(user)
