import django_filters
from django.utils.translation import gettext_lazy as _

from accounts.models import Notification


class NotificationFilter(django_filters.FilterSet):
    unread = django_filters.BooleanFilter(field_name="read_at", lookup_expr="isnull", label=_("Alleen ongelezen"))

    class Meta:
        model = Notification
        fields = ["unread"]
