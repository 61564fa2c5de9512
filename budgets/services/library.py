"""Finance's quality review of a target sheet: the flags and the grade 优/良/中/差 (docs/budgets.md)."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import audit_log, snapshot
from core.errors import ApplicationError, ConflictError

from .. import sheet_selectors
from ..choices import GRADES, ProjectStatus
from ..models import BudgetProject, SheetReview
from .common import _lock, _text

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
