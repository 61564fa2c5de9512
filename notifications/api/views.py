from drf_spectacular.utils import extend_schema
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from core.roles import P

from .. import selectors, services
from ..models import Notification
from .filters import NotificationFilter
from .serializers import MarkReadSerializer, NotificationSerializer


class NotificationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The calling user's notifications (every signed-in user has their own)."""

    serializer_class = NotificationSerializer
    queryset = Notification.objects.none()
    filterset_class = NotificationFilter
    required_perms = {"*": P.RECEIVE_NOTIFICATIONS}

    def get_queryset(self):
        return selectors.notifications_for(user=self.request.user)

    @extend_schema(
        request=MarkReadSerializer, responses={200: {"type": "object", "properties": {"marked": {"type": "integer"}}}}
    )
    @action(detail=False, methods=["post"], url_path="mark-read")
    def mark_read(self, request):
        data = MarkReadSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        marked = services.mark_read(user=request.user, ids=data.validated_data.get("ids"))
        return Response({"marked": marked})
