"""Budget API serializers. Fields are listed explicitly; status, department, scores and decisions are
read-only: they change only through the workflow actions (no mass assignment)."""

from __future__ import annotations

from decimal import Decimal

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.numbers import yuan_to_wan
from core.text import render

from ..choices import DEPARTMENT_GRADES, GRADES, Action, FlagReason
from ..models import (
    MAX_AMOUNT,
    MAX_TEXT,
    BudgetPolicy,
    BudgetProject,
    BudgetTarget,
    Evaluation,
    LibraryIndicator,
    ProjectRevision,
    Recommendation,
    SpendingRecord,
    Tranche,
)

MONEY = {"max_digits": 15, "decimal_places": 2, "min_value": Decimal("0.01"), "max_value": MAX_AMOUNT}


class DepartmentRefSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class ProjectRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()
    year = serializers.IntegerField()


class VisibleProjectField(serializers.PrimaryKeyRelatedField):
    """A project the caller may see: another department's answers exactly as a missing one (400
    "does not exist"), so a write never tells whether it exists."""

    def get_queryset(self):
        from .. import selectors

        request = self.context.get("request")
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return BudgetProject.objects.none()
        return selectors.scoped(BudgetProject.objects.all(), user=user)


class TargetSerializer(serializers.ModelSerializer):
    project = VisibleProjectField(queryset=BudgetProject.objects.all())
    indicator = serializers.SlugRelatedField(
        slug_field="code",
        read_only=True,
        allow_null=True,
        help_text="Code of the library indicator of the project's year whose method scores this target.",
    )
    indicator_code = serializers.CharField(
        write_only=True,
        required=False,
        allow_blank=True,
        max_length=40,
        help_text="Code of a library indicator of the project's year (empty: scored proportionally).",
    )
    library_indicator = serializers.SlugRelatedField(
        slug_field="code",
        queryset=LibraryIndicator.objects.all(),
        required=False,
        allow_null=True,
        help_text="Code of the shared library's indicator (指标库) this target measures; a retired one "
        "stays on the targets that chose it and cannot be chosen again.",
    )
    target_text = serializers.CharField(read_only=True)

    class Meta:
        model = BudgetTarget
        fields = [
            "id",
            "project",
            "dimension",
            "subdimension",
            "name",
            "operator",
            "value",
            "upper",
            "unit",
            "indicator",
            "indicator_code",
            "library_indicator",
            "below_last_year_reason",
            "weight",
            "order",
            "target_text",
            "actual",
            "actual_note",
            "actual_recorded_at",
            "version",
        ]
        read_only_fields = ["actual", "actual_note", "actual_recorded_at", "version"]
        extra_kwargs = {"subdimension": {"required": False, "allow_blank": True}, "order": {"required": False}}

    def get_fields(self):
        fields = super().get_fields()
        if self.instance is not None and not isinstance(self.instance, list | tuple) and hasattr(self.instance, "pk"):
            fields["project"].read_only = True  # a target stays on its project
        return fields


class TargetNestedSerializer(TargetSerializer):
    class Meta(TargetSerializer.Meta):
        fields = [f for f in TargetSerializer.Meta.fields if f not in ("project", "indicator_code")]
        read_only_fields = fields


class ProjectSerializer(serializers.ModelSerializer):
    department = DepartmentRefSerializer(read_only=True)
    amount = serializers.DecimalField(**MONEY, help_text="In yuan, two decimals.")
    amount_wan = serializers.SerializerMethodField(help_text="The amount in 万元 (10,000 yuan), two decimals.")
    spent = serializers.SerializerMethodField(help_text="Money spent so far, in yuan.")
    code = serializers.CharField(required=False, allow_blank=True, max_length=40)
    description = serializers.CharField(required=False, allow_blank=True, max_length=MAX_TEXT)

    class Meta:
        model = BudgetProject
        fields = [
            "id",
            "code",
            "department",
            "year",
            "name",
            "amount",
            "amount_wan",
            "spent",
            "funding_source",
            "category",
            "description",
            "is_continuing",
            "status",
            "revision",
            "return_reason",
            "submitted_at",
            "reviewed_at",
            "version",
        ]
        read_only_fields = ["status", "revision", "return_reason", "submitted_at", "reviewed_at", "version"]
        validators = []  # (year, code) uniqueness is checked by the service, with the generated code

    def get_fields(self):
        fields = super().get_fields()
        if self.instance is not None and hasattr(self.instance, "pk"):
            fields["year"].read_only = True  # a project stays in its year
        return fields

    @extend_schema_field(serializers.DecimalField(max_digits=13, decimal_places=2))
    def get_amount_wan(self, obj) -> str:
        return str(yuan_to_wan(obj.amount))

    @extend_schema_field(serializers.DecimalField(max_digits=15, decimal_places=2))
    def get_spent(self, obj) -> str:
        spent = getattr(obj, "spent", None)
        if spent is None:  # not annotated (a project just written): read it
            from ..selectors import spent_of

            spent = spent_of(project=obj)
        return str(Decimal(spent).quantize(Decimal("0.01")))


class ProjectDetailSerializer(ProjectSerializer):
    targets = TargetNestedSerializer(many=True, read_only=True)

    class Meta(ProjectSerializer.Meta):
        fields = [*ProjectSerializer.Meta.fields, "targets"]


class VersionSerializer(serializers.Serializer):
    version = serializers.IntegerField(required=False, help_text="The version you read; a stale one gives 409.")


class ReturnSerializer(VersionSerializer):
    reason = serializers.CharField(max_length=MAX_TEXT, help_text="Why the sheet goes back to the department.")


class RevisionSerializer(serializers.ModelSerializer):
    actor = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = ProjectRevision
        fields = ["number", "kind", "status", "reason", "actor", "at", "snapshot"]
        read_only_fields = fields


class QuarterSerializer(serializers.Serializer):
    period = serializers.CharField()
    spent = serializers.DecimalField(max_digits=15, decimal_places=2)
    cumulative = serializers.DecimalField(max_digits=15, decimal_places=2)
    rate = serializers.DecimalField(max_digits=9, decimal_places=2, help_text="Cumulative execution rate, percent.")


class ExecutionSerializer(serializers.Serializer):
    amount = serializers.DecimalField(max_digits=15, decimal_places=2)
    spent = serializers.DecimalField(max_digits=15, decimal_places=2)
    remaining = serializers.DecimalField(max_digits=15, decimal_places=2)
    rate = serializers.DecimalField(max_digits=9, decimal_places=2, help_text="Execution rate, percent.")
    quarters = QuarterSerializer(many=True)


class SpendingSerializer(serializers.ModelSerializer):
    project = VisibleProjectField(queryset=BudgetProject.objects.all())
    tranche = serializers.PrimaryKeyRelatedField(queryset=Tranche.objects.all(), required=False, allow_null=True)
    amount = serializers.DecimalField(**MONEY)
    recorded_by = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = SpendingRecord
        fields = ["id", "project", "tranche", "date", "amount", "description", "voucher", "recorded_by", "recorded_at"]
        read_only_fields = ["recorded_by", "recorded_at"]
        extra_kwargs = {"description": {"required": False}, "voucher": {"required": False}}


class TrancheSerializer(serializers.ModelSerializer):
    project = VisibleProjectField(queryset=BudgetProject.objects.all())
    amount = serializers.DecimalField(**MONEY)
    condition_targets = serializers.PrimaryKeyRelatedField(
        queryset=BudgetTarget.objects.all(), many=True, required=False
    )
    released_by = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)

    class Meta:
        model = Tranche
        fields = [
            "id",
            "project",
            "name",
            "amount",
            "planned_date",
            "status",
            "condition_targets",
            "released_at",
            "released_by",
            "release_note",
        ]
        read_only_fields = ["status", "released_at", "released_by", "release_note"]


class ReleaseSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, max_length=MAX_TEXT)


class ActualValueSerializer(serializers.Serializer):
    target = serializers.IntegerField()
    actual = serializers.DecimalField(max_digits=18, decimal_places=4, allow_null=True)
    note = serializers.CharField(required=False, allow_blank=True, max_length=500, default="")
    not_applicable = serializers.BooleanField(
        required=False, default=False, help_text="The target does not apply this year: no value, a reason, left out"
    )
    not_applicable_reason = serializers.CharField(required=False, allow_blank=True, max_length=500, default="")


class ActualsSerializer(serializers.Serializer):
    values = ActualValueSerializer(many=True)


class LedgerLineSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=["execution", "target", "not_applicable"])
    group = serializers.CharField(help_text="execution, output (with cost unless cost has a weight), effect, ...")
    dimension = serializers.CharField(allow_blank=True)
    target = serializers.DictField(allow_null=True, help_text='{"id": ..., "name": ...} or null')
    method = serializers.CharField(allow_blank=True)
    available = serializers.DecimalField(max_digits=7, decimal_places=2)
    points = serializers.DecimalField(max_digits=7, decimal_places=2)
    missing = serializers.BooleanField()
    detail = serializers.CharField(help_text="Human-readable explanation in the caller's language.")


class EvaluationSerializer(serializers.ModelSerializer):
    project = serializers.SerializerMethodField()
    department = serializers.SerializerMethodField()
    grade_label = serializers.CharField(source="get_grade_display", read_only=True)
    computed_by = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)

    class Meta:
        model = Evaluation
        fields = [
            "id",
            "project",
            "department",
            "number",
            "total",
            "grade",
            "grade_label",
            "amount",
            "spent",
            "execution_rate",
            "weights",
            "sheet_version",
            "sheet_adjustment",
            "computed_at",
            "computed_by",
            "status",
            "confirmed_at",
            "published_at",
        ]
        read_only_fields = fields

    @extend_schema_field(ProjectRefSerializer)
    def get_project(self, obj):
        p = obj.project
        return {"id": p.pk, "code": p.code, "name": p.name, "year": p.year}

    @extend_schema_field(DepartmentRefSerializer)
    def get_department(self, obj):
        d = obj.project.department
        return {"code": d.code, "name": d.name}


class EvaluationDetailSerializer(EvaluationSerializer):
    ledger = serializers.SerializerMethodField()

    class Meta(EvaluationSerializer.Meta):
        fields = [*EvaluationSerializer.Meta.fields, "ledger"]
        read_only_fields = fields

    @extend_schema_field(LedgerLineSerializer(many=True))
    def get_ledger(self, obj):
        out = []
        for line in obj.ledger:
            detail = line.get("detail") or {}
            out.append({**line, "detail": render(detail.get("message", ""), detail.get("args"))})
        return out


class RecommendationSerializer(serializers.ModelSerializer):
    project = serializers.SerializerMethodField()
    department = serializers.SerializerMethodField()
    evaluation_total = serializers.SerializerMethodField()
    effective_amount = serializers.DecimalField(max_digits=15, decimal_places=2, read_only=True, allow_null=True)
    decided_by = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)
    # Blank until set: declared so that the schema admits the empty value.
    flag_reason = serializers.ChoiceField(FlagReason.choices, allow_blank=True, read_only=True)
    project_grade = serializers.ChoiceField(GRADES, allow_blank=True, read_only=True)
    department_grade_column = serializers.ChoiceField(DEPARTMENT_GRADES, allow_blank=True, read_only=True)
    action = serializers.ChoiceField(Action.choices, allow_blank=True, read_only=True)
    final_action = serializers.ChoiceField(Action.choices, allow_blank=True, read_only=True)

    class Meta:
        model = Recommendation
        fields = [
            "id",
            "year",
            "project",
            "department",
            "kind",
            "flag_reason",
            "base_amount",
            "project_grade",
            "evaluation_total",
            "key_evaluation",
            "department_grade",
            "department_grade_column",
            "action",
            "percent",
            "recommended_amount",
            "status",
            "final_action",
            "final_amount",
            "effective_amount",
            "reason",
            "decided_by",
            "decided_at",
            "version",
        ]
        read_only_fields = fields

    @extend_schema_field(ProjectRefSerializer)
    def get_project(self, obj):
        p = obj.project
        return {"id": p.pk, "code": p.code, "name": p.name, "year": p.year}

    @extend_schema_field(DepartmentRefSerializer)
    def get_department(self, obj):
        return {"code": obj.department.code, "name": obj.department.name}

    @extend_schema_field(serializers.DecimalField(max_digits=7, decimal_places=2, allow_null=True))
    def get_evaluation_total(self, obj):
        return str(obj.evaluation.total) if obj.evaluation_id else None


class DecisionSerializer(VersionSerializer):
    decision = serializers.ChoiceField(choices=["accept", "override"])
    final_action = serializers.ChoiceField(choices=Action.choices, required=False, allow_blank=True)
    final_amount = serializers.DecimalField(
        max_digits=15, decimal_places=2, required=False, allow_null=True, min_value=Decimal(0), max_value=MAX_AMOUNT
    )
    reason = serializers.CharField(
        required=False, allow_blank=True, max_length=MAX_TEXT, help_text="Required for an override."
    )


class GenerateSerializer(serializers.Serializer):
    year = serializers.IntegerField(min_value=2001, max_value=2100, help_text="The budget year recommended for.")


class GenerateResultSerializer(serializers.Serializer):
    recommendations = serializers.IntegerField()
    flags = serializers.IntegerField()
    kept = serializers.IntegerField()


class SummaryRowSerializer(serializers.Serializer):
    department = DepartmentRefSerializer()
    projects = serializers.IntegerField()
    base = serializers.DecimalField(max_digits=15, decimal_places=2)
    recommended = serializers.DecimalField(max_digits=15, decimal_places=2)
    decided = serializers.DecimalField(max_digits=15, decimal_places=2)
    change = serializers.DecimalField(max_digits=15, decimal_places=2)
    flags = serializers.IntegerField()
    flagged_amount = serializers.DecimalField(max_digits=15, decimal_places=2)
    pending = serializers.IntegerField()


class PolicySerializer(serializers.ModelSerializer):
    updated_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    matrix = serializers.JSONField(
        help_text='{project grade: {department grade or "none": {"action": ..., "percent": "..."}}}'
    )
    exante_weights = serializers.JSONField(
        required=False,
        help_text='{"necessity", "economy", "targets", "feasibility", "funding": points as strings, adding up to 100}',
    )
    key_weights = serializers.JSONField(
        required=False,
        help_text='Key evaluation: {"decision", "process", "output", "effect": points as strings, adding up to 100}',
    )

    class Meta:
        model = BudgetPolicy
        fields = [
            "year",
            "weight_execution",
            "weight_output",
            "weight_cost",
            "weight_effect",
            "weight_satisfaction",
            "grade_excellent",
            "grade_good",
            "grade_fair",
            "matrix",
            "exante_threshold",
            "exante_weights",
            "key_weights",
            "updated_at",
            "updated_by",
            "version",
        ]
        read_only_fields = ["year", "updated_at", "updated_by", "version"]


class ImportSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="xlsx with the sheets “projects” and “targets”.")
    dry_run = serializers.BooleanField(default=True, help_text="true: only check and report; false: write all or none.")


class ImportRowErrorSerializer(serializers.Serializer):
    sheet = serializers.CharField()
    row = serializers.IntegerField()
    field = serializers.CharField()
    message = serializers.CharField()


class ImportResultSerializer(serializers.Serializer):
    dry_run = serializers.BooleanField()
    valid = serializers.BooleanField()
    projects = serializers.ListField(child=serializers.DictField())
    errors = ImportRowErrorSerializer(many=True)
    created = serializers.ListField(child=serializers.IntegerField())
