"""Spreadsheet import and export (xlsx, csv) of categories, indicators and rules.

Rows are identified by (year, code). Each row is validated with the model's full_clean,
so an import shows the same field messages as the pages; with one bad row nothing is
written (IMPORT_EXPORT_USE_TRANSACTIONS, and the admin refuses to confirm a file with
errors).
"""

from __future__ import annotations

from import_export import fields, resources, widgets

from audit.services import audit_log
from organizations.models import Department

from .models import Category, ChangeRecord, Indicator, Library, Rule


class YearScopedWidget(widgets.ForeignKeyWidget):
    """A code that is unique within its year only (the row's ``year`` column)."""

    def get_queryset(self, value, row, *args, **kwargs):
        return self.model.objects.filter(library__year=row.get("year"))


class LibraryResource(resources.ModelResource):
    library = fields.Field(
        attribute="library", column_name="year", widget=widgets.ForeignKeyWidget(Library, field="year")
    )

    class Meta:
        abstract = True

    def import_data(self, dataset, **kwargs):
        # All rows or none: a row that fails validation rolls back the whole file.
        kwargs.setdefault("use_transactions", True)
        kwargs["rollback_on_validation_errors"] = True
        return super().import_data(dataset, **kwargs)

    def after_save_instance(self, instance, row, **kwargs):
        if kwargs.get("dry_run") or not instance.library.cloned_from_id:
            return
        ChangeRecord.objects.create(
            library=instance.library,
            object_kind=self._meta.model._meta.model_name,
            object_code=instance.code,
            action=ChangeRecord.Action.UPDATED,
            changes={"import": [None, kwargs.get("file_name") or "xlsx"]},
            actor=kwargs.get("user"),
        )

    def after_import(self, dataset, result, **kwargs):
        if kwargs.get("dry_run") or result.has_errors() or result.has_validation_errors():
            return
        audit_log(
            f"indicators.{self._meta.model._meta.model_name}.imported",
            actor=kwargs.get("user"),
            object_type=self._meta.model._meta.label_lower,
            data={"rows": len(dataset), "totals": {k: v for k, v in result.totals.items() if v}},
        )


class CategoryResource(LibraryResource):
    parent = fields.Field(attribute="parent", column_name="parent", widget=YearScopedWidget(Category, field="code"))

    class Meta:
        model = Category
        fields = ("library", "code", "name", "parent", "points", "order", "description")
        import_id_fields = ("library", "code")
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = False


class IndicatorResource(LibraryResource):
    category = fields.Field(
        attribute="category", column_name="category", widget=YearScopedWidget(Category, field="code")
    )
    departments = fields.Field(
        attribute="departments",
        column_name="departments",
        widget=widgets.ManyToManyWidget(Department, field="code", separator=","),
    )
    params = fields.Field(attribute="params", column_name="params", widget=widgets.JSONWidget())

    class Meta:
        model = Indicator
        fields = (
            "library",
            "code",
            "name",
            "description",
            "category",
            "kind",
            "unit",
            "value_type",
            "direction",
            "basic_target",
            "challenge_target",
            "range_upper",
            "points",
            "method",
            "params",
            "data_source",
            "evidence_required",
            "applicability",
            "departments",
            "budget_dimension",
            "budget_subdimension",
            "order",
        )
        import_id_fields = ("library", "code")
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = False
        use_bulk = False

    def before_import_row(self, row, **kwargs):
        # Empty cells mean "no value"; params default to {} (the method's defaults apply).
        if not row.get("params"):
            row["params"] = "{}"


class RuleResource(LibraryResource):
    indicator = fields.Field(
        attribute="indicator", column_name="indicator", widget=YearScopedWidget(Indicator, field="code")
    )

    class Meta:
        model = Rule
        fields = (
            "library",
            "code",
            "name",
            "description",
            "kind",
            "scope",
            "indicator",
            "effect",
            "points",
            "cap",
            "evidence_required",
            "order",
        )
        import_id_fields = ("library", "code")
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = False
