"""Endpoints of mid-year target revisions and sheet quality grades (the library: ``api.library``).

The same selectors and services as the pages (docs/budgets.md, docs/api.md). A department user
sees and asks for revisions of its own department's projects only; another department's answers 404.
"""

from __future__ import annotations

from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from core.api import VersionedETagMixin
from core.roles import P
from core.text import render

from .. import selectors, services, sheet_selectors, targetrules
from ..choices import GRADES, BudgetDimension
from ..models import SheetReview, TargetAdjustment
from .filters import AdjustmentFilter, SheetReviewFilter
from .views import READ, BudgetPermission, _int, _own_project, project_for

# ---- serializers --------------------------------------------------------------------------


class RowSerializer(serializers.Serializer):
    """A target as a version of the sheet keeps it (or as a revision asks for it)."""

    id = serializers.IntegerField(required=False, allow_null=True, help_text="Existing target; empty for a new one.")
    dimension = serializers.ChoiceField(choices=BudgetDimension.choices)
    subdimension = serializers.CharField(required=False, allow_blank=True)
    name = serializers.CharField(max_length=200)
    operator = serializers.CharField(max_length=6)
    value = serializers.CharField(help_text="Decimal as a string.")
    upper = serializers.CharField(required=False, allow_null=True, allow_blank=True)
    unit = serializers.CharField(required=False, allow_blank=True, max_length=30)
    weight = serializers.CharField(required=False, allow_null=True, allow_blank=True)
    library_code = serializers.CharField(required=False, allow_blank=True, max_length=40)
    below_last_year_reason = serializers.CharField(required=False, allow_blank=True, max_length=500)


class CompareRowSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=["same", "changed", "added", "removed"])
    old = serializers.DictField(allow_null=True)
    new = serializers.DictField(allow_null=True)
    changed = serializers.ListField(child=serializers.CharField())


def compare_json(old, new) -> list[dict]:
    return [
        {"status": r.status, "old": r.old, "new": r.new, "changed": sorted(r.changed)}
        for r in targetrules.compare(old, new)
    ]


class AdjustmentSerializer(serializers.ModelSerializer):
    project = serializers.IntegerField(source="project_id", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    requested_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    decided_by = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)
    changes = serializers.SerializerMethodField()

    class Meta:
        model = TargetAdjustment
        fields = [
            "id",
            "project",
            "number",
            "status",
            "status_label",
            "reason",
            "base_version",
            "sheet_version",
            "before",
            "proposed",
            "after",
            "changes",
            "requested_by",
            "requested_at",
            "decided_by",
            "decided_at",
            "return_reason",
            "version",
        ]
        read_only_fields = fields

    @extend_schema_field(CompareRowSerializer(many=True))
    def get_changes(self, obj) -> list[dict]:
        """The sheet in force beside the sheet asked for (after approval: as written)."""
        return compare_json(obj.before, obj.after if obj.after else obj.proposed)


class AdjustmentCreateSerializer(serializers.Serializer):
    project = serializers.IntegerField()
    reason = serializers.CharField(allow_blank=True)
    targets = RowSerializer(many=True, help_text="The whole sheet asked for; a target left out is removed.")
    version = serializers.IntegerField(required=False, help_text="The project's version (stale page check).")


class RevisionDecisionSerializer(serializers.Serializer):
    version = serializers.IntegerField(required=False)


class RevisionReturnSerializer(RevisionDecisionSerializer):
    reason = serializers.CharField(allow_blank=True)


class VersionRowSerializer(serializers.Serializer):
    number = serializers.IntegerField()
    in_force = serializers.BooleanField()
    at = serializers.DateTimeField(allow_null=True)
    adjustment = serializers.IntegerField(allow_null=True, help_text="The revision that made it; null: as approved.")
    reason = serializers.CharField(allow_blank=True)
    targets = serializers.ListField(child=serializers.DictField())


class FlagSerializer(serializers.Serializer):
    code = serializers.ChoiceField(choices=list(targetrules.FLAG_CODES))
    target = serializers.IntegerField(allow_null=True)
    name = serializers.CharField()
    detail = serializers.CharField(help_text="Explanation in the caller's language.")


def flags_json(flags) -> list[dict]:
    return [
        {"code": f["code"], "target": f["target"], "name": f["name"], "detail": render(**f["detail"])} for f in flags
    ]


class SheetReviewSerializer(serializers.ModelSerializer):
    project = serializers.IntegerField(source="project_id", read_only=True)
    grade_label = serializers.CharField(source="get_grade_display", read_only=True)
    reviewed_by = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)
    flags = serializers.SerializerMethodField()

    class Meta:
        model = SheetReview
        fields = ["id", "project", "grade", "grade_label", "comment", "flags", "reviewed_by", "reviewed_at", "version"]
        read_only_fields = fields

    @extend_schema_field(FlagSerializer(many=True))
    def get_flags(self, obj):
        """The flags of the sheet when it was graded."""
        return flags_json(obj.flags)


class SheetGradeSerializer(serializers.Serializer):
    project = serializers.IntegerField()
    grade = serializers.ChoiceField(choices=[g for g, _l in GRADES])
    comment = serializers.CharField(required=False, allow_blank=True)
    version = serializers.IntegerField(required=False, help_text="The review's version; 0 for the first grade.")


# ---- viewsets -----------------------------------------------------------------------------


class AdjustmentViewSet(VersionedETagMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Mid-year revisions of approved target sheets (绩效目标调整): asked by the department, decided by finance."""

    permission_classes = [BudgetPermission]
    serializer_class = AdjustmentSerializer
    queryset = TargetAdjustment.objects.none()
    filterset_class = AdjustmentFilter
    required_perms = {
        "list": READ,
        "retrieve": READ,
        "versions": READ,
        "create": P.EDIT_BUDGET,
        "approve": P.REVIEW_BUDGET,
        "return_": P.REVIEW_BUDGET,
    }

    def get_queryset(self):
        qs = selectors.scoped(
            TargetAdjustment.objects.select_related("project", "requested_by", "decided_by"),
            user=self.request.user,
            field="project__department",
        )
        return qs.order_by("project_id", "-number")

    @extend_schema(request=AdjustmentCreateSerializer, responses={201: AdjustmentSerializer})
    def create(self, request, *args, **kwargs):
        """Ask to revise an approved sheet: the whole sheet asked for and the reason.

        Bad rows answer 400 naming ``targets.<i>.<field>``; nothing is written.
        """
        data = AdjustmentCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        project = _own_project(request, v["project"])
        adjustment = services.adjustment_request(
            project=project,
            actor=request.user,
            targets=v["targets"],
            reason=v["reason"],
            expected_version=v.get("version"),
        )
        return Response(AdjustmentSerializer(adjustment).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=RevisionDecisionSerializer, responses={200: AdjustmentSerializer})
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        """Finance approves: the sheet asked for becomes the next version in force."""
        data = RevisionDecisionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        adjustment = services.adjustment_approve(
            adjustment=self.get_object(), actor=request.user, expected_version=data.validated_data.get("version")
        )
        return Response(AdjustmentSerializer(adjustment).data)

    @extend_schema(request=RevisionReturnSerializer, responses={200: AdjustmentSerializer})
    @action(detail=True, methods=["post"], url_path="return", url_name="return")
    def return_(self, request, pk=None):
        """Finance returns the revision with its reasons (required); the sheet in force stays."""
        data = RevisionReturnSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        adjustment = services.adjustment_return(
            adjustment=self.get_object(),
            actor=request.user,
            reason=data.validated_data.get("reason", ""),
            expected_version=data.validated_data.get("version"),
        )
        return Response(AdjustmentSerializer(adjustment).data)

    @extend_schema(
        parameters=[OpenApiParameter("project", int, required=True)], responses={200: VersionRowSerializer(many=True)}
    )
    @action(detail=False, methods=["get"], pagination_class=None, filter_backends=[])
    def versions(self, request):
        """Every version of the project's approved sheet, oldest first; the last is in force."""
        pid = _int(request.query_params.get("project"))
        if not pid:
            raise Http404
        project = project_for(request, pid)
        rows = [
            {
                "number": v.number,
                "in_force": v.in_force,
                "at": v.at,
                "adjustment": v.adjustment.pk if v.adjustment else None,
                "reason": v.adjustment.reason if v.adjustment else "",
                "targets": v.targets,
            }
            for v in sheet_selectors.versions_of(project=project)
        ]
        return Response(VersionRowSerializer(rows, many=True).data)


class SheetReviewViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Finance's grade of each target sheet's quality (优/良/中/差) with the flags seen when grading."""

    permission_classes = [BudgetPermission]
    serializer_class = SheetReviewSerializer
    queryset = SheetReview.objects.none()
    filterset_class = SheetReviewFilter
    required_perms = {"list": READ, "retrieve": READ, "flags": READ, "create": P.REVIEW_BUDGET}

    def get_queryset(self):
        return sheet_selectors.reviews_for_user(user=self.request.user)

    @extend_schema(request=SheetGradeSerializer, responses={200: SheetReviewSerializer})
    def create(self, request, *args, **kwargs):
        """Grade (or grade again) a sheet; the sheet's flags now are stored with the grade."""
        data = SheetGradeSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        review = services.sheet_grade(
            project=project_for(request, v["project"]),
            actor=request.user,
            grade=v["grade"],
            comment=v.get("comment", ""),
            expected_version=v.get("version"),
        )
        return Response(SheetReviewSerializer(review).data)

    @extend_schema(
        parameters=[OpenApiParameter("project", int, required=True)], responses={200: FlagSerializer(many=True)}
    )
    @action(detail=False, methods=["get"], pagination_class=None, filter_backends=[])
    def flags(self, request):
        """The quality flags of the project's sheet as it is now."""
        pid = _int(request.query_params.get("project"))
        if not pid:
            raise Http404
        project = project_for(request, pid)
        return Response(flags_json([f.as_json() for f in sheet_selectors.flags_of(project=project)]))
