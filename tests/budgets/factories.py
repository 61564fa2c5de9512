"""Factories and small builders for the budget tests."""

from decimal import Decimal

import factory

from budgets.models import BudgetProject, BudgetTarget
from tests.factories import DepartmentFactory


class ProjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BudgetProject

    department = factory.SubFactory(DepartmentFactory)
    year = 2026
    code = factory.Sequence(lambda n: f"p-{n:04d}")
    name = factory.Sequence(lambda n: f"项目{n}")
    amount = Decimal("1000000.00")


class TargetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BudgetTarget

    project = factory.SubFactory(ProjectFactory)
    dimension = "output"
    subdimension = "quantity"
    name = factory.Sequence(lambda n: f"目标{n}")
    operator = "ge"
    value = Decimal("50")
    unit = "场"
    order = factory.Sequence(lambda n: n)


# One target per dimension: cost, output, effect, satisfaction.
FULL_SHEET = [
    {
        "dimension": "cost",
        "subdimension": "cost",
        "name": "讲师课时费标准",
        "operator": "le",
        "value": "200",
        "unit": "元/人·课时",
    },
    {
        "dimension": "output",
        "subdimension": "quantity",
        "name": "组织活动场次",
        "operator": "ge",
        "value": "50",
        "unit": "场",
    },
    {
        "dimension": "effect",
        "subdimension": "social",
        "name": "覆盖学校数",
        "operator": "ge",
        "value": "120",
        "unit": "所",
    },
    {
        "dimension": "satisfaction",
        "subdimension": "satisfaction",
        "name": "满意度",
        "operator": "ge",
        "value": "90",
        "unit": "%",
    },
]


def add_targets(project, rows=FULL_SHEET):
    out = []
    for i, row in enumerate(rows, start=1):
        data = dict(row)
        data["value"] = Decimal(data["value"])
        if data.get("upper") is not None:
            data["upper"] = Decimal(data["upper"])
        out.append(TargetFactory(project=project, order=i, **data))
    return out


def approved_project(department, *, amount="1000000.00", year=2026, rows=FULL_SHEET, **kwargs):
    project = ProjectFactory(department=department, amount=Decimal(amount), year=year, status="approved", **kwargs)
    add_targets(project, rows)
    return project


def revision_objects(*, approved, submitted, filer, finance) -> dict:
    """A library indicator, a pending mid-year revision of ``approved`` and a grade of ``submitted``."""
    from budgets import services
    from budgets.models import LibraryIndicator, Sector

    sector = Sector.objects.create(code="edu", name="教育", order=1)
    indicator = LibraryIndicator.objects.create(
        code="edu-out-01", sector=sector, dimension="output", subdimension="quantity", name="组织活动场次", unit="场"
    )
    rows = [
        {
            "id": t.pk,
            "dimension": t.dimension,
            "subdimension": t.subdimension,
            "name": t.name,
            "operator": t.operator,
            "value": str(t.value + 1 if i == 0 else t.value),
            "unit": t.unit,
        }
        for i, t in enumerate(approved.targets.order_by("order"))
    ]
    adjustment = services.adjustment_request(project=approved, actor=filer, targets=rows, reason="年中调整")
    review = services.sheet_grade(project=submitted, actor=finance, grade="good")
    return {"library_indicator": indicator, "adjustment": adjustment, "sheet_review": review}


KEY_POINTS = {"decision": Decimal(20), "process": Decimal(20), "output": Decimal(30), "effect": Decimal(30)}


def key_lines(total) -> dict:
    """A key evaluation's sheet (default points 20/20/30/30) adding up to ``total``: each dimension
    scores the same share of its points, the last one takes the rounding remainder."""
    total = Decimal(str(total))
    scores = {dim: (points * total / 100).quantize(Decimal("0.01")) for dim, points in KEY_POINTS.items()}
    scores["effect"] += total - sum(scores.values())
    return {dim: {"score": str(score)} for dim, score in scores.items()}
