from django.db.models import Prefetch
from rest_framework import viewsets

from contracting.models import ContractYear, Milestone

from .filters import ContractYearFilter
from .serializers import ContractYearSerializer


class ContractYearViewSet(viewsets.ReadOnlyModelViewSet):
    """Contract years and their GCP calendar. The calendar is public to every logged-in user."""

    serializer_class = ContractYearSerializer
    filterset_class = ContractYearFilter
    lookup_field = "year"
    lookup_value_regex = r"\d{4}"

    def get_queryset(self):
        # One query for the years and one for all their milestones, however many years there are.
        return ContractYear.objects.order_by("-year").prefetch_related(
            Prefetch("milestones", queryset=Milestone.objects.order_by("due_at", "id"))
        )
