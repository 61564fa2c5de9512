"""Invariants of the domain kept by the database itself (docs/architecture.md, "Invariants").

Forms and services check the same rules and give a field-level message; the constraints are the
floor under every write path (the raw-SQL bulk writes, the admin, a shell), so a row that breaks
a rule of the domain cannot be stored at all. A migration adding a constraint first checks the
rows already stored (``refuse_violations``) and names the ones to fix, instead of failing on an
opaque database error half-way.
"""

from __future__ import annotations

from django.db import migrations, models


def in_choices(field: str, choices: type[models.Choices], name: str) -> models.CheckConstraint:
    """The field holds one of the choices' values (a status never outside its workflow)."""
    return models.CheckConstraint(condition=models.Q(**{f"{field}__in": list(choices.values)}), name=name)


def refuse_violations(app_label: str, model_name: str, bad: models.Q, rule: str) -> migrations.RunPython:
    """A migration step that stops, naming up to ten rows, when stored rows break ``rule``."""

    def check(apps, schema_editor):
        model = apps.get_model(app_label, model_name)
        rows = list(model.objects.filter(bad).order_by("pk").values_list("pk", flat=True)[:10])
        if rows:
            raise RuntimeError(
                f"{model._meta.db_table}: rows {rows} break the rule '{rule}'. Correct them, then migrate again."
            )

    return migrations.RunPython(check, migrations.RunPython.noop, elidable=True)


def _refuse_duplicates(app_label: str, model_name: str, fields: list[str], rule: str) -> migrations.RunPython:
    def check(apps, schema_editor):
        model = apps.get_model(app_label, model_name)
        duplicated = list(
            model.objects.order_by()
            .values(*fields)
            .annotate(n=models.Count("pk"))
            .filter(n__gt=1)
            .values_list(*fields)[:10]
        )
        if duplicated:
            raise RuntimeError(
                f"{model._meta.db_table}: {fields} {duplicated} appear more than once, against the rule '{rule}'. "
                "Correct them, then migrate again."
            )

    return migrations.RunPython(check, migrations.RunPython.noop, elidable=True)


def checked(app_label: str, operations: list) -> list:
    """The operations, each ``AddConstraint`` preceded by a check of the rows already stored."""
    out = []
    for operation in operations:
        if isinstance(operation, migrations.AddConstraint):
            constraint = operation.constraint
            if isinstance(constraint, models.CheckConstraint):
                out.append(refuse_violations(app_label, operation.model_name, ~constraint.condition, constraint.name))
            elif isinstance(constraint, models.UniqueConstraint) and constraint.condition is None:
                out.append(
                    _refuse_duplicates(app_label, operation.model_name, list(constraint.fields), constraint.name)
                )
        out.append(operation)
    return out
