"""REST endpoints of publication (its checklist and the act of publishing) and of exemptions."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from core.roles import P
from organizations.selectors import scope_to_user

from .. import selectors, services
from ..models import Assignment, Exemption, Publication
from ..recompute import periods_of
from ..services.events import EXEMPTION_PERIODS
from ..services.publication import publication_checklist, scores_publish
from .filters import ExemptionFilter, PublicationFilter

PERIODS = ["Q1", "Q2", "Q3", "Q4", "annual"]


def _plan_and_period(year, period):
    if not str(year or "").isdigit():
        raise ValidationError({"year": [_("Enter a whole number.")]})
    if period not in PERIODS:
        raise ValidationError({"period": [_("One of Q1, Q2, Q3, Q4, annual.")]})
    plan = selectors.plan_get(year=int(year))
    if period not in [p for p, _n, _e in periods_of(plan)]:
        raise ValidationError({"period": [_("There are no results for %(period)s yet.") % {"period": period}]})
    return plan, period


class BlockerSerializer(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField()
    count = serializers.IntegerField()
    waivable = serializers.BooleanField()
    link = serializers.CharField()
    items = serializers.ListField(child=serializers.DictField())


class ChecklistSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    period = serializers.CharField()
    clear = serializers.BooleanField()
    blockers = BlockerSerializer(many=True)


class PublicationSerializer(serializers.ModelSerializer):
    year = serializers.IntegerField(source="plan.year")
    published_by = serializers.CharField(source="published_by.username")

    class Meta:
        model = Publication
        fields = ["year", "period", "published_at", "published_by", "appeal_deadline", "waiver", "blockers"]
        read_only_fields = fields


class PublishSerializer(serializers.Serializer):
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    period = serializers.ChoiceField(choices=PERIODS)
    waiver = serializers.CharField(required=False, allow_blank=True, max_length=4000)


class PublicationChecklistView(APIView):
    """The checklist of a period: each blocker with its count, items and links."""

    required_perms = {"GET": P.PUBLISH_SCORES}

    @extend_schema(
        parameters=[
            OpenApiParameter("year", int, required=True),
            OpenApiParameter("period", str, required=True, enum=PERIODS),
        ],
        responses={200: ChecklistSerializer},
    )
    def get(self, request):
        plan, period = _plan_and_period(request.query_params.get("year"), request.query_params.get("period"))
        blockers = [b.as_json() for b in publication_checklist(plan=plan, period=period)]
        return Response(
            {
                "year": plan.year,
                "period": period,
                "clear": not any(b["count"] for b in blockers),
                "blockers": blockers,
            }
        )


class PublicationViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Publications: the list (every role that reads scores), and publishing a period. Publishing
    answers 409 with the open blockers unless the checklist is clear or a written waiver is given;
    a recomputation still waiting cannot be waived."""

    serializer_class = PublicationSerializer
    queryset = Publication.objects.none()
    filterset_class = PublicationFilter
    required_perms = {"create": P.PUBLISH_SCORES}

    def check_permissions(self, request):
        super().check_permissions(request)
        if self.action == "list" and not (
            request.user.has_perm(P.READ_ALL_SCORES) or request.user.has_perm(P.READ_OWN_SCORES)
        ):
            self.permission_denied(request)

    def get_queryset(self):
        return Publication.objects.select_related("plan", "published_by").order_by("-plan__year", "period")

    @extend_schema(request=PublishSerializer, responses={201: PublicationSerializer, 409: ChecklistSerializer})
    def create(self, request):
        data = PublishSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        d = data.validated_data
        plan, period = _plan_and_period(d["year"], d["period"])
        pub = scores_publish(plan=plan, period=period, actor=request.user, waiver=d.get("waiver", ""))
        return Response(PublicationSerializer(pub).data, status=status.HTTP_201_CREATED)


class ExemptionSerializer(serializers.ModelSerializer):
    year = serializers.IntegerField(source="assignment.plan.year", read_only=True)
    department = serializers.CharField(source="assignment.department.code", read_only=True)
    indicator = serializers.CharField(source="assignment.indicator.code", read_only=True)
    granted_by = serializers.CharField(source="granted_by.username", read_only=True)

    class Meta:
        model = Exemption
        fields = ["id", "year", "department", "indicator", "assignment", "period", "reason", "granted_by", "granted_at"]
        read_only_fields = ["id", "year", "department", "indicator", "granted_by", "granted_at"]


class ExemptionCreateSerializer(serializers.Serializer):
    assignment = serializers.IntegerField(min_value=1)
    period = serializers.ChoiceField(choices=list(EXEMPTION_PERIODS))
    reason = serializers.CharField(max_length=2000)


class ExemptionViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.DestroyModelMixin, viewsets.GenericViewSet
):
    """Inputs declared not applicable (不适用) by the supervision office, with their reasons.
    Departments read their own; the supervision office grants and withdraws."""

    serializer_class = ExemptionSerializer
    queryset = Exemption.objects.none()
    filterset_class = ExemptionFilter
    required_perms = {"create": P.RECORD_EVENT, "destroy": P.RECORD_EVENT}

    def check_permissions(self, request):
        super().check_permissions(request)
        if self.action in ("list", "retrieve") and not (
            request.user.has_perm(P.READ_ALL_SCORES) or request.user.has_perm(P.READ_OWN_SCORES)
        ):
            self.permission_denied(request)

    def get_queryset(self):
        qs = Exemption.objects.select_related(
            "assignment__plan", "assignment__department", "assignment__indicator", "granted_by"
        ).order_by("assignment__department__order", "assignment__indicator__code", "period")
        return scope_to_user(
            qs,
            user=self.request.user,
            all_perm=P.READ_ALL_SCORES,
            own_perm=P.READ_OWN_SCORES,
            field="assignment__department",
        )

    @extend_schema(request=ExemptionCreateSerializer, responses={201: ExemptionSerializer})
    def create(self, request):
        data = ExemptionCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        d = data.validated_data
        assignment = get_object_or_404(
            Assignment.objects.select_related("plan", "indicator", "department"), pk=d["assignment"]
        )
        exemption = services.exemption_grant(
            assignment=assignment, period=d["period"], reason=d["reason"], actor=request.user
        )
        return Response(ExemptionSerializer(exemption).data, status=status.HTTP_201_CREATED)

    def destroy(self, request, *args, **kwargs):
        services.exemption_revoke(exemption=self.get_object(), actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)
