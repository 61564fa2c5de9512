"""Builders for the department-wide tests: a full six-dimension sheet and its year-end values."""

from decimal import Decimal

from budgets import services
from budgets.models import DepartmentSheet, DepartmentTarget

# One target per dimension (运行成本, 管理效率, 履职产出, 社会效应, 可持续发展, 服务对象满意度).
DEPARTMENT_SHEET = [
    ("running_cost", "公用经费控制率", "le", "100", "%"),
    ("management", "预算编制准确率", "ge", "95", "%"),
    ("output", "义务教育巩固率", "ge", "98", "%"),
    ("effect", "适龄儿童入学率", "ge", "99", "%"),
    ("sustainability", "教师培训覆盖率", "ge", "90", "%"),
    ("satisfaction", "家长满意度", "ge", "90", "%"),
]


def draft_sheet(department, *, year=2026, rows=DEPARTMENT_SHEET) -> DepartmentSheet:
    sheet = DepartmentSheet.objects.create(department=department, year=year)
    for i, (dimension, name, operator, value, unit) in enumerate(rows, start=1):
        DepartmentTarget.objects.create(
            sheet=sheet, dimension=dimension, name=name, operator=operator, value=Decimal(value), unit=unit, order=i
        )
    return sheet


def approved_sheet(department, *, year=2026, rows=DEPARTMENT_SHEET) -> DepartmentSheet:
    sheet = draft_sheet(department, year=year, rows=rows)
    sheet.status = "approved"
    sheet.save(update_fields=["status"])
    return sheet


def record_all(sheet, finance, **overrides):
    """Each target's own value as its year-end value, some replaced by ``overrides`` keyed by name."""
    values = {}
    for t in sheet.targets.order_by("order"):
        values[t.pk] = overrides.get(t.name, (t.value, "决算报表"))
    services.department_actuals_record(sheet=sheet, actor=finance, values=values)
