"""Survey endpoints: surveys and questions, results per area/region/department/question, quotas.

Survey managers (surveyor, supervision office) write; readers of results (finance, leaders,
API clients) read opened and closed surveys, always in the published view (small groups
hidden). Answers are given on the public HTML page, not through this API.
"""

from __future__ import annotations

from django.db.models import F
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from core.api import VersionedETagMixin
from core.errors import ApplicationError, ConflictError, PreconditionFailed
from core.roles import P

from .. import selectors, services
from ..answers import format_code
from ..models import Question, SurveyRegion
from .filters import QuestionFilter, SurveyFilter
from .serializers import (
    CodeBatchSerializer,
    CodeRequestSerializer,
    QuestionSerializer,
    QuotaSerializer,
    ResultsSerializer,
    SurveySerializer,
)

READ = P.READ_SURVEY_RESULTS
MANAGE = P.MANAGE_SURVEY


def _version(request) -> int | None:
    raw = request.headers.get("If-Match", "").strip().strip('"').removeprefix("W/").strip('"')
    return int(raw) if raw.isdigit() else None


class SurveyViewSet(
    VersionedETagMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = SurveySerializer
    lookup_field = "code"
    filterset_class = SurveyFilter
    required_perms = {
        "list": READ,
        "retrieve": READ,
        "results": READ,
        "quota": READ,
        "create": MANAGE,
        "update": MANAGE,
        "partial_update": MANAGE,
        "open": MANAGE,
        "close": MANAGE,
        "codes": MANAGE,
        "*": MANAGE,
    }

    def get_queryset(self):
        return selectors.surveys_for_user(user=self.request.user).prefetch_related("areas", "regions__region")

    def perform_create(self, serializer):
        serializer.instance = services.survey_create(data=dict(serializer.validated_data), actor=self.request.user)

    def perform_update(self, serializer):
        try:
            serializer.instance = services.survey_update(
                survey=serializer.instance,
                data=dict(serializer.validated_data),
                actor=self.request.user,
                expected_version=_version(self.request),
            )
        except ConflictError as exc:
            raise PreconditionFailed(exc.message) from None

    def _fresh(self, survey):
        return SurveySerializer(self.get_queryset().get(pk=survey.pk), context=self.get_serializer_context()).data

    @extend_schema(request=None, responses={200: SurveySerializer})
    @action(detail=True, methods=["post"])
    def open(self, request, code=None):
        survey = services.survey_open(survey=self.get_object(), actor=request.user)
        return Response(self._fresh(survey))

    @extend_schema(request=None, responses={200: SurveySerializer})
    @action(detail=True, methods=["post"])
    def close(self, request, code=None):
        survey = services.survey_close(survey=self.get_object(), actor=request.user)
        return Response(self._fresh(survey))

    @extend_schema(
        parameters=[
            OpenApiParameter("by", str, enum=list(selectors.DIMENSIONS), description="Grouping (default: overall)"),
            OpenApiParameter("weighted", bool, description="Add figures weighted by region population"),
            OpenApiParameter(
                "published", bool, description="Hide small groups (always on for readers who do not manage surveys)"
            ),
        ],
        responses={200: ResultsSerializer},
    )
    @action(detail=True, methods=["get"])
    def results(self, request, code=None):
        survey = self.get_object()
        p = request.query_params
        by = p.get("by", "overall")
        if by not in selectors.DIMENSIONS:
            raise ApplicationError(
                f"by: one of {', '.join(selectors.DIMENSIONS)}", errors={"by": ["Unknown grouping."]}
            )
        weighted = p.get("weighted") in ("1", "true")
        published = not request.user.has_perm(MANAGE) or p.get("published", "true") not in ("0", "false")
        rows = selectors.survey_results(survey=survey, by=by, weighted=weighted, published=published)
        body = {
            "survey": survey.code,
            "by": by,
            "weighted": weighted,
            "published": published,
            "min_group_size": selectors.min_group_size(),
            "results": rows,
        }
        return Response(ResultsSerializer(body).data)

    @extend_schema(responses={200: QuotaSerializer})
    @action(detail=True, methods=["get"])
    def quota(self, request, code=None):
        survey = self.get_object()
        rows = selectors.quota_status(survey=survey)
        body = {
            "survey": survey.code,
            "status": survey.status,
            "quota_total": sum(r.survey_region.quota for r in rows),
            "received_total": sum(r.survey_region.received for r in rows),
            "regions": rows,
        }
        return Response(QuotaSerializer(body).data)

    @extend_schema(request=CodeRequestSerializer, responses={201: CodeBatchSerializer})
    @action(detail=True, methods=["post"])
    def codes(self, request, code=None):
        """Generate one-time codes for a region. The codes are in this response only."""
        survey = self.get_object()
        body = CodeRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        sr = SurveyRegion.objects.filter(survey=survey, region__code=body.validated_data["region"]).first()
        if sr is None:
            raise ApplicationError(_("Not in the survey's sampling plan."), field="region")
        batch, codes = services.codes_generate(survey_region=sr, count=body.validated_data["count"], actor=request.user)
        services.codes_exported(batch=batch, actor=request.user, fmt="json")
        base = request.build_absolute_uri(reverse("satisfaction:public_survey", args=[survey.public_key]))
        shown = [format_code(c) for c in codes]
        data = {
            "batch": batch.pk,
            "region": sr.region.code,
            "count": batch.count,
            "codes": shown,
            "links": [f"{base}{c}/" for c in shown],
        }
        response = Response(CodeBatchSerializer(data).data, status=status.HTTP_201_CREATED)
        response["Cache-Control"] = "no-store"
        return response


class QuestionViewSet(viewsets.ModelViewSet):
    serializer_class = QuestionSerializer
    filterset_class = QuestionFilter
    required_perms = {"list": READ, "retrieve": READ, "*": MANAGE}
    http_method_names = ["get", "post", "put", "patch", "delete", "head", "options"]

    def get_queryset(self):
        surveys = selectors.surveys_for_user(user=self.request.user).values("pk")
        qs = (
            Question.objects.filter(survey__in=surveys)
            .select_related("survey", "area", "department")
            .prefetch_related("choices")
            .order_by("survey_id", F("area__order").asc(nulls_last=True), "order", "id")
        )
        return qs

    def _save(self, serializer, question=None):
        data = dict(serializer.validated_data)
        survey = data.pop("survey", None) or question.survey
        survey = get_object_or_404(selectors.surveys_for_user(user=self.request.user), pk=survey.pk)
        choices = data.pop("choices", None)
        serializer.instance = services.question_save(
            survey=survey, question=question, data=data, choices=choices, actor=self.request.user
        )

    def perform_create(self, serializer):
        self._save(serializer)

    def perform_update(self, serializer):
        self._save(serializer, question=serializer.instance)

    def perform_destroy(self, instance):
        services.question_delete(question=instance, actor=self.request.user)
