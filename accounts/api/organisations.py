"""The organisation endpoints whose answer depends on who asks.

They live here rather than in providers.api because the scope comes from the user's memberships: accounts may
import providers, providers may not import accounts. Every queryset starts from accounts.access (the user's id
sets fed into providers.access), the same scope the HTML views use, so an organisation outside it is simply not
found (404).
"""

from django.db.models import Count, IntegerField, OuterRef, Prefetch, Subquery
from django.db.models.functions import Coalesce
from rest_framework import viewsets

from accounts.access import care_groups_for, insurers_for, practices_for
from providers.api.filters import CareGroupFilter, PracticeFilter, RegionFilter
from providers.api.serializers import CareGroupSerializer, PracticeSerializer, RegionSerializer
from providers.models import CareGroup, MarketShare, Region
from providers.selectors import practices_with_preferent


class PracticeViewSet(viewsets.ReadOnlyModelViewSet):
    """Practices the user acts for, or whose care group they act for; all of them for NZa and administrators.
    Insurer purchasers see none yet: they will see the practices they make offers to."""

    serializer_class = PracticeSerializer
    lookup_value_regex = r"\d+"
    filterset_class = PracticeFilter

    def get_queryset(self):
        return practices_with_preferent(practices_for(self.request.user).select_related("region"))


class CareGroupViewSet(viewsets.ReadOnlyModelViewSet):
    """Care groups the user acts for, or that one of the user's practices belongs to; all for NZa and admins."""

    serializer_class = CareGroupSerializer
    lookup_value_regex = r"\d+"
    filterset_class = CareGroupFilter

    def get_queryset(self):
        visible = care_groups_for(self.request.user)
        # A subquery, not Count("practices"): the scope filter may already join the practices, and an aggregate
        # over that join would count only the user's own practices.
        members = (
            CareGroup.practices.through.objects.filter(caregroup=OuterRef("pk"))
            .values("caregroup").annotate(n=Count("*")).values("n")
        )
        return visible.select_related("region").annotate(
            practice_count=Coalesce(Subquery(members, output_field=IntegerField()), 0)
        )


class RegionViewSet(viewsets.ReadOnlyModelViewSet):
    """Every region (names are public), with only the market shares the user may see: all of them for NZa and
    administrators, the own insurer's share for a purchaser, none for others."""

    serializer_class = RegionSerializer
    lookup_value_regex = r"\d+"
    filterset_class = RegionFilter

    def get_queryset(self):
        shares = (
            MarketShare.objects.filter(insurer__in=insurers_for(self.request.user))
            .select_related("insurer").order_by("-share_percent", "insurer__name")
        )
        return Region.objects.order_by("name").prefetch_related(
            Prefetch("market_shares", queryset=shares, to_attr="visible_market_shares")
        )


