"""Shapes of the overleg API. Output serializers only read; input serializers only check the shape (every rule
is in consultations/services)."""

from datetime import UTC, date

from rest_framework import serializers

from core.markdown import render_markdown

from ..models import ConsultationRound, Evaluation, Knelpunt, Meeting, MeetingAttachment, Position


class PhaseSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    starts_on = serializers.DateField(allow_null=True)
    ends_on = serializers.DateField(allow_null=True, help_text="The last day of the phase.")
    current = serializers.BooleanField()
    done = serializers.BooleanField()


class RoundSerializer(serializers.ModelSerializer):
    year = serializers.IntegerField(source="contract_year.year")
    overleg_team_name = serializers.CharField(source="overleg_team.name")
    insurer = serializers.IntegerField(source="overleg_team.insurer_id")
    insurer_name = serializers.CharField(source="overleg_team.insurer.name")
    phases = PhaseSerializer(many=True, source="phase_rows")
    mandate_requested_at = serializers.DateTimeField(default_timezone=UTC)
    mandate_decided_at = serializers.DateTimeField(default_timezone=UTC)

    class Meta:
        model = ConsultationRound
        fields = ["id", "year", "overleg_team", "overleg_team_name", "insurer", "insurer_name", "phases",
                  "team_intake", "insurer_intake", "mandate_text", "mandate_status", "mandate_requested_at",
                  "mandate_decided_at", "mandate_reason"]


class MeetingAttachmentSerializer(serializers.ModelSerializer):
    uploaded_at = serializers.DateTimeField(default_timezone=UTC)

    class Meta:
        model = MeetingAttachment
        fields = ["id", "name", "size", "content_type", "sha256", "uploaded_at"]


class MeetingSerializer(serializers.ModelSerializer):
    starts_at = serializers.DateTimeField(default_timezone=UTC)
    minutes_html = serializers.SerializerMethodField(help_text="The minutes rendered and sanitised.")
    attendees = serializers.SerializerMethodField()
    attachments = MeetingAttachmentSerializer(many=True, read_only=True)
    agenda_items = serializers.ListField(child=serializers.CharField(), read_only=True)

    class Meta:
        model = Meeting
        fields = ["id", "round", "title", "starts_at", "location", "agenda", "agenda_items", "attendees",
                  "other_attendees", "minutes", "minutes_html", "attachments"]

    def get_minutes_html(self, obj) -> str:
        return str(render_markdown(obj.minutes))

    def get_attendees(self, obj) -> list[str]:
        return [u.get_full_name() for u in obj.attendees.all()]


class PositionSerializer(serializers.ModelSerializer):
    submitted_at = serializers.DateTimeField(default_timezone=UTC)
    decided_at = serializers.DateTimeField(default_timezone=UTC)
    decision_due_at = serializers.DateTimeField(default_timezone=UTC,
                                                help_text="Decided before this moment (exclusive), as the insurer set.")
    last_day = serializers.SerializerMethodField(help_text="The last local day the insurer said it would decide by.")
    overdue = serializers.SerializerMethodField()

    class Meta:
        model = Position
        fields = ["id", "round", "meeting", "title", "text", "status", "submitted_at", "decision_due_at", "last_day",
                  "overdue", "decision", "reasons", "decided_at"]

    def get_last_day(self, obj) -> date | None:
        from contracting.calendar import last_day

        return last_day(obj.decision_due_at) if obj.decision_due_at else None

    def get_overdue(self, obj) -> bool:
        from django.utils import timezone

        from ..selectors import position_overdue

        return position_overdue(obj, timezone.now())


class KnelpuntSerializer(serializers.ModelSerializer):
    raised_at = serializers.DateTimeField(default_timezone=UTC)
    due_at = serializers.DateTimeField(default_timezone=UTC)
    responded_at = serializers.DateTimeField(default_timezone=UTC)
    request_count = serializers.IntegerField(read_only=True,
                                             help_text="How many knelpunt requests of practices or care groups the "
                                                       "insurer linked (never which).")

    class Meta:
        model = Knelpunt
        fields = ["id", "round", "meeting", "title", "text", "side", "status", "raised_at", "due_at", "response",
                  "responded_at", "request_count"]


class EvaluationSerializer(serializers.ModelSerializer):
    year = serializers.IntegerField(source="contract_year.year", help_text="The contract year whose calendar holds "
                                                                           "the milestones.")
    evaluated_year = serializers.IntegerField(read_only=True)
    insurer_name = serializers.CharField(source="insurer.name")
    finished_at = serializers.DateTimeField(default_timezone=UTC)
    shared_at = serializers.DateTimeField(default_timezone=UTC)
    finished_late = serializers.BooleanField(source="lateness.finished_late")
    shared_late = serializers.BooleanField(source="lateness.shared_late")
    summary_html = serializers.SerializerMethodField()

    class Meta:
        model = Evaluation
        fields = ["id", "insurer", "insurer_name", "year", "evaluated_year", "method", "summary", "summary_html",
                  "finished_at", "finished_late", "shared_at", "shared_late"]

    def get_summary_html(self, obj) -> str:
        return str(render_markdown(obj.summary))


# --- Input ---------------------------------------------------------------------------------------------------
class TextInput(serializers.Serializer):
    text = serializers.CharField(allow_blank=True, max_length=100000)


class MandateDecisionInput(serializers.Serializer):
    accept = serializers.BooleanField()
    reason = serializers.CharField(allow_blank=True, required=False, default="", max_length=100000)


class MeetingInput(serializers.Serializer):
    round = serializers.IntegerField()
    title = serializers.CharField(allow_blank=True, max_length=1000)
    starts_at = serializers.DateTimeField()
    location = serializers.CharField(allow_blank=True, required=False, default="", max_length=1000)
    agenda = serializers.CharField(allow_blank=True, required=False, default="", max_length=100000)
    attendees = serializers.ListField(child=serializers.IntegerField(), required=False, default=list)


class MinutesInput(serializers.Serializer):
    minutes = serializers.CharField(allow_blank=True, max_length=100000)
    attendees = serializers.ListField(child=serializers.IntegerField(), required=False, allow_null=True, default=None)
    other_attendees = serializers.CharField(allow_blank=True, required=False, allow_null=True, default=None)


class ItemInput(serializers.Serializer):
    round = serializers.IntegerField()
    meeting = serializers.IntegerField(required=False, allow_null=True)
    title = serializers.CharField(allow_blank=True, max_length=1000)
    text = serializers.CharField(allow_blank=True, max_length=100000)


class DueInput(serializers.Serializer):
    due_on = serializers.DateField(help_text="The insurer decides by the end of this day (Europe/Amsterdam).")


class DecideInput(serializers.Serializer):
    decision = serializers.CharField(allow_blank=True)
    reasons = serializers.CharField(allow_blank=True, required=False, default="", max_length=100000)


class ResponseInput(serializers.Serializer):
    response = serializers.CharField(allow_blank=True, max_length=100000)


class LinkInput(serializers.Serializer):
    requests = serializers.ListField(child=serializers.IntegerField())


class EvaluationInput(serializers.Serializer):
    insurer = serializers.IntegerField()
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    method = serializers.CharField(allow_blank=True)
    summary = serializers.CharField(allow_blank=True, max_length=100000)
