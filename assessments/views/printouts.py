"""Printable pages and workbooks of one thing: a quarterly report, a department's score with its
ledger, and the publication notice of a period (考核结果通报).

Each page is the thing alone, laid out for A4 (static/css/print.css: no navigation, page breaks,
a print button); ``?format=xlsx`` gives the same as a workbook. Access is that of the thing's own
page: the selectors narrow a department to its own reports and to published scores of others.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import F
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View

from core.views_mixins import PermMixin

from .. import selectors
from ..exports import notice_xlsx, report_xlsx, score_ledger_xlsx
from ..models import Score
from ..recompute import periods_of
from ..services.publication import period_label
from .scores import _can_read_scores, _grouped_ledger


class ReportPrintView(PermMixin, View):
    """One quarterly report: the entries, the evidence list and the review history."""

    def get(self, request, pk):
        report = selectors.report_get_for_user(user=request.user, pk=pk)
        entries = selectors.entries_for_report(report)
        revisions = list(report.revisions.select_related("submitted_by", "decided_by").order_by("number"))
        if request.GET.get("format") == "xlsx":
            return report_xlsx(report, entries, revisions)
        reviews = [
            {"entry": e, "review": r}
            for e in entries
            for r in (e.review_history if report.revision else [])
            if r.comment
        ]
        return render(
            request,
            "assessments/print/report.html",
            {
                "report": report,
                "quarter": report.quarter,
                "plan": report.quarter.plan,
                "entries": entries,
                "revisions": revisions,
                "reviews": reviews,
                "evidence_count": sum(len(e.evidence.all()) for e in entries),
                "back_url": reverse("assessments:report_detail", args=[report.pk]),
                "xlsx_url": "?format=xlsx",
            },
        )


class ScorePrintView(PermMixin, View):
    """A department's score and every ledger line that makes it."""

    def get(self, request, code, year, period):
        if not _can_read_scores(request.user):
            raise PermissionDenied
        score = selectors.score_get_for_user(user=request.user, code=code, year=year, period=period)
        groups = _grouped_ledger(score, selectors.ledger_of(score))
        if request.GET.get("format") == "xlsx":
            return score_ledger_xlsx(score, groups)
        return render(
            request,
            "assessments/print/score.html",
            {
                "score": score,
                "groups": groups,
                "period_label": period_label(score.period),
                "back_url": reverse("assessments:score_detail", args=[code, year, period]),
                "xlsx_url": "?format=xlsx",
            },
        )


def notice_data(*, plan, period: str) -> dict:
    """The published results of a period, per ranking group in rank order (404 if not published)."""
    publication = selectors.publication_of(plan=plan, period=period)
    if publication is None:
        raise Http404
    scores = (
        Score.objects.filter(plan=plan, period=period, published=True)
        .select_related("department", "group")
        .order_by("group__order", "group__code", F("rank").asc(nulls_last=True), "department__order")
    )
    groups: dict = {}
    for s in scores:
        key = s.group_id or 0
        groups.setdefault(key, {"name": s.group.name if s.group else _("Not grouped"), "scores": []})
        groups[key]["scores"].append(s)
    label = period_label(period)
    day = timezone.localdate(publication.published_at)
    city = settings.PERFGOV_CITY_NAME or _("Demo City")
    if period == "annual":
        title = _("%(city)s notice of the %(year)s annual performance assessment results") % {
            "city": city,
            "year": plan.year,
        }
    else:
        title = _("%(city)s notice of the %(year)s %(period)s performance assessment results") % {
            "city": city,
            "year": plan.year,
            "period": label,
        }
    if period == "annual":
        period_title = _("%(year)s annual") % {"year": plan.year}
    else:
        period_title = _("%(year)s %(period)s") % {"year": plan.year, "period": label}
    return {
        "period_title": period_title,
        "plan": plan,
        "year": plan.year,
        "period": period,
        "period_label": label,
        "publication": publication,
        "title": title,
        "issuer": _("%(city)s performance assessment office") % {"city": city},
        "date": day,
        "date_text": _("%(year)s-%(month)s-%(day)s")
        % {"year": day.year, "month": f"{day.month:02d}", "day": f"{day.day:02d}"},
        "groups": list(groups.values()),
        "count": sum(len(g["scores"]) for g in groups.values()),
    }


class NoticeView(PermMixin, View):
    """考核结果通报: the period's published results with a formal heading and date.

    Published scores are readable by every department (docs/api.md, Scores), so the notice is too;
    a period not published has no notice (404).
    """

    def get(self, request, year):
        if not _can_read_scores(request.user):
            raise PermissionDenied
        plan = selectors.plan_get(year=year)
        period = request.GET.get("period", "annual")
        if period not in [p for p, _n, _e in periods_of(plan)]:
            raise Http404
        notice = notice_data(plan=plan, period=period)
        if request.GET.get("format") == "xlsx":
            return notice_xlsx(notice)
        notice["back_url"] = reverse("assessments:scores") + f"?year={year}&period={period}"
        notice["xlsx_url"] = f"?period={period}&format=xlsx"
        return render(request, "assessments/print/notice.html", notice)
