"""`/api/v1/notifications/`: the caller's notifications, newest first, and marking one read."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from .. import notifications
from ..models import Notification
from .filters import NotificationFilter
from .serializers import NotificationReadSerializer, NotificationSerializer


class NotificationViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    serializer_class = NotificationSerializer
    filterset_class = NotificationFilter
    queryset = Notification.objects.none()  # the model, for the schema; rows come from get_queryset

    def get_queryset(self):
        # Queries: count + one page.
        return Notification.objects.filter(user=self.request.user).order_by("-created_at", "-pk")

    @extend_schema(request=None, responses=NotificationReadSerializer)
    @action(detail=True, methods=["post"])
    def read(self, request, pk=None):
        n = notifications.notification_mark_read(notification_id=pk, user=request.user)
        return Response(NotificationReadSerializer({"id": n.pk, "read": True}).data)
