from rest_framework import viewsets

from insurers.models import Insurer

from .filters import InsurerFilter
from .serializers import InsurerSerializer


class InsurerViewSet(viewsets.ReadOnlyModelViewSet):
    """Every insurer, for every logged-in user: names and UZOVI codes are public facts.

    The organisation endpoints that depend on who is asking (practices, care groups, regions with market shares)
    live in accounts.api.organisations: scope comes from memberships, and providers may not import accounts.
    """

    queryset = Insurer.objects.order_by("name")
    serializer_class = InsurerSerializer
    filterset_class = InsurerFilter
