"""Next year's budget recommendations, and the yearly policy they follow (evaluation weights, grade
thresholds, the recommendation matrix). Finance decides; the other budget readers read."""

from __future__ import annotations

from django.http import HttpResponse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from core.api import VersionedETagMixin
from core.roles import P

from .. import exports, selectors, services
from ..models import Recommendation
from . import serializers as s
from .filters import RecommendationFilter
from .views import BudgetPermission, YearlyPolicyViewSet, _int, yearly_policy_schema


class RecommendationViewSet(
    VersionedETagMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Next year's budget recommendations; finance accepts or overrides each (the original is kept)."""

    permission_classes = [BudgetPermission]
    serializer_class = s.RecommendationSerializer
    queryset = Recommendation.objects.none()
    filterset_class = RecommendationFilter
    required_perms = {
        "list": P.READ_ALL_BUDGETS,
        "retrieve": P.READ_ALL_BUDGETS,
        "summary": P.READ_ALL_BUDGETS,
        "export": P.READ_ALL_BUDGETS,
        "*": P.REVIEW_BUDGET,
    }

    def _year(self) -> int:
        return _int(self.request.query_params.get("year")) or timezone.localdate().year

    def get_queryset(self):
        if self.action != "list":
            return Recommendation.objects.select_related("project", "department", "evaluation", "decided_by")
        return Recommendation.objects.select_related(
            "project", "department", "evaluation", "key_evaluation", "decided_by"
        ).order_by("department__order", "project__code")

    def filter_queryset(self, queryset):
        # Only the list is filtered (of the current year by default): one recommendation is found
        # by its id whatever the parameters.
        return super().filter_queryset(queryset) if self.action == "list" else queryset

    def _decide(self, request, decision: str):
        body = request.data.copy() if hasattr(request.data, "copy") else {}
        body["decision"] = decision
        data = s.DecisionSerializer(data=body)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        row = services.recommendation_decide(
            recommendation=self.get_object(),
            actor=request.user,
            decision=decision,
            reason=v.get("reason", ""),
            final_action=v.get("final_action", ""),
            final_amount=v.get("final_amount"),
            expected_version=v.get("version"),
        )
        return Response(s.RecommendationSerializer(row).data)

    @extend_schema(request=s.VersionSerializer, responses={200: s.RecommendationSerializer})
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        return self._decide(request, "accept")

    @extend_schema(request=s.DecisionSerializer, responses={200: s.RecommendationSerializer})
    @action(detail=True, methods=["post"])
    def override(self, request, pk=None):
        """Override with an action, an amount and a reason (required); the recommendation stays beside it."""
        return self._decide(request, "override")

    @extend_schema(request=s.GenerateSerializer, responses={200: s.GenerateResultSerializer})
    @action(detail=False, methods=["post"])
    def generate(self, request):
        """(Re)generate the recommendations of a budget year from the previous year's evaluations."""
        data = s.GenerateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        counts = services.recommendations_generate(year=data.validated_data["year"], actor=request.user)
        return Response(counts)

    @extend_schema(parameters=[OpenApiParameter("year", int)], responses={200: s.SummaryRowSerializer(many=True)})
    @action(detail=False, methods=["get"], pagination_class=None, filter_backends=[])
    def summary(self, request):
        """Next year's recommended amounts by department."""
        rows = selectors.recommendation_summary(year=self._year())
        return Response(s.SummaryRowSerializer(rows, many=True).data)

    @extend_schema(
        parameters=[OpenApiParameter("year", int)],
        responses={(200, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"): OpenApiTypes.BINARY},
    )
    @action(detail=False, methods=["get"])
    def export(self, request):
        """The same table and every recommendation as an xlsx workbook."""
        year = self._year()
        response = HttpResponse(
            exports.recommendations_workbook(year=year),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = f'attachment; filename="budget-recommendations-{year}.xlsx"'
        return response


@yearly_policy_schema(s.PolicySerializer)
class PolicyViewSet(YearlyPolicyViewSet):
    """The evaluation weights, grade thresholds and recommendation matrix of a year (defaults if unset)."""

    serializer_class = s.PolicySerializer
    queryset = Recommendation.objects.none()

    def policies(self):
        return selectors.policies_list()

    def policy_for_year(self, year: int):
        return selectors.policy_for_year(year=year)

    def save_policy(self, *, year: int, data: dict, expected_version):
        return services.policy_save(year=year, actor=self.request.user, data=data, expected_version=expected_version)
