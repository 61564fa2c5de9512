"""Publishing a period's results, behind its checklist (docs/scoring.md, "Publication").

A period is published only when nothing it rests on is still open: every report of its quarter
approved, every qualitative indicator graded, every survey figure final with enough respondents,
no appeal open, no recomputation waiting, no provisional score. Publishing over blockers takes a
written waiver, which is audited and shown with the publication. A waiting recomputation cannot
be waived: published scores are always those of a finished recomputation.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from audit.services import audit_log
from core.errors import ConflictError
from core.roles import Role
from core.text import render
from indicators.methods import InputKind, methods_with
from notifications.services import notify
from organizations.models import Department
from organizations.selectors import users_with_role

from ..locking import lock_plan
from ..models import (
    Appeal,
    Assignment,
    Exemption,
    GradeAssessment,
    Plan,
    Publication,
    RecomputeRequest,
    Report,
    ReportStatus,
    Score,
)

WAIVER_MAX = 4000
FILED = (ReportStatus.SUBMITTED, ReportStatus.PENDING_HEAD, ReportStatus.RETURNED)


@dataclass
class Blocker:
    """One line of the checklist: what is open, how many, where to resolve it."""

    code: str
    message: str  # an English msgid (gettext_noop); rendered in the reader's language
    items: list[dict] = field(default_factory=list)  # {"label": ..., "link": ...}
    waivable: bool = True
    link: str = ""

    @property
    def count(self) -> int:
        return len(self.items)

    @property
    def label(self) -> str:
        return render(self.message, {"n": self.count})

    def as_json(self) -> dict:
        return {
            "code": self.code,
            "label": self.label,
            "count": self.count,
            "waivable": self.waivable,
            "link": self.link,
            "items": self.items,
        }


class PublicationBlocked(ConflictError):
    """Publishing was refused: the checklist is not clear (and no waiver covers it)."""

    def __init__(self, message, *, blockers: list[Blocker], **kwargs):
        kwargs.setdefault("code", "blocked")
        super().__init__(message, **kwargs)
        self.blockers = blockers
        self.extra = {"blockers": [b.as_json() for b in blockers]}


def _quarter_of(period: str) -> int:
    return 4 if period == "annual" else int(period[1])


def _period_end(plan: Plan, period: str) -> dt.date:
    qn = _quarter_of(period)
    if qn == 4:
        return dt.date(plan.year, 12, 31)
    return dt.date(plan.year, qn * 3 + 1, 1) - dt.timedelta(days=1)


def _exempt(plan: Plan, period: str):
    """Assignments exempted for the period (not applicable): they block nothing."""
    return Exemption.objects.filter(assignment__plan=plan, period__in=[period, Exemption.ALL]).values("assignment_id")


def publication_checklist(*, plan: Plan, period: str) -> list[Blocker]:
    """What still stands between this period and its publication, each with its items and links.

    Constant in queries: one per kind of blocker, whatever the number of departments.
    """
    exempt = _exempt(plan, period)
    return [
        *_report_blockers(plan, _quarter_of(period)),
        _ungraded_blocker(plan, exempt),
        _samples(plan, period, exempt),
        _appeals_blocker(plan, period),
        _recompute_blocker(plan),
        _provisional_blocker(plan, period),
    ]


def _report_blockers(plan: Plan, qn: int) -> list[Blocker]:
    """The quarter's reports filed and not yet approved, and those not filed, of every department assessed."""
    assessed = (
        Department.objects.filter(assignments__plan=plan, assignments__is_active=True)
        .distinct()
        .order_by("order", "code")
    )
    reports = {
        dept_id: (pk, status)
        for pk, dept_id, status in Report.objects.filter(quarter__plan=plan, quarter__number=qn).values_list(
            "pk", "department_id", "status"
        )
    }
    not_approved, not_filed = [], []
    for dept in assessed:
        pk, status = reports.get(dept.pk, (None, ReportStatus.DRAFT))
        item = {"label": dept.name, "link": reverse("assessments:report_detail", args=[pk]) if pk else ""}
        if status in FILED:
            not_approved.append({**item, "status": str(ReportStatus(status).label)})
        elif status != ReportStatus.APPROVED:
            not_filed.append(item)
    return [
        Blocker(
            "reports_not_approved",
            gettext_noop("Reports filed and not yet approved: %(n)s"),
            not_approved,
            link=reverse("assessments:review_queue"),
        ),
        Blocker(
            "reports_missing",
            gettext_noop("Reports not filed: %(n)s"),
            not_filed,
            link=reverse("assessments:health") + f"?year={plan.year}",
        ),
    ]


def _ungraded_blocker(plan: Plan, exempt) -> Blocker:
    ungraded = (
        Assignment.objects.filter(plan=plan, is_active=True, indicator__method__in=methods_with(InputKind.GRADE))
        .exclude(pk__in=GradeAssessment.objects.filter(assignment__plan=plan).values("assignment_id"))
        .exclude(pk__in=exempt)
        .select_related("department", "indicator")
        .order_by("department__order", "indicator__code")
    )
    grades_link = reverse("assessments:grades") + f"?year={plan.year}"
    return Blocker(
        "ungraded",
        gettext_noop("Qualitative indicators not graded: %(n)s"),
        [{"label": f"{a.department.name} · {a.indicator.name}", "link": grades_link} for a in ungraded],
        link=grades_link,
    )


def _appeals_blocker(plan: Plan, period: str) -> Blocker:
    """Open appeals on the period's scores, and on event lines dated within the period."""
    end = _period_end(plan, period)
    appeals = (
        Appeal.objects.filter(score__plan=plan, status=Appeal.Status.OPEN)
        .filter(Q(score__period=period) | Q(line_snapshot__event_id__isnull=False, score__period__lte=period))
        .select_related("department", "score")
        .order_by("filed_at")
    )
    return Blocker(
        "appeals",
        gettext_noop("Appeals not decided: %(n)s"),
        [
            {
                "label": f"{a.department.name} · {a.score.period} · {a.line_snapshot.get('detail', '')[:60]}",
                "link": reverse("assessments:appeal_detail", args=[a.pk]),
            }
            for a in appeals
            if a.score.period == period or _event_date_within(a, end)
        ],
        link=reverse("assessments:appeals") + "?status=open",
    )


def _recompute_blocker(plan: Plan) -> Blocker:
    waiting = RecomputeRequest.objects.filter(plan=plan).count()
    return Blocker(
        "recompute",
        gettext_noop("Recomputations waiting: %(n)s"),
        [{"label": _("The scores are being recomputed"), "link": ""}] * waiting,
        waivable=False,
    )


def _provisional_blocker(plan: Plan, period: str) -> Blocker:
    provisional = (
        Score.objects.filter(plan=plan, period=period, provisional=True)
        .select_related("department")
        .order_by("department__order")
    )
    return Blocker(
        "provisional",
        gettext_noop("Provisional scores: %(n)s"),
        [
            {
                "label": s.department.name,
                "link": reverse("assessments:score_detail", args=[s.department.code, plan.year, period]),
                "inputs": s.inputs,
            }
            for s in provisional
        ],
        link=reverse("assessments:scores") + f"?year={plan.year}&period={period}",
    )


def _event_date_within(appeal: Appeal, end: dt.date) -> bool:
    """An appeal on an event line concerns every period whose end is on or after the event's date."""
    detail_date = appeal.line_snapshot.get("event_date")
    if not detail_date:
        return True
    return dt.date.fromisoformat(detail_date) <= end


def _samples(plan: Plan, period: str, exempt) -> Blocker:
    """Satisfaction indicators whose figure is not final with enough respondents."""
    from ..recompute.inputs import satisfaction_inputs

    rows = list(
        Assignment.objects.filter(plan=plan, is_active=True, indicator__method__in=methods_with(InputKind.SURVEY))
        .exclude(pk__in=exempt)
        .select_related("department", "indicator")
        .order_by("department__order", "indicator__code")
    )
    import json

    wanted: dict[str, tuple[dict, set[str]]] = {}
    for a in rows:
        params = a.indicator.params or {}
        key = json.dumps(params, sort_keys=True, default=str)
        wanted.setdefault(key, (params, set()))[1].add(a.department.code)
        a.sat_key = key
    got = satisfaction_inputs(plan.year, wanted) if wanted else {}
    items = []
    for a in rows:
        figure = got.get((a.sat_key, a.department.code))
        if figure is None or not figure.sufficient or not figure.final:
            n = figure.respondents if figure else 0
            items.append(
                {
                    "label": f"{a.department.name} · {a.indicator.name}",
                    "link": reverse("satisfaction:survey_list"),
                    "respondents": n,
                }
            )
    return Blocker(
        "samples",
        gettext_noop("Survey figures not final or below the minimum sample: %(n)s"),
        items,
        link=reverse("satisfaction:survey_list"),
    )


def open_blockers(blockers: list[Blocker]) -> list[Blocker]:
    return [b for b in blockers if b.count]


@transaction.atomic
def scores_publish(*, plan: Plan, period: str, actor, waiver: str = "") -> Publication:
    """Publish a period's results as stored, once its checklist is clear or waived in writing.

    Refused while a recomputation is waiting (the stored scores must be those of a finished
    recomputation), and while any other blocker remains without a written waiver. The waiver and
    the checklist as it stood are kept with the publication and audited.
    """
    from ..recompute import periods_of

    if period not in [p for p, _n, _e in periods_of(plan)]:
        raise ConflictError(_("There are no results for %(period)s yet.") % {"period": period}, field="period")
    lock_plan(plan.pk)  # one publication of a period at a time
    if Publication.objects.filter(plan=plan, period=period).exists():
        raise ConflictError(_("%(period)s is already published.") % {"period": period}, field="period")
    blockers = open_blockers(publication_checklist(plan=plan, period=period))
    waiver = (waiver or "").strip()
    hard = [b for b in blockers if not b.waivable]
    if hard:
        raise PublicationBlocked(
            _("The scores are being recomputed; publish when the recomputation has finished."),
            blockers=blockers,
        )
    if blockers and not waiver:
        raise PublicationBlocked(
            _("The checklist is not clear: resolve each blocker, or give a written waiver to publish over them."),
            blockers=blockers,
            field="waiver",
        )
    if len(waiver) > WAIVER_MAX:
        raise ConflictError(
            _("At most %(n)d characters (now %(m)d).") % {"n": WAIVER_MAX, "m": len(waiver)}, field="waiver"
        )
    now = timezone.now()
    snapshot = [b.as_json() for b in blockers]
    pub = Publication.objects.create(
        plan=plan,
        period=period,
        published_at=now,
        published_by=actor,
        appeal_deadline=timezone.localdate() + dt.timedelta(days=plan.appeal_window_days),
        waiver=waiver if blockers else "",
        blockers=snapshot,
    )
    count = Score.objects.filter(plan=plan, period=period).update(published=True, published_at=now)
    notify(
        users=users_with_role(roles=[Role.FILER, Role.DEPT_HEAD]),
        kind="scores.published",
        title=_("The %(year)s %(period)s results are published") % {"year": plan.year, "period": period_label(period)},
        body=_("Appeals are possible until %(date)s.") % {"date": pub.appeal_deadline.isoformat()},
        link=reverse("assessments:scores") + f"?year={plan.year}&period={period}",
    )
    audit_log(
        "assessments.scores.published",
        actor=actor,
        obj=plan,
        data={
            "period": period,
            "scores": count,
            "appeal_deadline": pub.appeal_deadline,
            "waiver": pub.waiver,
            "blockers": [{"code": b["code"], "count": b["count"]} for b in snapshot],
        },
    )
    return pub


def period_label(period: str) -> str:
    """Q1–Q4 as they are written, the year as 年度 (never the code "annual")."""
    return _("Annual") if period == "annual" else period
