"""Dual monitoring in the API: execution against the year's checkpoints and the completion gap."""

from __future__ import annotations

import datetime

from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from budgets.api.reallocations import ReallocationSerializer
from budgets.api.views import READ, BudgetPermission
from core.roles import P

from .. import rules, selectors, services
from ..models import MonitoringWarning
from .filters import WarningFilter


class ResultSerializer(serializers.Serializer):
    amount = serializers.DecimalField(max_digits=15, decimal_places=2)
    spent = serializers.DecimalField(max_digits=15, decimal_places=2)
    execution_rate = serializers.DecimalField(max_digits=9, decimal_places=2, source="result.execution_rate")
    checkpoint_date = serializers.DateField(source="result.checkpoint.date", default=None, allow_null=True)
    checkpoint_threshold = serializers.DecimalField(
        max_digits=5, decimal_places=2, source="result.checkpoint.threshold", default=None, allow_null=True
    )
    completion_rate = serializers.DecimalField(
        max_digits=9, decimal_places=2, source="result.completion_rate", allow_null=True
    )
    gap = serializers.DecimalField(max_digits=9, decimal_places=2, source="result.gap", allow_null=True)
    below_threshold = serializers.BooleanField(source="result.below_threshold")
    gap_exceeded = serializers.BooleanField(source="result.gap_exceeded")
    colour = serializers.ChoiceField(
        choices=[rules.Colour.GREEN, rules.Colour.YELLOW, rules.Colour.RED], source="result.colour"
    )


class DepartmentResultSerializer(ResultSerializer):
    department = serializers.CharField(source="department.code")
    department_name = serializers.CharField(source="department.name")


class ProjectResultSerializer(DepartmentResultSerializer):
    project = serializers.IntegerField(source="project.pk")
    project_code = serializers.CharField(source="project.code")
    project_name = serializers.CharField(source="project.name")


class ExecutionMonitoringSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    on = serializers.DateField()
    gap_points = serializers.DecimalField(max_digits=5, decimal_places=2)
    departments = DepartmentResultSerializer(many=True)
    projects = ProjectResultSerializer(many=True)


class ExecutionMonitoringView(APIView):
    """Each approved project's and department's execution rate, checkpoint, target completion, gap and colour.

    A department user sees its own department only. ``on`` (a date, Asia/Shanghai) defaults to today.
    """

    permission_classes = [BudgetPermission]
    required_perms = {"*": READ}

    @extend_schema(
        parameters=[
            OpenApiParameter("year", OpenApiTypes.INT, description="budget year (default: this year)"),
            OpenApiParameter("on", OpenApiTypes.DATE, description="the day to judge (default: today)"),
        ],
        responses={200: ExecutionMonitoringSerializer},
    )
    def get(self, request):
        today = timezone.localdate()
        errors = {}
        year = today.year
        raw_year = request.query_params.get("year", "")
        if raw_year:
            if raw_year.isdigit() and 2000 <= int(raw_year) <= 2100:
                year = int(raw_year)
            else:
                errors["year"] = [_("Give a year between 2000 and 2100.")]
        on = today
        raw_on = request.query_params.get("on", "")
        if raw_on:
            try:
                on = datetime.date.fromisoformat(raw_on)
            except ValueError:
                errors["on"] = [_("Give a date as YYYY-MM-DD.")]
        if errors:
            return Response(errors, status=400)
        rows, dept_rows = selectors.monitoring_rows(user=request.user, year=year, on=on)
        schedule = selectors.schedule_for(year)
        data = {
            "year": year,
            "on": on,
            "gap_points": schedule.gap_points,
            "departments": dept_rows,
            "projects": rows,
        }
        return Response(ExecutionMonitoringSerializer(data).data)


class MonitoringWarningSerializer(serializers.ModelSerializer):
    project_code = serializers.CharField(source="project.code", read_only=True)
    project_name = serializers.CharField(source="project.name", read_only=True)
    department = serializers.CharField(source="department.code", read_only=True)
    paused = serializers.BooleanField(source="is_paused", read_only=True)
    reallocations = serializers.SerializerMethodField(help_text="Ids of the reallocation requests opened from it")
    response = serializers.ChoiceField(choices=MonitoringWarning.Response.choices, allow_blank=True, read_only=True)
    adjustment = serializers.ChoiceField(choices=MonitoringWarning.Adjustment.choices, allow_blank=True, read_only=True)

    class Meta:
        model = MonitoringWarning
        fields = [
            "id",
            "year",
            "project",
            "project_code",
            "project_name",
            "department",
            "checkpoint",
            "kind",
            "threshold",
            "execution_rate",
            "completion_rate",
            "gap",
            "issued_on",
            "respond_by",
            "status",
            "response",
            "adjustment",
            "reason",
            "responded_at",
            "paused",
            "paused_at",
            "pause_lifted_at",
            "lift_reason",
            "reallocations",
            "version",
        ]
        read_only_fields = fields

    def get_reallocations(self, obj) -> list[int]:
        return sorted(link.reallocation_id for link in obj.reallocation_links.all())


class WarningResponseSerializer(serializers.Serializer):
    response = serializers.ChoiceField(choices=MonitoringWarning.Response.choices)
    adjustment = serializers.ChoiceField(choices=MonitoringWarning.Adjustment.choices, required=False, allow_blank=True)
    reason = serializers.CharField(max_length=2000)
    version = serializers.IntegerField(required=False, help_text="The version you read; a stale one gives 409.")


class PauseLiftSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)
    version = serializers.IntegerField(required=False, help_text="The version you read; a stale one gives 409.")


class WarningReallocationSerializer(serializers.Serializer):
    source = serializers.IntegerField(
        required=False, allow_null=True, help_text="Project the money comes from (default: the warning's project)"
    )
    source_tranche = serializers.IntegerField(
        required=False, allow_null=True, help_text="An unreleased tranche of that project, if the money comes from one"
    )
    target = serializers.IntegerField(
        required=False, allow_null=True, help_text="Project the money goes to; empty: back to the pool"
    )
    amount = serializers.CharField(help_text='Yuan, at most two decimals, e.g. "150000.00"')
    reason = serializers.CharField(allow_blank=True)


class WarningViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Dual-monitoring warnings: the department responds within the working days given; finance lifts a pause."""

    permission_classes = [BudgetPermission]
    serializer_class = MonitoringWarningSerializer
    queryset = MonitoringWarning.objects.none()
    filterset_class = WarningFilter
    required_perms = {
        "list": READ,
        "retrieve": READ,
        "respond": P.EDIT_BUDGET,
        "lift": P.REVIEW_BUDGET,
        "reallocation": P.EDIT_BUDGET,
        "*": READ,
    }

    def get_queryset(self):
        return selectors.warnings_for_user(user=self.request.user).prefetch_related("reallocation_links")

    def _warning(self, pk) -> MonitoringWarning:
        if not str(pk).isdigit():
            raise Http404
        warning = selectors.warnings_for_user(user=self.request.user).filter(pk=int(pk)).first()
        if warning is None:
            raise Http404
        return warning

    @extend_schema(request=WarningResponseSerializer, responses={200: MonitoringWarningSerializer})
    @action(detail=True, methods=["post"])
    def respond(self, request, pk=None):
        """Continue with measures, adjust (a target revision or a reallocation) or cancel, with a reason."""
        warning = self._warning(pk)
        data = WarningResponseSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        d = data.validated_data
        services.warning_respond(
            warning=warning,
            actor=request.user,
            response=d["response"],
            adjustment=d.get("adjustment", ""),
            reason=d["reason"],
            expected_version=d.get("version"),
        )
        return Response(MonitoringWarningSerializer(self._warning(pk)).data)

    @extend_schema(request=PauseLiftSerializer, responses={200: MonitoringWarningSerializer})
    @action(detail=True, methods=["post"])
    def lift(self, request, pk=None):
        """Finance lifts the pause of the project's tranches, with a reason."""
        warning = self._warning(pk)
        data = PauseLiftSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.pause_lift(
            warning=warning,
            actor=request.user,
            reason=data.validated_data["reason"],
            expected_version=data.validated_data.get("version"),
        )
        return Response(MonitoringWarningSerializer(self._warning(pk)).data)

    @extend_schema(request=WarningReallocationSerializer, responses={201: ReallocationSerializer})
    @action(detail=True, methods=["post"])
    def reallocation(self, request, pk=None):
        """After answering "adjust": ask finance to move money (a budget reallocation, 预算调剂).

        At most the money neither spent nor planned of the project (or of the tranche) moves, and the
        project keeps some. Bad fields answer 400 naming them; one open request per warning.
        """
        warning = self._warning(pk)
        data = WarningReallocationSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        d = data.validated_data
        reallocation = services.warning_reallocation_request(
            warning=warning,
            actor=request.user,
            source=d.get("source"),
            tranche=d.get("source_tranche"),
            target=d.get("target"),
            amount=d["amount"],
            reason=d["reason"],
        )
        return Response(ReallocationSerializer(reallocation).data, status=201)
