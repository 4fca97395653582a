"""/api/v1/overleg-figures/: what the overlegteam's home page shows, as data: per team of the user, counts for
its insurer and region (never a single practice's contract or request). Someone in no overlegteam: 404."""

from datetime import UTC

from django.http import Http404
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from contracting.selectors import contract_year_current
from core.params import parse_id

from ..access import overleg_teams_of
from ..selectors import overleg_team_figures


class OverlegRequestCountsSerializer(serializers.Serializer):
    total = serializers.IntegerField()
    open = serializers.IntegerField()
    overdue = serializers.IntegerField()
    decided = serializers.IntegerField()
    escalated = serializers.IntegerField()


class OverlegRequestKindSerializer(serializers.Serializer):
    kind = serializers.CharField()
    label = serializers.CharField()
    counts = OverlegRequestCountsSerializer()


class OverlegMeetingSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    title = serializers.CharField()
    year = serializers.IntegerField()
    starts_at = serializers.DateTimeField(default_timezone=UTC)
    status = serializers.CharField()
    invited = serializers.IntegerField()
    registered = serializers.IntegerField()
    attendees = serializers.IntegerField()
    attended = serializers.SerializerMethodField()

    def get_attended(self, obj) -> int | None:
        return obj.attended if obj.attendance_recorded_at else None


class OverlegDocumentSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    title = serializers.CharField()


class OverlegTeamFiguresSerializer(serializers.Serializer):
    team = serializers.IntegerField(source="team.pk")
    team_name = serializers.CharField(source="team.name")
    insurer = serializers.IntegerField(source="team.insurer_id")
    region = serializers.IntegerField(source="team.region_id")
    year = serializers.IntegerField()
    signing = serializers.DictField(child=serializers.IntegerField(),
                                    help_text="The region's practice offers: sent, opened, signed, refused, expired, "
                                              "open.")
    requests_totals = serializers.DictField(source="requests.totals", child=serializers.IntegerField())
    requests_by_kind = serializers.SerializerMethodField()
    policy_versions = OverlegDocumentSerializer(many=True)
    contracts = OverlegDocumentSerializer(many=True)
    meetings = OverlegMeetingSerializer(many=True)

    @extend_schema_field(OverlegRequestKindSerializer(many=True))
    def get_requests_by_kind(self, obj) -> list:
        return [{"kind": kind, "label": str(label), "counts": counts}
                for kind, label, counts in obj.requests["by_kind"]]


class OverlegFiguresView(APIView):
    @extend_schema(parameters=[OpenApiParameter("year", OpenApiTypes.INT, description="Contract year; default "
                                                "the current one.")],
                   responses={200: OverlegTeamFiguresSerializer(many=True)})
    def get(self, request):
        """Per overlegteam of the user: signing progress, requests by kind with the overdue ones, the published
        policy versions and standard contracts, the regiobijeenkomsten with counts."""
        teams = overleg_teams_of(request.user)
        if not teams:
            raise Http404
        now = timezone.now()
        year = parse_id(request.query_params.get("year", ""))
        if year is None or not 2000 <= year <= 2100:
            current = contract_year_current(now)
            year = current.year if current else now.year + 1
        figures = [overleg_team_figures(team, year=year, now=now) for team in teams]
        return Response(OverlegTeamFiguresSerializer(figures, many=True).data)
