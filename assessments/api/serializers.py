"""Serializers of the assessments API. Fields are listed explicitly; nothing a department user
sends can set a status, a score, a reviewer or a department."""

from __future__ import annotations

from decimal import Decimal

from django.urls import reverse
from django.utils import timezone
from rest_framework import serializers

from core.numbers import two_places

from ..inputs import empty_counts
from ..models import Appeal, Assignment, Entry, Evidence, Plan, Quarter, Report, Score, ScoreEvent
from ..models.scores import PERIOD_CHOICES

INPUT_COUNTS = empty_counts()


class DepartmentCodeNameSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class CodeNameSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class PlanQuarterSerializer(serializers.ModelSerializer):
    period = serializers.CharField(source="code")
    closes_on = serializers.DateField()
    closed = serializers.SerializerMethodField()

    class Meta:
        model = Quarter
        fields = ["period", "deadline", "close_after_days", "closes_on", "reopened_until", "closed"]

    def get_closed(self, obj) -> bool:
        return obj.is_closed()


class PlanSerializer(serializers.ModelSerializer):
    quarters = PlanQuarterSerializer(many=True, read_only=True)

    class Meta:
        model = Plan
        fields = [
            "year",
            "name",
            "status",
            "lag_threshold",
            "band_on_track",
            "band_behind",
            "head_signoff",
            "reminder_days",
            "escalation_days",
            "bonus_cap",
            "top_grade_share",
            "appeal_window_days",
            "quarters",
        ]
        read_only_fields = fields


class AssignmentSerializer(serializers.ModelSerializer):
    year = serializers.IntegerField(source="plan.year", read_only=True)
    department = DepartmentCodeNameSerializer(read_only=True)
    indicator = CodeNameSerializer(read_only=True)

    class Meta:
        model = Assignment
        fields = [
            "id",
            "year",
            "department",
            "indicator",
            "basic_target",
            "challenge_target",
            "range_upper",
            "planned_q1",
            "planned_q2",
            "planned_q3",
            "planned_q4",
            "is_active",
        ]
        read_only_fields = fields


class EvidenceSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()

    class Meta:
        model = Evidence
        fields = ["id", "original_name", "content_type", "size", "sha256", "uploaded_at", "url"]
        read_only_fields = fields

    def get_url(self, obj) -> str:
        return reverse("assessments:evidence_download", args=[obj.pk])


class EntrySerializer(serializers.ModelSerializer):
    """An entry. Department users may change only the reported fields, and only in a draft."""

    assignment = serializers.IntegerField(source="assignment_id", read_only=True)
    indicator = CodeNameSerializer(source="assignment.indicator", read_only=True)
    evidence = serializers.SerializerMethodField()
    actual_value = serializers.DecimalField(
        max_digits=18,
        decimal_places=4,
        required=False,
        allow_null=True,
        min_value=Decimal("-1e13"),
        max_value=Decimal("1e13"),
    )
    completion_pct = serializers.DecimalField(
        max_digits=6, decimal_places=2, required=False, allow_null=True, min_value=Decimal(0), max_value=Decimal(100)
    )
    narrative = serializers.CharField(required=False, allow_blank=True, max_length=4000)
    problems = serializers.CharField(required=False, allow_blank=True, max_length=2000)
    next_steps = serializers.CharField(required=False, allow_blank=True, max_length=2000)
    explanation = serializers.CharField(required=False, allow_blank=True, max_length=2000)
    outlier_note = serializers.CharField(required=False, allow_blank=True, max_length=1000)
    outlier = serializers.SerializerMethodField(
        help_text="Empty when the value is not unusual; else the comparisons that found it far from the "
        "department's history (own) and from the other departments this quarter (peers): "
        "robust z-score, median of the compared measure and sample size (docs/scoring.md)."
    )

    class Meta:
        model = Entry
        fields = [
            "id",
            "assignment",
            "indicator",
            "actual_value",
            "completion_pct",
            "narrative",
            "problems",
            "next_steps",
            "explanation",
            "outlier",
            "outlier_note",
            "status_colour",
            "progress_pct",
            "lag",
            "review_state",
            "review_comment",
            "evidence",
            "version",
            "updated_at",
        ]
        read_only_fields = [
            "id",
            "assignment",
            "indicator",
            "outlier",
            "status_colour",
            "progress_pct",
            "lag",
            "review_state",
            "review_comment",
            "evidence",
            "version",
            "updated_at",
        ]

    def get_outlier(self, obj) -> dict:
        return obj.outlier or {}

    def get_evidence(self, obj) -> list[dict]:
        items = [e for e in obj.evidence.all() if e.removed_at is None]
        return EvidenceSerializer(items, many=True).data


class ReportSerializer(serializers.ModelSerializer):
    department = DepartmentCodeNameSerializer(read_only=True)
    year = serializers.IntegerField(source="quarter.plan.year", read_only=True)
    period = serializers.CharField(source="quarter.code", read_only=True)
    deadline = serializers.DateField(source="quarter.deadline", read_only=True)

    class Meta:
        model = Report
        fields = [
            "id",
            "department",
            "year",
            "period",
            "deadline",
            "status",
            "revision",
            "submitted_at",
            "is_late",
            "approved_at",
            "return_reason",
            "version",
            "updated_at",
        ]
        read_only_fields = fields


class ReportDetailSerializer(ReportSerializer):
    entries = EntrySerializer(many=True, read_only=True)

    class Meta(ReportSerializer.Meta):
        fields = [*ReportSerializer.Meta.fields, "entries"]
        read_only_fields = fields


class ReportOpenSerializer(serializers.Serializer):
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    period = serializers.ChoiceField(choices=["Q1", "Q2", "Q3", "Q4"])


class ReportVersionSerializer(serializers.Serializer):
    version = serializers.IntegerField(
        required=False, min_value=1, help_text="The version you read; a stale one is refused with 409."
    )


class ReasonSerializer(ReportVersionSerializer):
    reason = serializers.CharField(max_length=2000, required=False, allow_blank=True)


class EntryReviewSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(choices=["approved", "returned"])
    comment = serializers.CharField(max_length=2000, required=False, allow_blank=True)


class EvidenceUploadSerializer(serializers.Serializer):
    file = serializers.FileField()


# --- Scores: exactly the contract of docs/api.md -------------------------------------------------


class ScoreSerializer(serializers.ModelSerializer):
    department = serializers.SerializerMethodField()
    year = serializers.IntegerField(source="plan.year")
    total = serializers.SerializerMethodField()
    grade = serializers.CharField(source="grade_label")
    group = serializers.SerializerMethodField()
    categories = serializers.SerializerMethodField()
    inputs = serializers.SerializerMethodField()
    computed_at = serializers.DateTimeField()

    class Meta:
        model = Score
        fields = [
            "department",
            "year",
            "period",
            "total",
            "grade",
            "grade_code",
            "rank",
            "group",
            "vetoed",
            "published",
            "provisional",
            "inputs",
            "categories",
            "computed_at",
        ]
        read_only_fields = fields

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.tz = timezone.get_current_timezone()

    def to_representation(self, obj) -> dict:
        """The fields above, built directly: the list sends up to 200 of them per request (bench/README.md).
        tests/assessments/test_scores.py holds it equal to the declared fields' own rendering."""
        return {
            "department": self.get_department(obj),
            "year": obj.plan.year,
            "period": obj.period,
            "total": two_places(obj.total),
            "grade": obj.grade_label,
            "grade_code": obj.grade_code,
            "rank": obj.rank,
            "group": self.get_group(obj),
            "vetoed": obj.vetoed,
            "published": obj.published,
            "provisional": obj.provisional,
            "inputs": self.get_inputs(obj),
            "categories": self.get_categories(obj),
            "computed_at": obj.computed_at.astimezone(self.tz).isoformat(),
        }

    def get_department(self, obj) -> dict:
        return {"code": obj.department.code, "name": obj.department.name}

    def get_total(self, obj) -> str:
        return two_places(obj.total)

    def get_group(self, obj) -> str | None:
        return obj.group.code if obj.group_id else None

    def get_categories(self, obj) -> list[dict]:
        # Stored in the form of the contract (recompute.store._category_json, migration 0004).
        return obj.categories

    def get_inputs(self, obj) -> dict[str, int]:
        """The score's inputs counted by state; every state is named (0 where none)."""
        return {**INPUT_COUNTS, **(obj.inputs or {})}


class LedgerLineSerializer(serializers.Serializer):
    kind = serializers.CharField()
    indicator = serializers.SerializerMethodField()
    rule = serializers.SerializerMethodField()
    points = serializers.SerializerMethodField()
    detail = serializers.CharField()

    def get_indicator(self, obj) -> dict | None:
        return {"code": obj.indicator.code, "name": obj.indicator.name} if obj.indicator_id else None

    def get_rule(self, obj) -> dict | None:
        return {"code": obj.rule.code, "name": obj.rule.name} if obj.rule_id else None

    def get_points(self, obj) -> str:
        return two_places(obj.points)


class ScoreDetailSerializer(ScoreSerializer):
    ledger = serializers.SerializerMethodField()
    outlook = serializers.SerializerMethodField()

    class Meta(ScoreSerializer.Meta):
        fields = [*ScoreSerializer.Meta.fields, "ledger", "outlook"]
        read_only_fields = fields

    def to_representation(self, obj) -> dict:
        return {**super().to_representation(obj), "ledger": self.get_ledger(obj), "outlook": self.get_outlook(obj)}

    def get_outlook(self, obj) -> dict:
        """What it would take: the next grade band and the indicators with the most points open."""
        return obj.outlook.as_json()

    def get_ledger(self, obj) -> list[dict]:
        return LedgerLineSerializer(obj.ledger_lines, many=True).data


class EventSerializer(serializers.ModelSerializer):
    year = serializers.IntegerField(source="plan.year", read_only=True)
    rule = serializers.CharField(source="rule.code", read_only=True)
    department = serializers.CharField(source="department.code", read_only=True)
    indicator = serializers.CharField(source="indicator.code", read_only=True, default=None)

    class Meta:
        model = ScoreEvent
        fields = [
            "id",
            "year",
            "rule",
            "department",
            "indicator",
            "date",
            "occurrences",
            "note",
            "source",
            "recorded_at",
            "voided_at",
            "void_reason",
        ]
        read_only_fields = fields


class EventCreateSerializer(serializers.Serializer):
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    rule = serializers.CharField(max_length=40, help_text="Rule code of that year")
    department = serializers.CharField(max_length=32, help_text="Department code")
    date = serializers.DateField()
    occurrences = serializers.IntegerField(min_value=1, max_value=1000, default=1)
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")
    evidence = serializers.FileField(required=False)


class AppealSerializer(serializers.ModelSerializer):
    department = serializers.CharField(source="department.code", read_only=True)
    year = serializers.IntegerField(source="score.plan.year", read_only=True)
    period = serializers.CharField(source="score.period", read_only=True)

    class Meta:
        model = Appeal
        fields = [
            "id",
            "department",
            "year",
            "period",
            "line_key",
            "line_snapshot",
            "reason",
            "status",
            "filed_at",
            "decided_at",
            "decision_reason",
            "total_before",
            "total_after",
        ]
        read_only_fields = fields


class AppealCreateSerializer(serializers.Serializer):
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    period = serializers.ChoiceField(choices=PERIOD_CHOICES)
    line_key = serializers.CharField(max_length=60)
    reason = serializers.CharField(max_length=4000)
    evidence = serializers.FileField(required=False)


class AppealDecisionSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(choices=["upheld", "rejected"])
    reason = serializers.CharField(max_length=4000)
    points = serializers.DecimalField(
        max_digits=8, decimal_places=2, required=False, allow_null=True, min_value=Decimal(0)
    )


class GradeSerializer(serializers.Serializer):
    grade = serializers.CharField(max_length=10)
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")
