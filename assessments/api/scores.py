"""REST endpoints of scores (docs/api.md contract), deduction and bonus events, and appeals."""

from __future__ import annotations

from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from core.api import CountedRows
from core.roles import P
from indicators.models import Rule
from organizations.models import Department
from organizations.selectors import scope_to_user

from .. import selectors, services
from ..models import Appeal, Plan, Score, ScoreEvent
from ..services.appeals import appeal_decide, appeal_file
from .filters import EventFilter, ScoreFilter
from .serializers import (
    AppealCreateSerializer,
    AppealDecisionSerializer,
    AppealSerializer,
    EventCreateSerializer,
    EventSerializer,
    ReasonSerializer,
    ScoreDetailSerializer,
    ScoreSerializer,
)


class ScoreViewSet(viewsets.GenericViewSet):
    """Scores (docs/api.md): list, and one department's score for a period with its ledger."""

    serializer_class = ScoreSerializer
    queryset = Score.objects.none()
    filterset_class = ScoreFilter

    def check_permissions(self, request):
        super().check_permissions(request)
        if not (request.user.has_perm(P.READ_ALL_SCORES) or request.user.has_perm(P.READ_OWN_SCORES)):
            self.permission_denied(request)

    def list(self, request):
        qs = self.filter_queryset(selectors.scores_for_user(user=request.user, open_appeals=False))
        rows = selectors.score_rows(qs.order_by("plan__year", "period", "group__order", "rank", "department__order"))
        page = self.paginate_queryset(CountedRows(rows, qs))
        return self.get_paginated_response(ScoreSerializer(page, many=True).data)

    @extend_schema(
        responses={200: ScoreDetailSerializer},
        parameters=[
            OpenApiParameter("code", str, OpenApiParameter.PATH),
            OpenApiParameter("year", int, OpenApiParameter.PATH),
            OpenApiParameter("period", str, OpenApiParameter.PATH, enum=["Q1", "Q2", "Q3", "Q4", "annual"]),
        ],
    )
    def score(self, request, code=None, year=None, period=None):
        score = selectors.score_get_for_user(user=request.user, code=code, year=int(year), period=period)
        score.ledger_lines = selectors.ledger_of(score)
        score.outlook = selectors.score_outlook(score, score.ledger_lines)
        return Response(ScoreDetailSerializer(score).data)


class EventViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Deduction and bonus events; the supervision office records and withdraws them."""

    serializer_class = EventSerializer
    queryset = ScoreEvent.objects.none()
    filterset_class = EventFilter
    parser_classes = [JSONParser, MultiPartParser, FormParser]
    required_perms = {
        "list": P.READ_OWN_SCORES,
        "retrieve": P.READ_OWN_SCORES,
        "create": P.RECORD_EVENT,
        "void": P.RECORD_EVENT,
    }

    def check_permissions(self, request):
        if (
            self.action in ("list", "retrieve")
            and request.user.is_authenticated
            and request.user.has_perm(P.READ_ALL_SCORES)
        ):
            return
        super().check_permissions(request)

    def get_queryset(self):
        qs = ScoreEvent.objects.select_related("plan", "rule", "department", "indicator").order_by("-date", "-id")
        return scope_to_user(qs, user=self.request.user, all_perm=P.READ_ALL_SCORES, own_perm=P.READ_OWN_SCORES)

    @extend_schema(
        request={"application/json": EventCreateSerializer, "multipart/form-data": EventCreateSerializer},
        responses={201: EventSerializer},
    )
    def create(self, request):
        data = EventCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        d = data.validated_data
        plan = Plan.objects.filter(year=d["year"]).first()
        if plan is None:
            raise ValidationError({"year": [_("No plan for this year.")]})
        rule = Rule.objects.filter(library=plan.library, code=d["rule"]).first()
        if rule is None:
            raise ValidationError({"rule": [_("Unknown rule code for this year.")]})
        department = Department.objects.filter(code=d["department"], is_active=True).first()
        if department is None:
            raise ValidationError({"department": [_("Unknown department code.")]})
        event = services.event_record(
            plan=plan,
            rule=rule,
            department=department,
            date=d["date"],
            occurrences=d["occurrences"],
            note=d.get("note", ""),
            evidence=d.get("evidence"),
            actor=request.user,
        )
        return Response(EventSerializer(event).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=ReasonSerializer, responses={200: EventSerializer})
    @action(detail=True, methods=["post"])
    def void(self, request, pk=None):
        v = ReasonSerializer(data=request.data)
        v.is_valid(raise_exception=True)
        event = services.event_void(
            event=self.get_object(), actor=request.user, reason=v.validated_data.get("reason", "")
        )
        return Response(EventSerializer(event).data)


class AppealViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Appeals against ledger lines of published scores: departments file, the supervision office decides."""

    serializer_class = AppealSerializer
    queryset = Appeal.objects.none()
    parser_classes = [JSONParser, MultiPartParser, FormParser]
    required_perms = {"create": P.FILE_APPEAL, "decide": P.DECIDE_APPEAL}

    def check_permissions(self, request):
        super().check_permissions(request)
        if self.action in ("list", "retrieve") and not any(
            request.user.has_perm(p) for p in (P.FILE_APPEAL, P.DECIDE_APPEAL, P.READ_ALL_SCORES)
        ):
            self.permission_denied(request)

    def get_queryset(self):
        return selectors.appeals_for_user(user=self.request.user).order_by("-filed_at")

    @extend_schema(
        request={"application/json": AppealCreateSerializer, "multipart/form-data": AppealCreateSerializer},
        responses={201: AppealSerializer},
    )
    def create(self, request):
        data = AppealCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        d = data.validated_data
        if not request.user.department_id:
            raise Http404
        score = selectors.score_get_for_user(
            user=request.user, code=request.user.department.code, year=d["year"], period=d["period"]
        )
        appeal = appeal_file(
            score=score, line_key=d["line_key"], reason=d["reason"], evidence=d.get("evidence"), actor=request.user
        )
        return Response(AppealSerializer(appeal).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=AppealDecisionSerializer, responses={200: AppealSerializer})
    @action(detail=True, methods=["post"])
    def decide(self, request, pk=None):
        data = AppealDecisionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        d = data.validated_data
        appeal = appeal_decide(
            appeal=self.get_object(),
            decision=d["decision"],
            reason=d["reason"],
            points=d.get("points"),
            actor=request.user,
        )
        return Response(AppealSerializer(appeal).data)
