"""API of ex-ante assessments and third-party work packages (docs/api.md); key evaluations are in
api.key_evaluations.

Finance assigns work packages and reviews; a third-party evaluation firm (role ``evaluator``) reads
and writes only the work of its own packages, and only while their period runs (outside it: 403
``assignment_closed``; work of another package or none: 404). Departments read the accepted work
on their own projects; the read-all roles read everything.
"""

from __future__ import annotations

from django.core.exceptions import ObjectDoesNotExist
from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from core.api import VersionedETagMixin
from core.roles import P, Role
from organizations.models import Department, User

from .. import appraisal_selectors as aps
from .. import services
from ..models import (
    MAX_TEXT,
    BudgetProject,
    Conclusion,
    ExAnteAssessment,
    ExAnteLine,
    WorkPackage,
)
from ..services.appraisal_work import check_package_open, is_evaluator
from .appraisal_import import ExAnteImportMixin
from .filters import ExAnteFilter, WorkPackageFilter
from .serializers import DepartmentRefSerializer, ProjectRefSerializer
from .views import BudgetPermission

READ = (P.READ_OWN_BUDGETS, P.READ_ALL_BUDGETS, P.EVALUATE_ASSIGNED)
WORKERS = (P.REVIEW_BUDGET, P.EVALUATE_ASSIGNED)


# --- serializers -----------------------------------------------------------------------------------------------


class PackageSerializer(serializers.ModelSerializer):
    evaluator = serializers.SlugRelatedField(
        slug_field="username", queryset=User.objects.filter(role=Role.EVALUATOR, is_active=True)
    )
    department = serializers.SlugRelatedField(
        slug_field="code", queryset=Department.objects.all(), required=False, allow_null=True
    )
    projects = serializers.PrimaryKeyRelatedField(
        many=True, queryset=BudgetProject.objects.all(), required=False, help_text="Project ids"
    )
    note = serializers.CharField(required=False, allow_blank=True, max_length=MAX_TEXT)
    open = serializers.SerializerMethodField(help_text="Whether the period runs today.")

    class Meta:
        model = WorkPackage
        fields = [
            "id",
            "evaluator",
            "kind",
            "year",
            "name",
            "department",
            "projects",
            "starts_on",
            "ends_on",
            "note",
            "open",
            "created_at",
            "version",
        ]
        read_only_fields = ["created_at", "version"]

    def get_open(self, obj) -> bool:
        return obj.is_open()


class PeriodSerializer(serializers.Serializer):
    starts_on = serializers.DateField(required=False)
    ends_on = serializers.DateField(required=False)
    note = serializers.CharField(required=False, allow_blank=True, max_length=MAX_TEXT)
    version = serializers.IntegerField(required=False, help_text="The version you read; a stale one gives 409.")


class EvidenceRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    original_name = serializers.CharField()
    size = serializers.IntegerField()
    sha256 = serializers.CharField()


class LineSerializer(serializers.ModelSerializer):
    evidence = EvidenceRefSerializer(many=True, read_only=True)

    class Meta:
        model = ExAnteLine
        fields = ["dimension", "criteria", "points", "score", "comment", "evidence"]
        read_only_fields = fields


class _WorkSerializer(serializers.ModelSerializer):
    project = ProjectRefSerializer(read_only=True)
    department = DepartmentRefSerializer(source="project.department", read_only=True)
    evaluator = serializers.SerializerMethodField()

    def get_evaluator(self, obj) -> str | None:
        return obj.package.evaluator.username if obj.package_id else None


WORK_FIELDS = [
    "id",
    "project",
    "department",
    "number",
    "assessor_kind",
    "package",
    "evaluator",
    "status",
    "total",
    "return_reason",
    "submitted_at",
    "reviewed_at",
    "version",
]


class ExAnteSerializer(_WorkSerializer):
    lines = LineSerializer(many=True, read_only=True)
    conclusion = serializers.ChoiceField(Conclusion.choices, allow_blank=True, read_only=True)

    class Meta:
        model = ExAnteAssessment
        fields = [*WORK_FIELDS, "weights", "conclusion", "required_changes", "summary", "lines"]
        read_only_fields = fields


class LineWriteSerializer(serializers.Serializer):
    criteria = serializers.CharField(required=False, max_length=MAX_TEXT)
    score = serializers.DecimalField(max_digits=7, decimal_places=2, required=False, allow_null=True)
    comment = serializers.CharField(required=False, allow_blank=True, max_length=MAX_TEXT)


class ExAnteWriteSerializer(serializers.Serializer):
    lines = serializers.DictField(
        child=LineWriteSerializer(), required=False, help_text="By dimension: necessity, economy, targets, …"
    )
    conclusion = serializers.ChoiceField(Conclusion.choices, required=False, allow_blank=True)
    required_changes = serializers.CharField(required=False, allow_blank=True, max_length=MAX_TEXT)
    summary = serializers.CharField(required=False, allow_blank=True, max_length=MAX_TEXT)
    version = serializers.IntegerField(required=False, help_text="The version you read; a stale one gives 409.")


class StartSerializer(serializers.Serializer):
    project = serializers.IntegerField(help_text="Project id")
    package = serializers.IntegerField(required=False, allow_null=True, help_text="Work package id (third party)")


class WorkVersionSerializer(serializers.Serializer):
    version = serializers.IntegerField(required=False, help_text="The version you read; a stale one gives 409.")


class WorkReturnSerializer(WorkVersionSerializer):
    reason = serializers.CharField(max_length=MAX_TEXT, help_text="Why the work goes back to the firm.")


class WorkAcceptSerializer(WorkVersionSerializer):
    reason = serializers.CharField(max_length=MAX_TEXT, required=False, allow_blank=True)


class AppraisalEvidenceUploadSerializer(serializers.Serializer):
    dimension = serializers.CharField()
    evidence = serializers.FileField()


# --- views -------------------------------------------------------------------------------------------------------


def _project_for_start(request, pk) -> BudgetProject:
    from .views import project_for

    if is_evaluator(request.user):
        try:
            return BudgetProject.objects.select_related("department").get(pk=pk)
        except (BudgetProject.DoesNotExist, TypeError, ValueError):
            raise Http404 from None
    return project_for(request, pk)


def _package(request, pk) -> WorkPackage | None:
    if pk is None:
        return None
    try:
        return aps.package_get_for_user(user=request.user, pk=pk)
    except WorkPackage.DoesNotExist:
        raise Http404 from None


class WorkPackageViewSet(
    VersionedETagMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Work packages: finance assigns a firm projects, or a department's whole spending, for a period."""

    permission_classes = [BudgetPermission]
    serializer_class = PackageSerializer
    queryset = WorkPackage.objects.none()
    filterset_class = WorkPackageFilter
    required_perms = {"list": WORKERS, "retrieve": WORKERS, "*": P.REVIEW_BUDGET}

    def get_queryset(self):
        return aps.packages_for_user(user=self.request.user)

    def create(self, request, *args, **kwargs):
        serializer = PackageSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        package = services.package_create(actor=request.user, data=serializer.validated_data)
        return Response(PackageSerializer(package).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=PeriodSerializer, responses={200: PackageSerializer})
    def partial_update(self, request, *args, **kwargs):
        """Move the period (extend it, or end it early) or change the note."""
        package = self.get_object()
        data = PeriodSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        version = values.pop("version", None)
        package = services.package_update(package=package, actor=request.user, data=values, expected_version=version)
        return Response(PackageSerializer(package).data)


class _WorkViewSet(VersionedETagMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    permission_classes = [BudgetPermission]
    required_perms = {
        "list": READ,
        "retrieve": READ,
        "create": WORKERS,
        "partial_update": WORKERS,
        "submit": WORKERS,
        "evidence": WORKERS,
        "*": P.REVIEW_BUDGET,
    }

    def get_object(self):
        obj = super().get_object()
        if is_evaluator(self.request.user) and obj.package_id:
            check_package_open(obj.package)
        return obj

    def _version(self, serializer_class):
        data = serializer_class(data=self.request.data)
        data.is_valid(raise_exception=True)
        return data.validated_data

    def _start(self, request, starter):
        data = StartSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        project = _project_for_start(request, data.validated_data["project"])
        package = _package(request, data.validated_data.get("package"))
        try:
            return starter(project=project, actor=request.user, package=package)
        except ObjectDoesNotExist:
            raise Http404 from None


class ExAnteViewSet(ExAnteImportMixin, _WorkViewSet):
    """Ex-ante performance assessments (事前绩效评估) with their five-dimension score sheets."""

    serializer_class = ExAnteSerializer
    queryset = ExAnteAssessment.objects.none()
    filterset_class = ExAnteFilter
    required_perms = {**_WorkViewSet.required_perms, "import_": WORKERS, "import_template": WORKERS}

    def get_queryset(self):
        return aps.exante_for_user(user=self.request.user).prefetch_related("lines__evidence")

    @extend_schema(request=StartSerializer, responses={201: ExAnteSerializer})
    def create(self, request, *args, **kwargs):
        """Start an assessment of a project: finance's own, or the firm's within its package (``package``)."""
        assessment = self._start(request, services.exante_start)
        return Response(ExAnteSerializer(self._fresh(assessment)).data, status=status.HTTP_201_CREATED)

    def _fresh(self, assessment):
        return ExAnteAssessment.objects.prefetch_related("lines__evidence").get(pk=assessment.pk)

    @extend_schema(request=ExAnteWriteSerializer, responses={200: ExAnteSerializer})
    def partial_update(self, request, *args, **kwargs):
        """Save the sheet: per dimension ``criteria``, ``score``, ``comment``; the conclusion and its texts."""
        assessment = self.get_object()
        values = dict(self._version(ExAnteWriteSerializer))
        version = values.pop("version", None)
        if "lines" in values:
            values["lines"] = {k: dict(v) for k, v in values["lines"].items()}
        services.exante_save(assessment=assessment, actor=request.user, data=values, expected_version=version)
        return Response(ExAnteSerializer(self._fresh(assessment)).data)

    @extend_schema(
        request={"multipart/form-data": AppraisalEvidenceUploadSerializer}, responses={201: ExAnteSerializer}
    )
    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser, FormParser])
    def evidence(self, request, pk=None):
        """Attach an evidence file to one dimension of the sheet."""
        assessment = self.get_object()
        data = AppraisalEvidenceUploadSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        line = assessment.lines.filter(dimension=data.validated_data["dimension"]).first()
        if line is None:
            raise serializers.ValidationError({"dimension": [_("Unknown dimension.")]})
        services.exante_evidence_add(line=line, upload=data.validated_data["evidence"], actor=request.user)
        return Response(ExAnteSerializer(self._fresh(assessment)).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=WorkVersionSerializer, responses={200: ExAnteSerializer})
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        """The firm submits to finance (400 naming each missing field); finance's own is concluded at once."""
        assessment = self.get_object()
        version = self._version(WorkVersionSerializer).get("version")
        services.exante_submit(assessment=assessment, actor=request.user, expected_version=version)
        return Response(ExAnteSerializer(self._fresh(assessment)).data)

    @extend_schema(request=WorkAcceptSerializer, responses={200: ExAnteSerializer})
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        """Finance accepts the firm's assessment; its conclusion then stands."""
        assessment = self.get_object()
        data = self._version(WorkAcceptSerializer)
        services.exante_review(
            assessment=assessment,
            actor=request.user,
            decision="accept",
            reason=data.get("reason", ""),
            expected_version=data.get("version"),
        )
        return Response(ExAnteSerializer(self._fresh(assessment)).data)

    @extend_schema(request=WorkReturnSerializer, responses={200: ExAnteSerializer})
    @action(detail=True, methods=["post"], url_path="return", url_name="return")
    def return_(self, request, pk=None):
        """Finance returns the assessment to the firm with its reasons."""
        assessment = self.get_object()
        data = self._version(WorkReturnSerializer)
        services.exante_review(
            assessment=assessment,
            actor=request.user,
            decision="return",
            reason=data["reason"],
            expected_version=data.get("version"),
        )
        return Response(ExAnteSerializer(self._fresh(assessment)).data)
