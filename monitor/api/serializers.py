"""The monitor API's answers: the stored tables as the viewer may see them (monitor/access.py `present`), with
each indicator's definition (formula, unit, source, caveats) and how fresh the figures are. Output only; the
API takes no input but its query parameters."""

from datetime import UTC

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ..models import ProviderType, Segment


@extend_schema_field(OpenApiTypes.NUMBER)
class MonitorNumberOrText(serializers.JSONField):
    """A figure as stored: a number (percent as 0–100), or text for a text unit; null when there is none."""


class MonitorCutSerializer(serializers.Serializer):
    insurer = serializers.IntegerField(allow_null=True, help_text="Insurer id; null: all insurers.")
    region = serializers.IntegerField(allow_null=True, help_text="Region id; null: all regions.")
    segment = serializers.ChoiceField(choices=Segment.choices, allow_blank=True, help_text='"": all segments.')
    provider_type = serializers.ChoiceField(choices=ProviderType.choices, allow_blank=True,
                                            help_text='"": all providers.')


class MonitorHeadlineSerializer(serializers.Serializer):
    value = MonitorNumberOrText(allow_null=True)
    unit = serializers.CharField()
    label = serializers.CharField()


class MonitorColumnSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    unit = serializers.CharField()
    insurer = serializers.IntegerField(allow_null=True, required=False,
                                       help_text="A column about one insurer: its id, where the viewer may see it.")


class MonitorRowSerializer(serializers.Serializer):
    key = serializers.CharField(help_text='Stable within the table; an insurer the viewer may not see by name is '
                                          '"insurer:<letter>".')
    label = serializers.CharField(help_text='The insurer\'s name, or "Zorgverzekeraar A", "B", … (letters stable '
                                            'per contract year) for a viewer who may not see it.')
    insurer = serializers.IntegerField(allow_null=True, required=False,
                                       help_text="The insurer's id, only where the viewer may see its name.")
    anonymous = serializers.BooleanField(default=False)
    cells = serializers.DictField(child=MonitorNumberOrText(allow_null=True), help_text="Per column key.")
    withheld = serializers.BooleanField(help_text="Under the survey anonymity threshold: no cells.")
    note = serializers.CharField(allow_blank=True)
    drill_url = serializers.CharField(allow_null=True, required=False,
                                      help_text="The underlying list in the portal, where the viewer may see it.")


class MonitorTableSerializer(serializers.Serializer):
    columns = MonitorColumnSerializer(many=True)
    rows = MonitorRowSerializer(many=True)
    headline = MonitorHeadlineSerializer(allow_null=True)
    n = serializers.IntegerField(allow_null=True, help_text="How many it was counted over.")
    notes = serializers.ListField(child=serializers.CharField())


class MonitorComparisonSerializer(serializers.Serializer):
    label = serializers.CharField(help_text='"Landelijk", "Regio, alle zorgverzekeraars", …')
    headline = MonitorHeadlineSerializer(allow_null=True)


class MonitorFreshnessSerializer(serializers.Serializer):
    computed_at = serializers.DateTimeField(allow_null=True, default_timezone=UTC,
                                            help_text="When the latest finished computation of the year ended.")
    data_until = serializers.DateTimeField(allow_null=True, default_timezone=UTC,
                                           help_text="The latest change in the data it read, where recorded.")
    published = serializers.BooleanField(help_text="A published year's figures stay as published.")
    published_at = serializers.DateTimeField(allow_null=True, default_timezone=UTC)


class MonitorIndicatorSerializer(serializers.Serializer):
    code = serializers.CharField()
    chapter = serializers.CharField()
    chapter_label = serializers.CharField()
    title = serializers.CharField()
    unit = serializers.CharField()
    unit_label = serializers.CharField()
    formula = serializers.CharField(help_text="How it is computed, in plain words.")
    source = serializers.CharField()
    caveats = serializers.ListField(child=serializers.CharField())
    dimensions = serializers.ListField(child=serializers.CharField(), help_text="The filters it is split by.")
    cut = MonitorCutSerializer(help_text="The cut shown: the viewer's, without the dimensions it is not split by.")
    notes = serializers.ListField(child=serializers.CharField(), help_text="Why the cut differs from the one asked.")
    computed_at = serializers.DateTimeField(allow_null=True, default_timezone=UTC)
    value = MonitorTableSerializer(allow_null=True, help_text="null: no snapshot of this cut (not computed yet).")
    comparisons = MonitorComparisonSerializer(many=True, help_text="The cuts shown beside it, with their headline.")


class MonitorPointSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    value = MonitorNumberOrText(allow_null=True)


class MonitorSeriesSerializer(serializers.Serializer):
    label = serializers.CharField(help_text='"Deze selectie" (the cut shown), then the cuts beside it.')
    points = MonitorPointSerializer(many=True)


class MonitorMetaSerializer(serializers.Serializer):
    year = serializers.IntegerField(allow_null=True)
    years = serializers.ListField(child=serializers.IntegerField())
    filters = MonitorCutSerializer(help_text="The cut the viewer gets (an insurer its own, an overlegteam its insurer "
                                      "and region, a practice its region).")
    notes = serializers.ListField(child=serializers.CharField(), help_text="What of the filters asked was changed.")
    freshness = MonitorFreshnessSerializer(allow_null=True)


class MonitorIndicatorsSerializer(MonitorMetaSerializer):
    indicators = MonitorIndicatorSerializer(many=True)


class MonitorIndicatorSeriesSerializer(MonitorMetaSerializer):
    indicator = MonitorIndicatorSerializer()
    series = MonitorSeriesSerializer(many=True, help_text="The headline of each year, for the cut and those beside it.")
