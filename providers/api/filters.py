import django_filters

from insurers.models import Insurer
from providers.models import CareGroup, Practice, Region


class InsurerFilter(django_filters.FilterSet):
    class Meta:
        model = Insurer
        fields = ["uzovi_code", "short_name"]


class RegionFilter(django_filters.FilterSet):
    class Meta:
        model = Region
        fields = ["code"]


class _RegionByCode(django_filters.ModelChoiceFilter):
    """Filter on a region by its code (e.g. ?region=utrecht), the identifier people read and type."""

    def __init__(self, **kwargs):
        super().__init__(queryset=Region.objects.all(), to_field_name="code", **kwargs)


class PracticeFilter(django_filters.FilterSet):
    region = _RegionByCode()

    class Meta:
        model = Practice
        fields = ["region", "agb_code"]


class CareGroupFilter(django_filters.FilterSet):
    region = _RegionByCode()

    class Meta:
        model = CareGroup
        fields = ["region", "kind", "agb_code"]
