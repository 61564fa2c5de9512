"""Finance's keeping of the shared indicator library (add, change, retire) and its quality review of
a target sheet: the flags and the grade 优/良/中/差 (docs/budgets.md, section 11)."""

from __future__ import annotations

from collections.abc import Mapping

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import audit_log, snapshot
from core.errors import ApplicationError, ConflictError

from .. import sheet_selectors
from ..choices import GRADES, ProjectStatus
from ..models import BudgetProject, LibraryIndicator, Sector, SheetReview
from .common import _check_version, _lock, _text

REVIEW_FIELDS = ["grade", "comment", "flags"]


@transaction.atomic
def sheet_grade(
    *, project: BudgetProject, actor, grade: str, comment: str = "", expected_version: int | None = None
) -> SheetReview:
    """Grade the sheet's quality; the flags of the sheet as it is now are stored with the grade.

    ``expected_version`` is the review's version the page was opened with (0 or None: none yet).
    """
    if grade not in {g for g, _label in GRADES}:
        raise ApplicationError(_("Choose 优, 良, 中 or 差."), field="grade")
    comment = _text(comment, "comment")
    project = _lock(project)
    if project.status == ProjectStatus.DRAFT:
        raise ApplicationError(_("The sheet has not been submitted yet."), code="invalid_state")
    review = SheetReview.objects.select_for_update(of=("self",)).filter(project=project).first()
    if expected_version is not None and (review.version if review else 0) != int(expected_version):
        raise ConflictError(_("Someone else changed this item after you opened it. Reload and try again."))
    flags = [f.as_json() for f in sheet_selectors.flags_of(project=project)]
    before = snapshot(review, fields=REVIEW_FIELDS) if review else None
    if review is None:
        review = SheetReview(project=project, version=0)
    review.grade = grade
    review.comment = comment
    review.flags = flags
    review.reviewed_by = actor
    review.reviewed_at = timezone.now()
    review.version += 1
    review.save()
    audit_log(
        "budgets.sheet.graded",
        actor=actor,
        obj=review,
        before=before,
        after=snapshot(review, fields=REVIEW_FIELDS),
        data={"project": project.pk},
    )
    return review


# ---- the shared indicator library (指标库), kept by finance -------------------------------------

LIBRARY_FIELDS = ["code", "sector", "dimension", "subdimension", "name", "unit", "operator", "definition", "is_active"]
EDITABLE_LIBRARY_FIELDS = ["sector", "dimension", "subdimension", "name", "unit", "operator", "definition"]


def retired_choice_error(indicator: LibraryIndicator | None, previous_id: int | None) -> str | None:
    """Why a target may not choose ``indicator``: a retired one stays where it was chosen, never newly."""
    if indicator is None or indicator.pk == previous_id:
        return None
    if LibraryIndicator.objects.filter(pk=indicator.pk, is_active=True).exists():  # as stored, not as held
        return None
    return _("The library indicator “%(name)s” is retired and can no longer be chosen.") % {"name": indicator.name}


def _sector(value, errors: dict) -> Sector | None:
    if isinstance(value, Sector) or value in (None, ""):
        return value or None
    sector = Sector.objects.filter(code=str(value).strip()).first()
    if sector is None:
        errors.setdefault("sector", []).append(_("No sector “%(code)s”.") % {"code": value})
    return sector


def _duplicate_name(indicator: LibraryIndicator) -> bool:
    """Another indicator in use with the same name under the same sector, 一级 and 二级."""
    return (
        LibraryIndicator.objects.filter(
            is_active=True,
            sector_id=indicator.sector_id,
            dimension=indicator.dimension,
            subdimension=indicator.subdimension,
            name=indicator.name,
        )
        .exclude(pk=indicator.pk)
        .exists()
    )


def _lock_indicator(indicator: LibraryIndicator, expected_version: int | None) -> LibraryIndicator:
    locked = LibraryIndicator.objects.select_for_update(of=("self",)).select_related("sector").get(pk=indicator.pk)
    _check_version(locked, expected_version)
    return locked


@transaction.atomic
def library_indicator_save(
    *, actor, data: Mapping, indicator: LibraryIndicator | None = None, expected_version: int | None = None
) -> LibraryIndicator:
    """Add an indicator to the library, or change one. Every field's problem is reported at once.

    ``data``: ``code`` (new indicators only: other systems and imports refer to it), ``sector`` (a
    Sector or its code), ``dimension`` (一级), ``subdimension`` (二级), ``name`` (三级), ``unit``,
    ``operator`` and ``definition``. An indicator already chosen by targets keeps its 一级 and 二级.
    """
    creating = indicator is None
    errors: dict[str, list[str]] = {}
    if creating:
        indicator = LibraryIndicator(code=str(data.get("code") or "").strip())
        before = None
    else:
        indicator = _lock_indicator(indicator, expected_version)
        before = snapshot(indicator, fields=LIBRARY_FIELDS)
        code = data.get("code")
        if code not in (None, "") and str(code).strip() != indicator.code:
            errors.setdefault("code", []).append(_("The code of an indicator cannot change: others refer to it."))
    for f in EDITABLE_LIBRARY_FIELDS:
        if f not in data:
            continue
        value = data[f]
        if f == "sector":
            indicator.sector = _sector(value, errors)
        else:
            setattr(indicator, f, (value or "").strip() if isinstance(value, str) or value is None else value)
    kinds = {"invalid"} if errors else set()
    try:
        indicator.full_clean(exclude=["sector"] if "sector" in errors else None, validate_unique=False)
    except ValidationError as exc:
        kinds.add("invalid")
        for f, msgs in (exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}).items():
            errors.setdefault(f, []).extend(msgs)
    if creating and indicator.code and LibraryIndicator.objects.filter(code=indicator.code).exists():
        kinds.add("duplicate")
        errors["code"] = [_("An indicator with the code “%(code)s” exists already.") % {"code": indicator.code}]
    if indicator.is_active and indicator.sector_id and indicator.name and _duplicate_name(indicator):
        kinds.add("duplicate")
        errors.setdefault("name", []).append(
            _("The library has an indicator of this name under the same sector and levels already.")
        )
    if (
        not creating
        and indicator.targets.exists()
        and (indicator.dimension != before["dimension"] or indicator.subdimension != before["subdimension"])
    ):
        kinds.add("in_use")
        errors.setdefault("dimension", []).append(
            _("Targets have chosen this indicator: it keeps its levels. Retire it and add a new one instead.")
        )
    if errors:
        code = kinds.pop() if len(kinds) == 1 else "invalid"
        raise ApplicationError(_("Please correct the fields marked."), errors=errors, code=code)
    if not creating:
        indicator.version += 1
    indicator.save()
    audit_log(
        f"budgets.library.{'created' if creating else 'updated'}",
        actor=actor,
        obj=indicator,
        before=before,
        after=snapshot(indicator, fields=LIBRARY_FIELDS),
    )
    return indicator


@transaction.atomic
def library_indicator_retire(
    *, indicator: LibraryIndicator, actor, retire: bool = True, expected_version: int | None = None
) -> LibraryIndicator:
    """Retire an indicator (it stays on the targets that chose it; none can choose it again), or
    bring a retired one back into use."""
    indicator = _lock_indicator(indicator, expected_version)
    if indicator.is_active != retire:
        raise ApplicationError(
            _("The indicator is retired already.") if retire else _("The indicator is in use already."),
            code="invalid_state",
        )
    before = snapshot(indicator, fields=LIBRARY_FIELDS)
    indicator.is_active = not retire
    if indicator.is_active and _duplicate_name(indicator):
        raise ApplicationError(
            _("The library has an indicator of this name under the same sector and levels already."),
            field="name",
            code="duplicate",
        )
    indicator.version += 1
    indicator.save()
    audit_log(
        f"budgets.library.{'retired' if retire else 'reinstated'}",
        actor=actor,
        obj=indicator,
        before=before,
        after=snapshot(indicator, fields=LIBRARY_FIELDS),
    )
    return indicator
