"""The qualifications API (uitvraag): the same services, permissions and error codes as the pages.

/api/v1/qualifications/ lists the qualifications of the user's own organisations (a purchaser: those for its
insurer's contracts; a practice or care group: its own), each with the frozen answers; another organisation's
is a 404 on every action. A purchaser decides with POST …/{id}/decide/. The answers themselves arrive through
the questionnaire that asked them."""

from datetime import UTC

from django.utils import timezone
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from accounts.api.serializers import ErrorSerializer
from contracting.access import qualifications_visible_to
from contracting.models import Qualification
from contracting.selectors import qualification_queue
from contracting.services import qualification_decide


class QualificationAnswerSerializer(serializers.Serializer):
    code = serializers.CharField()
    question = serializers.CharField()
    answer = serializers.CharField()


class QualificationSerializer(serializers.ModelSerializer):
    standard_contract = serializers.IntegerField(source="standard_contract_id")
    module = serializers.SerializerMethodField(help_text="The module's code; null: the whole contract.")
    holder = serializers.SerializerMethodField()
    status_label = serializers.CharField(source="get_status_display")
    answers = QualificationAnswerSerializer(many=True, help_text="Frozen as submitted; SHA-256 in answers_hash.")
    submitted_at = serializers.DateTimeField(default_timezone=UTC)
    decided_at = serializers.DateTimeField(default_timezone=UTC, allow_null=True)
    offer = serializers.IntegerField(source="offer_id", allow_null=True,
                                     help_text="Once qualified: the offer it created or the module it unlocked in.")

    class Meta:
        model = Qualification
        fields = ["id", "standard_contract", "module", "holder", "year", "status", "status_label", "answers",
                  "answers_hash", "submitted_at", "decided_at", "decided_by_rule", "reason", "offer"]

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_module(self, obj: Qualification) -> str | None:
        return obj.contract_module.module.code if obj.contract_module_id else None

    @extend_schema_field(serializers.DictField())
    def get_holder(self, obj: Qualification) -> dict:
        return {"kind": obj.holder_kind, "id": obj.holder.pk, "name": obj.holder.name}


class QualificationDecisionInputSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(choices=[("qualified", "qualified"), ("refused", "refused")])
    reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=5000)


def _error(description: str) -> OpenApiResponse:
    return OpenApiResponse(ErrorSerializer, description=description)


class QualificationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Qualifications: waiting ones first (oldest first), then the decided ones."""

    serializer_class = QualificationSerializer
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        return qualification_queue(qualifications_visible_to(self.request.user))

    @extend_schema(request=QualificationDecisionInputSerializer,
                   responses={200: QualificationSerializer, 400: _error("reason_required or a field error"),
                              403: _error("not_purchaser"), 404: _error("not_found"),
                              409: _error("qualification_decided, signing_window_closed or no_open_offer")})
    @action(detail=True, methods=["post"])
    def decide(self, request, pk=None):
        """Qualify (the offer is created, or the module unlocked) or refuse with a reason."""
        qualification = self.get_object()
        serializer = QualificationDecisionInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        qualification_decide(actor=request.user, qualification=qualification,
                             qualified=data["decision"] == "qualified", reason=data["reason"], now=timezone.now())
        return Response(self.get_serializer(self.get_queryset().get(pk=qualification.pk)).data)
