"""The care-group negotiation API: the threads a user may see (access.negotiations_visible_to; another
organisation's thread is a 404), the steps as written, and the same services and error codes as the pages:
submit (the care group, multipart with begroting and werkplan), offer (the insurer), counter, accept, and the
keten patient numbers of a signed contract (inclusieplafond enforced)."""

import json

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import permissions, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response

from accounts.api.serializers import ErrorSerializer
from accounts.models import Role
from accounts.selectors import memberships_of
from contracting.access import negotiations_visible_to
from contracting.models import Negotiation, NegotiationStep, StepAttachment
from contracting.selectors import negotiations_with_last_step
from contracting.services import (
    keten_patients_report,
    negotiation_accept,
    negotiation_counter,
    negotiation_offer,
    negotiation_submit,
)
from core.errors import PortalError
from insurers.models import Insurer
from providers.models import CareGroup


def _error(description: str) -> OpenApiResponse:
    return OpenApiResponse(ErrorSerializer, description=description)


class AttachmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = StepAttachment
        fields = ["id", "kind", "name", "size", "sha256"]


class StepSerializer(serializers.ModelSerializer):
    actor = serializers.SerializerMethodField()
    attachments = AttachmentSerializer(many=True, read_only=True)

    class Meta:
        model = NegotiationStep
        fields = ["number", "kind", "side", "actor", "at", "terms", "note", "attachments"]

    def get_actor(self, obj) -> str:
        return obj.actor.get_full_name() or obj.actor.email


class NegotiationSerializer(serializers.ModelSerializer):
    care_group_name = serializers.CharField(source="care_group.name", read_only=True)
    insurer_name = serializers.CharField(source="insurer.name", read_only=True)
    last_step = serializers.IntegerField(source="last_number", read_only=True, allow_null=True)
    last_side = serializers.CharField(read_only=True, allow_null=True)

    class Meta:
        model = Negotiation
        fields = ["id", "year", "care_group", "care_group_name", "insurer", "insurer_name", "status",
                  "first_offer_at", "agreed_at", "offer", "last_step", "last_side"]


class NegotiationDetailSerializer(NegotiationSerializer):
    steps = StepSerializer(many=True, read_only=True)

    class Meta(NegotiationSerializer.Meta):
        fields = [*NegotiationSerializer.Meta.fields, "steps"]


class TermsField(serializers.JSONField):
    """The terms as JSON (in a multipart submission: a JSON string); parse_terms checks the content."""

    def to_internal_value(self, data):
        if isinstance(data, str):
            try:
                data = json.loads(data)
            except ValueError:
                raise serializers.ValidationError(_("Geen geldige JSON.")) from None
        return data


class StepInputSerializer(serializers.Serializer):
    terms = TermsField()
    note = serializers.CharField(required=False, allow_blank=True, default="")


class OfferInputSerializer(StepInputSerializer):
    care_group = serializers.IntegerField()
    year = serializers.IntegerField()


class SubmitInputSerializer(StepInputSerializer):
    insurer = serializers.IntegerField()
    care_group = serializers.IntegerField()
    year = serializers.IntegerField()
    budget = serializers.FileField(required=False)
    work_plan = serializers.FileField(required=False)


class AcceptInputSerializer(serializers.Serializer):
    expected_step = serializers.IntegerField(required=False)
    note = serializers.CharField(required=False, allow_blank=True, default="")


class ReportInputSerializer(serializers.Serializer):
    programme = serializers.CharField()
    quarter = serializers.CharField()
    patients = serializers.CharField()


class ReportSerializer(serializers.Serializer):
    programme = serializers.CharField(source="module.code")
    quarter = serializers.IntegerField()
    patients = serializers.IntegerField()
    population = serializers.IntegerField()


class NegotiationPagination(PageNumberPagination):
    page_size = 50


def _validated(serializer_class, request) -> dict:
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


class NegotiationViewSet(viewsets.ReadOnlyModelViewSet):
    """Care-group negotiations between a samenwerkingsverband and an insurer, one per year."""

    permission_classes = [permissions.IsAuthenticated]
    pagination_class = NegotiationPagination

    def get_serializer_class(self):
        return NegotiationDetailSerializer if self.action == "retrieve" else NegotiationSerializer

    def get_queryset(self):
        qs = negotiations_with_last_step(negotiations_visible_to(self.request.user)).order_by("-year", "pk")
        if self.action == "retrieve":
            qs = qs.prefetch_related(Prefetch("steps", queryset=NegotiationStep.objects.select_related("actor")
                                              .prefetch_related("attachments").order_by("number")))
        return qs

    def _detail(self, negotiation_id: int) -> Response:
        self.action = "retrieve"
        return Response(NegotiationDetailSerializer(self.get_queryset().get(pk=negotiation_id)).data)

    @extend_schema(request=SubmitInputSerializer, responses={
        200: NegotiationDetailSerializer, 400: _error("invalid terms (unknown_programme, invalid_patients, …) or "
                                                      "documents_required, attachment_type, attachment_too_large, "
                                                      "attachment_name_too_long"),
        403: _error("not_care_group_member"), 404: _error("not_found"),
        409: _error("negotiation_closed, already_submitted")})
    @action(detail=False, methods=["post"])
    def submit(self, request):
        """The care group submits begroting and werkplan (multipart, PDF) with its proposed terms."""
        data = _validated(SubmitInputSerializer, request)
        care_group = _found(CareGroup, data["care_group"])
        step = negotiation_submit(actor=request.user, care_group=care_group,
                                  insurer=_found(Insurer, data["insurer"]), year=data["year"], terms=data["terms"],
                                  note=data["note"], budget=data.get("budget"), work_plan=data.get("work_plan"),
                                  now=timezone.now())
        return self._detail(step.negotiation_id)

    @extend_schema(request=OfferInputSerializer, responses={
        200: NegotiationDetailSerializer, 400: _error("invalid terms"), 403: _error("not_purchaser"),
        409: _error("negotiation_closed, already_offered, negotiation_agreed")})
    @action(detail=False, methods=["post"])
    def offer(self, request):
        """The insurer's offer to a care group (for the insurer the user buys for; with several, the first)."""
        data = _validated(OfferInputSerializer, request)
        insurer = next((m.insurer for m in memberships_of(request.user) if m.role == Role.INSURER_PURCHASER),
                       None)
        if insurer is None:
            raise PortalError("not_purchaser", _("Alleen een zorginkoper van deze zorgverzekeraar kan dit doen."),
                              status=403)
        step = negotiation_offer(actor=request.user, insurer=insurer, care_group=_found(CareGroup, data["care_group"]),
                                 year=data["year"], terms=data["terms"], note=data["note"], now=timezone.now())
        return self._detail(step.negotiation_id)

    @extend_schema(request=StepInputSerializer, responses={
        200: NegotiationDetailSerializer, 400: _error("invalid terms"), 403: _error("not_party"),
        404: _error("not_found"), 409: _error("not_your_turn, negotiation_agreed, negotiation_closed")})
    @action(detail=True, methods=["post"])
    def counter(self, request, pk=None):
        negotiation = self.get_object()
        data = _validated(StepInputSerializer, request)
        negotiation_counter(actor=request.user, negotiation=negotiation, terms=data["terms"], note=data["note"],
                            now=timezone.now())
        return self._detail(negotiation.pk)

    @extend_schema(request=AcceptInputSerializer, responses={
        200: NegotiationDetailSerializer, 403: _error("not_party"), 404: _error("not_found"),
        409: _error("not_your_turn, step_changed, negotiation_agreed, negotiation_closed")})
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        """Accept the other side's last proposal; `expected_step` guards against a newer one."""
        negotiation = self.get_object()
        data = _validated(AcceptInputSerializer, request)
        negotiation_accept(actor=request.user, negotiation=negotiation, note=data["note"], now=timezone.now(),
                           expected_step=data.get("expected_step"))
        return self._detail(negotiation.pk)

    @extend_schema(request=ReportInputSerializer, responses={
        200: ReportSerializer, 400: _error("inclusion_ceiling_exceeded, unknown_programme, invalid_patients, "
                                           "invalid_quarter"),
        403: _error("not_care_group_member"), 404: _error("not_found"), 409: _error("offer_not_signed")})
    @action(detail=True, methods=["post"])
    def report(self, request, pk=None):
        """The care group reports its keten patients for a programme and quarter of the signed contract."""
        negotiation = self.get_object()
        if negotiation.offer_id is None:
            raise PortalError("offer_not_signed", _("Patiëntaantallen worden gemeld bij een ondertekend contract."),
                              status=409)
        data = _validated(ReportInputSerializer, request)
        report = keten_patients_report(actor=request.user, offer=negotiation.offer, now=timezone.now(), **data)
        return Response(ReportSerializer(report).data)


def _found(model, pk):
    obj = model.objects.filter(pk=pk).first()
    if obj is None:
        raise PortalError("not_found", _("Niet gevonden."), status=404)
    return obj
