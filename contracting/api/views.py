"""The contracting API: contract years, offers (choose, sign, refuse, ask), follow requests, standard contracts
and the public register.

Every queryset starts from contracting.access, so an object outside the user's scope is not found (404); an
action the user's role does not allow on an object they can see is 403 with a code. The rules live in
contracting.services; a PortalError they raise becomes {"code", "detail", "fields"} with its own status
(core.api.exception_handler).
"""

from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response

from accounts.api.serializers import ErrorSerializer
from accounts.authentication import request_two_factor_verified
from accounts.selectors import care_group_ids_of, insurer_ids_of, is_nza_or_admin, practice_ids_of
from contracting.access import (
    addenda_visible_to,
    follow_requests_visible_to,
    insured_counts_visible_to,
    offers_visible_to,
    own_offers_visible_to,
    questions_visible_to,
    standard_contracts_visible_to,
)
from contracting.calendar import local_date
from contracting.models import (
    ContractAddendum,
    ContractAdjustment,
    ContractIndex,
    ContractModule,
    ContractYear,
    FollowRequest,
    Milestone,
    ModuleChoice,
    Offer,
    OwnOffer,
    PohsArrangement,
    ProgrammeParticipation,
    RegisterPublication,
)
from contracting.selectors import contract_terms, terms_year, with_insured
from contracting.selectors.own_offers import own_offer_rows
from contracting.services import (
    addendum_accept,
    addendum_propose,
    addendum_refuse,
    addendum_withdraw,
    adjustment_propose,
    contract_index_set,
    follow_request_decide,
    follow_requests_create,
    insured_counts_set,
    member_practice_set,
    offer_choose_modules,
    offer_mark_opened,
    offer_refuse,
    offer_sign,
    own_offer_decide,
    own_offer_submit,
    own_offer_withdraw,
    question_ask,
    register_entries,
)
from core.errors import PortalError
from core.params import parse_id
from insurers.models import Insurer
from providers.models import CareGroup, Practice

from .filters import ContractYearFilter, FollowRequestFilter, OfferFilter, StandardContractFilter
from .serializers import (
    AddendumAcceptInputSerializer,
    AddendumListSerializer,
    AddendumProposeInputSerializer,
    AddendumRefuseInputSerializer,
    AddendumSerializer,
    AdjustmentInputSerializer,
    AdjustmentSerializer,
    CareGroupMemberInputSerializer,
    CareGroupMemberSerializer,
    ContractIndexInputSerializer,
    ContractTermSerializer,
    ContractYearSerializer,
    FollowDecisionInputSerializer,
    FollowRequestCreateSerializer,
    FollowRequestSerializer,
    InsuredCountSerializer,
    InsuredCountsInputSerializer,
    ModulesInputSerializer,
    OfferListSerializer,
    OfferRefuseInputSerializer,
    OfferSerializer,
    OfferSignInputSerializer,
    OwnOfferDecisionInputSerializer,
    OwnOfferInputSerializer,
    OwnOfferSerializer,
    QuestionInputSerializer,
    QuestionSerializer,
    RegisterSerializer,
    SignatureSerializer,
    StandardContractSerializer,
)


def _error(description: str) -> OpenApiResponse:
    return OpenApiResponse(ErrorSerializer, description=description)


def _validated(serializer_class, request, **kwargs) -> dict:
    serializer = serializer_class(data=request.data, **kwargs)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


class ContractYearViewSet(viewsets.ReadOnlyModelViewSet):
    """Contract years and their GCP calendar. The calendar is public to every logged-in user."""

    serializer_class = ContractYearSerializer
    filterset_class = ContractYearFilter
    lookup_field = "year"
    lookup_value_regex = r"\d{4}"

    def get_queryset(self):
        # One query for the years and one for all their milestones, however many years there are.
        return ContractYear.objects.order_by("-year").prefetch_related(
            Prefetch("milestones", queryset=Milestone.objects.order_by("due_at", "id"))
        )


# --- Offers ---------------------------------------------------------------------------------------------
def offers_with_details(offers: QuerySet[Offer]) -> QuerySet[Offer]:
    """Everything OfferSerializer reads, in a fixed number of queries however many offers: the offers with
    insurer, holder, contract and signature joined, then one query each for all contract modules, all saved
    choices and (only if a care group holds one) the care groups' practices."""
    return (
        with_insured(offers).select_related("insurer", "practice", "care_group", "standard_contract", "signature")
        .defer("signature__content")  # the frozen contract can be large; the list shows only its hash
        .prefetch_related(
            Prefetch("standard_contract__modules", queryset=ContractModule.objects.select_related("module")),
            Prefetch("choices", queryset=ModuleChoice.objects.select_related("contract_module__module").order_by(
                "contract_module__module__segment", "contract_module__module__sort_order", "pk")),
            "care_group__practices",
        )
    )


# The offer list's order: newest contract year first, then by insurer and offer. All three are columns of the
# offer itself, and Offer's indexes hold them in this order behind each filter (insurer with year, with year
# and status, or none; year alone), so a page is read from an index and stops after its rows instead of
# sorting every offer of an insurer (an order by the insurer's name needed a join and a sort of them all).
OFFER_LIST_ORDERING = ("-year", "insurer_id", "id")


class OfferViewSet(viewsets.ReadOnlyModelViewSet):
    """Offers the user may see: an insurer's purchasers see the offers it made, a practice or care group the
    offers it received, NZa and administrators all of them. Another organisation's offer is not found. The
    list is ordered by contract year (newest first), insurer id and offer id."""

    serializer_class = OfferSerializer
    filterset_class = OfferFilter
    lookup_value_regex = r"\d+"

    def get_serializer_class(self):
        return OfferListSerializer if self.action == "list" else OfferSerializer

    def get_queryset(self):
        offers = offers_visible_to(self.request.user)
        if self.action == "list":
            return (offers.select_related("insurer", "practice", "care_group", "standard_contract", "signature")
                    .defer("signature__content").prefetch_related("care_group__practices")
                    .order_by(*OFFER_LIST_ORDERING))
        if self.action == "retrieve":
            return offers_with_details(offers)
        # The actions hand the offer to a service, which locks and re-reads it; the holder is enough here.
        return offers.select_related("insurer", "practice", "care_group", "standard_contract")

    def _offer_response(self, offer: Offer) -> Response:
        fresh = offers_with_details(offers_visible_to(self.request.user)).get(pk=offer.pk)
        return Response(OfferSerializer(fresh, context=self.get_serializer_context()).data)

    @extend_schema(responses={200: OfferSerializer, 404: _error("not_found: no such offer, or not yours")})
    def retrieve(self, request, *args, **kwargs):
        offer = self.get_object()
        offer_mark_opened(actor=request.user, offer=offer, now=timezone.now())  # counts only for the holder
        return Response(self.get_serializer(offer).data)

    @extend_schema(
        request=OfferSignInputSerializer,
        responses={
            200: SignatureSerializer,
            400: _error("module_over_cap or invalid_modules, with `fields.modules` per module code"),
            403: _error("not_signatory; two_factor_required (a session without a verified code, or a token "
                        "issued without `otp`)"),
            404: _error("not_found"),
            409: _error("signing_window_not_open, signing_window_closed, already_signed, offer_not_open, or "
                        "content_changed (the content is no longer the one `content_hash` names; nothing signed)"),
        },
    )
    @action(detail=True, methods=["post"])
    def sign(self, request, pk=None):
        """Sign the offer: a signatory of the holder, with two-factor, between 1 October and the end of
        7 November (Amsterdam). The content is frozen with its SHA-256; of two simultaneous requests one signs
        and the other gets 409 already_signed. Send the offer's `sign_preview_hash` as `content_hash` to sign
        only the content you showed."""
        offer = self.get_object()
        data = _validated(OfferSignInputSerializer, request)
        signature = offer_sign(actor=request.user, offer=offer, now=timezone.now(), modules=data.get("modules"),
                               two_factor_verified=request_two_factor_verified(request),
                               expected_hash=data.get("content_hash"))
        return Response(SignatureSerializer(signature).data)

    @extend_schema(
        request=OfferRefuseInputSerializer,
        responses={200: OfferSerializer, 403: _error("not_signatory"), 404: _error("not_found"),
                   409: _error("offer_not_open")},
    )
    @action(detail=True, methods=["post"])
    def refuse(self, request, pk=None):
        """Refuse an open offer (signatories only). Refusing again changes nothing."""
        offer = self.get_object()
        data = _validated(OfferRefuseInputSerializer, request)
        offer_refuse(actor=request.user, offer=offer, now=timezone.now(), reason=data["reason"])
        return self._offer_response(offer)

    @extend_schema(
        request=ModulesInputSerializer,
        responses={200: OfferSerializer, 400: _error("module_over_cap or invalid_modules, with fields"),
                   403: _error("not_holder_member"), 404: _error("not_found"), 409: _error("offer_not_open")},
    )
    @action(detail=True, methods=["post"])
    def choose(self, request, pk=None):
        """Save the module choice before signing (any member of the holder). Replaces the previous choice."""
        offer = self.get_object()
        data = _validated(ModulesInputSerializer, request)
        offer_choose_modules(actor=request.user, offer=offer, modules=data["modules"])
        return self._offer_response(offer)

    @extend_schema(methods=["GET"], responses={200: QuestionSerializer(many=True), 404: _error("not_found")})
    @extend_schema(
        methods=["POST"], request=QuestionInputSerializer,
        responses={201: QuestionSerializer, 400: _error("text_required or invalid input"),
                   403: _error("not_holder_member"), 404: _error("not_found")},
    )
    @action(detail=True, methods=["get", "post"], pagination_class=None, filterset_class=None)
    def questions(self, request, pk=None):
        """The questions about this offer; POST asks one (members of the holder). The insurer answers within
        5 working days (`due_at`)."""
        offer = self.get_object()
        if request.method == "GET":
            rows = questions_visible_to(request.user).filter(offer=offer).order_by("raised_at", "pk")
            return Response(QuestionSerializer(rows, many=True).data)
        data = _validated(QuestionInputSerializer, request)
        question = question_ask(actor=request.user, offer=offer, text=data["text"], now=timezone.now())
        return Response(QuestionSerializer(question).data, status=status.HTTP_201_CREATED)

    @extend_schema(methods=["GET"], responses={200: AddendumListSerializer(many=True), 404: _error("not_found")})
    @extend_schema(
        methods=["POST"], request=AddendumProposeInputSerializer,
        responses={201: AddendumSerializer, 200: OpenApiResponse(AddendumSerializer, description="The same "
                                                                 "addendum was already proposed."),
                   400: _error("invalid_kind, invalid, unknown_module, negative_tariff, invalid_changes (with "
                               "`fields.changes` per module) or effective_from_outside_term"),
                   403: _error("not_purchaser"), 404: _error("not_found"), 409: _error("offer_not_signed")},
    )
    @action(detail=True, methods=["get", "post"], pagination_class=None, filterset_class=None)
    def addenda(self, request, pk=None):
        """The addenda of this contract, newest first; POST proposes one (a purchaser of the offer's insurer,
        for a signed offer). Only an accepted addendum changes the contract (`terms`)."""
        offer = self.get_object()
        if request.method == "GET":
            rows = addenda_visible_to(request.user).filter(offer=offer).order_by("-number")
            return Response(AddendumListSerializer(rows, many=True, context=self.get_serializer_context()).data)
        data = _validated(AddendumProposeInputSerializer, request)
        known = set(ContractAddendum.objects.filter(offer=offer).values_list("pk", flat=True))
        addendum = addendum_propose(actor=request.user, offer=offer, kind=data["kind"], title=data["title"],
                                    text=data["text"], changes=data["changes"],
                                    effective_from=data["effective_from"], now=timezone.now())
        return Response(AddendumSerializer(addendum, context=self.get_serializer_context()).data,
                        status=status.HTTP_200_OK if addendum.pk in known else status.HTTP_201_CREATED)

    @extend_schema(methods=["GET"], responses={200: AdjustmentSerializer(many=True), 404: _error("not_found")})
    @extend_schema(
        methods=["POST"], request=AdjustmentInputSerializer,
        responses={201: AdjustmentSerializer, 200: OpenApiResponse(AdjustmentSerializer, description="The same "
                                                                   "adjustment was already proposed."),
                   400: _error("invalid_ground, explanation_required, year_outside_term, invalid, unknown_module, "
                               "negative_tariff or invalid_changes"),
                   403: _error("not_purchaser"), 404: _error("not_found"),
                   409: _error("no_adjustment_clause, adjustment_deadline_passed, adjustment_exists or "
                               "offer_not_signed")},
    )
    @action(detail=True, methods=["get", "post"], pagination_class=None, filterset_class=None)
    def adjustments(self, request, pk=None):
        """Mid-term adjustments of this multi-year contract under its exception clause; POST proposes one (a
        purchaser of the offer's insurer) for a later year, from 1 January, by that year's definitive offers.
        It is an addendum of kind adjustment, in force only once the holder's signatory accepts it."""
        offer = self.get_object()
        if request.method == "GET":
            rows = ContractAdjustment.objects.filter(offer=offer).select_related("addendum").order_by("year", "pk")
            return Response(AdjustmentSerializer(rows, many=True, context=self.get_serializer_context()).data)
        data = _validated(AdjustmentInputSerializer, request)
        known = set(ContractAdjustment.objects.filter(offer=offer).values_list("pk", flat=True))
        adjustment = adjustment_propose(actor=request.user, offer=offer, year=data["year"], ground=data["ground"],
                                        explanation=data["explanation"], title=data["title"], text=data["text"],
                                        changes=data["changes"], now=timezone.now())
        return Response(AdjustmentSerializer(adjustment, context=self.get_serializer_context()).data,
                        status=status.HTTP_200_OK if adjustment.pk in known else status.HTTP_201_CREATED)

    @extend_schema(
        parameters=[OpenApiParameter("year", OpenApiTypes.INT, description="Contract year; default this year "
                                                                           "(or the nearest of the term).")],
        responses={200: ContractTermSerializer(many=True), 400: _error("invalid year"), 404: _error("not_found")},
    )
    @action(detail=True, methods=["get"], pagination_class=None, filterset_class=None)
    def terms(self, request, pk=None):
        """What the signed contract says for a year: the signed module lines with every accepted addendum
        that takes effect in or before that year applied, and the indexation clause's figures applied by then
        (`base_tariff` is the tariff before indexation). Empty for an unsigned offer or a year outside the
        term."""
        offer = self.get_object()
        raw = request.query_params.get("year")
        if raw in (None, ""):
            year = terms_year(offer, local_date(timezone.now()))
        else:
            year = parse_id(raw)
            if year is None:
                raise PortalError("invalid", _("De invoer is niet geldig."),
                                  fields={"year": [_("Geef een contractjaar, bijvoorbeeld 2027.")]})
        return Response(ContractTermSerializer(contract_terms(offer, year), many=True).data)


class AddendumViewSet(viewsets.ReadOnlyModelViewSet):
    """Addenda to signed contracts: an insurer's purchasers see those on its contracts, a practice or care
    group those on its own, NZa and administrators all. Another organisation's addendum is not found."""

    serializer_class = AddendumSerializer
    lookup_value_regex = r"\d+"
    filterset_class = None

    def get_serializer_class(self):
        return AddendumListSerializer if self.action == "list" else AddendumSerializer

    def get_queryset(self):
        addenda = addenda_visible_to(self.request.user).order_by("-proposed_at", "-pk")
        if self.action == "list":
            return addenda
        return addenda.select_related("offer", "proposed_by")

    def _response(self, addendum: ContractAddendum) -> Response:
        fresh = addenda_visible_to(self.request.user).select_related("offer", "proposed_by").get(pk=addendum.pk)
        return Response(AddendumSerializer(fresh, context=self.get_serializer_context()).data)

    @extend_schema(
        request=AddendumAcceptInputSerializer,
        responses={200: AddendumSerializer, 400: _error("invalid_otp or no_device"),
                   403: _error("not_signatory"), 404: _error("not_found"), 429: _error("otp_throttled"),
                   409: _error("addendum_already_accepted, addendum_not_open (refused or withdrawn) or "
                               "content_changed (nothing signed)")},
    )
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        """Sign the addendum: a signatory of the holder, with a code from the authenticator app."""
        addendum = self.get_object()
        data = _validated(AddendumAcceptInputSerializer, request)
        addendum_accept(actor=request.user, addendum=addendum, code=data["code"],
                        expected_hash=data.get("content_hash"), now=timezone.now())
        return self._response(addendum)

    @extend_schema(
        request=AddendumRefuseInputSerializer,
        responses={200: AddendumSerializer, 400: _error("reason_required"), 403: _error("not_signatory"),
                   404: _error("not_found"), 409: _error("addendum_already_accepted or addendum_not_open")},
    )
    @action(detail=True, methods=["post"])
    def refuse(self, request, pk=None):
        """Refuse the addendum with a reason (a signatory of the holder). Refusing again changes nothing."""
        addendum = self.get_object()
        data = _validated(AddendumRefuseInputSerializer, request)
        addendum_refuse(actor=request.user, addendum=addendum, reason=data["reason"], now=timezone.now())
        return self._response(addendum)

    @extend_schema(
        request=None,
        responses={200: AddendumSerializer, 403: _error("not_purchaser"), 404: _error("not_found"),
                   409: _error("addendum_already_accepted or addendum_not_open")},
    )
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        """Withdraw a proposed addendum (a purchaser of the offer's insurer). Withdrawing again changes nothing."""
        addendum = self.get_object()
        addendum_withdraw(actor=request.user, addendum=addendum, now=timezone.now())
        return self._response(addendum)


# --- Follow requests (volgen) ---------------------------------------------------------------------------
class FollowRequestViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Follow requests: an insurer's purchasers see the requests it received, a practice or care group the
    ones it sent, NZa and administrators all of them."""

    serializer_class = FollowRequestSerializer
    filterset_class = FollowRequestFilter
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        # One query for the whole queue: the signature is needed for the holder and the signed modules.
        return follow_requests_visible_to(self.request.user).select_related(
            "insurer", "offer__insurer", "offer__practice", "offer__care_group", "offer__signature")

    @extend_schema(
        request=FollowRequestCreateSerializer,
        responses={
            201: OpenApiResponse(FollowRequestSerializer(many=True), description="At least one request was new."),
            200: OpenApiResponse(FollowRequestSerializer(many=True), description="Every insurer was already asked."),
            400: _error("invalid input, own_insurer or insurers_required"),
            403: _error("not_holder_member"),
            409: _error("offer_not_signed"),
        },
    )
    def create(self, request):
        """Offer a signed contract to other insurers to follow, one request each. Asking an insurer again is
        harmless; the answer lists the requests for all insurers named."""
        data = _validated(FollowRequestCreateSerializer, request, offers=offers_visible_to(request.user))
        offer = data["offer"]
        known = set(FollowRequest.objects.filter(offer=offer).values_list("pk", flat=True))
        requests = follow_requests_create(actor=request.user, offer=offer, insurers=data["insurers"],
                                          now=timezone.now())
        rows = self.get_queryset().filter(pk__in=[r.pk for r in requests]).order_by("insurer__name", "pk")
        created = any(r.pk not in known for r in requests)
        return Response(FollowRequestSerializer(rows, many=True).data,
                        status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)

    @extend_schema(
        request=FollowDecisionInputSerializer,
        responses={
            200: FollowRequestSerializer,
            400: _error("explanation_required, not_followed_required, unknown_modules or invalid input"),
            403: _error("not_purchaser: only a purchaser of the insurer asked may decide"),
            404: _error("not_found"),
            409: _error("already_decided"),
        },
    )
    @action(detail=True, methods=["post"])
    def decide(self, request, pk=None):
        """Follow, follow partially (naming the modules not followed) or decline. Partial and decline need an
        explanation. Deciding the same way again changes nothing; changing a decision is refused."""
        follow_request = self.get_object()
        data = _validated(FollowDecisionInputSerializer, request)
        follow_request_decide(actor=request.user, follow_request=follow_request, decision=data["decision"],
                              now=timezone.now(), explanation=data["explanation"],
                              not_followed=data["not_followed"])
        return Response(self.get_serializer(self.get_queryset().get(pk=follow_request.pk)).data)


# --- Own contract offers (eigen contractaanbod) ------------------------------------------------------------
class OwnOfferViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Own contract offers: a practice's or care group's people see theirs, an insurer's purchasers those made to
    it, NZa and administrators all. Waiting ones first, by their decision deadline."""

    serializer_class = OwnOfferSerializer
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        return own_offer_rows(own_offers_visible_to(self.request.user), timezone.now())

    @extend_schema(
        request=OwnOfferInputSerializer,
        responses={201: OwnOfferSerializer, 200: OwnOfferSerializer,
                   400: _error("invalid_tariff, unknown_module, modules_required, title_required, text_required, "
                               "invalid_term, with fields"),
                   403: _error("not_holder_member"), 404: _error("not_found: no such practice or care group"),
                   409: _error("own_offer_window_not_open, own_offer_window_closed or own_offer_waiting")},
    )
    def create(self, request):
        """Make an own contract offer to an insurer for a contract year, from 1 February to the end of 1 July of
        the year before. The same offer again while it waits gives it back (200)."""
        data = _validated(OwnOfferInputSerializer, request)
        holder = _own_holder(request.user, data)
        known = set(OwnOffer.objects.filter(**holder).values_list("pk", flat=True))
        own = own_offer_submit(actor=request.user, insurer=data["insurer"], year=data["year"], title=data["title"],
                               text=data["text"], term_years=data["term_years"], lines=data["lines"],
                               now=timezone.now(), **holder)
        return Response(self.get_serializer(self.get_queryset().get(pk=own.pk)).data,
                        status=status.HTTP_200_OK if own.pk in known else status.HTTP_201_CREATED)

    @extend_schema(
        request=OwnOfferDecisionInputSerializer,
        responses={200: OwnOfferSerializer, 400: _error("reason_required or invalid_decision"),
                   403: _error("not_purchaser"), 404: _error("not_found"),
                   409: _error("already_decided, signing_window_closed or nza_max_missing")},
    )
    @action(detail=True, methods=["post"])
    def decide(self, request, pk=None):
        """Accept (a contract for this holder follows, to sign in the signing window) or refuse with reasons."""
        own = self.get_object()
        data = _validated(OwnOfferDecisionInputSerializer, request)
        own_offer_decide(actor=request.user, own_offer=own, decision=data["decision"], reason=data["reason"],
                         now=timezone.now())
        return Response(self.get_serializer(self.get_queryset().get(pk=own.pk)).data)

    @extend_schema(request=None, responses={200: OwnOfferSerializer, 403: _error("not_holder_member"),
                                            404: _error("not_found"), 409: _error("already_decided")})
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        """Withdraw an own offer that still waits (the holder's people)."""
        own = self.get_object()
        own_offer_withdraw(actor=request.user, own_offer=own, now=timezone.now())
        return Response(self.get_serializer(self.get_queryset().get(pk=own.pk)).data)


def _own_holder(user, data) -> dict:
    """The practice or care group named, if it is the user's own; otherwise not found."""
    if "practice" in data:
        if data["practice"] not in practice_ids_of(user):
            raise Http404
        return {"practice": Practice.objects.get(pk=data["practice"])}
    if data["care_group"] not in care_group_ids_of(user):
        raise Http404
    return {"care_group": CareGroup.objects.get(pk=data["care_group"])}
# --- Insured counts -------------------------------------------------------------------------------------
class InsuredCountViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """How many of a practice's registered patients each insurer insures: the base of that insurer's estimate.
    A purchaser sees and sets its own insurer's counts; a practice's (or care group's) people see theirs."""

    serializer_class = InsuredCountSerializer
    filterset_class = None

    def get_queryset(self):
        rows = insured_counts_visible_to(self.request.user).order_by("practice_id", "insurer_id")
        for name in ("practice", "insurer"):
            raw = self.request.query_params.get(name)
            if raw not in (None, ""):
                pk = parse_id(raw)
                if pk is None:
                    raise PortalError("invalid", _("De invoer is niet geldig."), fields={name: [_("Geef een id.")]})
                rows = rows.filter(**{f"{name}_id": pk})
        return rows

    @extend_schema(
        parameters=[OpenApiParameter("practice", OpenApiTypes.INT), OpenApiParameter("insurer", OpenApiTypes.INT)],
    )
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(
        request=InsuredCountsInputSerializer,
        responses={200: InsuredCountSerializer(many=True),
                   400: _error("negative_insured, insured_above_registered (all insurers together above the "
                               "registered patients), unknown_practice, invalid_insured (per practice in "
                               "`fields.counts`) or insurer_required"),
                   403: _error("not_purchaser")},
    )
    def create(self, request):
        """Set the insurer's insured count for one or more practices, all or nothing."""
        data = _validated(InsuredCountsInputSerializer, request)
        insurer_id = data.get("insurer")
        if insurer_id is None:
            own = sorted(insurer_ids_of(request.user))
            if len(own) != 1:
                raise PortalError("insurer_required", _("Geef de zorgverzekeraar op."),
                                  fields={"insurer": [_("Verplicht.")]})
            insurer_id = own[0]
        insurer = Insurer.objects.filter(pk=insurer_id).first()
        if insurer is None:
            raise PortalError("invalid", _("De invoer is niet geldig."),
                              fields={"insurer": [_("Deze zorgverzekeraar bestaat niet.")]})
        rows = insured_counts_set(actor=request.user, insurer=insurer,
                                  counts={item["practice"]: item["insured"] for item in data["counts"]})
        return Response(InsuredCountSerializer(rows, many=True).data)


# --- Care-group members ---------------------------------------------------------------------------------
def member_rows(links) -> list[dict]:
    """The rows of CareGroupMemberSerializer for (care group, practice) membership links: two queries for
    the programmes and the POH-S arrangements of them all."""
    links = list(links)
    practice_ids = {link.practice_id for link in links}
    programmes: dict[tuple[int, int], list[str]] = {}
    for pp in (ProgrammeParticipation.objects.filter(practice_id__in=practice_ids).select_related("module")
               .order_by("module__sort_order", "module__name")):
        programmes.setdefault((pp.care_group_id, pp.practice_id), []).append(pp.module.code)
    arrangements = {a.practice_id: a for a in PohsArrangement.objects.filter(practice_id__in=practice_ids)}
    rows = []
    for link in links:
        arrangement = arrangements.get(link.practice_id)
        rows.append({
            "care_group": link.caregroup_id, "care_group_name": link.caregroup.name,
            "practice": link.practice_id, "practice_name": link.practice.name,
            "programmes": programmes.get((link.caregroup_id, link.practice_id), []),
            "pohs": None if arrangement is None else {
                "variant": arrangement.variant, "variant_label": arrangement.get_variant_display(),
                "care_group": arrangement.care_group_id, "care_group_amount": arrangement.care_group_amount},
        })
    return rows


class CareGroupMemberViewSet(viewsets.GenericViewSet):
    """Which practices of a care group take part in which of its programmes, and each practice's POH-S
    arrangement: a care group's people see its members, a practice's people their own practice's rows, the
    NZa and administrators all. POST (the care group's people) sets one practice's programmes and
    arrangement."""

    serializer_class = CareGroupMemberSerializer
    filterset_class = None

    def get_queryset(self):
        links = CareGroup.practices.through.objects.select_related("caregroup", "practice").order_by(
            "caregroup__name", "practice__name", "pk")
        user = self.request.user
        if not is_nza_or_admin(user):
            links = links.filter(Q(caregroup_id__in=care_group_ids_of(user)) | Q(practice_id__in=practice_ids_of(user)))
        for name, field in (("care_group", "caregroup_id"), ("practice", "practice_id")):
            raw = self.request.query_params.get(name)
            if raw not in (None, ""):
                pk = parse_id(raw)
                if pk is None:
                    raise PortalError("invalid", _("De invoer is niet geldig."), fields={name: [_("Geef een id.")]})
                links = links.filter(**{field: pk})
        return links

    @extend_schema(parameters=[OpenApiParameter("care_group", OpenApiTypes.INT),
                               OpenApiParameter("practice", OpenApiTypes.INT)],
                   responses={200: CareGroupMemberSerializer(many=True)})
    def list(self, request):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(CareGroupMemberSerializer(member_rows(page), many=True).data)

    @extend_schema(
        request=CareGroupMemberInputSerializer,
        responses={200: CareGroupMemberSerializer,
                   400: _error("unknown_programme, not_a_member, invalid_variant, amount_required, "
                               "negative_amount or invalid_amount"),
                   403: _error("not_care_group_member"), 404: _error("not_found: no such care group or practice, "
                                                                     "or not yours")},
    )
    def create(self, request):
        data = _validated(CareGroupMemberInputSerializer, request)
        link = self.get_queryset().filter(caregroup_id=data["care_group"], practice_id=data["practice"]).first()
        if link is None:
            raise PortalError("not_found", _("Deze praktijk van dit samenwerkingsverband bestaat niet of is niet "
                                             "voor u zichtbaar."), status=404)
        member_practice_set(actor=request.user, care_group=link.caregroup, practice=link.practice,
                            programmes=data["programmes"], variant=data.get("pohs_variant") or None,
                            care_group_amount=data.get("care_group_amount"))
        return Response(CareGroupMemberSerializer(member_rows([link])[0]).data)


# --- Standard contracts ---------------------------------------------------------------------------------
class StandardContractViewSet(viewsets.ReadOnlyModelViewSet):
    """Published standard contracts, for everyone logged in; an insurer's purchasers also see its drafts."""

    serializer_class = StandardContractSerializer
    filterset_class = StandardContractFilter
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        return standard_contracts_visible_to(self.request.user).select_related("insurer").prefetch_related(
            Prefetch("modules", queryset=ContractModule.objects.select_related("module")),
            Prefetch("indices", queryset=ContractIndex.objects.order_by("year")))

    @extend_schema(
        request=ContractIndexInputSerializer,
        responses={200: StandardContractSerializer,
                   400: _error("invalid_index or year_outside_term"),
                   403: _error("not_purchaser: only a purchaser of the contract's insurer"),
                   404: _error("not_found"),
                   409: _error("no_indexation_clause, contract_not_published or index_deadline_passed")},
    )
    @action(detail=True, methods=["post"])
    def index(self, request, pk=None):
        """Set the index figure of a published multi-year contract with an indexation clause for a later year of
        its term, until that year's definitive offers are due (15 September; care groups 15 July). It is applied
        on 1 January of that year, and every holder that signed is told."""
        contract = self.get_object()
        data = _validated(ContractIndexInputSerializer, request)
        contract_index_set(actor=request.user, contract=contract, year=data["year"], percent_value=data["percent"],
                           now=timezone.now())
        return Response(self.get_serializer(self.get_queryset().get(pk=contract.pk)).data)


# --- Public register ------------------------------------------------------------------------------------
class RegisterPagination(PageNumberPagination):
    """The register in pages of 100 (up to 1,000 with `page_size`); `page=last` is the last page."""

    page_size = 100
    page_size_query_param = "page_size"
    max_page_size = 1000


class RegisterViewSet(viewsets.ViewSet):
    """The public register (from 19 November): per insurer, the practices and care groups contracted for the
    year, through their own contract or a followed one. No login needed."""

    # Public: credentials are neither needed nor looked at, so a stale token cannot break a public read.
    authentication_classes: list = []
    permission_classes = [permissions.AllowAny]
    lookup_field = "year"
    lookup_value_regex = r"\d{4}"

    @extend_schema(
        auth=[],
        parameters=[
            OpenApiParameter("year", OpenApiTypes.INT, OpenApiParameter.PATH, description="Contract year."),
            OpenApiParameter("insurer", OpenApiTypes.INT, description="Only this insurer (id)."),
            OpenApiParameter("q", OpenApiTypes.STR, description="Only entries whose name, AGB code or city "
                                                                "contains this text (case does not matter)."),
            OpenApiParameter("page", OpenApiTypes.STR, description="Page number (from 1), or `last`."),
            OpenApiParameter("page_size", OpenApiTypes.INT, description="Entries per page: 100 unless given, "
                                                                        "at most 1,000."),
        ],
        responses={200: RegisterSerializer, 400: _error("invalid insurer"),
                   404: _error("not_found: no such contract year, or no such page")},
    )
    def retrieve(self, request, year=None):
        year = int(year)
        raw_insurer = request.query_params.get("insurer")
        insurer_id = None
        if raw_insurer not in (None, ""):
            insurer_id = parse_id(raw_insurer)
            if insurer_id is None:
                raise PortalError("invalid", _("De invoer is niet geldig."),
                                  fields={"insurer": [_("Geef het id van een zorgverzekeraar.")]})
        if not ContractYear.objects.filter(year=year).exists():
            raise PortalError("not_found", _("Contractjaar %(year)s bestaat niet.") % {"year": year}, status=404)
        publications = list(RegisterPublication.objects.filter(year=year).select_related("insurer").order_by(
            "insurer__name"))
        lines = register_entries(year=year, insurer_id=insurer_id, search=request.query_params.get("q", ""),
                                 publications=publications)
        if insurer_id is not None:
            publications = [p for p in publications if p.insurer_id == insurer_id]
        paginator = RegisterPagination()
        entries = paginator.paginate_queryset(lines, request, view=self)
        data = {"year": year, "publications": publications, "count": paginator.page.paginator.count,
                "next": paginator.get_next_link(), "previous": paginator.get_previous_link(), "entries": entries}
        return Response(RegisterSerializer(data).data)
