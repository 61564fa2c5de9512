"""API of key evaluations (财政重点评价) with their four-dimension score sheets (docs/api.md).

The same rules as the ex-ante assessments (api.appraisals): finance selects projects and reviews;
the evaluation firm writes only the work of its own packages while their period runs.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from core.roles import P

from .. import appraisal_selectors as aps
from .. import services
from ..choices import GRADES
from ..models import MAX_TEXT, KeyEvaluation, KeyLine
from .appraisals import (
    WORK_FIELDS,
    AppraisalEvidenceUploadSerializer,
    EvidenceRefSerializer,
    LineWriteSerializer,
    StartSerializer,
    WorkAcceptSerializer,
    WorkReturnSerializer,
    WorkVersionSerializer,
    _WorkSerializer,
    _WorkViewSet,
)
from .filters import KeyEvaluationFilter
from .serializers import DepartmentRefSerializer
from .views import _int


class KeyLineSerializer(serializers.ModelSerializer):
    evidence = EvidenceRefSerializer(many=True, read_only=True)

    class Meta:
        model = KeyLine
        fields = ["dimension", "criteria", "points", "score", "comment", "evidence"]
        read_only_fields = fields


class KeySerializer(_WorkSerializer):
    grade = serializers.ChoiceField(GRADES, allow_blank=True, read_only=True)
    self_total = serializers.DecimalField(max_digits=7, decimal_places=2, read_only=True, allow_null=True)
    gap = serializers.DecimalField(
        max_digits=7, decimal_places=2, read_only=True, allow_null=True, help_text="Self-evaluation minus key score."
    )
    lines = KeyLineSerializer(many=True, read_only=True)

    class Meta:
        model = KeyEvaluation
        fields = [
            *WORK_FIELDS,
            "grade",
            "findings",
            "self_evaluation",
            "self_total",
            "gap",
            "weights",
            "entered_as_total",
            "lines",
        ]
        read_only_fields = fields
        extra_kwargs = {
            "total": {"help_text": "Sum of the line scores (two places, half up); null until every line is scored."},
            "entered_as_total": {"help_text": "Recorded as a single score before the sheet existed; it has no lines."},
        }


class KeyWriteSerializer(serializers.Serializer):
    lines = serializers.DictField(
        child=LineWriteSerializer(), required=False, help_text="By dimension: decision, process, output, effect."
    )
    findings = serializers.CharField(required=False, allow_blank=True, max_length=MAX_TEXT)
    version = serializers.IntegerField(required=False, help_text="The version you read; a stale one gives 409.")

    def validate(self, attrs):
        if "total" in self.initial_data:
            raise serializers.ValidationError(
                {"total": [_("The key score is the sum of the sheet's scores; score each dimension instead.")]}
            )
        return attrs


class GapSerializer(serializers.Serializer):
    department = DepartmentRefSerializer()
    count = serializers.IntegerField()
    self = serializers.DecimalField(max_digits=7, decimal_places=2)
    key = serializers.DecimalField(max_digits=7, decimal_places=2)
    gap = serializers.DecimalField(max_digits=7, decimal_places=2)
    abs_gap = serializers.DecimalField(max_digits=7, decimal_places=2)


class KeyEvaluationViewSet(_WorkViewSet):
    """Key evaluations (财政重点评价) with their four-dimension sheets, beside the self-evaluations."""

    serializer_class = KeySerializer
    queryset = KeyEvaluation.objects.none()
    filterset_class = KeyEvaluationFilter
    required_perms = {**_WorkViewSet.required_perms, "create": P.REVIEW_BUDGET, "gaps": P.REVIEW_BUDGET}

    def get_queryset(self):
        return aps.keys_for_user(user=self.request.user).prefetch_related("lines__evidence")

    def _fresh(self, key):
        return aps.keys_for_user(user=self.request.user).prefetch_related("lines__evidence").get(pk=key.pk)

    @extend_schema(request=StartSerializer, responses={201: KeySerializer})
    def create(self, request, *args, **kwargs):
        """Finance selects an approved project for a key evaluation, by itself or by a package's firm."""
        key = self._start(request, services.key_start)
        return Response(KeySerializer(self._fresh(key)).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=KeyWriteSerializer, responses={200: KeySerializer})
    def partial_update(self, request, *args, **kwargs):
        """Save the sheet (per dimension ``criteria``, ``score``, ``comment``) and the findings; the
        total and grade follow from the sheet."""
        key = self.get_object()
        values = dict(self._version(KeyWriteSerializer))
        version = values.pop("version", None)
        if "lines" in values:
            values["lines"] = {k: dict(v) for k, v in values["lines"].items()}
        services.key_save(key=key, actor=request.user, data=values, expected_version=version)
        return Response(KeySerializer(self._fresh(key)).data)

    @extend_schema(request={"multipart/form-data": AppraisalEvidenceUploadSerializer}, responses={201: KeySerializer})
    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser, FormParser])
    def evidence(self, request, pk=None):
        """Attach an evidence file to one dimension of the sheet."""
        key = self.get_object()
        data = AppraisalEvidenceUploadSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        line = key.lines.filter(dimension=data.validated_data["dimension"]).first()
        if line is None:
            raise serializers.ValidationError({"dimension": [_("Unknown dimension.")]})
        services.key_evidence_add(line=line, upload=data.validated_data["evidence"], actor=request.user)
        return Response(KeySerializer(self._fresh(key)).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=WorkVersionSerializer, responses={200: KeySerializer})
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        """The firm submits to finance (400 naming each missing field); finance's own is accepted at once."""
        key = self.get_object()
        version = self._version(WorkVersionSerializer).get("version")
        services.key_submit(key=key, actor=request.user, expected_version=version)
        return Response(KeySerializer(self._fresh(key)).data)

    @extend_schema(request=WorkAcceptSerializer, responses={200: KeySerializer})
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        """Finance accepts the firm's key evaluation; it then drives next year's recommendation."""
        key = self.get_object()
        data = self._version(WorkAcceptSerializer)
        services.key_review(
            key=key,
            actor=request.user,
            decision="accept",
            reason=data.get("reason", ""),
            expected_version=data.get("version"),
        )
        return Response(KeySerializer(self._fresh(key)).data)

    @extend_schema(request=WorkReturnSerializer, responses={200: KeySerializer})
    @action(detail=True, methods=["post"], url_path="return", url_name="return")
    def return_(self, request, pk=None):
        """Finance returns the key evaluation to the firm with its reasons."""
        key = self.get_object()
        data = self._version(WorkReturnSerializer)
        services.key_review(
            key=key, actor=request.user, decision="return", reason=data["reason"], expected_version=data.get("version")
        )
        return Response(KeySerializer(self._fresh(key)).data)

    @extend_schema(
        parameters=[OpenApiParameter("year", int, description="Year of the projects")],
        responses={200: GapSerializer(many=True)},
    )
    @action(detail=False, methods=["get"], pagination_class=None, filter_backends=[])
    def gaps(self, request):
        """Per department: mean self-evaluation, mean key score, mean gap and mean absolute gap of a year."""
        year = _int(request.query_params.get("year"))
        if year is None:
            raise serializers.ValidationError({"year": [_("Give the year.")]})
        return Response(GapSerializer(aps.gaps_by_department(year=year), many=True).data)
