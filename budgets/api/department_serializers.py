"""Serializers of department-wide spending performance and of disclosure decisions (docs/budgets.md, 5–6)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.text import render

from .. import department_selectors as dsel
from ..models import (
    BudgetProject,
    DepartmentEvaluation,
    DepartmentSheet,
    DepartmentTarget,
    DepartmentWidePolicy,
    Disclosure,
    DisclosurePart,
)
from . import serializers as s


class DepartmentTargetSerializer(serializers.ModelSerializer):
    sheet = serializers.PrimaryKeyRelatedField(queryset=DepartmentSheet.objects.all())
    target_text = serializers.CharField(read_only=True)

    class Meta:
        model = DepartmentTarget
        fields = [
            "id",
            "sheet",
            "dimension",
            "name",
            "operator",
            "value",
            "upper",
            "unit",
            "weight",
            "order",
            "target_text",
            "actual",
            "actual_note",
            "not_applicable",
            "not_applicable_reason",
            "actual_recorded_at",
            "version",
        ]
        read_only_fields = [
            "actual",
            "actual_note",
            "not_applicable",
            "not_applicable_reason",
            "actual_recorded_at",
            "version",
        ]


class DepartmentSheetSerializer(serializers.ModelSerializer):
    department = s.DepartmentRefSerializer(read_only=True)
    submitted_by = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)
    reviewed_by = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)

    class Meta:
        model = DepartmentSheet
        fields = [
            "id",
            "department",
            "year",
            "status",
            "return_reason",
            "submitted_at",
            "submitted_by",
            "reviewed_at",
            "reviewed_by",
            "updated_at",
            "version",
        ]
        read_only_fields = [f for f in fields if f != "year"]


class DepartmentSheetDetailSerializer(DepartmentSheetSerializer):
    targets = serializers.SerializerMethodField()
    budget = serializers.SerializerMethodField()

    class Meta(DepartmentSheetSerializer.Meta):
        fields = [*DepartmentSheetSerializer.Meta.fields, "targets", "budget"]
        read_only_fields = fields

    @extend_schema_field(DepartmentTargetSerializer(many=True))
    def get_targets(self, obj):
        return DepartmentTargetSerializer(dsel.targets_of(sheet=obj), many=True).data

    @extend_schema_field(
        {
            "type": "object",
            "properties": {
                "amount": {"type": "string"},
                "spent": {"type": "string"},
                "projects": {"type": "integer"},
            },
        }
    )
    def get_budget(self, obj):
        amount, spent, count = dsel.department_budget(department_id=obj.department_id, year=obj.year)
        return {"amount": str(amount), "spent": str(spent), "projects": count}


class DepartmentEvaluationSerializer(serializers.ModelSerializer):
    sheet = serializers.PrimaryKeyRelatedField(read_only=True)
    department = serializers.SerializerMethodField()
    year = serializers.IntegerField(source="sheet.year", read_only=True)
    grade_label = serializers.CharField(source="get_grade_display", read_only=True)
    computed_by = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)
    ledger = serializers.SerializerMethodField()

    class Meta:
        model = DepartmentEvaluation
        fields = [
            "id",
            "sheet",
            "department",
            "year",
            "number",
            "total",
            "grade",
            "grade_label",
            "amount",
            "spent",
            "execution_rate",
            "projects",
            "weights",
            "computed_at",
            "computed_by",
            "status",
            "confirmed_at",
            "published_at",
            "assessment_grade",
            "ledger",
        ]
        read_only_fields = fields

    @extend_schema_field(s.DepartmentRefSerializer)
    def get_department(self, obj):
        d = obj.sheet.department
        return {"code": d.code, "name": d.name}

    @extend_schema_field(s.LedgerLineSerializer(many=True))
    def get_ledger(self, obj):
        out = []
        for line in obj.ledger:
            detail = line.get("detail") or {}
            out.append({**line, "detail": render(detail.get("message", ""), detail.get("args"))})
        return out


class DepartmentPolicySerializer(serializers.ModelSerializer):
    updated_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    assessment_indicator = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    assessment_indicator_code = serializers.CharField(
        write_only=True,
        required=False,
        allow_blank=True,
        max_length=40,
        help_text="Code of a qualitative indicator of the year's library (empty: none linked).",
    )

    class Meta:
        model = DepartmentWidePolicy
        fields = [
            "year",
            "weight_execution",
            "weight_running_cost",
            "weight_management",
            "weight_output",
            "weight_effect",
            "weight_sustainability",
            "weight_satisfaction",
            "assessment_indicator",
            "assessment_indicator_code",
            "updated_at",
            "updated_by",
            "version",
        ]
        read_only_fields = ["year", "updated_at", "updated_by", "version"]


class DisclosureSerializer(serializers.ModelSerializer):
    project = serializers.PrimaryKeyRelatedField(queryset=BudgetProject.objects.all(), required=False, allow_null=True)
    department_sheet = serializers.PrimaryKeyRelatedField(
        queryset=DepartmentSheet.objects.all(), required=False, allow_null=True
    )
    part = serializers.ChoiceField(DisclosurePart.choices)
    reason = serializers.CharField(
        required=False, allow_blank=True, max_length=2000, help_text="不予公开原因: required when withheld."
    )
    decided_by = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)
    version = serializers.IntegerField(required=False, help_text="The version you read; a stale one gives 409.")

    class Meta:
        model = Disclosure
        fields = [
            "id",
            "project",
            "department_sheet",
            "part",
            "withheld",
            "reason",
            "decided_by",
            "decided_at",
            "version",
        ]
        read_only_fields = ["id", "decided_by", "decided_at"]
        validators = []  # one decision per item and part: the service updates the existing one
