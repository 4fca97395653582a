"""The uitvraag API: the same services, permissions and error codes as the pages.

GET /api/v1/qualification-questionnaires/ lists a purchaser's own insurer's uitvragen and the open ones the
user's practices and care groups may answer; POST attaches a built-in uitvraag to a contract or module;
POST …/{id}/start/ makes the holder's invitation, after which the answers go through the survey's respond
API and page. Decisions are on /api/v1/qualifications/ (contracting)."""

from datetime import UTC

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from accounts.api.serializers import ErrorSerializer
from accounts.selectors import care_group_ids_of, insurer_ids_of, memberships_of
from contracting.models import ContractModule, StandardContract

from ..models import QualificationQuestionnaire, Survey
from ..qualification_rules import parse_rule, rule_text
from ..qualification_templates import QUALIFICATION_TEMPLATES
from ..services.qualification import qualification_invitation_ensure, qualification_questionnaire_attach


def _error(description: str) -> OpenApiResponse:
    return OpenApiResponse(ErrorSerializer, description=description)


class QuestionnaireSerializer(serializers.ModelSerializer):
    survey = serializers.IntegerField(source="survey_id")
    title = serializers.CharField(source="survey.title")
    insurer = serializers.IntegerField(source="standard_contract.insurer_id")
    standard_contract = serializers.IntegerField(source="standard_contract_id")
    module = serializers.SerializerMethodField(help_text="The module's code; null: the whole contract.")
    rule = serializers.SerializerMethodField(help_text="Qualifies automatically when met; empty: the insurer "
                                                       "decides.")
    opens_at = serializers.DateTimeField(source="survey.opens_at", default_timezone=UTC)
    closes_at = serializers.DateTimeField(source="survey.closes_at", default_timezone=UTC)

    class Meta:
        model = QualificationQuestionnaire
        fields = ["id", "survey", "title", "insurer", "standard_contract", "module", "rule", "opens_at", "closes_at"]

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_module(self, obj) -> str | None:
        return obj.contract_module.module.code if obj.contract_module_id else None

    def get_rule(self, obj) -> str:
        return rule_text(obj.rule)


class AttachInputSerializer(serializers.Serializer):
    standard_contract = serializers.IntegerField()
    module = serializers.CharField(required=False, allow_blank=True, default="", max_length=60,
                                   help_text="A module's code: the uitvraag unlocks that module.")
    template = serializers.ChoiceField(choices=sorted(QUALIFICATION_TEMPLATES))
    rule = serializers.CharField(required=False, allow_blank=True, default="", max_length=500,
                                 help_text="E.g. \"Q1 = ja en Q2 >= 4\".")


class StartInputSerializer(serializers.Serializer):
    practice = serializers.IntegerField(required=False)
    care_group = serializers.IntegerField(required=False)

    def validate(self, attrs):
        if ("practice" in attrs) == ("care_group" in attrs):
            raise serializers.ValidationError("Geef een praktijk of een samenwerkingsverband.")
        return attrs


class InvitationOutSerializer(serializers.Serializer):
    invitation = serializers.IntegerField()
    survey = serializers.IntegerField()
    respond_url = serializers.CharField(help_text="The page where the holder answers.")


class QualificationQuestionnaireViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = QuestionnaireSerializer
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        user = self.request.user
        now = timezone.now()
        answerable = Q(survey__status=Survey.Status.PUBLISHED, survey__opens_at__lte=now, survey__closes_at__gt=now)
        holder_kinds = ([c for c, ok in (("practice", any(m.practice_id for m in memberships_of(user))),
                                         ("care_group", bool(care_group_ids_of(user)))) if ok])
        return (QualificationQuestionnaire.objects
                .filter(Q(standard_contract__insurer__in=insurer_ids_of(user))
                        | (answerable & Q(standard_contract__holder_kind__in=holder_kinds)))
                .select_related("survey", "standard_contract", "contract_module__module").order_by("-id"))

    @extend_schema(request=AttachInputSerializer,
                   responses={201: QuestionnaireSerializer, 200: QuestionnaireSerializer,
                              400: _error("rule_invalid, closes_after_signing or a field error"),
                              403: _error("not_purchaser"), 404: _error("not_found: no such contract or module"),
                              409: _error("qualification_not_required or contract_not_published")})
    def create(self, request):
        """Attach a built-in uitvraag to one of the insurer's contracts (or a module of it); again: the same."""
        serializer = AttachInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        contract = StandardContract.objects.filter(pk=data["standard_contract"],
                                                   insurer__in=insurer_ids_of(request.user)).first()
        if contract is None:
            raise NotFound("Dit contract bestaat niet of is niet van uw organisatie.")
        module = None
        if data["module"]:
            module = ContractModule.objects.filter(standard_contract=contract, module__code=data["module"]).first()
            if module is None:
                raise NotFound("Deze module staat niet in dit contract.")
        known = QualificationQuestionnaire.objects.filter(standard_contract=contract, contract_module=module).exists()
        questionnaire = qualification_questionnaire_attach(
            actor=request.user, contract=contract, contract_module=module,
            definition=QUALIFICATION_TEMPLATES[data["template"]][0], rule=parse_rule(data["rule"]))
        return Response(self.get_serializer(questionnaire).data,
                        status=status.HTTP_200_OK if known else status.HTTP_201_CREATED)

    @extend_schema(request=StartInputSerializer,
                   responses={200: InvitationOutSerializer, 403: _error("not_holder_member"), 404: _error("not_found"),
                              409: _error("survey_closed, already_offered, no_open_offer or qualification_decided")})
    @action(detail=True, methods=["post"])
    def start(self, request, pk=None):
        """Start answering for one of your practices or care groups: its invitation (made the first time)."""
        questionnaire = self.get_object()
        serializer = StartInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        holders = {("practice", m.practice_id): m.practice for m in memberships_of(request.user) if m.practice_id}
        holders |= {("care_group", m.care_group_id): m.care_group for m in memberships_of(request.user)
                    if m.care_group_id}
        kind = "practice" if "practice" in data else "care_group"
        holder = holders.get((kind, data[kind]))
        if holder is None:
            raise NotFound("Deze zorgaanbieder is niet de uwe.")
        invitation = qualification_invitation_ensure(actor=request.user, questionnaire=questionnaire,
                                                     **{kind: holder})
        return Response({"invitation": invitation.pk, "survey": questionnaire.survey_id,
                         "respond_url": reverse("surveys:respond", args=[questionnaire.survey_id])
                         + f"?uitnodiging={invitation.pk}"})
