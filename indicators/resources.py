"""Spreadsheet import and export (xlsx, csv) of categories, indicators and rules.

Rows are identified by (year, code). Each row is validated with the model's full_clean,
so an import shows the same field messages as the pages; with one bad row nothing is
written (IMPORT_EXPORT_USE_TRANSACTIONS, and the admin refuses to confirm a file with
errors).
"""

from __future__ import annotations

import logging

from django.core.exceptions import ValidationError
from django.db import models
from import_export import fields, instance_loaders, resources, widgets

from audit.services import audit_log
from core.spreadsheets import SafeExportMixin
from organizations.models import Department

from .models import Category, ChangeRecord, Indicator, Library, Rule

logger = logging.getLogger("indicators.import")
PROGRESS_EVERY = 1000


class CachedForeignKeyWidget(widgets.ForeignKeyWidget):
    """A ForeignKeyWidget that remembers the rows it found during one import.

    A value found once is the same row for the rest of the file; a value not found is looked
    up again each time, since an earlier row of the file may create it. Fields are copied for
    each resource instance, so the memory lasts one import.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._found: dict = {}

    def cache_key(self, value, row):
        return value

    def clean(self, value, row=None, **kwargs):
        key = self.cache_key(value, row)
        found = self._found.get(key)
        if found is None:
            found = super().clean(value, row=row, **kwargs)
            if found is not None:
                self._found[key] = found
        return found


class YearScopedWidget(CachedForeignKeyWidget):
    """A code that is unique within its year only (the row's ``year`` column).

    The codes of a year are read in one query the first time the year appears in the file.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._years: set = set()

    def get_queryset(self, value, row, *args, **kwargs):
        return self.model.objects.filter(library__year=row.get("year"))

    def cache_key(self, value, row):
        return (row.get("year") if row else None, value)

    def clean(self, value, row=None, **kwargs):
        year = row.get("year") if row else None
        if row is not None and year not in self._years:
            self._years.add(year)
            for obj in self.get_queryset(value, row):
                self._found[(year, getattr(obj, self.field))] = obj
        return super().clean(value, row=row, **kwargs)


class CachedManyToManyWidget(widgets.ManyToManyWidget):
    """Codes separated by commas, each resolved from one read of the related table per import.

    Returns a list (distinct objects, like the query's result; empty for an empty cell); codes
    unknown at the start of the import are looked up in the database, and unknown codes are
    ignored as ``ManyToManyWidget`` ignores them.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._all: dict | None = None

    def clean(self, value, row=None, **kwargs):
        if not value:
            return []
        if not isinstance(value, str | int | float):
            return super().clean(value, row=row, **kwargs)
        ids = [str(int(value))] if isinstance(value, int | float) else [i.strip() for i in value.split(self.separator)]
        ids = [i for i in ids if i]
        if self._all is None:
            self._all = {str(getattr(obj, self.field)): obj for obj in self.model.objects.all()}
        missing = [i for i in ids if i not in self._all]
        if missing:
            for obj in super().clean(self.separator.join(missing), row=row, **kwargs):
                self._all[str(getattr(obj, self.field))] = obj
        out, seen = [], set()
        for i in ids:
            obj = self._all.get(i)
            if obj is not None and obj.pk not in seen:
                seen.add(obj.pk)
                out.append(obj)
        return out


class LibraryInstanceLoader(instance_loaders.ModelInstanceLoader):
    """Finds the row to update by (year, code): the year's rows are read once, in one query.

    Each row read is handed out once; a later row with the same code (or a code saved earlier in
    the file) reads it again from the database, exactly as a lookup per row would. A code that was
    neither in the database when the import began nor saved since is new.
    """

    def __init__(self, resource, dataset=None):
        super().__init__(resource, dataset)
        self.known: dict[tuple, object] = {}
        self.loaded: set = set()
        resource._import_loader = self

    def get_instance(self, row):
        params = {}
        for key in self.resource.get_import_id_fields():
            field = self.resource.fields[key]
            params[field.attribute] = field.clean(row)
        library, code = params.get("library"), params.get("code")
        if set(params) != {"library", "code"} or library is None or library.pk is None or not isinstance(code, str):
            return super().get_instance(row)
        if library.pk not in self.loaded:
            self.loaded.add(library.pk)
            for obj in self.get_queryset().filter(library=library):
                self.known[(library.pk, obj.code)] = obj
        key = (library.pk, code)
        if key not in self.known:
            return None
        obj = self.known[key]
        if obj is None:
            return super().get_instance(row)
        self.known[key] = None
        return obj

    def saved(self, instance) -> None:
        # In the database now: a later row of the file with this code reads it from there.
        self.known[(instance.library_id, instance.code)] = None


class _NoDiff:
    """The confirmed import shows totals, not the row-by-row comparison of the preview."""

    def __init__(self, resource, instance, new):
        pass

    def compare_with(self, resource, instance):
        pass

    def as_html(self):
        return []


class LibraryResource(SafeExportMixin, resources.ModelResource):
    library = fields.Field(
        attribute="library", column_name="year", widget=CachedForeignKeyWidget(Library, field="year")
    )
    # Foreign keys set from the widgets above, which read the row from the database in this import.
    looked_up = ("library",)

    class Meta:
        abstract = True

    def import_data(self, dataset, **kwargs):
        # All rows or none: a row that fails validation rolls back the whole file.
        kwargs.setdefault("use_transactions", True)
        kwargs["rollback_on_validation_errors"] = True
        self._previewing = bool(kwargs.get("dry_run"))
        self._rows_total, self._rows_done = len(dataset), 0
        return super().import_data(dataset, **kwargs)

    def get_diff_class(self):
        return super().get_diff_class() if getattr(self, "_previewing", True) else _NoDiff

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        """``full_clean`` as import-export calls it, without one query per row and foreign key.

        The foreign keys in ``looked_up`` come from rows this import read from the database, so
        only their null and blank rules are checked again; (year, code) is unique by the instance
        loader, which knows every code of the year, and is checked against it.
        """
        errors = dict(import_validation_errors or {})
        if self._meta.clean_model_instances:
            skipped = [name for name in self.looked_up if name not in errors]
            try:
                instance.full_clean(exclude=[*errors, *skipped], validate_unique=False, validate_constraints=False)
            except ValidationError as e:
                errors = e.update_error_dict(errors)
            for name in skipped:
                field = instance._meta.get_field(name)
                raw = getattr(instance, field.attname)
                if field.blank and raw in field.empty_values:
                    continue
                try:
                    value = field.to_python(raw)
                    models.Field.validate(field, value, instance)
                    field.run_validators(value)
                except ValidationError as e:
                    errors[name] = e.error_list
            loader = getattr(self, "_import_loader", None)
            if (
                loader is not None
                and instance.pk is None
                and "library" not in errors
                and "code" not in errors
                and (instance.library_id, instance.code) in loader.known
            ):
                e = instance.unique_error_message(type(instance), ("library", "code"))
                errors = ValidationError(e).update_error_dict(errors)
        if errors:
            raise ValidationError(errors)

    def do_instance_save(self, instance, is_create):
        super().do_instance_save(instance, is_create)
        instance._inserted_by_import = is_create

    def save_m2m(self, instance, row, **kwargs):
        """A row just inserted has no related rows yet: insert them in one statement (``set`` on
        it would read the empty relation first), and remember an empty one for the preview."""
        using_transactions = self._is_using_transactions(kwargs)
        if not getattr(instance, "_inserted_by_import", False) or (not using_transactions and self._is_dry_run(kwargs)):
            return super().save_m2m(instance, row, **kwargs)
        for field in self.get_import_fields():
            if not isinstance(field.widget, widgets.ManyToManyWidget) or field.column_name not in row:
                continue
            cleaned = list(field.clean(row, **kwargs))
            relation = instance._meta.get_field(field.attribute)
            if cleaned:
                through = relation.remote_field.through
                source, target = relation.m2m_field_name(), relation.m2m_reverse_field_name()
                through.objects.bulk_create(
                    [through(**{f"{source}_id": instance.pk, f"{target}_id": obj.pk}) for obj in cleaned]
                )
            else:
                cache = getattr(instance, "_prefetched_objects_cache", None)
                if cache is None:
                    cache = instance._prefetched_objects_cache = {}
                cache[relation.name] = relation.related_model.objects.none()

    def after_import_row(self, row, row_result, **kwargs):
        super().after_import_row(row, row_result, **kwargs)
        self._rows_done = getattr(self, "_rows_done", 0) + 1
        done, total = self._rows_done, getattr(self, "_rows_total", 0)
        if done % PROGRESS_EVERY == 0 or done == total:
            what = self._meta.model._meta.verbose_name_plural
            logger.info("%s import%s: %d of %d rows", what, " (preview)" if kwargs.get("dry_run") else "", done, total)
            progress = kwargs.get("progress")
            if progress is not None:
                progress(done, total)

    def after_save_instance(self, instance, row, **kwargs):
        loader = getattr(self, "_import_loader", None)
        if loader is not None:
            loader.saved(instance)
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
    looked_up = ("library", "parent")

    class Meta:
        model = Category
        fields = ("library", "code", "name", "parent", "points", "order", "description")
        import_id_fields = ("library", "code")
        instance_loader_class = LibraryInstanceLoader
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
        widget=CachedManyToManyWidget(Department, field="code", separator=","),
    )
    params = fields.Field(attribute="params", column_name="params", widget=widgets.JSONWidget())
    looked_up = ("library", "category")

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
        instance_loader_class = LibraryInstanceLoader
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
    looked_up = ("library", "indicator")

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
        instance_loader_class = LibraryInstanceLoader
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = False
