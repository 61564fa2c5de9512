"""Import and export of assignments (xlsx, csv): preview with row errors, then all rows or none."""

from __future__ import annotations

from import_export import fields, resources, widgets

from audit.services import audit_log
from core.spreadsheets import SafeExportMixin
from indicators.models import Indicator
from organizations.models import Department

from .models import Assignment, Plan


class IndicatorOfYearWidget(widgets.ForeignKeyWidget):
    def get_queryset(self, value, row, *args, **kwargs):
        return Indicator.objects.filter(library__year=row.get("year"))


class AssignmentResource(SafeExportMixin, resources.ModelResource):
    plan = fields.Field(attribute="plan", column_name="year", widget=widgets.ForeignKeyWidget(Plan, field="year"))
    department = fields.Field(
        attribute="department", column_name="department", widget=widgets.ForeignKeyWidget(Department, field="code")
    )
    indicator = fields.Field(
        attribute="indicator", column_name="indicator", widget=IndicatorOfYearWidget(Indicator, field="code")
    )

    class Meta:
        model = Assignment
        fields = (
            "plan",
            "department",
            "indicator",
            "basic_target",
            "challenge_target",
            "range_upper",
            "planned_q1",
            "planned_q2",
            "planned_q3",
            "planned_q4",
            "note",
        )
        import_id_fields = ("plan", "department", "indicator")
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = False

    def import_data(self, dataset, **kwargs):
        kwargs.setdefault("use_transactions", True)
        kwargs["rollback_on_validation_errors"] = True
        return super().import_data(dataset, **kwargs)

    def before_save_instance(self, instance, row, **kwargs):
        # Targets left empty take the library's (as assigning from the page does).
        if instance.basic_target is None:
            instance.basic_target = instance.indicator.basic_target
        if instance.challenge_target is None:
            instance.challenge_target = instance.indicator.challenge_target

    def after_import(self, dataset, result, **kwargs):
        if kwargs.get("dry_run") or result.has_errors() or result.has_validation_errors():
            return
        audit_log(
            "assessments.assignment.imported",
            actor=kwargs.get("user"),
            object_type="assessments.assignment",
            data={"rows": len(dataset), "totals": {k: v for k, v in result.totals.items() if v}},
        )
        from .recompute import scores_mark_dirty

        for plan in Plan.objects.filter(year__in={r.get("year") for r in dataset.dict}):
            scores_mark_dirty(plan=plan)
