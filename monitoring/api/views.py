"""Dual monitoring in the API: execution against the year's checkpoints and the completion gap."""

from __future__ import annotations

import datetime

from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from budgets.api.views import READ, BudgetPermission

from .. import rules, selectors


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
