"""The surveys API: a respondent's invitations and their one response; an owner's surveys with their response
rate. The same services and scope as the pages: an invitation or survey outside the user's scope is a 404,
a PortalError becomes {"code", "detail", "fields"} with its status (core.api.exception_handler)."""

from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response as ApiResponse

from accounts.api.serializers import ErrorSerializer

from ..models import Response
from ..selectors import invitations_for, response_rate, surveys_owned_by
from ..services import response_save, survey_publish
from .serializers import (
    InvitationDetailSerializer,
    InvitationSerializer,
    ResponseInputSerializer,
    ResponseOutputSerializer,
    ResponseRateSerializer,
    SurveySummarySerializer,
)


class SurveyInvitationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The surveys the user is invited to answer (for themselves or for their organisation), with the last day,
    the days left and the state of their response; one invitation with its questions and saved answers."""

    serializer_class = InvitationSerializer
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        return invitations_for(self.request.user).select_related(
            "survey", "practice", "care_group", "insurer").order_by("survey__closes_at", "id")

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "now": timezone.now()}

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.get_queryset())
        statuses = dict(Response.objects.filter(invitation__in=[i.pk for i in page])
                        .values_list("invitation_id", "status"))
        data = InvitationSerializer(page, many=True, context={**self.get_serializer_context(),
                                                              "statuses": statuses}).data
        return self.get_paginated_response(data)

    @extend_schema(responses=InvitationDetailSerializer)
    def retrieve(self, request, *args, **kwargs):
        invitation = self.get_object()
        response = Response.objects.filter(invitation=invitation).first()
        context = {**self.get_serializer_context(), "response": response,
                   "statuses": {invitation.pk: response.status if response else ""}}
        return ApiResponse(InvitationDetailSerializer(invitation, context=context).data)

    @extend_schema(request=ResponseInputSerializer, responses={
        200: ResponseOutputSerializer, 201: ResponseOutputSerializer, 400: ErrorSerializer, 404: ErrorSerializer,
        409: OpenApiResponse(ErrorSerializer, description="already_responded, survey_closed, survey_not_open")})
    @action(detail=True, methods=["get", "post", "put"])
    def response(self, request, pk=None):
        """GET the response; POST the first one (a second is 409 already_responded); PUT changes it (a draft
        or a submitted one) until the survey closes. `submit: true` submits."""
        invitation = self.get_object()
        if request.method == "GET":
            response = Response.objects.filter(invitation=invitation).first()
            if response is None:
                return ApiResponse({"code": "no_response", "detail": _("U hebt deze enquête nog niet ingevuld.")},
                                   status=status.HTTP_404_NOT_FOUND)
            return ApiResponse(ResponseOutputSerializer(response).data)
        data = ResponseInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        response = response_save(actor=request.user, invitation=invitation, answers=data.validated_data["answers"],
                                 now=timezone.now(), submit=data.validated_data["submit"],
                                 new=request.method == "POST")
        return ApiResponse(ResponseOutputSerializer(response).data,
                           status=status.HTTP_201_CREATED if request.method == "POST" else status.HTTP_200_OK)


class SurveyViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The surveys the user runs (an insurer's purchasers their insurer's; the NZa and administrators all)."""

    serializer_class = SurveySummarySerializer
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        return surveys_owned_by(self.request.user).order_by("-year", "-opens_at", "id")

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "now": timezone.now()}

    @extend_schema(responses=ResponseRateSerializer)
    @action(detail=True, methods=["get"], url_path="response-rate")
    def response_rate(self, request, pk=None):
        """Submitted responses out of invitations (counts only, never who)."""
        return ApiResponse(ResponseRateSerializer(response_rate(self.get_object())).data)

    @extend_schema(request=None, responses={200: SurveySummarySerializer, 409: ErrorSerializer})
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        survey = survey_publish(actor=request.user, survey=self.get_object(), now=timezone.now())
        return ApiResponse(SurveySummarySerializer(survey, context=self.get_serializer_context()).data)
