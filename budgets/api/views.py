"""Budget endpoints: the second door into the same selectors and services as the pages.

Department users (filer, head) read and write their own department's projects only; another
department's project answers 404. Finance reviews, records execution and year-end values,
and evaluates (recommendations and the yearly policy: recommendations.py); the supervision office,
leaders and API clients read.
"""

from __future__ import annotations

from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from core.api import IsAuthenticatedWithRole, VersionedETagMixin
from core.errors import ApplicationError
from core.roles import P
from indicators.models import Indicator

from .. import importing, selectors, services
from ..models import BudgetProject, BudgetTarget, Evaluation, SpendingRecord, Tranche
from . import serializers as s
from .filters import (
    EvaluationFilter,
    ProjectFilter,
    SpendingFilter,
    TargetFilter,
    TrancheFilter,
)

READ = (P.READ_OWN_BUDGETS, P.READ_ALL_BUDGETS)


# The project's permission: a ``required_perms`` value may be a tuple, of which any one will do.
BudgetPermission = IsAuthenticatedWithRole


def _int(value) -> int | None:
    return int(value) if value and str(value).isdigit() else None


def project_for(request, pk, own: bool = False) -> BudgetProject:
    """The project if the caller may see it (``own``: only its department's own users); 404 otherwise
    (its existence is not revealed)."""
    pk = pk.pk if isinstance(pk, BudgetProject) else pk
    try:
        return selectors.project_get_for_user(user=request.user, pk=int(pk), own=own)
    except (BudgetProject.DoesNotExist, TypeError, ValueError):
        raise Http404 from None


def _own_project(request, pk) -> BudgetProject:
    return project_for(request, pk, own=True)


def _indicator(project: BudgetProject, code: str | None):
    if not code:
        return None
    ind = Indicator.objects.filter(library__year=project.year, code=code).first()
    if ind is None:
        raise ApplicationError(
            _("No indicator “%(code)s” in the %(year)s library.") % {"code": code, "year": project.year},
            field="indicator_code",
            code="unknown_code",
        )
    return ind


@extend_schema_view(retrieve=extend_schema(responses={200: s.ProjectDetailSerializer}))
class BudgetProjectViewSet(
    VersionedETagMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Budget projects with their target sheets and workflow actions (submit, return, approve)."""

    permission_classes = [BudgetPermission]
    serializer_class = s.ProjectSerializer
    queryset = BudgetProject.objects.none()
    filterset_class = ProjectFilter
    required_perms = {
        "list": READ,
        "retrieve": READ,
        "revisions": READ,
        "execution": READ,
        "create": P.EDIT_BUDGET,
        "update": P.EDIT_BUDGET,
        "partial_update": P.EDIT_BUDGET,
        "submit": P.EDIT_BUDGET,
        "return_": P.REVIEW_BUDGET,
        "approve": P.REVIEW_BUDGET,
        "actuals": P.REVIEW_BUDGET,
        "evaluate": P.REVIEW_BUDGET,
        "import_": (P.EDIT_BUDGET, P.REVIEW_BUDGET),
        "*": P.REVIEW_BUDGET,
    }

    def get_queryset(self):
        qs = selectors.projects_for_user(user=self.request.user)
        if self.action == "retrieve":
            qs = qs.prefetch_related("targets__indicator")
        return qs

    def get_serializer_class(self):
        return s.ProjectDetailSerializer if self.action == "retrieve" else s.ProjectSerializer

    def create(self, request, *args, **kwargs):
        serializer = s.ProjectSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        if request.user.department is None:
            raise ApplicationError(_("Only a department user creates projects."), code="permission_denied")
        data = dict(serializer.validated_data)
        project = services.project_create(
            actor=request.user, department=request.user.department, year=data.pop("year"), data=data
        )
        project.spent = 0
        return Response(s.ProjectSerializer(project).data, status=status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        partial = kwargs.pop("partial", False)
        project = _own_project(request, kwargs["pk"])
        serializer = s.ProjectSerializer(project, data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        if not data.get("code", "x"):
            data.pop("code")
        version = request.data.get("version") if hasattr(request.data, "get") else None
        project = services.project_update(project=project, actor=request.user, data=data, expected_version=version)
        return Response(s.ProjectSerializer(project_for(request, project.pk)).data)

    def _version(self, request) -> int | None:
        data = s.VersionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return data.validated_data.get("version")

    @extend_schema(request=s.VersionSerializer, responses={200: s.ProjectSerializer})
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        """Submit the sheet to finance; refused (400) unless all four dimensions have a target."""
        project = _own_project(request, pk)
        services.project_submit(project=project, actor=request.user, expected_version=self._version(request))
        return Response(s.ProjectSerializer(project_for(request, pk)).data)

    @extend_schema(request=s.ReturnSerializer, responses={200: s.ProjectSerializer})
    @action(detail=True, methods=["post"], url_path="return", url_name="return")
    def return_(self, request, pk=None):
        """Return a submitted sheet to the department with a reason."""
        project = project_for(request, pk)
        data = s.ReturnSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.project_return(
            project=project,
            actor=request.user,
            reason=data.validated_data["reason"],
            expected_version=data.validated_data.get("version"),
        )
        return Response(s.ProjectSerializer(project_for(request, pk)).data)

    @extend_schema(request=s.VersionSerializer, responses={200: s.ProjectSerializer})
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        project = project_for(request, pk)
        services.project_approve(project=project, actor=request.user, expected_version=self._version(request))
        return Response(s.ProjectSerializer(project_for(request, pk)).data)

    @extend_schema(responses={200: s.RevisionSerializer(many=True)})
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def revisions(self, request, pk=None):
        """Every stored revision of the sheet, newest first."""
        project = project_for(request, pk)
        return Response(s.RevisionSerializer(selectors.revisions_of(project=project), many=True).data)

    @extend_schema(responses={200: s.ExecutionSerializer})
    @action(detail=True, methods=["get"])
    def execution(self, request, pk=None):
        """Money spent and the execution rate, in total and per quarter (cumulative)."""
        project = project_for(request, pk)
        spent = selectors.spent_of(project=project)
        return Response(
            s.ExecutionSerializer(
                {
                    "amount": project.amount,
                    "spent": spent,
                    "remaining": project.amount - spent,
                    "rate": spent / project.amount * 100,
                    "quarters": selectors.execution_by_quarter(project=project),
                }
            ).data
        )

    @extend_schema(request=s.ActualsSerializer, responses={200: s.ProjectDetailSerializer})
    @action(detail=True, methods=["post"])
    def actuals(self, request, pk=None):
        """Record year-end actual values of the targets (finance)."""
        project = project_for(request, pk)
        data = s.ActualsSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = {
            v["target"]: (v["actual"], v.get("note", ""), v["not_applicable"], v["not_applicable_reason"])
            for v in data.validated_data["values"]
        }
        services.actuals_record(project=project, actor=request.user, values=values)
        project = BudgetProject.objects.prefetch_related("targets__indicator").get(pk=project.pk)
        return Response(s.ProjectDetailSerializer(project).data)

    @extend_schema(request=None, responses={201: s.EvaluationDetailSerializer})
    @action(detail=True, methods=["post"])
    def evaluate(self, request, pk=None):
        """Compute the project's self-evaluation from its values and spending (a new evaluation each time)."""
        project = project_for(request, pk)
        evaluation = services.evaluation_compute(project=project, actor=request.user)
        return Response(s.EvaluationDetailSerializer(evaluation).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request={"multipart/form-data": s.ImportSerializer},
        responses={200: s.ImportResultSerializer, 400: s.ImportResultSerializer},
    )
    @action(
        detail=False,
        methods=["post"],
        url_path="import",
        url_name="import",
        parser_classes=[MultiPartParser, FormParser],
    )
    def import_(self, request):
        """Import projects with their target sheets from xlsx: a dry run reports every row's problems;
        a real run writes every row or none. Department users import their own department only."""
        data = s.ImportSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        upload = data.validated_data["file"]
        if upload.size > importing.MAX_BYTES:
            raise ApplicationError(
                _("The file is larger than %(mb)d MB.") % {"mb": importing.MAX_BYTES // 1048576}, field="file"
            )
        result = importing.run(
            content=upload.read(),
            actor=request.user,
            dry_run=data.validated_data["dry_run"],
            file_name=upload.name,
        )
        return Response(result.as_json(), status=status.HTTP_200_OK if result.valid else status.HTTP_400_BAD_REQUEST)


class BudgetTargetViewSet(VersionedETagMixin, viewsets.ModelViewSet):
    """Targets of the sheets; written by the department while its sheet is a draft or returned."""

    permission_classes = [BudgetPermission]
    serializer_class = s.TargetSerializer
    queryset = BudgetTarget.objects.none()
    filterset_class = TargetFilter
    required_perms = {"list": READ, "retrieve": READ, "*": P.EDIT_BUDGET}

    def get_queryset(self):
        qs = selectors.scoped(
            BudgetTarget.objects.select_related("project", "indicator"),
            user=self.request.user,
            field="project__department",
        )
        return qs.order_by("project_id", "order", "id")

    def _data(self, serializer, project) -> dict:
        data = {k: v for k, v in serializer.validated_data.items() if k in services.TARGET_FIELDS}
        if "indicator_code" in serializer.validated_data:
            data["indicator"] = _indicator(project, serializer.validated_data["indicator_code"])
        return data

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        project = _own_project(request, serializer.validated_data["project"].pk)
        target = services.target_save(project=project, actor=request.user, data=self._data(serializer, project))
        return Response(s.TargetSerializer(target).data, status=status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        partial = kwargs.pop("partial", False)
        target = self.get_object()
        project = _own_project(request, target.project_id)
        serializer = self.get_serializer(target, data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        version = request.data.get("version") if hasattr(request.data, "get") else None
        target = services.target_save(
            project=project,
            actor=request.user,
            target=target,
            data=self._data(serializer, project),
            expected_version=version,
        )
        return Response(s.TargetSerializer(target).data)

    def destroy(self, request, *args, **kwargs):
        target = self.get_object()
        _own_project(request, target.project_id)
        services.target_delete(target=target, actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class SpendingViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    """Spending records (append-only). Finance records; a record beyond the project's amount or into a
    held tranche is refused with a field error and nothing is written."""

    permission_classes = [BudgetPermission]
    serializer_class = s.SpendingSerializer
    queryset = SpendingRecord.objects.none()
    filterset_class = SpendingFilter
    required_perms = {"list": READ, "retrieve": READ, "*": P.REVIEW_BUDGET}

    def get_queryset(self):
        qs = selectors.scoped(
            SpendingRecord.objects.select_related("project", "tranche", "recorded_by"),
            user=self.request.user,
            field="project__department",
        )
        return qs.order_by("project_id", "date", "id")

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        project = project_for(request, data.pop("project").pk)
        record = services.spending_record(project=project, actor=request.user, **data)
        return Response(s.SpendingSerializer(record).data, status=status.HTTP_201_CREATED)


class TrancheViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    """Tranches of a project's money (分阶段拨付); naming targets holds a tranche until finance releases it."""

    permission_classes = [BudgetPermission]
    serializer_class = s.TrancheSerializer
    queryset = Tranche.objects.none()
    filterset_class = TrancheFilter
    required_perms = {"list": READ, "retrieve": READ, "*": P.REVIEW_BUDGET}

    def get_queryset(self):
        qs = selectors.scoped(
            Tranche.objects.select_related("project", "released_by").prefetch_related("condition_targets"),
            user=self.request.user,
            field="project__department",
        )
        return qs.order_by("project_id", "order", "id")

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        project = project_for(request, data.pop("project").pk)
        tranche = services.tranche_create(
            project=project,
            actor=request.user,
            name=data["name"],
            amount=data["amount"],
            planned_date=data.get("planned_date"),
            condition_targets=data.get("condition_targets", []),
        )
        return Response(s.TrancheSerializer(tranche).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.ReleaseSerializer, responses={200: s.TrancheSerializer})
    @action(detail=True, methods=["post"])
    def release(self, request, pk=None):
        tranche = self.get_object()
        data = s.ReleaseSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        tranche = services.tranche_release(
            tranche=tranche, actor=request.user, note=data.validated_data.get("note", "")
        )
        return Response(s.TrancheSerializer(tranche).data)


@extend_schema_view(retrieve=extend_schema(responses={200: s.EvaluationDetailSerializer}))
class EvaluationViewSet(viewsets.ReadOnlyModelViewSet):
    """Project self-evaluations; the detail carries the ledger whose lines sum exactly to ``total``."""

    permission_classes = [BudgetPermission]
    serializer_class = s.EvaluationSerializer
    queryset = Evaluation.objects.none()
    filterset_class = EvaluationFilter
    required_perms = {"list": READ, "retrieve": READ, "confirm": P.REVIEW_BUDGET, "publish": P.REVIEW_BUDGET}

    @extend_schema(request=None, responses={200: s.EvaluationDetailSerializer})
    @action(detail=True, methods=["post"])
    def confirm(self, request, pk=None):
        """Finance confirms the project's latest draft evaluation: it then feeds the recommendation."""
        evaluation = services.evaluation_confirm(evaluation=self.get_object(), actor=request.user)
        return Response(s.EvaluationDetailSerializer(evaluation).data)

    @extend_schema(request=None, responses={200: s.EvaluationDetailSerializer})
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        """Publish (公开) a confirmed evaluation: from now on it is on the public pages."""
        evaluation = services.evaluation_publish(evaluation=self.get_object(), actor=request.user)
        return Response(s.EvaluationDetailSerializer(evaluation).data)

    def get_queryset(self):
        qs = selectors.scoped(
            Evaluation.objects.select_related("project", "project__department", "computed_by"),
            user=self.request.user,
            field="project__department",
        )
        return qs.order_by("project_id", "-number")

    def filter_queryset(self, queryset):
        # Only the list is filtered (each project's latest unless ``all``): one evaluation is found
        # by its id whatever the parameters.
        return super().filter_queryset(queryset) if self.action == "list" else queryset

    def get_serializer_class(self):
        return s.EvaluationDetailSerializer if self.action == "retrieve" else s.EvaluationSerializer


def yearly_policy_schema(serializer):
    """The OpenAPI description of a ``YearlyPolicyViewSet`` subclass whose policy ``serializer`` reads."""
    one = extend_schema(request=serializer, responses={200: serializer})
    return extend_schema_view(
        list=extend_schema(responses={200: serializer(many=True)}),
        retrieve=extend_schema(responses={200: serializer}),
        update=one,
        partial_update=one,
    )


class YearlyPolicyViewSet(VersionedETagMixin, viewsets.GenericViewSet):
    """A year's settings, one row a year (the defaults until finance saves them): every year's in one
    list, one year's by its number, saved by finance with the version it read. A subclass names its
    serializer and says how a year's policy is read, listed and saved."""

    permission_classes = [BudgetPermission]
    pagination_class = None  # every year's policy in one list
    lookup_field = "year"
    lookup_value_regex = r"\d{4}"
    required_perms = {"list": READ, "retrieve": READ, "*": P.REVIEW_BUDGET}

    def policies(self):
        raise NotImplementedError

    def policy_for_year(self, year: int):
        raise NotImplementedError

    def save_policy(self, *, year: int, data: dict, expected_version):
        raise NotImplementedError

    def _year(self, year) -> int:
        year = _int(year)
        if year is None or not 2000 <= year <= 2100:
            raise Http404
        return year

    def get_versioned_object(self):
        return self.policy_for_year(self._year(self.kwargs["year"]))

    def list(self, request):
        return Response(self.get_serializer_class()(self.policies(), many=True).data)

    def retrieve(self, request, year=None):
        return Response(self.get_serializer_class()(self.policy_for_year(self._year(year))).data)

    def update(self, request, year=None):
        year = self._year(year)
        current = self.policy_for_year(year)
        serializer = self.get_serializer_class()(current, data=request.data, partial=request.method == "PATCH")
        serializer.is_valid(raise_exception=True)
        version = request.data.get("version") if hasattr(request.data, "get") and current.pk else None
        policy = self.save_policy(year=year, data=dict(serializer.validated_data), expected_version=version)
        return Response(self.get_serializer_class()(policy).data)

    def partial_update(self, request, year=None):
        return self.update(request, year=year)
