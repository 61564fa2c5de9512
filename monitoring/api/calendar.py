"""The working calendar in the API: official holidays and make-up working days (调休) of each year.

Every signed-in user reads it, with two helpers (the deadline N working days after a day, the
working days between two days); the administrators who keep it in the administration site write
it here too, through the same service: the same checks, audited, stale versions refused.
"""

from __future__ import annotations

import datetime

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from core.api import IsAuthenticatedWithRole, VersionedETagMixin
from core.roles import P

from .. import selectors, services
from ..models import CalendarDay
from .filters import CalendarDayFilter

MAX_DAYS = 366
MAX_SPAN = datetime.timedelta(days=3 * 366)


class CalendarDaySerializer(serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)

    class Meta:
        model = CalendarDay
        fields = ["id", "date", "kind", "kind_label", "name", "version"]
        read_only_fields = ["id", "kind_label", "version"]


class CalendarDayWriteSerializer(serializers.Serializer):
    date = serializers.DateField()
    kind = serializers.ChoiceField(choices=CalendarDay.Kind.choices)
    name = serializers.CharField(max_length=100, allow_blank=True)
    version = serializers.IntegerField(required=False, help_text="The version you read; a stale one gives 409.")


class CalendarDayPatchSerializer(CalendarDayWriteSerializer):
    date = serializers.DateField(required=False)
    kind = serializers.ChoiceField(choices=CalendarDay.Kind.choices, required=False)
    name = serializers.CharField(max_length=100, allow_blank=True, required=False)


class DeadlineQuerySerializer(serializers.Serializer):
    start = serializers.DateField(help_text="The day the count starts from (not counted itself)")
    days = serializers.IntegerField(min_value=0, max_value=MAX_DAYS)


class DeadlineSerializer(serializers.Serializer):
    start = serializers.DateField()
    days = serializers.IntegerField()
    deadline = serializers.DateField(help_text="The days-th working day after start (inclusive deadline)")


class BetweenQuerySerializer(serializers.Serializer):
    start = serializers.DateField()
    end = serializers.DateField()

    def validate(self, attrs):
        if attrs["end"] - attrs["start"] > MAX_SPAN:
            raise serializers.ValidationError({"end": [_("At most three years after the start.")]})
        return attrs


class BetweenSerializer(serializers.Serializer):
    start = serializers.DateField()
    end = serializers.DateField()
    working_days = serializers.IntegerField(help_text="Working days after start up to end, inclusive")


WRITE = {"add": "monitoring.add_calendarday", "change": "monitoring.change_calendarday"}


@extend_schema_view(
    create=extend_schema(request=CalendarDayWriteSerializer, responses={201: CalendarDaySerializer}),
    update=extend_schema(request=CalendarDayWriteSerializer, responses={200: CalendarDaySerializer}),
    partial_update=extend_schema(request=CalendarDayPatchSerializer, responses={200: CalendarDaySerializer}),
)
class CalendarDayViewSet(
    VersionedETagMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """The working calendar: one row per official holiday or make-up working day (a Saturday or
    Sunday declared a working day). Read by every business role (reference data, like the
    departments); written by the system administrator."""

    permission_classes = [IsAuthenticatedWithRole]
    serializer_class = CalendarDaySerializer
    queryset = CalendarDay.objects.none()
    filterset_class = CalendarDayFilter
    required_perms = {
        "list": P.READ_REFERENCE,
        "retrieve": P.READ_REFERENCE,
        "deadline": P.READ_REFERENCE,
        "working_days": P.READ_REFERENCE,
        "create": WRITE["add"],
        "update": WRITE["change"],
        "partial_update": WRITE["change"],
        "destroy": "monitoring.delete_calendarday",
    }

    def get_queryset(self):
        return selectors.calendar_days()

    def create(self, request, *args, **kwargs):
        """Add a holiday or make-up working day. One row per date; a make-up working day is a Saturday or Sunday."""
        data = CalendarDayWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        d = data.validated_data
        day = services.calendar_day_save(actor=request.user, date=d["date"], kind=d["kind"], name=d["name"])
        return Response(CalendarDaySerializer(day).data, status=status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        """Change a day (PUT: every field; PATCH: those given)."""
        partial = kwargs.pop("partial", False)
        day = self.get_object()
        data = (CalendarDayPatchSerializer if partial else CalendarDayWriteSerializer)(data=request.data)
        data.is_valid(raise_exception=True)
        d = data.validated_data
        day = services.calendar_day_save(
            actor=request.user,
            day=day,
            date=d.get("date", day.date),
            kind=d.get("kind", day.kind),
            name=d.get("name", day.name),
            expected_version=d.get("version"),
        )
        return Response(CalendarDaySerializer(day).data)

    def destroy(self, request, *args, **kwargs):
        """Remove a day from the calendar."""
        services.calendar_day_delete(actor=request.user, day=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(parameters=[DeadlineQuerySerializer], responses={200: DeadlineSerializer})
    @action(detail=False, methods=["get"], pagination_class=None)
    def deadline(self, request):
        """The last day of "within N working days" of ``start``: day 1 is the first working day after it."""
        q = DeadlineQuerySerializer(data=request.query_params)
        q.is_valid(raise_exception=True)
        start, days = q.validated_data["start"], q.validated_data["days"]
        return Response(
            DeadlineSerializer({"start": start, "days": days, "deadline": selectors.respond_by(start, days)}).data
        )

    @extend_schema(parameters=[BetweenQuerySerializer], responses={200: BetweenSerializer})
    @action(detail=False, methods=["get"], url_path="working-days", url_name="working-days", pagination_class=None)
    def working_days(self, request):
        """How many working days lie after ``start`` up to ``end`` (inclusive)."""
        q = BetweenQuerySerializer(data=request.query_params)
        q.is_valid(raise_exception=True)
        start, end = q.validated_data["start"], q.validated_data["end"]
        return Response(
            BetweenSerializer(
                {"start": start, "end": end, "working_days": selectors.working_days_between(start, end)}
            ).data
        )
