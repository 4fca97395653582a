"""/api/v1/regional-meetings/: regiobijeenkomsten with the same services and visibility as the pages. Who sees a
meeting (consultations.access.regional_meetings_visible_to) may read it with its counts; acting needs the role:
organising, cancelling and recording attendance the insurer's purchasers (403 for others who see it),
registering the invited practice's or care group's people (403 for others who see it). A meeting the user may
not see is a 404."""

from datetime import UTC

import django_filters
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from accounts.api.serializers import ErrorSerializer
from accounts.selectors import insurer_ids_of
from contracting.access import require_insurer_purchaser
from core.api import ChoiceLabelField
from core.errors import Forbidden, PortalError
from insurers.models import Insurer
from providers.models import Region

from ..access import own_invitations, regional_meetings_visible_to
from ..models import RegionalMeeting, RegionalMeetingInvitation
from ..selectors import meetings_with_counts
from ..services import (
    regional_meeting_cancel,
    regional_meeting_create,
    regional_meeting_record_attendance,
    regional_meeting_register,
    regional_meeting_unregister,
)


def _error(description: str) -> OpenApiResponse:
    return OpenApiResponse(ErrorSerializer, description=description)


class RegionalInvitationSerializer(serializers.ModelSerializer):
    holder_name = serializers.SerializerMethodField()
    registered = serializers.BooleanField(source="is_registered", read_only=True)
    registered_at = serializers.DateTimeField(default_timezone=UTC, read_only=True)

    class Meta:
        model = RegionalMeetingInvitation
        fields = ["id", "practice", "care_group", "holder_name", "registered", "registered_at", "attendees",
                  "attended"]

    def get_holder_name(self, obj) -> str:
        return obj.holder.name


class RegionalMeetingSerializer(serializers.ModelSerializer):
    """A meeting with counts only (invited, registered, attendees: people registered, attended: holders recorded
    present, null until recorded), and the user's own invitations (empty unless invited)."""

    insurer_name = serializers.CharField(source="insurer.name", read_only=True)
    region_name = serializers.CharField(source="region.name", read_only=True)
    status_label = ChoiceLabelField("status", RegionalMeeting.Status)
    starts_at = serializers.DateTimeField(default_timezone=UTC)
    ends_at = serializers.DateTimeField(default_timezone=UTC)
    invited = serializers.IntegerField(read_only=True)
    registered = serializers.IntegerField(read_only=True)
    attendees = serializers.IntegerField(read_only=True)
    attended = serializers.SerializerMethodField()
    my_invitations = serializers.SerializerMethodField()

    class Meta:
        model = RegionalMeeting
        fields = ["id", "insurer", "insurer_name", "region", "region_name", "year", "title", "starts_at", "ends_at",
                  "location", "online_url", "agenda", "status", "status_label", "cancel_reason", "invited",
                  "registered", "attendees", "attended", "my_invitations"]

    def get_attended(self, obj) -> int | None:
        return obj.attended if obj.attendance_recorded_at else None

    @extend_schema_field(RegionalInvitationSerializer(many=True))
    def get_my_invitations(self, obj) -> list:
        mine = self.context.get("my_invitations", {}).get(obj.pk, [])
        return RegionalInvitationSerializer(mine, many=True).data


class RegionalMeetingInputSerializer(serializers.Serializer):
    insurer = serializers.PrimaryKeyRelatedField(queryset=Insurer.objects.all(), required=False,
                                                 help_text="Needed only by a purchaser of several insurers.")
    region = serializers.PrimaryKeyRelatedField(queryset=Region.objects.all())
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    title = serializers.CharField(max_length=200)
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    location = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    online_url = serializers.URLField(required=False, allow_blank=True, default="")
    agenda = serializers.CharField(required=False, allow_blank=True, default="")


class RegionalRegisterInputSerializer(serializers.Serializer):
    invitation = serializers.IntegerField(required=False, help_text="Which of your invitations (when you act for "
                                                                    "several invited organisations).")
    attendees = serializers.IntegerField(required=False, default=1)


class RegionalCancelInputSerializer(serializers.Serializer):
    reason = serializers.CharField(allow_blank=True)


class RegionalAttendanceInputSerializer(serializers.Serializer):
    attended = serializers.ListField(child=serializers.IntegerField(), allow_empty=True,
                                     help_text="Invitation ids of the holders that were present; all others absent.")


class RegionalMeetingFilter(django_filters.FilterSet):
    year = django_filters.NumberFilter()
    region = django_filters.NumberFilter(field_name="region_id")
    insurer = django_filters.NumberFilter(field_name="insurer_id")

    class Meta:
        model = RegionalMeeting
        fields = ["year", "region", "insurer"]


def _validated(serializer_class, request) -> dict:
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


class RegionalMeetingViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = RegionalMeetingSerializer
    filterset_class = RegionalMeetingFilter
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        return meetings_with_counts(regional_meetings_visible_to(self.request.user))

    def get_serializer_context(self):
        context = super().get_serializer_context()
        mine: dict[int, list] = {}
        for invitation in own_invitations(self.request.user).filter(meeting__in=self.get_queryset().values("pk")):
            mine.setdefault(invitation.meeting_id, []).append(invitation)
        context["my_invitations"] = mine
        return context

    def _fresh(self, meeting):
        return Response(self.get_serializer(self.get_queryset().get(pk=meeting.pk)).data)

    @extend_schema(request=RegionalMeetingInputSerializer,
                   responses={201: RegionalMeetingSerializer, 200: RegionalMeetingSerializer,
                              400: _error("invalid_meeting (with fields), no_contract_year, region_not_served"),
                              403: _error("not_purchaser")})
    def create(self, request):
        """Plan a meeting and invite every practice and care group of the region. The same meeting again gives
        it back (200)."""
        data = _validated(RegionalMeetingInputSerializer, request)
        insurer = data.get("insurer")
        if insurer is None:
            own = sorted(insurer_ids_of(request.user))
            if not own:
                raise Forbidden("not_purchaser", _("Alleen een zorginkoper van deze zorgverzekeraar kan dit doen."))
            if len(own) > 1:
                raise PortalError("insurer_required", _("Kies voor welke zorgverzekeraar u de bijeenkomst plant."),
                                  fields={"insurer": [_("Verplicht.")]})
            insurer = Insurer.objects.get(pk=own[0])
        require_insurer_purchaser(request.user, insurer.pk)
        known = set(RegionalMeeting.objects.filter(insurer=insurer).values_list("pk", flat=True))
        meeting = regional_meeting_create(
            actor=request.user, insurer=insurer, region=data["region"], year=data["year"], title=data["title"],
            starts_at=data["starts_at"], ends_at=data["ends_at"], location=data["location"],
            online_url=data["online_url"], agenda=data["agenda"], now=timezone.now())
        response = self._fresh(meeting)
        response.status_code = status.HTTP_200_OK if meeting.pk in known else status.HTTP_201_CREATED
        return response

    def _my_invitation(self, request, meeting, pk) -> RegionalMeetingInvitation:
        mine = list(own_invitations(request.user, meeting))
        if pk is not None:
            mine = [i for i in mine if i.pk == pk]
        if len(mine) != 1:
            if not mine:
                raise Forbidden("not_invited", _("Uw organisatie is voor deze bijeenkomst niet uitgenodigd."))
            raise PortalError("invitation_required", _("Kies voor welke organisatie u zich aanmeldt."),
                              fields={"invitation": [_("Verplicht.")]})
        return mine[0]

    @extend_schema(request=RegionalRegisterInputSerializer,
                   responses={200: RegionalMeetingSerializer, 400: _error("invalid_attendees, invitation_required"),
                              403: _error("not_invited"), 404: _error("not_found"),
                              409: _error("meeting_cancelled or meeting_started")})
    @action(detail=True, methods=["post"])
    def register(self, request, pk=None):
        """Register your invited practice or care group (for `attendees` people, 1 to 20) until the meeting
        starts; again changes the number."""
        meeting = self.get_object()
        data = _validated(RegionalRegisterInputSerializer, request)
        invitation = self._my_invitation(request, meeting, data.get("invitation"))
        regional_meeting_register(actor=request.user, invitation=invitation, attendees=data["attendees"],
                                  now=timezone.now())
        return self._fresh(meeting)

    @extend_schema(request=RegionalRegisterInputSerializer,
                   responses={200: RegionalMeetingSerializer, 403: _error("not_invited"), 404: _error("not_found"),
                              409: _error("meeting_cancelled or meeting_started")})
    @action(detail=True, methods=["post"])
    def unregister(self, request, pk=None):
        """Cancel your registration until the meeting starts."""
        meeting = self.get_object()
        data = _validated(RegionalRegisterInputSerializer, request)
        invitation = self._my_invitation(request, meeting, data.get("invitation"))
        regional_meeting_unregister(actor=request.user, invitation=invitation, now=timezone.now())
        return self._fresh(meeting)

    @extend_schema(request=RegionalCancelInputSerializer,
                   responses={200: RegionalMeetingSerializer, 400: _error("reason_required"),
                              403: _error("not_purchaser"), 404: _error("not_found"), 409: _error("meeting_started")})
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        """Call the meeting off before it starts, with a reason (the insurer's purchasers)."""
        meeting = self.get_object()
        data = _validated(RegionalCancelInputSerializer, request)
        regional_meeting_cancel(actor=request.user, meeting=meeting, reason=data["reason"], now=timezone.now())
        return self._fresh(meeting)

    @extend_schema(request=RegionalAttendanceInputSerializer,
                   responses={200: RegionalMeetingSerializer, 400: _error("unknown_invitation"),
                              403: _error("not_purchaser"), 404: _error("not_found"),
                              409: _error("meeting_cancelled or meeting_not_started")})
    @action(detail=True, methods=["post"])
    def attendance(self, request, pk=None):
        """Record who was present, once the meeting has started (the insurer's purchasers)."""
        meeting = self.get_object()
        data = _validated(RegionalAttendanceInputSerializer, request)
        regional_meeting_record_attendance(actor=request.user, meeting=meeting, attended_ids=data["attended"],
                                           now=timezone.now())
        return self._fresh(meeting)

    @extend_schema(responses={200: RegionalInvitationSerializer(many=True), 403: _error("not_purchaser"),
                              404: _error("not_found")})
    @action(detail=True, methods=["get"])
    def invitations(self, request, pk=None):
        """Who was invited, registered and present, by name: the organising insurer's purchasers only."""
        meeting = self.get_object()
        require_insurer_purchaser(request.user, meeting.insurer_id)
        rows = meeting.invitations.select_related("practice", "care_group").order_by("pk")
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(RegionalInvitationSerializer(page, many=True).data)
