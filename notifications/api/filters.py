"""The query parameters of the notification list, declared."""

from __future__ import annotations

from core.filters import FilterSet, FlagFilter

from ..models import Notification


class NotificationFilter(FilterSet):
    unread = FlagFilter(field_name="read_at", lookup_expr="isnull", only_true=True)

    class Meta:
        model = Notification
        fields = []
