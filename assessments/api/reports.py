"""REST endpoints of plans, assignments, reports and their entries, and the reporting health."""

from __future__ import annotations

from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api import VersionedETagMixin
from core.errors import ApplicationError
from core.roles import DEPARTMENT_ROLES, P, acts_for
from organizations.selectors import scope_to_user

from .. import selectors, services
from ..models import Assignment, Entry, Plan, Quarter, Report
from .filters import AssignmentFilter, ReportFilter
from .serializers import (
    AssignmentSerializer,
    EntryReviewSerializer,
    EntrySerializer,
    EvidenceSerializer,
    EvidenceUploadSerializer,
    GradeSerializer,
    PlanSerializer,
    ReasonSerializer,
    ReportDetailSerializer,
    ReportOpenSerializer,
    ReportSerializer,
    ReportVersionSerializer,
)

YEAR = OpenApiParameter("year", int)


def _int(value, field: str) -> int | None:
    if value in (None, ""):
        return None
    if not str(value).isdigit():
        raise ValidationError({field: [_("Enter a whole number.")]})
    return int(value)


class PlanViewSet(VersionedETagMixin, viewsets.ReadOnlyModelViewSet):
    """The year's plans: quarters, deadlines and thresholds."""

    serializer_class = PlanSerializer
    lookup_field = "year"
    required_perms = {"*": P.READ_LIBRARY}
    queryset = Plan.objects.prefetch_related("quarters").order_by("-year")


class AssignmentViewSet(VersionedETagMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = AssignmentSerializer
    queryset = Assignment.objects.none()
    filterset_class = AssignmentFilter
    required_perms = {"grade": P.RECORD_EVENT, "*": P.READ_REFERENCE}

    def get_queryset(self):
        user = self.request.user
        qs = Assignment.objects.select_related("plan", "department", "indicator").order_by("plan__year", "pk")
        return scope_to_user(qs, user=user, all_perm=P.READ_ALL_REPORTS, own_perm=P.READ_OWN_REPORTS)

    @extend_schema(request=GradeSerializer, responses={200: AssignmentSerializer})
    @action(detail=True, methods=["post"])
    def grade(self, request, pk=None):
        """Set the qualitative grade of a ``grade`` indicator."""
        data = GradeSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        assignment = self.get_object()
        services.grade_assessment_set(
            assignment=assignment,
            grade=data.validated_data["grade"],
            note=data.validated_data["note"],
            actor=request.user,
        )
        return Response(self.get_serializer(assignment).data)


class ReportViewSet(VersionedETagMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Quarterly reports. Department users open and submit their own; reviewers approve or return."""

    serializer_class = ReportSerializer
    queryset = Report.objects.none()
    filterset_class = ReportFilter
    required_perms = {
        "list": P.READ_OWN_REPORTS,
        "retrieve": P.READ_OWN_REPORTS,
        "create": P.FILE_REPORT,
        "submit": P.FILE_REPORT,
        "withdraw": P.FILE_REPORT,
        "signoff": P.SIGNOFF_REPORT,
        "approve": P.REVIEW_REPORT,
        "return_report": P.REVIEW_REPORT,
        "complete": P.REVIEW_REPORT,
    }

    def check_permissions(self, request):
        # Reading is for department users (their own) and everyone who reads all reports.
        if (
            self.action in ("list", "retrieve")
            and request.user.is_authenticated
            and request.user.has_perm(P.READ_ALL_REPORTS)
        ):
            return
        super().check_permissions(request)

    def get_serializer_class(self):
        return ReportDetailSerializer if self.action == "retrieve" else ReportSerializer

    def get_queryset(self):
        qs = selectors.reports_for_user(user=self.request.user)
        if self.action == "retrieve":
            qs = qs.prefetch_related(
                Prefetch(
                    "entries",
                    queryset=Entry.objects.select_related("assignment__indicator").prefetch_related("evidence"),
                )
            )
        return qs.order_by("-quarter__plan__year", "-quarter__number", "department__order")

    @extend_schema(request=ReportOpenSerializer, responses={201: ReportDetailSerializer})
    def create(self, request):
        """Open the caller's department report for a quarter (idempotent)."""
        data = ReportOpenSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user = request.user
        if user.role not in DEPARTMENT_ROLES or not user.department_id:
            raise ApplicationError(_("Only department users open their department's reports."), code="forbidden")
        quarter = get_object_or_404(
            Quarter, plan__year=data.validated_data["year"], number=int(data.validated_data["period"][1])
        )
        report = services.report_open(quarter=quarter, department=user.department)
        return Response(
            ReportDetailSerializer(self.get_queryset().get(pk=report.pk)).data, status=status.HTTP_201_CREATED
        )

    def _own(self, report):
        if not acts_for(self.request.user, report.department_id):
            raise Http404
        return report

    @extend_schema(request=ReportVersionSerializer, responses={200: ReportSerializer})
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        report = self._own(self.get_object())
        v = ReportVersionSerializer(data=request.data)
        v.is_valid(raise_exception=True)
        report = services.report_submit(
            report=report, actor=request.user, expected_version=v.validated_data.get("version")
        )
        return Response(ReportSerializer(report).data)

    @extend_schema(request=ReportVersionSerializer, responses={200: ReportSerializer})
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        """撤回: take a submitted report back before the supervision office has begun reviewing it."""
        report = self._own(self.get_object())
        v = ReportVersionSerializer(data=request.data)
        v.is_valid(raise_exception=True)
        report = services.report_withdraw(
            report=report, actor=request.user, expected_version=v.validated_data.get("version")
        )
        return Response(ReportSerializer(report).data)

    @extend_schema(request=ReportVersionSerializer, responses={200: ReportSerializer})
    @action(detail=True, methods=["post"])
    def signoff(self, request, pk=None):
        report = self._own(self.get_object())
        v = ReportVersionSerializer(data=request.data)
        v.is_valid(raise_exception=True)
        report = services.report_signoff(
            report=report, actor=request.user, expected_version=v.validated_data.get("version")
        )
        return Response(ReportSerializer(report).data)

    @extend_schema(request=ReasonSerializer, responses={200: ReportSerializer})
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        v = ReasonSerializer(data=request.data)
        v.is_valid(raise_exception=True)
        report = services.report_approve(
            report=self.get_object(),
            actor=request.user,
            comment=v.validated_data.get("reason", ""),
            expected_version=v.validated_data.get("version"),
        )
        return Response(ReportSerializer(report).data)

    @extend_schema(request=ReasonSerializer, responses={200: ReportSerializer})
    @action(detail=True, methods=["post"], url_path="return")
    def return_report(self, request, pk=None):
        v = ReasonSerializer(data=request.data)
        v.is_valid(raise_exception=True)
        report = services.report_return(
            report=self.get_object(),
            actor=request.user,
            reason=v.validated_data.get("reason", ""),
            expected_version=v.validated_data.get("version"),
        )
        return Response(ReportSerializer(report).data)

    @extend_schema(request=ReasonSerializer, responses={200: ReportSerializer})
    @action(detail=True, methods=["post"])
    def complete(self, request, pk=None):
        """Finish an entry-by-entry review: returned if any entry was returned, approved otherwise."""
        v = ReasonSerializer(data=request.data)
        v.is_valid(raise_exception=True)
        report = services.report_review_complete(
            report=self.get_object(),
            actor=request.user,
            reason=v.validated_data.get("reason", ""),
            expected_version=v.validated_data.get("version"),
        )
        return Response(ReportSerializer(report).data)


class EntryViewSet(VersionedETagMixin, mixins.RetrieveModelMixin, mixins.UpdateModelMixin, viewsets.GenericViewSet):
    """Entries of reports. PATCH saves a draft (send ``version``); review and evidence are actions."""

    serializer_class = EntrySerializer
    queryset = Entry.objects.none()
    http_method_names = ["get", "patch", "post", "head", "options"]
    parser_classes = [JSONParser, MultiPartParser, FormParser]
    required_perms = {
        "retrieve": P.READ_OWN_REPORTS,
        "partial_update": P.FILE_REPORT,
        "review": P.REVIEW_REPORT,
        "evidence": P.FILE_REPORT,
    }

    def check_permissions(self, request):
        if self.action == "retrieve" and request.user.is_authenticated and request.user.has_perm(P.READ_ALL_REPORTS):
            return
        super().check_permissions(request)

    def get_queryset(self):
        reports = selectors.reports_for_user(user=self.request.user)
        return (
            Entry.objects.filter(report__in=reports)
            .select_related("assignment__indicator", "report__quarter__plan")
            .prefetch_related("evidence")
        )

    @extend_schema(request=EntrySerializer, responses={200: EntrySerializer})
    def partial_update(self, request, pk=None):
        entry = self.get_object()
        if not acts_for(request.user, entry.report.department_id):
            raise Http404
        serializer = EntrySerializer(entry, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        version = request.data.get("version") if hasattr(request.data, "get") else None
        entry = services.entry_save(
            entry=entry,
            data=dict(serializer.validated_data),
            actor=request.user,
            expected_version=_int(version, "version") if version is not None else None,
        )
        return Response(EntrySerializer(self.get_queryset().get(pk=entry.pk)).data)

    @extend_schema(request=EntryReviewSerializer, responses={200: EntrySerializer})
    @action(detail=True, methods=["post"])
    def review(self, request, pk=None):
        data = EntryReviewSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        entry = services.entry_review(
            entry=self.get_object(),
            decision=data.validated_data["decision"],
            comment=data.validated_data.get("comment", ""),
            actor=request.user,
        )
        return Response(EntrySerializer(self.get_queryset().get(pk=entry.pk)).data)

    @extend_schema(request={"multipart/form-data": EvidenceUploadSerializer}, responses={201: EvidenceSerializer})
    @action(detail=True, methods=["post"])
    def evidence(self, request, pk=None):
        entry = self.get_object()
        if not acts_for(request.user, entry.report.department_id):
            raise Http404
        data = EvidenceUploadSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        evidence = services.evidence_add(entry=entry, upload=data.validated_data["file"], actor=request.user)
        return Response(EvidenceSerializer(evidence).data, status=status.HTTP_201_CREATED)


class ReportingHealthView(APIView):
    """Per quarter and department: expected, submitted, on time, late, missing; filers' last updates."""

    required_perms = {"*": P.READ_REPORTING_HEALTH}

    @extend_schema(parameters=[YEAR], responses={200: {"type": "object"}})
    def get(self, request):
        year = _int(request.query_params.get("year"), "year")
        plan = selectors.plan_get(year=year) if year else selectors.current_plan()
        if plan is None:
            raise Http404
        data = selectors.reporting_health(plan=plan)
        quarters = data["quarters"]
        return Response(
            {
                "year": plan.year,
                "quarters": [{"period": q.code, "deadline": q.deadline, **data["totals"][q.pk]} for q in quarters],
                "departments": [
                    {
                        "code": d.code,
                        "name": d.name,
                        "group": d.group.code if d.group_id else None,
                        "quarters": {q.code: data["cells"][d.pk].get(q.pk) for q in quarters},
                    }
                    for d in data["departments"]
                ],
                "filers": [
                    {
                        "username": f.username,
                        "department": f.department.code if f.department_id else None,
                        "last_update": f.last_update,
                    }
                    for f in data["filers"]
                ],
            }
        )
