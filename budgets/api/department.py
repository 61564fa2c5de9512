"""API of department-wide spending performance and of disclosure decisions (docs/budgets.md, 5–6).

The same doors as the project endpoints: department users read and write their own department's
sheet (another department's answers 404); finance reviews, records year-end values, evaluates,
confirms, publishes and decides what is disclosed; the supervision office, leaders and API
clients read.
"""

from __future__ import annotations

from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from core.api import VersionedETagMixin
from core.errors import ApplicationError
from core.roles import P
from indicators.models import Indicator

from .. import department_selectors as dsel
from .. import selectors, services
from ..models import (
    BudgetProject,
    DepartmentEvaluation,
    DepartmentSheet,
    DepartmentTarget,
    DepartmentWidePolicy,
    Disclosure,
)
from ..services.department import TARGET_FIELDS
from . import department_serializers as ds
from . import serializers as s
from .filters import DepartmentEvaluationFilter, DepartmentSheetFilter, DepartmentTargetFilter, DisclosureFilter
from .views import READ, BudgetPermission, YearlyPolicyViewSet, yearly_policy_schema


def sheet_for(request, pk, own: bool = False) -> DepartmentSheet:
    try:
        return dsel.sheet_get_for_user(user=request.user, pk=int(pk), own=own)
    except (DepartmentSheet.DoesNotExist, TypeError, ValueError):
        raise Http404 from None


def _own_sheet(request, pk) -> DepartmentSheet:
    return sheet_for(request, pk, own=True)


def _version(request) -> int | None:
    data = s.VersionSerializer(data=request.data)
    data.is_valid(raise_exception=True)
    return data.validated_data.get("version")


@extend_schema_view(retrieve=extend_schema(responses={200: ds.DepartmentSheetDetailSerializer}))
class DepartmentSheetViewSet(
    VersionedETagMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Department-wide target sheets (部门整体绩效目标) with their workflow and evaluation actions."""

    permission_classes = [BudgetPermission]
    serializer_class = ds.DepartmentSheetSerializer
    queryset = DepartmentSheet.objects.none()
    filterset_class = DepartmentSheetFilter
    required_perms = {
        "list": READ,
        "retrieve": READ,
        "create": P.EDIT_BUDGET,
        "submit": P.EDIT_BUDGET,
        "*": P.REVIEW_BUDGET,
    }

    def get_queryset(self):
        return dsel.sheets_for_user(user=self.request.user)

    def get_serializer_class(self):
        return ds.DepartmentSheetDetailSerializer if self.action == "retrieve" else ds.DepartmentSheetSerializer

    def create(self, request, *args, **kwargs):
        serializer = ds.DepartmentSheetSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        if request.user.department is None:
            raise ApplicationError(_("Only a department user opens its sheet."), code="permission_denied")
        sheet = services.department_sheet_create(
            department=request.user.department, year=serializer.validated_data["year"], actor=request.user
        )
        return Response(ds.DepartmentSheetSerializer(sheet).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.VersionSerializer, responses={200: ds.DepartmentSheetSerializer})
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        """Submit the sheet; refused (400) unless each of the six dimensions has a target."""
        sheet = _own_sheet(request, pk)
        sheet = services.department_sheet_submit(sheet=sheet, actor=request.user, expected_version=_version(request))
        return Response(ds.DepartmentSheetSerializer(sheet).data)

    @extend_schema(request=s.ReturnSerializer, responses={200: ds.DepartmentSheetSerializer})
    @action(detail=True, methods=["post"], url_path="return", url_name="return")
    def return_(self, request, pk=None):
        sheet = sheet_for(request, pk)
        data = s.ReturnSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        sheet = services.department_sheet_return(
            sheet=sheet,
            actor=request.user,
            reason=data.validated_data["reason"],
            expected_version=data.validated_data.get("version"),
        )
        return Response(ds.DepartmentSheetSerializer(sheet).data)

    @extend_schema(request=s.VersionSerializer, responses={200: ds.DepartmentSheetSerializer})
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        sheet = sheet_for(request, pk)
        sheet = services.department_sheet_approve(sheet=sheet, actor=request.user, expected_version=_version(request))
        return Response(ds.DepartmentSheetSerializer(sheet).data)

    @extend_schema(request=s.ActualsSerializer, responses={200: ds.DepartmentSheetDetailSerializer})
    @action(detail=True, methods=["post"])
    def actuals(self, request, pk=None):
        """Record the targets' year-end values (finance); one bad value writes none."""
        sheet = sheet_for(request, pk)
        data = s.ActualsSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = {
            v["target"]: (v["actual"], v.get("note", ""), v["not_applicable"], v["not_applicable_reason"])
            for v in data.validated_data["values"]
        }
        services.department_actuals_record(sheet=sheet, actor=request.user, values=values)
        return Response(ds.DepartmentSheetDetailSerializer(sheet_for(request, pk)).data)

    @extend_schema(request=None, responses={201: ds.DepartmentEvaluationSerializer})
    @action(detail=True, methods=["post"])
    def evaluate(self, request, pk=None):
        """Compute a draft evaluation over the department's approved projects of the year."""
        sheet = sheet_for(request, pk)
        evaluation = services.department_evaluation_compute(sheet=sheet, actor=request.user)
        return Response(ds.DepartmentEvaluationSerializer(evaluation).data, status=status.HTTP_201_CREATED)


class DepartmentTargetViewSet(VersionedETagMixin, viewsets.ModelViewSet):
    """Targets of department-wide sheets; written by the department while its sheet is a draft or returned."""

    permission_classes = [BudgetPermission]
    serializer_class = ds.DepartmentTargetSerializer
    queryset = DepartmentTarget.objects.none()
    filterset_class = DepartmentTargetFilter
    required_perms = {"list": READ, "retrieve": READ, "*": P.EDIT_BUDGET}

    def get_queryset(self):
        qs = selectors.scoped(
            DepartmentTarget.objects.select_related("sheet"), user=self.request.user, field="sheet__department"
        )
        return qs.order_by("sheet_id", "order", "id")

    def _data(self, serializer) -> dict:
        return {k: v for k, v in serializer.validated_data.items() if k in TARGET_FIELDS}

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        sheet = _own_sheet(request, serializer.validated_data["sheet"].pk)
        target = services.department_target_save(sheet=sheet, actor=request.user, data=self._data(serializer))
        return Response(ds.DepartmentTargetSerializer(target).data, status=status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        partial = kwargs.pop("partial", False)
        target = self.get_object()
        sheet = _own_sheet(request, target.sheet_id)
        serializer = self.get_serializer(target, data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        version = request.data.get("version") if hasattr(request.data, "get") else None
        target = services.department_target_save(
            sheet=sheet, actor=request.user, target=target, data=self._data(serializer), expected_version=version
        )
        return Response(ds.DepartmentTargetSerializer(target).data)

    def destroy(self, request, *args, **kwargs):
        target = self.get_object()
        _own_sheet(request, target.sheet_id)
        services.department_target_delete(target=target, actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class DepartmentEvaluationViewSet(viewsets.ReadOnlyModelViewSet):
    """Department-wide evaluations with their ledgers; finance confirms and publishes the latest."""

    permission_classes = [BudgetPermission]
    serializer_class = ds.DepartmentEvaluationSerializer
    queryset = DepartmentEvaluation.objects.none()
    filterset_class = DepartmentEvaluationFilter
    required_perms = {"list": READ, "retrieve": READ, "*": P.REVIEW_BUDGET}

    def get_queryset(self):
        return dsel.evaluations_for_user(user=self.request.user)

    @extend_schema(request=None, responses={200: ds.DepartmentEvaluationSerializer})
    @action(detail=True, methods=["post"])
    def confirm(self, request, pk=None):
        evaluation = services.department_evaluation_confirm(evaluation=self.get_object(), actor=request.user)
        return Response(ds.DepartmentEvaluationSerializer(evaluation).data)

    @extend_schema(request=None, responses={200: ds.DepartmentEvaluationSerializer})
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        """Publish: on the public pages from now on, and its grade on the linked assessment indicator."""
        evaluation = services.department_evaluation_publish(evaluation=self.get_object(), actor=request.user)
        return Response(ds.DepartmentEvaluationSerializer(evaluation).data)


@yearly_policy_schema(ds.DepartmentPolicySerializer)
class DepartmentPolicyViewSet(YearlyPolicyViewSet):
    """The department-wide weights of a year and the assessment indicator they feed (defaults if unset)."""

    serializer_class = ds.DepartmentPolicySerializer
    queryset = DepartmentWidePolicy.objects.none()

    def policies(self):
        return DepartmentWidePolicy.objects.select_related("updated_by", "assessment_indicator").order_by("-year")

    def policy_for_year(self, year: int):
        return dsel.policy_for_year(year=year)

    def save_policy(self, *, year: int, data: dict, expected_version):
        if "assessment_indicator_code" in data:
            code = data.pop("assessment_indicator_code")
            data["assessment_indicator"] = None
            if code:
                data["assessment_indicator"] = Indicator.objects.filter(library__year=year, code=code).first()
                if data["assessment_indicator"] is None:
                    raise ApplicationError(
                        _("No indicator “%(code)s” in the %(year)s library.") % {"code": code, "year": year},
                        field="assessment_indicator_code",
                    )
        return services.department_policy_save(
            year=year, actor=self.request.user, data=data, expected_version=expected_version
        )


class DisclosureViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Disclosure decisions: finance withholds an item's targets or evaluation with a reason (不予公开原因),
    or discloses it again. POST sets the decision of an item and part (creating or updating it)."""

    permission_classes = [BudgetPermission]
    serializer_class = ds.DisclosureSerializer
    queryset = Disclosure.objects.none()
    filterset_class = DisclosureFilter
    required_perms = {"list": READ, "retrieve": READ, "*": P.REVIEW_BUDGET}

    def get_queryset(self):
        return dsel.disclosures_for_user(user=self.request.user)

    @extend_schema(request=ds.DisclosureSerializer, responses={200: ds.DisclosureSerializer})
    def create(self, request, *args, **kwargs):
        serializer = ds.DisclosureSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        project, sheet = data.get("project"), data.get("department_sheet")
        if project is not None:
            try:
                project = selectors.project_get_for_user(user=request.user, pk=project.pk)
            except BudgetProject.DoesNotExist:
                raise Http404 from None
        if sheet is not None:
            sheet = sheet_for(request, sheet.pk)
        decision = services.disclosure_set(
            part=data["part"],
            withheld=data.get("withheld", False),
            reason=data.get("reason", ""),
            actor=request.user,
            project=project,
            department_sheet=sheet,
            expected_version=data.get("version"),
        )
        return Response(ds.DisclosureSerializer(decision).data, status=status.HTTP_200_OK)
