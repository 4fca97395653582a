"""The requests API: the same services, permissions and error codes as the request pages.

/api/v1/requests/ lists the requests of the user's own organisations (a purchaser: its insurer's; a practice or
care group: its own); another organisation's request is a 404 on every action and export. The overlegteam and
the NZa get counts (/api/v1/requests/figures/) and the NZa an anonymised list (/api/v1/requests/anonymised/),
never a single request."""

from datetime import UTC

from django.http import HttpResponse
from django.utils import timezone
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from accounts.api.serializers import ErrorSerializer
from accounts.models import Role
from accounts.selectors import memberships_of
from contracting.access import requests_visible_to
from contracting.models import Module, Offer, Request
from contracting.pdf import request_dossier_pdf
from contracting.selectors.requests import (
    request_clocks,
    request_dossier,
    requests_aggregate,
    requests_anonymised,
    with_request_clocks,
)
from contracting.services import (
    question_answer,
    request_appeal,
    request_close,
    request_decide,
    request_decide_appeal,
    request_escalate,
    request_mark_laborious,
    request_post_message,
    request_propose_addendum,
    request_raise,
    request_withdraw,
)
from core.params import parse_id
from insurers.models import Insurer


def _error(description: str) -> OpenApiResponse:
    return OpenApiResponse(ErrorSerializer, description=description)


class ClockSerializer(serializers.Serializer):
    kind = serializers.CharField()
    label = serializers.CharField()
    due_at = serializers.DateTimeField(source="deadline.due_at", default_timezone=UTC,
                                       help_text="Due before this moment (exclusive).")
    last_day = serializers.DateField(source="deadline.day", help_text="The last local day that is in time.")
    days_left = serializers.IntegerField(source="deadline.days_left")
    overdue = serializers.BooleanField()
    done_at = serializers.DateTimeField(default_timezone=UTC, allow_null=True)
    met = serializers.BooleanField(allow_null=True, help_text="Done in time (true), late (false), or running.")


class RequestSerializer(serializers.ModelSerializer):
    holder = serializers.CharField(source="holder.name")
    insurer_name = serializers.CharField(source="insurer.name")
    clocks = ClockSerializer(source="clock_rows", many=True)
    raised_at = serializers.DateTimeField(default_timezone=UTC)

    class Meta:
        model = Request
        fields = ["id", "kind", "status", "side", "insurer", "insurer_name", "practice", "care_group", "holder",
                  "offer", "year", "subject", "text", "raised_at", "situation", "module", "project_starts",
                  "project_ends", "phase", "laborious_reason", "answer", "outcome", "outcome_reasons",
                  "appeal_outcome", "appeal_reasons", "escalated_at", "addendum", "clocks"]


class RaiseSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=Request.Kind.choices)
    text = serializers.CharField(max_length=10000, allow_blank=True)
    subject = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    offer = serializers.IntegerField(required=False, allow_null=True)
    insurer = serializers.IntegerField(required=False, allow_null=True)
    practice = serializers.IntegerField(required=False, allow_null=True)
    care_group = serializers.IntegerField(required=False, allow_null=True)
    year = serializers.IntegerField(required=False, allow_null=True, min_value=2000, max_value=2100)
    situation = serializers.CharField(required=False, allow_blank=True, default="")
    module = serializers.SlugField(required=False, allow_blank=True, default="", help_text="The module's code.")
    project_starts = serializers.DateField(required=False, allow_null=True)
    project_ends = serializers.DateField(required=False, allow_null=True)
    phase = serializers.CharField(required=False, allow_blank=True, default="")
    follows = serializers.IntegerField(required=False, allow_null=True)


class TextSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=10000, allow_blank=True)


class DecisionSerializer(serializers.Serializer):
    outcome = serializers.CharField(allow_blank=True)
    reasons = serializers.CharField(max_length=10000, allow_blank=True, required=False, default="")
    criteria = serializers.ListField(child=serializers.IntegerField(), required=False, default=list,
                                     help_text="Ids of the insurer's published innovation criteria (a refusal).")


class AddendumInputSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200, allow_blank=True)
    text = serializers.CharField(max_length=20000, allow_blank=True)
    effective_from = serializers.CharField(help_text="A date inside the contract's term, YYYY-MM-DD.")
    changes = serializers.JSONField(required=False, default=list,
                                    help_text='[{"module": code, "tariff": "12.50" | null, "hours": "8" | null}]')


def _validated(serializer_class, request) -> dict:
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


class RequestViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Questions, maatwerk, innovation proposals, module change requests, knelpunten and disputes of the user's
    own organisations, each with its clocks (due moment, last day, days left, overdue, met)."""

    serializer_class = RequestSerializer
    lookup_value_regex = r"\d+"
    parser_classes = (JSONParser, MultiPartParser, FormParser)

    def get_queryset(self):
        from django.db.models import Prefetch

        from contracting.models import Clock

        queryset = requests_visible_to(self.request.user).select_related("insurer", "practice", "care_group")
        kind = self.request.query_params.get("kind")
        if kind in Request.Kind.values:
            queryset = queryset.filter(kind=kind)
        return queryset.prefetch_related(Prefetch("clocks", queryset=Clock.objects.order_by("pk"))).order_by(
            "-raised_at", "-pk")

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        return with_request_clocks(page, timezone.now()) if page is not None else None

    def _one(self) -> Request:
        obj = self.get_object()
        obj.clock_rows = request_clocks(obj, timezone.now())
        return obj

    def _answer(self, obj: Request, code: int = status.HTTP_200_OK) -> Response:
        fresh = self.get_queryset().get(pk=obj.pk)
        fresh.clock_rows = request_clocks(fresh, timezone.now())
        return Response(RequestSerializer(fresh).data, status=code)

    def retrieve(self, request, pk=None):
        return Response(RequestSerializer(self._one()).data)

    @extend_schema(request=RaiseSerializer, responses={201: RequestSerializer, 400: _error("invalid input"),
                                                       403: _error("not_a_party, holder_only or no_relation")})
    def create(self, request):
        """Raise a request (the holder: any kind, with or without an offer; a purchaser: a knelpunt or a
        dispute). Attachments as multipart `attachments` files."""
        data = _validated(RaiseSerializer, request)
        user = request.user
        offer = None
        if data.get("offer"):
            offer = Offer.objects.filter(pk=data["offer"]).first()
            from contracting.access import offers_visible_to

            if offer is None or not offers_visible_to(user).filter(pk=offer.pk).exists():
                raise NotFound()
        from providers.models import CareGroup, Practice

        insurer = Insurer.objects.filter(pk=data.get("insurer")).first() if data.get("insurer") else None
        practice = Practice.objects.filter(pk=data.get("practice")).first() if data.get("practice") else None
        care_group = CareGroup.objects.filter(pk=data.get("care_group")).first() if data.get("care_group") else None
        if offer is None and practice is None and care_group is None:
            own = [m for m in memberships_of(user) if m.practice_id or m.care_group_id]
            if own:
                practice, care_group = own[0].practice, own[0].care_group
        module = Module.objects.filter(code=data["module"]).first() if data.get("module") else None
        follows = requests_visible_to(user).filter(pk=data.get("follows")).first() if data.get("follows") else None
        created = request_raise(
            actor=user, kind=data["kind"], text=data["text"], now=timezone.now(), offer=offer, insurer=insurer,
            practice=None if offer else practice, care_group=None if offer else care_group, subject=data["subject"],
            year=data.get("year"), situation=data["situation"], module=module,
            project_starts=data.get("project_starts"), project_ends=data.get("project_ends"), phase=data["phase"],
            follows=follows, attachments=request.FILES.getlist("attachments"))
        return self._answer(created, status.HTTP_201_CREATED)

    @extend_schema(request=TextSerializer, responses={200: RequestSerializer, 400: _error("message_required"),
                                                      409: _error("request_closed")})
    @action(detail=True, methods=["post"])
    def messages(self, request, pk=None):
        """A message in the thread (multipart `attachments` for files); from the side that must react it is the
        reaction."""
        obj = self.get_object()
        data = _validated(TextSerializer, request)
        request_post_message(actor=request.user, request=obj, text=data["text"], now=timezone.now(),
                             attachments=request.FILES.getlist("attachments"))
        return self._answer(obj)

    @extend_schema(request=TextSerializer, responses={200: RequestSerializer, 403: _error("not_purchaser")})
    @action(detail=True, methods=["post"])
    def laborious(self, request, pk=None):
        """Mark a holder's question laborious with the reason (`text`): settled within 2 working weeks."""
        obj = self.get_object()
        request_mark_laborious(actor=request.user, request=obj, reason=_validated(TextSerializer, request)["text"],
                               now=timezone.now())
        return self._answer(obj)

    @extend_schema(request=TextSerializer, responses={200: RequestSerializer, 409: _error("already_answered")})
    @action(detail=True, methods=["post"])
    def answer(self, request, pk=None):
        obj = self.get_object()
        question_answer(actor=request.user, question=obj, answer=_validated(TextSerializer, request)["text"],
                        now=timezone.now())
        return self._answer(obj)

    @extend_schema(request=DecisionSerializer, responses={
        200: RequestSerializer, 400: _error("outcome_required, reasons_required, criterion_required, "
                                            "criterion_unknown"), 409: _error("already_decided")})
    @action(detail=True, methods=["post"])
    def decide(self, request, pk=None):
        obj = self.get_object()
        data = _validated(DecisionSerializer, request)
        request_decide(actor=request.user, request=obj, outcome=data["outcome"], reasons=data["reasons"],
                       criteria=data["criteria"], now=timezone.now())
        return self._answer(obj)

    @extend_schema(request=TextSerializer, responses={
        200: RequestSerializer, 403: _error("holder_only"),
        409: _error("not_decided, appeal_already_lodged or appeal_window_closed")})
    @action(detail=True, methods=["post"])
    def appeal(self, request, pk=None):
        obj = self.get_object()
        request_appeal(actor=request.user, request=obj, text=_validated(TextSerializer, request)["text"],
                       now=timezone.now())
        return self._answer(obj)

    @extend_schema(request=DecisionSerializer, responses={200: RequestSerializer, 403: _error("same_purchaser"),
                                                          409: _error("no_appeal_lodged or appeal_decided")})
    @action(detail=True, methods=["post"], url_path="decide-appeal")
    def decide_appeal(self, request, pk=None):
        obj = self.get_object()
        data = _validated(DecisionSerializer, request)
        request_decide_appeal(actor=request.user, request=obj, outcome=data["outcome"], reasons=data["reasons"],
                              criteria=data["criteria"], now=timezone.now())
        return self._answer(obj)

    @extend_schema(request=None, responses={200: RequestSerializer, 409: _error("consult_first")})
    @action(detail=True, methods=["post"])
    def escalate(self, request, pk=None):
        obj = self.get_object()
        request_escalate(actor=request.user, request=obj, now=timezone.now())
        return self._answer(obj)

    @extend_schema(request=None, responses={200: RequestSerializer, 403: _error("not_raiser")})
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        obj = self.get_object()
        request_withdraw(actor=request.user, request=obj, now=timezone.now())
        return self._answer(obj)

    @extend_schema(request=None, responses={200: RequestSerializer, 403: _error("not_raiser")})
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        obj = self.get_object()
        request_close(actor=request.user, request=obj, now=timezone.now())
        return self._answer(obj)

    @extend_schema(request=AddendumInputSerializer, responses={
        200: RequestSerializer, 400: _error("invalid, unknown_module, negative_tariff, effective_from_outside_term"),
        409: _error("not_maatwerk, not_granted, no_contract, offer_not_signed")})
    @action(detail=True, methods=["post"])
    def addendum(self, request, pk=None):
        """Granted maatwerk amends the signed contract: propose its addendum (the holder's signatory signs it at
        /api/v1/addenda/<id>/accept/). Proposing again while one is proposed or signed gives that one."""
        obj = self.get_object()
        data = _validated(AddendumInputSerializer, request)
        request_propose_addendum(actor=request.user, request=obj, title=data["title"], text=data["text"],
                                 changes=data["changes"], effective_from=data["effective_from"], now=timezone.now())
        return self._answer(obj)

    @extend_schema(responses={200: OpenApiResponse(description="The whole dossier as JSON.")})
    @action(detail=True, methods=["get"])
    def dossier(self, request, pk=None):
        """The whole dossier: parties, texts, thread, attachments, dates, decision, appeal, clocks met or missed.
        `?format=pdf` gives it as one PDF."""
        obj = self.get_object()
        dossier = request_dossier(obj, timezone.now())
        if request.query_params.get("as") == "pdf":
            response = HttpResponse(request_dossier_pdf(dossier), content_type="application/pdf")
            response["Content-Disposition"] = f'attachment; filename="dossier-{obj.pk}.pdf"'
            return response
        return Response(dossier)

    @extend_schema(responses={200: OpenApiResponse(description="Counts per kind: total, open, overdue, decided, "
                                                               "escalated."), 404: _error("not_found")})
    @action(detail=False, methods=["get"], pagination_class=None)
    def figures(self, request):
        """Counts, never requests: an overlegteam member's for its insurer and region, the NZa's for all insurers
        (`?insurer=<id>` for one)."""
        now = timezone.now()
        memberships = memberships_of(request.user)
        teams = [m.overleg_team for m in memberships if m.role == Role.OTH_MEMBER]
        is_nza = request.user.is_superuser or any(m.role == Role.NZA_ANALYST for m in memberships)
        if not teams and not is_nza:
            raise NotFound()
        result = [{"insurer": team.insurer_id, "region": team.region_id, **_plain(requests_aggregate(
            insurer_id=team.insurer_id, region_id=team.region_id, now=now))} for team in teams]
        if is_nza:
            insurer_id = parse_id(request.query_params.get("insurer", ""))
            result.append({"insurer": insurer_id, "region": None,
                           **_plain(requests_aggregate(insurer_id=insurer_id, now=now))})
        return Response(result)

    @extend_schema(responses={200: OpenApiResponse(description="Kind, insurer, region, status, outcome, dates and "
                                                               "clocks; no holder, people or texts.")})
    @action(detail=False, methods=["get"])
    def anonymised(self, request):
        """The NZa's anonymised list of every request."""
        memberships = memberships_of(request.user)
        if not (request.user.is_superuser or any(m.role == Role.NZA_ANALYST for m in memberships)):
            raise NotFound()
        now = timezone.now()
        page = self.paginate_queryset_plain(requests_anonymised(
            insurer_id=parse_id(request.query_params.get("insurer", "")), now=now))
        rows = [{"kind": r.kind, "insurer": r.insurer.name, "region": r.region.name if r.region_id else None,
                 "status": r.status, "outcome": r.outcome, "appeal_outcome": r.appeal_outcome, "side": r.side,
                 "year": r.year, "raised_at": r.raised_at, "decided_at": r.decided_at or r.answered_at,
                 "clocks": ClockSerializer(r.clock_rows, many=True).data} for r in with_request_clocks(page, now)]
        return self.get_paginated_response(rows)

    def paginate_queryset_plain(self, queryset):
        return super().paginate_queryset(queryset)


def _plain(figures: dict) -> dict:
    return {"totals": figures["totals"], "by_kind": {kind: counts for kind, _label, counts in figures["by_kind"]}}
