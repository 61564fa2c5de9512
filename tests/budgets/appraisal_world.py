"""Builders shared by the appraisal tests: a large new project, packages for the evaluation firm."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from budgets import services

from .factories import ProjectFactory, add_targets, approved_project

TODAY = dt.date(2026, 6, 15)
SUPPORTIVE = {
    "necessity": "22.00",
    "economy": "16.00",
    "targets": "17.00",
    "feasibility": "18.00",
    "funding": "14.00",
}


def large_project(department, *, amount="5000000.00", **kwargs):
    project = ProjectFactory(department=department, amount=Decimal(amount), **kwargs)
    add_targets(project)
    return project


def package(
    users, projects, *, kind="ex_ante", starts=TODAY - dt.timedelta(days=10), ends=TODAY + dt.timedelta(days=30)
):
    return services.package_create(
        actor=users["finance"],
        data={
            "evaluator": users["evaluator"],
            "kind": kind,
            "year": projects[0].year,
            "name": "评价任务",
            "projects": projects,
            "starts_on": starts,
            "ends_on": ends,
        },
    )


def fill(assessment, actor, *, conclusion="support", changes="", summary="立项依据充分。", scores=SUPPORTIVE):
    return services.exante_save(
        assessment=assessment,
        actor=actor,
        data={
            "lines": {dim: {"score": Decimal(v), "comment": "依据材料"} for dim, v in scores.items()},
            "conclusion": conclusion,
            "required_changes": changes,
            "summary": summary,
        },
    )


def concluded(project, users, *, conclusion="support", changes="", summary="立项依据充分。"):
    """An assessment by the firm, accepted by finance."""
    pkg = package(users, [project])
    assessment = services.exante_start(project=project, actor=users["evaluator"], package=pkg)
    fill(assessment, users["evaluator"], conclusion=conclusion, changes=changes, summary=summary)
    services.exante_submit(assessment=assessment, actor=users["evaluator"])
    return services.exante_review(assessment=assessment, actor=users["finance"], decision="accept")


__all__ = ["approved_project", "concluded", "fill", "large_project", "package"]
