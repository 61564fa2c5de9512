"""Results pages: figures per area, region, department and question, charts and xlsx export.

Readers who do not manage surveys (finance, leaders) always get the published view, where
groups below the minimum size are hidden; survey managers see every group, flagged, and may
preview the published view.
"""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views import View

from core.roles import P
from core.views_mixins import PermMixin

from .. import exports, selectors, services
from .builder import survey_for

CHARTED = ("area", "region", "department")


def results_data(request, survey) -> dict:
    manager = request.user.has_perm(P.MANAGE_SURVEY)
    published = not manager or request.GET.get("published") == "1"
    weighted = request.GET.get("weighted") == "1"
    sections = selectors.survey_results_all(survey=survey, weighted=weighted, published=published)
    quota = selectors.quota_status(survey=survey)
    return {
        "survey": survey,
        "manager": manager,
        "published": published,
        "weighted": weighted,
        "sections": sections,
        "overall": sections["overall"][0],
        "questions": selectors.question_distribution(survey=survey, published=published),
        "quota": quota,
        "quota_total": sum(r.survey_region.quota for r in quota),
        "received_total": sum(r.survey_region.received for r in quota),
        "min_size": selectors.min_group_size(),
    }


class ResultsView(PermMixin, View):
    perm = P.READ_SURVEY_RESULTS

    def get(self, request, pk):
        survey = survey_for(request, pk)
        context = results_data(request, survey)
        context["charts"] = {by: selectors.results_chart(context["sections"][by]) for by in CHARTED}
        context["charts"]["quota"] = {
            "labels": [r.region.name for r in context["quota"]],
            "quota": [r.survey_region.quota for r in context["quota"]],
            "received": [r.survey_region.received for r in context["quota"]],
        }
        context["chart_text"] = {
            "rate": _("Satisfaction rate (percent)"),
            "interval": _("95 percent interval"),
            "score": _("Score"),
            "quota": _("Quota"),
            "received": _("Responses"),
        }
        query = request.GET.copy()
        context["query"] = query.urlencode()
        return render(request, "satisfaction/results.html", context)


class ResultsExportView(PermMixin, View):
    perm = P.READ_SURVEY_RESULTS

    def get(self, request, pk):
        survey = survey_for(request, pk)
        data = results_data(request, survey)
        content = exports.results_xlsx(
            survey=survey,
            sections=data["sections"],
            quota_rows=data["quota"],
            questions=data["questions"],
            weighted=data["weighted"],
            published=data["published"],
        )
        services.results_exported(
            survey=survey, actor=request.user, data={"weighted": data["weighted"], "published": data["published"]}
        )
        response = HttpResponse(content, content_type=exports.XLSX)
        response["Content-Disposition"] = f'attachment; filename="survey-{survey.code}-results.xlsx"'
        return response
