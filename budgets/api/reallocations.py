"""Endpoints of budget reallocations (预算调剂): asked by a department from a monitoring warning
(``POST /api/v1/monitoring/warnings/{id}/reallocation/``), decided here by finance, changed and sent
again here by the department when returned. The same selectors and services as the pages; a
department sees its own requests only, another department's answer 404.
"""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from core.api import VersionedETagMixin
from core.roles import P

from .. import reallocation_selectors, services
from ..models import Reallocation
from .filters import ReallocationFilter
from .views import READ, BudgetPermission


class ReallocationSerializer(serializers.ModelSerializer):
    department = serializers.CharField(source="department.code", read_only=True)
    source_code = serializers.CharField(source="source.code", read_only=True)
    source_name = serializers.CharField(source="source.name", read_only=True)
    target_code = serializers.CharField(source="target.code", read_only=True, allow_null=True, default=None)
    target_name = serializers.CharField(source="target.name", read_only=True, allow_null=True, default=None)
    to_pool = serializers.BooleanField(read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    requested_by = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)
    decided_by = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)

    class Meta:
        model = Reallocation
        fields = [
            "id",
            "year",
            "department",
            "source",
            "source_code",
            "source_name",
            "source_tranche",
            "source_tranche_name",
            "target",
            "target_code",
            "target_name",
            "to_pool",
            "amount",
            "reason",
            "status",
            "status_label",
            "return_reason",
            "moved",
            "requested_by",
            "requested_at",
            "submitted_at",
            "decided_by",
            "decided_at",
            "version",
        ]
        read_only_fields = fields


class ReallocationDecisionSerializer(serializers.Serializer):
    version = serializers.IntegerField(required=False, help_text="The version you read; a stale one gives 409.")


class ReallocationReturnSerializer(ReallocationDecisionSerializer):
    reason = serializers.CharField(allow_blank=True)


class ReallocationResubmitSerializer(ReallocationDecisionSerializer):
    source = serializers.IntegerField(required=False, allow_null=True, help_text="Default: as before")
    source_tranche = serializers.IntegerField(required=False, allow_null=True)
    target = serializers.IntegerField(required=False, allow_null=True, help_text="Empty: back to the pool")
    amount = serializers.CharField(help_text='Yuan, at most two decimals, e.g. "150000.00"')
    reason = serializers.CharField(allow_blank=True)


class ReallocationViewSet(
    VersionedETagMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Budget reallocations: money moved between a department's approved projects or back to the pool."""

    permission_classes = [BudgetPermission]
    serializer_class = ReallocationSerializer
    queryset = Reallocation.objects.none()
    filterset_class = ReallocationFilter
    required_perms = {
        "list": READ,
        "retrieve": READ,
        "approve": P.REVIEW_BUDGET,
        "return_": P.REVIEW_BUDGET,
        "resubmit": P.EDIT_BUDGET,
    }

    def get_queryset(self):
        return reallocation_selectors.reallocations_for_user(user=self.request.user)

    @extend_schema(request=ReallocationDecisionSerializer, responses={200: ReallocationSerializer})
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        """Finance approves: the amount leaves the source project (and tranche) and joins the target or the pool."""
        data = ReallocationDecisionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        reallocation = services.reallocation_approve(
            reallocation=self.get_object(), actor=request.user, expected_version=data.validated_data.get("version")
        )
        return Response(ReallocationSerializer(reallocation).data)

    @extend_schema(request=ReallocationReturnSerializer, responses={200: ReallocationSerializer})
    @action(detail=True, methods=["post"], url_path="return", url_name="return")
    def return_(self, request, pk=None):
        """Finance returns the request with its reasons (required); no money moves."""
        data = ReallocationReturnSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        reallocation = services.reallocation_return(
            reallocation=self.get_object(),
            actor=request.user,
            reason=data.validated_data.get("reason", ""),
            expected_version=data.validated_data.get("version"),
        )
        return Response(ReallocationSerializer(reallocation).data)

    @extend_schema(request=ReallocationResubmitSerializer, responses={200: ReallocationSerializer})
    @action(detail=True, methods=["post"])
    def resubmit(self, request, pk=None):
        """The department changes a returned request and sends it to finance again."""
        reallocation = self.get_object()
        data = ReallocationResubmitSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        d = data.validated_data
        reallocation = services.reallocation_resubmit(
            reallocation=reallocation,
            actor=request.user,
            source=d.get("source") or reallocation.source_id,
            tranche=d.get("source_tranche"),
            target=d.get("target"),
            amount=d["amount"],
            reason=d["reason"],
            expected_version=d.get("version"),
        )
        return Response(ReallocationSerializer(reallocation).data)
