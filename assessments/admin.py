from django.contrib import admin

from core.admin import SpreadsheetAdmin

from .models import Assignment, Plan, Quarter
from .resources import AssignmentResource


class QuarterInline(admin.TabularInline):
    model = Quarter
    extra = 0
    can_delete = False


@admin.register(Plan)
class PlanAdmin(admin.ModelAdmin):
    list_display = ["year", "name", "status", "head_signoff", "lag_threshold"]
    inlines = [QuarterInline]

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Assignment)
class AssignmentAdmin(SpreadsheetAdmin):
    resource_classes = [AssignmentResource]
    list_display = [
        "plan",
        "department",
        "indicator",
        "basic_target",
        "planned_q1",
        "planned_q2",
        "planned_q3",
        "planned_q4",
        "is_active",
    ]
    list_filter = ["plan", "department", "is_active"]
    search_fields = ["indicator__code", "indicator__name", "department__name"]
    list_select_related = ["plan", "department", "indicator"]
    raw_id_fields = ["indicator"]

    def has_delete_permission(self, request, obj=None):
        # Results depend on assignments: deactivate instead.
        return False
