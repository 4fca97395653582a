import django_filters

from contracting.calendar import Phase
from contracting.models import ContractYear


class ContractYearFilter(django_filters.FilterSet):
    phase = django_filters.ChoiceFilter(choices=Phase.choices)
    year_from = django_filters.NumberFilter(field_name="year", lookup_expr="gte")
    year_to = django_filters.NumberFilter(field_name="year", lookup_expr="lte")

    class Meta:
        model = ContractYear
        fields = ["phase", "year_from", "year_to"]
