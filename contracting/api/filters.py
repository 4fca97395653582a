import django_filters

from contracting.calendar import Phase
from contracting.models import ContractYear, FollowRequest, HolderKind, Offer, StandardContract, covering
from contracting.selectors import offers_for_year


class ContractYearFilter(django_filters.FilterSet):
    phase = django_filters.ChoiceFilter(choices=Phase.choices)
    year_from = django_filters.NumberFilter(field_name="year", lookup_expr="gte")
    year_to = django_filters.NumberFilter(field_name="year", lookup_expr="lte")

    class Meta:
        model = ContractYear
        fields = ["phase", "year_from", "year_to"]


class OfferFilter(django_filters.FilterSet):
    year = django_filters.NumberFilter()
    insurer = django_filters.NumberFilter(field_name="insurer_id", label="Insurer id")
    status = django_filters.ChoiceFilter(choices=Offer.Status.choices)
    practice = django_filters.NumberFilter(field_name="practice_id", label="Practice id")
    care_group = django_filters.NumberFilter(field_name="care_group_id", label="Care group id")
    covers_year = django_filters.NumberFilter(
        method="filter_covers_year",
        label="Offers that belong in this contract year's list: made for it, or signed for a multi-year term that "
              "started earlier and still covers it (in force without signing again)")

    class Meta:
        model = Offer
        fields = ["year", "insurer", "status", "practice", "care_group", "covers_year"]

    def filter_covers_year(self, queryset, name, value):
        return offers_for_year(queryset, value)


class FollowRequestFilter(django_filters.FilterSet):
    year = django_filters.NumberFilter()
    status = django_filters.ChoiceFilter(choices=FollowRequest.Status.choices)
    insurer = django_filters.NumberFilter(field_name="insurer_id", label="Id of the insurer asked to follow")
    offer = django_filters.NumberFilter(field_name="offer_id", label="Offer id")

    class Meta:
        model = FollowRequest
        fields = ["year", "status", "insurer", "offer"]


class StandardContractFilter(django_filters.FilterSet):
    year = django_filters.NumberFilter(method="filter_covers_year", label="Contract year the contract covers")
    insurer = django_filters.NumberFilter(field_name="insurer_id", label="Insurer id")
    status = django_filters.ChoiceFilter(choices=StandardContract.Status.choices)
    holder_kind = django_filters.ChoiceFilter(choices=HolderKind.choices)

    class Meta:
        model = StandardContract
        fields = ["year", "insurer", "status", "holder_kind"]

    def filter_covers_year(self, queryset, name, value):
        # A multi-year contract covers every year of its term, not only its first one.
        return covering(queryset, value)
