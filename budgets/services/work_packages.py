"""Work packages: finance assigns a third-party evaluation firm named projects, or a department's
whole spending of a year, for a period (docs/budgets.md, section 6). What the firm may do with its
assignment is decided in services.appraisal_work.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from django.db import transaction
from django.utils.translation import gettext as _

from audit.services import audit_log, snapshot
from core.errors import ApplicationError
from core.roles import Role
from notifications.services import notify
from organizations.models import Department, User

from ..models import PackageKind, WorkPackage
from .appraisal_work import _link
from .common import _check_version, _full_clean, _text


def _check_period(starts_on, ends_on) -> None:
    for field, value in (("starts_on", starts_on), ("ends_on", ends_on)):
        if not isinstance(value, dt.date):
            raise ApplicationError(_("Enter a valid date."), field=field)
    if ends_on < starts_on:
        raise ApplicationError(_("The period cannot end before it starts."), field="ends_on")


@transaction.atomic
def package_create(*, actor, data: Mapping) -> WorkPackage:
    """Finance assigns a firm named projects, or a department's whole spending of a year, for a period."""
    evaluator = data.get("evaluator")
    if not isinstance(evaluator, User) or evaluator.role != Role.EVALUATOR or not evaluator.is_active:
        raise ApplicationError(_("Choose a third-party evaluation firm's account."), field="evaluator")
    if data.get("kind") not in PackageKind.values:
        raise ApplicationError(_("Choose the work."), field="kind")
    year = data.get("year")
    department = data.get("department")
    if department is not None and not isinstance(department, Department):
        raise ApplicationError(_("Choose a department."), field="department")
    projects = list(data.get("projects") or [])
    if department is None and not projects:
        raise ApplicationError(_("Assign projects, or a department's whole spending."), field="projects")
    wrong_year = [p.name for p in projects if p.year != year]
    if wrong_year:
        raise ApplicationError(
            _("These projects are not of %(year)s: %(names)s.") % {"year": year, "names": _(", ").join(wrong_year)},
            field="projects",
        )
    starts_on, ends_on = data.get("starts_on"), data.get("ends_on")
    _check_period(starts_on, ends_on)
    package = WorkPackage(
        evaluator=evaluator,
        kind=data["kind"],
        year=year,
        name=_text(data.get("name"), "name", required=True, max_length=200),
        department=department,
        starts_on=starts_on,
        ends_on=ends_on,
        note=_text(data.get("note"), "note"),
        created_by=actor,
    )
    _full_clean(package)
    package.save()
    package.projects.set(projects)
    audit_log(
        "budgets.workpackage.created",
        actor=actor,
        obj=package,
        after=snapshot(package, exclude=["projects"]) | {"projects": [p.pk for p in projects]},
    )
    notify(
        users=[evaluator],
        kind="budgets.workpackage",
        title=_("New assignment: %(name)s") % {"name": package.name},
        body=_("Finance assigned you %(kind)s from %(start)s to %(end)s.")
        % {"kind": package.get_kind_display(), "start": starts_on, "end": ends_on},
        link=_link("package_detail", package),
    )
    return package


@transaction.atomic
def package_update(*, package: WorkPackage, actor, data: Mapping, expected_version: int | None = None) -> WorkPackage:
    """Finance moves the period of an assignment (extends it, or ends it early) or changes its note."""
    package = WorkPackage.objects.select_for_update().get(pk=package.pk)
    _check_version(package, expected_version)
    before = snapshot(package, exclude=["projects"])
    starts_on = data.get("starts_on", package.starts_on)
    ends_on = data.get("ends_on", package.ends_on)
    _check_period(starts_on, ends_on)
    package.starts_on, package.ends_on = starts_on, ends_on
    if "note" in data:
        package.note = _text(data.get("note"), "note")
    package.version += 1
    package.save()
    audit_log(
        "budgets.workpackage.updated",
        actor=actor,
        obj=package,
        before=before,
        after=snapshot(package, exclude=["projects"]),
    )
    return package
