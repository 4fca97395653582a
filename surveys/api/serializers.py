from django.utils import timezone
from rest_framework import serializers

from contracting.calendar import Deadline

from ..models import Invitation, Question, Section, Survey
from ..selectors import survey_is_open


class SurveySummarySerializer(serializers.ModelSerializer):
    last_day = serializers.SerializerMethodField()
    days_left = serializers.SerializerMethodField()
    is_open = serializers.SerializerMethodField()

    class Meta:
        model = Survey
        fields = ["id", "kind", "series", "year", "title", "introduction", "anonymous", "threshold", "audience",
                  "status", "opens_at", "closes_at", "last_day", "days_left", "is_open"]

    def _deadline(self, survey) -> Deadline:
        return Deadline.of(survey.closes_at, self.context.get("now") or timezone.now(), boundary="end")

    def get_last_day(self, survey) -> str:
        return self._deadline(survey).day.isoformat()

    def get_days_left(self, survey) -> int:
        return self._deadline(survey).days_left

    def get_is_open(self, survey) -> bool:
        return survey_is_open(survey, self.context.get("now") or timezone.now())


class QuestionSerializer(serializers.ModelSerializer):
    show_if = serializers.CharField(source="show_if.code", default="", read_only=True)

    class Meta:
        model = Question
        fields = ["code", "kind", "text", "help_text", "required", "options", "rows", "min_value", "max_value",
                  "show_if", "show_if_values", "show_if_same_row", "repeat", "source_note"]


class SectionSerializer(serializers.ModelSerializer):
    questions = QuestionSerializer(many=True, read_only=True)

    class Meta:
        model = Section
        fields = ["position", "title", "help_text", "questions"]


class InvitationSerializer(serializers.ModelSerializer):
    survey = SurveySummarySerializer(read_only=True)
    respondent = serializers.SerializerMethodField()
    response_status = serializers.SerializerMethodField()

    class Meta:
        model = Invitation
        fields = ["id", "survey", "respondent", "response_status"]

    def get_respondent(self, invitation) -> dict:
        for kind in ("practice", "care_group", "insurer"):
            if getattr(invitation, f"{kind}_id") and not invitation.user_id:
                org = getattr(invitation, kind)
                return {"kind": kind, "id": org.pk, "name": org.name}
        return {"kind": "person", "id": invitation.user_id, "name": ""}

    def get_response_status(self, invitation) -> str:
        statuses = self.context.get("statuses")
        if statuses is not None:
            return statuses.get(invitation.pk, "")
        response = getattr(invitation, "response", None) if hasattr(invitation, "response") else None
        return response.status if response else ""


class InvitationDetailSerializer(InvitationSerializer):
    sections = serializers.SerializerMethodField()
    repeats = serializers.SerializerMethodField()
    answers = serializers.SerializerMethodField()

    class Meta(InvitationSerializer.Meta):
        fields = [*InvitationSerializer.Meta.fields, "sections", "repeats", "answers"]

    def get_sections(self, invitation) -> list:
        sections = invitation.survey.sections.prefetch_related("questions__show_if").order_by("position")
        return SectionSerializer(sections, many=True).data

    def get_repeats(self, invitation) -> dict:
        """The repeat keys this respondent answers per repeated question kind."""
        return {"insurer": [str(pk) for pk in invitation.attributes.get("insurers", [])],
                "care_group": [str(pk) for pk in invitation.attributes.get("care_groups", [])]}

    def get_answers(self, invitation) -> dict:
        from ..services import response_answers

        response = self.context.get("response")
        return response_answers(response) if response else {}


class ResponseInputSerializer(serializers.Serializer):
    answers = serializers.DictField(help_text="Per question code the answer (see surveys.services.responses).")
    submit = serializers.BooleanField(default=False)


class ResponseOutputSerializer(serializers.Serializer):
    invitation = serializers.IntegerField(source="invitation_id")
    status = serializers.CharField()
    updated_at = serializers.DateTimeField()
    submitted_at = serializers.DateTimeField(allow_null=True)
    answers = serializers.SerializerMethodField()

    def get_answers(self, response) -> dict:
        from ..services import response_answers

        return response_answers(response)


class ResponseRateSerializer(serializers.Serializer):
    invited = serializers.IntegerField()
    submitted = serializers.IntegerField()
    drafts = serializers.IntegerField()
    percent = serializers.IntegerField()
