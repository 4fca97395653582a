"""The overleg API: the same services, scopes and error codes as the pages. Rounds, meetings, positions and
knelpunten are for the overlegteam's members and its insurer's purchasers (the NZa and administrators read);
another role gets a 403 on the lists, and an object outside the user's scope is a 404 on every action.
Evaluations are read by their insurer's purchasers, and once shared by its contractants and overlegteams."""

from django.db.models import Count, Prefetch
from django.utils import timezone
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from accounts.models import User
from contracting.calendar import MilestoneKind
from contracting.models import Milestone
from insurers.models import Insurer

from ..access import (
    evaluations_visible_to,
    is_consultation_user,
    knelpunten_visible_to,
    meetings_visible_to,
    positions_visible_to,
    rounds_visible_to,
)
from ..models import Meeting, Position
from ..selectors import evaluation_lateness, positions_with_clock, round_phases
from ..services import (
    evaluation_finish,
    evaluation_save,
    evaluation_share,
    knelpunt_close,
    knelpunt_link_requests,
    knelpunt_raise,
    knelpunt_respond,
    meeting_attach,
    meeting_plan,
    meeting_record,
    position_decide,
    position_set_due,
    position_submit,
    position_withdraw,
    round_decide_mandate,
    round_request_mandate,
    round_set_intake,
)
from .serializers import (
    DecideInput,
    DueInput,
    EvaluationInput,
    EvaluationSerializer,
    ItemInput,
    KnelpuntSerializer,
    LinkInput,
    MandateDecisionInput,
    MeetingInput,
    MeetingSerializer,
    MinutesInput,
    PositionSerializer,
    ResponseInput,
    RoundSerializer,
    TextInput,
)


class IsConsultationUser(permissions.BasePermission):
    message = "Het overleg is voor leden van een overlegteam en zorginkopers van hun zorgverzekeraar."

    def has_permission(self, request, view) -> bool:
        return is_consultation_user(request.user)


def _validated(serializer_class, request) -> dict:
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def _visible(queryset, pk):
    obj = queryset.filter(pk=pk).first() if pk else None
    if pk and obj is None:
        raise NotFound()
    return obj


class _Base(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    permission_classes = (permissions.IsAuthenticated, IsConsultationUser)
    lookup_value_regex = r"\d+"

    def _fresh(self, obj, code=status.HTTP_200_OK) -> Response:
        return Response(self.get_serializer(self.get_queryset().get(pk=obj.pk)).data, status=code)


class RoundViewSet(_Base):
    """Consultation rounds per overlegteam and contract year, with their phases (from the year's milestones)."""

    serializer_class = RoundSerializer

    def get_queryset(self):
        queryset = rounds_visible_to(self.request.user).select_related("overleg_team__insurer", "contract_year")
        year = self.request.query_params.get("year", "")
        return (queryset.filter(contract_year__year=int(year)) if year.isdigit() else queryset).order_by(
            "-contract_year__year", "overleg_team__name", "pk")

    def get_serializer(self, *args, **kwargs):
        # Every round's phases from its year's milestones: one query for all the years on a page.
        rows = args[0] if args else None
        rows = rows if isinstance(rows, list) else [rows] if rows is not None else []
        by_year: dict[int, dict] = {r.contract_year_id: {} for r in rows}
        for milestone in Milestone.objects.filter(contract_year_id__in=by_year):
            by_year[milestone.contract_year_id][milestone.kind] = milestone
        now = timezone.now()
        for round in rows:
            round._milestones_cache = by_year[round.contract_year_id]
            round.phase_rows = round_phases(round, now)
        return super().get_serializer(*args, **kwargs)

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(self.get_serializer(list(page), many=True).data)

    @action(detail=True, methods=["post"])
    def intake(self, request, pk=None):
        """The acting side's wishes and dilemmas."""
        round = self.get_object()
        round_set_intake(actor=request.user, round=round, text=_validated(TextInput, request)["text"],
                         now=timezone.now())
        return self._fresh(round)

    @action(detail=True, methods=["post"])
    def mandate(self, request, pk=None):
        """The team puts its mandate to the insurer."""
        round = self.get_object()
        round_request_mandate(actor=request.user, round=round, text=_validated(TextInput, request)["text"],
                              now=timezone.now())
        return self._fresh(round)

    @action(detail=True, methods=["post"], url_path="mandate-decision")
    def mandate_decision(self, request, pk=None):
        """The insurer accepts the mandate, or does not (with its reason)."""
        round = self.get_object()
        data = _validated(MandateDecisionInput, request)
        round_decide_mandate(actor=request.user, round=round, accept=data["accept"], reason=data["reason"],
                             now=timezone.now())
        return self._fresh(round)


class MeetingViewSet(mixins.CreateModelMixin, _Base):
    """Meetings with agenda, attendees, minutes (Markdown, and the same rendered and sanitised) and attachments."""

    serializer_class = MeetingSerializer
    parser_classes = (JSONParser, MultiPartParser, FormParser)

    def get_queryset(self):
        queryset = meetings_visible_to(self.request.user).prefetch_related(
            Prefetch("attendees", queryset=User.objects.order_by("full_name", "pk")), "attachments")
        round = self.request.query_params.get("round", "")
        return (queryset.filter(round_id=int(round)) if round.isdigit() else queryset).order_by("starts_at", "pk")

    def create(self, request, *args, **kwargs):
        data = _validated(MeetingInput, request)
        round = _visible(rounds_visible_to(request.user), data["round"])
        meeting = meeting_plan(actor=request.user, round=round, title=data["title"], starts_at=data["starts_at"],
                               location=data["location"], agenda=data["agenda"], attendee_ids=data["attendees"],
                               now=timezone.now())
        return self._fresh(meeting, status.HTTP_201_CREATED)

    @action(detail=True, methods=["post"])
    def minutes(self, request, pk=None):
        meeting = self.get_object()
        data = _validated(MinutesInput, request)
        meeting_record(actor=request.user, meeting=meeting, minutes=data["minutes"], attendee_ids=data["attendees"],
                       other_attendees=data["other_attendees"], now=timezone.now())
        return self._fresh(meeting)

    @action(detail=True, methods=["post"])
    def attachments(self, request, pk=None):
        """Files as multipart `attachments`."""
        meeting = self.get_object()
        meeting_attach(actor=request.user, meeting=meeting, files=request.FILES.getlist("attachments"),
                       now=timezone.now())
        return self._fresh(meeting)


class PositionViewSet(mixins.CreateModelMixin, _Base):
    """The overlegteam's positions and the insurer's decisions, due by the day the insurer set."""

    serializer_class = PositionSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema generator: no database work
            return Position.objects.none()
        queryset = positions_with_clock(positions_visible_to(self.request.user), timezone.now())
        round = self.request.query_params.get("round", "")
        return queryset.filter(round_id=int(round)) if round.isdigit() else queryset

    def create(self, request, *args, **kwargs):
        data = _validated(ItemInput, request)
        round = _visible(rounds_visible_to(request.user), data["round"])
        meeting = _visible(Meeting.objects.filter(round=round), data.get("meeting"))
        position = position_submit(actor=request.user, round=round, meeting=meeting, title=data["title"],
                                   text=data["text"], now=timezone.now())
        return self._fresh(position, status.HTTP_201_CREATED)

    @action(detail=True, methods=["post"], url_path="set-due")
    def set_due(self, request, pk=None):
        position = self.get_object()
        position_set_due(actor=request.user, position=position, due_on=_validated(DueInput, request)["due_on"],
                         now=timezone.now())
        return self._fresh(position)

    @action(detail=True, methods=["post"])
    def decide(self, request, pk=None):
        position = self.get_object()
        data = _validated(DecideInput, request)
        position_decide(actor=request.user, position=position, decision=data["decision"], reasons=data["reasons"],
                        now=timezone.now())
        return self._fresh(position)

    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        position = self.get_object()
        position_withdraw(actor=request.user, position=position, now=timezone.now())
        return self._fresh(position)


class KnelpuntViewSet(mixins.CreateModelMixin, _Base):
    """Structural knelpunten in the overleg, reacted to within 2 weeks; the team sees how many practice
    knelpunten are linked, never which."""

    serializer_class = KnelpuntSerializer

    def get_queryset(self):
        queryset = knelpunten_visible_to(self.request.user).annotate(request_count=Count("requests"))
        round = self.request.query_params.get("round", "")
        return (queryset.filter(round_id=int(round)) if round.isdigit() else queryset).order_by("raised_at", "pk")

    def create(self, request, *args, **kwargs):
        data = _validated(ItemInput, request)
        round = _visible(rounds_visible_to(request.user), data["round"])
        meeting = _visible(Meeting.objects.filter(round=round), data.get("meeting"))
        knelpunt = knelpunt_raise(actor=request.user, round=round, meeting=meeting, title=data["title"],
                                  text=data["text"], now=timezone.now())
        return self._fresh(knelpunt, status.HTTP_201_CREATED)

    @action(detail=True, methods=["post"])
    def respond(self, request, pk=None):
        knelpunt = self.get_object()
        knelpunt_respond(actor=request.user, knelpunt=knelpunt, response=_validated(ResponseInput, request)["response"],
                         now=timezone.now())
        return self._fresh(knelpunt)

    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        knelpunt = self.get_object()
        knelpunt_close(actor=request.user, knelpunt=knelpunt, now=timezone.now())
        return self._fresh(knelpunt)

    @action(detail=True, methods=["post"], url_path="link-requests")
    def link_requests(self, request, pk=None):
        """The insurer links its practices' knelpunt requests (ids)."""
        knelpunt = self.get_object()
        knelpunt_link_requests(actor=request.user, knelpunt=knelpunt,
                               request_ids=_validated(LinkInput, request)["requests"], now=timezone.now())
        return self._fresh(knelpunt)


class EvaluationViewSet(mixins.CreateModelMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                        viewsets.GenericViewSet):
    """Insurers' evaluations of the previous contracting with their late flags (finished by end of February,
    shared by 1 March)."""

    serializer_class = EvaluationSerializer
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        return evaluations_visible_to(self.request.user).select_related("insurer", "contract_year").order_by(
            "-contract_year__year", "insurer__name", "pk")

    def get_serializer(self, *args, **kwargs):
        rows = args[0] if args else None
        rows = rows if isinstance(rows, list) else [rows] if rows is not None else []
        now, milestones = timezone.now(), {}
        # The late flags of a page of evaluations from one query of their years' two milestones.
        for m in Milestone.objects.filter(contract_year_id__in={e.contract_year_id for e in rows},
                                          kind__in=[MilestoneKind.EVALUATION_FINISHED,
                                                    MilestoneKind.EVALUATION_COMMUNICATED]):
            milestones.setdefault(m.contract_year_id, {})[m.kind] = m
        for evaluation in rows:
            evaluation.lateness = evaluation_lateness(evaluation, year=evaluation.contract_year.year, now=now,
                                                      milestones=milestones.get(evaluation.contract_year_id, {}))
        return super().get_serializer(*args, **kwargs)

    def list(self, request, *args, **kwargs):
        page = list(self.paginate_queryset(self.get_queryset()))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def _fresh(self, obj, code=status.HTTP_200_OK) -> Response:
        return Response(self.get_serializer(self.get_queryset().get(pk=obj.pk)).data, status=code)

    def create(self, request, *args, **kwargs):
        """Write (or rewrite) an evaluation of the user's own insurer."""
        data = _validated(EvaluationInput, request)
        insurer = Insurer.objects.filter(pk=data["insurer"]).first()
        if insurer is None:
            raise NotFound()
        evaluation = evaluation_save(actor=request.user, insurer=insurer, year=data["year"], method=data["method"],
                                     summary=data["summary"], now=timezone.now())
        return self._fresh(evaluation, status.HTTP_201_CREATED)

    @action(detail=True, methods=["post"])
    def finish(self, request, pk=None):
        evaluation = self.get_object()
        evaluation_finish(actor=request.user, evaluation=evaluation, now=timezone.now())
        return self._fresh(evaluation)

    @action(detail=True, methods=["post"])
    def share(self, request, pk=None):
        evaluation = self.get_object()
        evaluation_share(actor=request.user, evaluation=evaluation, now=timezone.now())
        return self._fresh(evaluation)
