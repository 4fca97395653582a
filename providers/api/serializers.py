from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.api import ChoiceLabelField
from insurers.models import Insurer
from providers.models import CareGroup, MarketShare, Practice, Region


class InsurerSerializer(serializers.ModelSerializer):
    """Public facts about an insurer; nothing here is internal to it."""

    class Meta:
        model = Insurer
        fields = ["id", "name", "short_name", "uzovi_code", "website"]


class RegionRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Region
        fields = ["id", "code", "name"]


class MarketShareSerializer(serializers.ModelSerializer):
    insurer_name = serializers.CharField(source="insurer.name")

    class Meta:
        model = MarketShare
        fields = ["insurer", "insurer_name", "share_percent"]


class RegionSerializer(serializers.ModelSerializer):
    market_shares = serializers.SerializerMethodField(
        help_text="Only the shares the user may see: all for NZa and administrators, the own insurer's share for "
                  "an insurer purchaser, none for others."
    )

    class Meta:
        model = Region
        fields = ["id", "code", "name", "market_shares"]

    @extend_schema_field(MarketShareSerializer(many=True))
    def get_market_shares(self, obj: Region) -> list:
        # The view prefetches the visible shares into this attribute; a region without it shows none.
        return MarketShareSerializer(getattr(obj, "visible_market_shares", []), many=True).data


class PracticeSerializer(serializers.ModelSerializer):
    region = RegionRefSerializer()
    preferent_insurer = serializers.IntegerField(
        source="preferent_insurer_pk", allow_null=True, read_only=True,
        help_text="Id of the preferent insurer: the practice's own choice, else the largest insurer in its region.",
    )

    class Meta:
        model = Practice
        fields = ["id", "name", "agb_code", "kvk_number", "city", "region", "registered_patients",
                  "preferent_insurer"]


class CareGroupSerializer(serializers.ModelSerializer):
    kind_label = ChoiceLabelField("kind", CareGroup.Kind)
    region = RegionRefSerializer()
    practice_count = serializers.IntegerField(read_only=True, help_text="Number of member practices.")

    class Meta:
        model = CareGroup
        fields = ["id", "name", "kind", "kind_label", "agb_code", "kvk_number", "region", "practice_count"]
