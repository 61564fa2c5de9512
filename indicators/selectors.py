"""Reads of the indicator library."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from .models import Category, ChangeRecord, GradeBand, Indicator, Library, Rule


def libraries_list() -> QuerySet[Library]:
    return Library.objects.select_related("cloned_from").annotate(
        indicator_count=Count("indicators", filter=Q(indicators__is_active=True), distinct=True)
    )


def library_get(*, year: int) -> Library:
    return Library.objects.select_related("cloned_from").get(year=year)


def categories_of(*, library: Library) -> list[Category]:
    """Categories in tree order (parents followed by their children), each with ``depth``."""
    cats = list(Category.objects.filter(library=library).order_by("order", "code"))
    children: dict[int | None, list[Category]] = {}
    for c in cats:
        children.setdefault(c.parent_id, []).append(c)
    out: list[Category] = []

    def walk(parent_id, depth):
        for c in children.get(parent_id, []):
            c.depth = depth
            out.append(c)
            walk(c.pk, depth + 1)

    walk(None, 0)
    return out


def indicators_search(
    *,
    queryset: QuerySet[Indicator] | None = None,
    library: Library | None = None,
    q: str = "",
    category: str = "",
    method: str = "",
    kind: str = "",
    applicability: str = "",
    department: str = "",
    include_retired: bool = False,
) -> QuerySet[Indicator]:
    qs = (queryset if queryset is not None else Indicator.objects).select_related("category", "library")
    qs = qs.prefetch_related("departments")
    if library is not None:
        qs = qs.filter(library=library)
    if not include_retired:
        qs = qs.filter(is_active=True)
    if q:
        qs = qs.filter(Q(code__icontains=q) | Q(name__icontains=q) | Q(description__icontains=q))
    if category:
        qs = qs.filter(Q(category__code=category) | Q(category__parent__code=category))
    if method:
        qs = qs.filter(method=method)
    if kind:
        qs = qs.filter(kind=kind)
    if applicability:
        qs = qs.filter(applicability=applicability)
    if department:
        qs = qs.filter(Q(applicability="common") | Q(departments__code=department)).distinct()
    return qs.order_by("category__order", "category__code", "order", "code")


def rules_of(*, library: Library) -> QuerySet[Rule]:
    return Rule.objects.filter(library=library).select_related("indicator")


def grade_bands_of(*, library: Library) -> QuerySet[GradeBand]:
    return GradeBand.objects.filter(library=library).order_by("-min_score")


def changes_of(*, library: Library) -> QuerySet[ChangeRecord]:
    return ChangeRecord.objects.filter(library=library).select_related("actor")
