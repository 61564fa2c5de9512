"""Read-only admin views of budget data. Every change goes through the pages or the API, whose
services validate, keep revisions and audit; the admin site never writes budget rows."""

from django.contrib import admin

from .models import (
    BudgetPolicy,
    BudgetProject,
    BudgetTarget,
    Evaluation,
    ExAnteAssessment,
    ExAnteLine,
    KeyEvaluation,
    Recommendation,
    SpendingRecord,
    Tranche,
    WorkPackage,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class TargetInline(admin.TabularInline):
    model = BudgetTarget
    extra = 0
    fields = [
        "dimension",
        "subdimension",
        "name",
        "operator",
        "value",
        "upper",
        "unit",
        "indicator",
        "weight",
        "actual",
    ]

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(BudgetProject)
class BudgetProjectAdmin(ReadOnlyAdmin):
    list_display = ["code", "name", "department", "year", "amount", "status", "revision"]
    list_filter = ["year", "status", "funding_source", "department"]
    search_fields = ["code", "name"]
    inlines = [TargetInline]


@admin.register(BudgetPolicy)
class BudgetPolicyAdmin(ReadOnlyAdmin):
    list_display = ["year", "weight_execution", "weight_output", "weight_cost", "weight_effect", "weight_satisfaction"]


@admin.register(Tranche)
class TrancheAdmin(ReadOnlyAdmin):
    list_display = ["project", "name", "amount", "status", "released_at"]
    list_filter = ["status"]


@admin.register(SpendingRecord)
class SpendingRecordAdmin(ReadOnlyAdmin):
    list_display = ["project", "date", "amount", "tranche", "voucher", "recorded_by"]
    date_hierarchy = "date"


@admin.register(Evaluation)
class EvaluationAdmin(ReadOnlyAdmin):
    list_display = ["project", "number", "total", "grade", "execution_rate", "computed_at"]
    list_filter = ["grade"]


@admin.register(Recommendation)
class RecommendationAdmin(ReadOnlyAdmin):
    list_display = ["year", "project", "department", "kind", "action", "recommended_amount", "status", "final_amount"]
    list_filter = ["year", "kind", "status"]


# --- Ex-ante assessments, work packages and key evaluations (read-only, like the rest) -------------------------


@admin.register(WorkPackage)
class WorkPackageAdmin(ReadOnlyAdmin):
    list_display = ["name", "kind", "year", "evaluator", "department", "starts_on", "ends_on"]
    list_filter = ["kind", "year"]
    search_fields = ["name", "evaluator__username"]


class ExAnteLineInline(admin.TabularInline):
    model = ExAnteLine
    extra = 0
    fields = ["dimension", "criteria", "points", "score", "comment"]

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ExAnteAssessment)
class ExAnteAssessmentAdmin(ReadOnlyAdmin):
    list_display = ["project", "number", "assessor_kind", "status", "total", "conclusion"]
    list_filter = ["status", "conclusion", "assessor_kind", "project__year"]
    search_fields = ["project__name", "project__code"]
    inlines = [ExAnteLineInline]


@admin.register(KeyEvaluation)
class KeyEvaluationAdmin(ReadOnlyAdmin):
    list_display = ["project", "number", "assessor_kind", "status", "total", "grade"]
    list_filter = ["status", "assessor_kind", "project__year"]
    search_fields = ["project__name", "project__code"]
