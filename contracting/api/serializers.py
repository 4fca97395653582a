from datetime import UTC, timedelta

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from contracting.calendar import local_date
from contracting.models import ContractYear, Milestone


class ChoiceSerializer(serializers.Serializer):
    """A TextChoices value with its label in the request's language."""

    code = serializers.CharField()
    label = serializers.CharField()


class MilestoneSerializer(serializers.ModelSerializer):
    label = serializers.CharField(source="get_kind_display")
    # Instants go out in UTC (trailing "Z") so clients never guess an offset; `local_date` is the Amsterdam
    # calendar day the GCP calendar speaks of.
    due_at = serializers.DateTimeField(default_timezone=UTC)
    local_date = serializers.SerializerMethodField()
    boundary = serializers.SerializerMethodField(
        help_text="start: from 00:00 on local_date; end: until the end of local_date (due_at is the exclusive end)."
    )
    applied_at = serializers.DateTimeField(default_timezone=UTC, allow_null=True)

    class Meta:
        model = Milestone
        fields = ["kind", "label", "due_at", "local_date", "boundary", "applied_at"]

    @extend_schema_field(serializers.DateField())
    def get_local_date(self, obj: Milestone) -> str:
        moment = obj.due_at
        if obj.rule.boundary == "end":
            # "By D" is stored as 00:00 on D+1 (an exclusive bound); the day people act on is D itself.
            moment -= timedelta(microseconds=1)
        return local_date(moment).isoformat()

    @extend_schema_field(serializers.ChoiceField(choices=["start", "end"]))
    def get_boundary(self, obj: Milestone) -> str:
        return obj.rule.boundary


class ContractYearSerializer(serializers.ModelSerializer):
    phase = serializers.SerializerMethodField()
    phase_since = serializers.DateTimeField(default_timezone=UTC, allow_null=True)
    milestones = MilestoneSerializer(many=True)

    class Meta:
        model = ContractYear
        fields = ["year", "phase", "phase_since", "milestones"]

    @extend_schema_field(ChoiceSerializer)
    def get_phase(self, obj: ContractYear) -> dict:
        return {"code": obj.phase, "label": str(obj.get_phase_display())}
