"""Writes to the indicator library. Each is atomic, validated and audited.

In a year cloned from another (动态调整) every change is also written to ChangeRecord, so
the supervision office can show what was adjusted after the clone.
"""

from __future__ import annotations

from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import audit_log, snapshot
from core.errors import ApplicationError, ConflictError

from .models import Category, ChangeRecord, GradeBand, Indicator, Library, Rule

KIND = {Indicator: "indicator", Category: "category", Rule: "rule", GradeBand: "grade_band"}


def _diff(before: dict | None, after: dict) -> dict:
    before = before or {}
    ignore = {"id", "updated_at", "version", "source", "library"}
    return {k: [before.get(k), v] for k, v in after.items() if k not in ignore and before.get(k) != v}


def _record_change(library: Library, obj, action: str, changes: dict, actor) -> None:
    if library.cloned_from_id and (changes or action != ChangeRecord.Action.UPDATED):
        code = getattr(obj, "code", "")
        ChangeRecord.objects.create(
            library=library, object_kind=KIND[type(obj)], object_code=code, action=action, changes=changes, actor=actor
        )


@transaction.atomic
def library_object_save(
    *, obj: models.Model, data: dict, actor, departments=None, expected_version: int | None = None
) -> models.Model:
    """Create or update a category, indicator, rule or grade band of a library.

    ``data`` holds field values; ``departments`` the departments of an individual
    indicator. A stale ``expected_version`` is refused (optimistic locking).
    """
    model = type(obj)
    creating = obj.pk is None
    if not creating:
        current = model.objects.select_for_update().get(pk=obj.pk)
        if expected_version is not None and getattr(current, "version", expected_version) != expected_version:
            raise ConflictError(_("Someone else changed this item after you opened it. Reload and try again."))
        obj = current
    before = None if creating else snapshot(obj)
    before_depts = sorted(obj.departments.values_list("code", flat=True)) if not creating and model is Indicator else []
    for field, value in data.items():
        setattr(obj, field, value)
    obj.full_clean()
    if hasattr(obj, "version") and not creating:
        obj.version += 1
    obj.save()
    after = snapshot(obj)
    changes = _diff(before, after)
    if model is Indicator and departments is not None:
        obj.departments.set(departments)
        after_depts = sorted(d.code for d in departments)
        if after_depts != before_depts:
            changes["departments"] = [before_depts, after_depts]
    action = ChangeRecord.Action.CREATED if creating else ChangeRecord.Action.UPDATED
    _record_change(obj.library, obj, action, changes, actor)
    audit_log(
        f"indicators.{KIND[model]}.{'created' if creating else 'updated'}",
        actor=actor,
        obj=obj,
        before=before,
        after=after,
    )
    return obj


@transaction.atomic
def library_object_retire(*, obj: Indicator | Rule, actor) -> Indicator | Rule:
    """Retire an indicator or rule: kept for the results that depend on it, no longer used."""
    if not obj.is_active:
        return obj
    before = snapshot(obj)
    obj.is_active = False
    obj.version += 1
    obj.save(update_fields=["is_active", "version", "updated_at"])
    _record_change(obj.library, obj, ChangeRecord.Action.RETIRED, {"is_active": [True, False]}, actor)
    audit_log(f"indicators.{KIND[type(obj)]}.retired", actor=actor, obj=obj, before=before, after=snapshot(obj))
    return obj


@transaction.atomic
def library_create(*, year: int, name: str, actor) -> Library:
    library = Library(year=year, name=name)
    library.full_clean()
    library.save()
    audit_log("indicators.library.created", actor=actor, obj=library, after=snapshot(library))
    return library


@transaction.atomic
def library_clone(*, source: Library, year: int, actor, name: str | None = None) -> Library:
    """Copy a year's library into a new year (动态调整): categories, indicators, rules, grades.

    Retired indicators and rules are not carried over. Each copy remembers its source, and
    changes made afterwards are recorded in ChangeRecord.
    """
    if Library.objects.filter(year=year).exists():
        raise ApplicationError(_("A library for %(year)s already exists.") % {"year": year}, field="year")
    if year <= source.year:
        raise ApplicationError(_("Clone into a later year than %(year)s.") % {"year": source.year}, field="year")
    new = Library(
        year=year,
        name=name or source.name.replace(str(source.year), str(year)),
        cloned_from=source,
        cloned_at=timezone.now(),
    )
    new.full_clean()
    new.save()

    cat_map: dict[int, Category] = {}
    # Parents before children: walk the tree level by level.
    pending = list(source.categories.order_by("parent_id", "order", "pk"))
    while pending:
        rest = []
        for cat in pending:
            if cat.parent_id and cat.parent_id not in cat_map:
                rest.append(cat)
                continue
            cat_map[cat.pk] = Category.objects.create(
                library=new,
                parent=cat_map.get(cat.parent_id),
                code=cat.code,
                name=cat.name,
                points=cat.points,
                order=cat.order,
                description=cat.description,
                source=cat,
            )
        if len(rest) == len(pending):  # an orphan would loop forever; cannot happen with PROTECT
            raise ApplicationError(_("The category tree of %(year)s is inconsistent.") % {"year": source.year})
        pending = rest

    ind_map: dict[int, Indicator] = {}
    fields = [
        f.name
        for f in Indicator._meta.concrete_fields
        if f.name not in ("id", "library", "category", "source", "updated_at", "version")
    ]
    for ind in source.indicators.filter(is_active=True).prefetch_related("departments"):
        copy = Indicator(
            library=new, category=cat_map[ind.category_id], source=ind, **{f: getattr(ind, f) for f in fields}
        )
        copy.save()
        copy.departments.set(ind.departments.all())
        ind_map[ind.pk] = copy

    rule_fields = [
        f.name
        for f in Rule._meta.concrete_fields
        if f.name not in ("id", "library", "indicator", "source", "updated_at", "version")
    ]
    for rule in source.rules.filter(is_active=True):
        if rule.indicator_id and rule.indicator_id not in ind_map:
            continue  # its indicator was retired
        Rule.objects.create(
            library=new,
            indicator=ind_map.get(rule.indicator_id),
            source=rule,
            **{f: getattr(rule, f) for f in rule_fields},
        )

    GradeBand.objects.bulk_create(
        GradeBand(library=new, code=b.code, label=b.label, min_score=b.min_score) for b in source.grade_bands.all()
    )
    audit_log(
        "indicators.library.cloned",
        actor=actor,
        obj=new,
        data={"from_year": source.year, "categories": len(cat_map), "indicators": len(ind_map)},
    )
    return new
