"""The sources of a rectification item: reading the object a problem was found on, to pre-fill the
item and link back to it (docs/rectification.md, "Sources").

Each reader takes the source object's id and returns a ``Prefill`` — or raises ``LookupError``
when there is no such object, or ``ApplicationError`` when the object is not a problem to
rectify (an appeal not upheld, an evaluation graded good). The sources are lower apps; they know
nothing of the ledger and link to it only by URL.
"""

from __future__ import annotations

import dataclasses
import datetime

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import ApplicationError

from .models import Issuer, Source

# Days given by default to correct a problem raised from a source (the issuer may change it).
DEFAULT_DAYS = 30


@dataclasses.dataclass
class Prefill:
    source: str
    source_id: int | None
    label: str
    url: str
    year: int
    department: object | None
    title: str
    description: str
    measures_required: str
    issuer: str
    deadline: datetime.date = dataclasses.field(
        default_factory=lambda: timezone.localdate() + datetime.timedelta(days=DEFAULT_DAYS)
    )


def _returned_report(pk: int) -> Prefill:
    from assessments.models import Report, ReportStatus

    r = Report.objects.select_related("quarter__plan", "department").get(pk=pk)
    if r.status != ReportStatus.RETURNED and not r.return_reason:
        raise ApplicationError(_("Only a returned report is a source of rectification."), field="source")
    period = f"{r.quarter.plan.year} Q{r.quarter.number}"
    return Prefill(
        source=Source.RETURNED_REPORT,
        source_id=r.pk,
        label=_("Report %(period)s of %(department)s") % {"period": period, "department": r.department.name},
        url=reverse("assessments:report_detail", kwargs={"pk": r.pk}),
        year=r.quarter.plan.year,
        department=r.department,
        title=_("Returned report %(period)s") % {"period": period},
        description=r.return_reason,
        measures_required=_("Correct the figures and evidence the review found wanting."),
        issuer=Issuer.SUPERVISOR,
    )


def _deduction(pk: int) -> Prefill:
    from assessments.models import ScoreEvent

    e = ScoreEvent.objects.select_related("plan", "rule", "department").get(pk=pk, voided_at__isnull=True)
    return Prefill(
        source=Source.DEDUCTION,
        source_id=e.pk,
        label=_("Event %(rule)s on %(date)s") % {"rule": e.rule.name, "date": e.date.isoformat()},
        url=reverse("assessments:events") + f"?department={e.department.code}",
        year=e.plan.year,
        department=e.department,
        title=_("Deduction: %(rule)s") % {"rule": e.rule.name},
        description=e.note or e.rule.name,
        measures_required=_("Find the cause and prevent a repetition."),
        issuer=Issuer.SUPERVISOR,
    )


def _appeal(pk: int) -> Prefill:
    from assessments.models import Appeal

    a = Appeal.objects.select_related("score__plan", "department").get(pk=pk)
    if a.status != Appeal.Status.UPHELD:
        raise ApplicationError(_("Only an upheld appeal is a source of rectification."), field="source")
    line = (a.line_snapshot or {}).get("label") or (a.line_snapshot or {}).get("name") or a.line_key
    return Prefill(
        source=Source.APPEAL,
        source_id=a.pk,
        label=_("Appeal on %(line)s") % {"line": line},
        url=reverse("assessments:appeal_detail", kwargs={"pk": a.pk}),
        year=a.score.plan.year,
        department=a.department,
        title=_("Upheld appeal: %(line)s") % {"line": line},
        description=a.decision_reason or a.reason,
        measures_required=_("Correct what the appeal showed to be wrong."),
        issuer=Issuer.SUPERVISOR,
    )


def _budget_evaluation(pk: int) -> Prefill:
    from budgets.models import Evaluation

    ev = Evaluation.objects.select_related("project__department").get(pk=pk)
    if ev.grade not in ("fair", "poor"):
        raise ApplicationError(
            _("Only an evaluation graded fair (中) or poor (差) is a source of rectification."), field="source"
        )
    p = ev.project
    return Prefill(
        source=Source.BUDGET_EVALUATION,
        source_id=ev.pk,
        label=_("Evaluation of %(project)s: %(grade)s") % {"project": p.name, "grade": ev.get_grade_display()},
        url=reverse("budgets:project_detail", kwargs={"pk": p.pk}) + "?tab=evaluation",
        year=p.year,
        department=p.department,
        title=_("Weak evaluation: %(project)s") % {"project": p.name},
        description=_("The %(year)s self-evaluation scored %(total)s points, grade %(grade)s.")
        % {"year": p.year, "total": ev.total, "grade": ev.get_grade_display()},
        measures_required=_("Correct the targets missed and the management of the money."),
        issuer=Issuer.FINANCE,
    )


def _satisfaction_area(pk: int) -> Prefill:
    from satisfaction.models import Area

    area = Area.objects.select_related("survey").get(pk=pk)
    return Prefill(
        source=Source.SATISFACTION_AREA,
        source_id=area.pk,
        label=_("%(survey)s: area %(area)s") % {"survey": area.survey, "area": area.name},
        url=reverse("satisfaction:survey_detail", kwargs={"pk": area.survey_id}),
        year=area.survey.year,
        department=None,
        title=_("Satisfaction below target: %(area)s") % {"area": area.name},
        description=_("Satisfaction with %(area)s fell below its target.") % {"area": area.name},
        measures_required=_("Answer the residents' main complaints in this area."),
        issuer=Issuer.SUPERVISOR,
    )


def _satisfaction_district(pk: int) -> Prefill:
    from satisfaction.models import SurveyRegion

    sr = SurveyRegion.objects.select_related("survey", "region").get(pk=pk)
    return Prefill(
        source=Source.SATISFACTION_DISTRICT,
        source_id=sr.pk,
        label=_("%(survey)s: district %(district)s") % {"survey": sr.survey, "district": sr.region.name},
        url=reverse("satisfaction:survey_detail", kwargs={"pk": sr.survey_id}),
        year=sr.survey.year,
        department=None,
        title=_("Satisfaction below target: %(district)s") % {"district": sr.region.name},
        description=_("Satisfaction in %(district)s fell below its target.") % {"district": sr.region.name},
        measures_required=_("Answer the residents' main complaints in this district."),
        issuer=Issuer.SUPERVISOR,
    )


def _monitoring_warning(pk: int) -> Prefill:
    from monitoring.models import MonitoringWarning

    w = MonitoringWarning.objects.select_related("project", "department").get(pk=pk)
    return Prefill(
        source=Source.MONITORING_WARNING,
        source_id=w.pk,
        label=_("Warning at %(checkpoint)s: %(project)s")
        % {"checkpoint": w.checkpoint.isoformat(), "project": w.project.name},
        url=reverse("monitoring:warning_detail", kwargs={"pk": w.pk}),
        year=w.year,
        department=w.department,
        title=_("%(kind)s: %(project)s") % {"kind": w.get_kind_display(), "project": w.project.name},
        description=_("Executed %(rate)s%% at the %(checkpoint)s checkpoint.")
        % {"rate": w.execution_rate, "checkpoint": w.checkpoint.isoformat()},
        measures_required=w.reason or _("Bring execution back on schedule."),
        issuer=Issuer.FINANCE,
    )


READERS = {
    Source.RETURNED_REPORT: _returned_report,
    Source.DEDUCTION: _deduction,
    Source.APPEAL: _appeal,
    Source.BUDGET_EVALUATION: _budget_evaluation,
    Source.SATISFACTION_AREA: _satisfaction_area,
    Source.SATISFACTION_DISTRICT: _satisfaction_district,
    Source.MONITORING_WARNING: _monitoring_warning,
}


def prefill(source: str, source_id: int) -> Prefill:
    """The item a source object suggests. ``LookupError`` when there is no such object."""
    reader = READERS.get(source)
    if reader is None:
        raise LookupError(source)
    try:
        return reader(int(source_id))
    except Exception as exc:
        if exc.__class__.__name__ == "DoesNotExist":
            raise LookupError(source) from exc
        raise
