from django.db.models import BigIntegerField, F, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce

from .models import MarketShare, Practice


def practices_with_preferent(qs: QuerySet[Practice] | None = None) -> QuerySet[Practice]:
    """Annotate `preferent_insurer_pk`: the practice's own choice, else the largest insurer in its region.
    One query for any number of practices."""
    qs = qs if qs is not None else Practice.objects.all()
    top = (
        MarketShare.objects.filter(region=OuterRef("region"))
        .order_by("-share_percent", "insurer__name").values("insurer")[:1]
    )
    return qs.annotate(preferent_insurer_pk=Coalesce(F("preferred_insurer"), Subquery(top),
                                                     output_field=BigIntegerField()))
