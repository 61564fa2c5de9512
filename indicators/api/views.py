"""Library endpoints: every signed-in business role reads; the supervision office writes."""

from django.db.models import Q
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from core.api import VersionedETagMixin
from core.roles import P

from .. import selectors, services
from ..models import Category, GradeBand, Indicator, Library, Rule
from .serializers import (
    CategorySerializer,
    GradeBandSerializer,
    IndicatorSerializer,
    LibrarySerializer,
    RuleSerializer,
)

READ_WRITE = {
    "list": P.READ_LIBRARY,
    "retrieve": P.READ_LIBRARY,
    "create": P.EDIT_LIBRARY,
    "update": P.EDIT_LIBRARY,
    "partial_update": P.EDIT_LIBRARY,
    "destroy": P.EDIT_LIBRARY,
    "retire": P.EDIT_LIBRARY,
    "*": P.EDIT_LIBRARY,
}
YEAR = OpenApiParameter("year", int, description="Year of the library")


class LibraryObjectViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Writes go through ``services.library_object_save`` (validation, audit, change records)."""

    required_perms = READ_WRITE

    def filter_year(self, qs):
        year = self.request.query_params.get("year")
        if year:
            qs = qs.filter(library__year=year) if year.isdigit() else qs.none()
        return qs

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        departments = data.pop("departments", None)
        serializer.instance = services.library_object_save(
            obj=self.queryset.model(library=data["library"]),
            data=data,
            actor=self.request.user,
            **({"departments": departments} if departments is not None else {}),
        )

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        departments = data.pop("departments", None)
        data.pop("library", None)  # an object stays in its year
        serializer.instance = services.library_object_save(
            obj=serializer.instance,
            data=data,
            actor=self.request.user,
            expected_version=self.request.data.get("version") if hasattr(self.request.data, "get") else None,
            **({"departments": departments} if departments is not None else {}),
        )


@extend_schema_view(list=extend_schema(parameters=[YEAR]))
class LibraryViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = LibrarySerializer
    lookup_field = "year"
    required_perms = {"*": P.READ_LIBRARY}

    def get_queryset(self):
        return Library.objects.select_related("cloned_from").order_by("-year")


@extend_schema_view(list=extend_schema(parameters=[YEAR]))
class CategoryViewSet(LibraryObjectViewSet):
    serializer_class = CategorySerializer
    queryset = Category.objects.select_related("library", "parent")

    def get_queryset(self):
        return self.filter_year(self.queryset.order_by("library__year", "order", "code"))


@extend_schema_view(
    list=extend_schema(
        parameters=[
            YEAR,
            OpenApiParameter("q", str, description="Text in code, name or description"),
            OpenApiParameter("category", str, description="Category code (includes sub-categories)"),
            OpenApiParameter("method", str),
            OpenApiParameter("kind", str),
            OpenApiParameter("applicability", str),
            OpenApiParameter(
                "department", str, description="Department code: common indicators and its individual ones"
            ),
            OpenApiParameter("code", str),
            OpenApiParameter("include_retired", bool),
        ]
    )
)
class IndicatorViewSet(VersionedETagMixin, LibraryObjectViewSet):
    serializer_class = IndicatorSerializer
    queryset = Indicator.objects.all()

    def get_queryset(self):
        p = self.request.query_params
        if self.action != "list":
            return Indicator.objects.select_related("library", "category").prefetch_related("departments")
        qs = selectors.indicators_search(
            q=p.get("q", ""),
            category=p.get("category", ""),
            method=p.get("method", ""),
            kind=p.get("kind", ""),
            applicability=p.get("applicability", ""),
            department=p.get("department", ""),
            include_retired=p.get("include_retired") in ("1", "true"),
        )
        if p.get("code"):
            qs = qs.filter(code=p["code"])
        return self.filter_year(qs)

    @extend_schema(request=None, responses={200: IndicatorSerializer})
    @action(detail=True, methods=["post"])
    def retire(self, request, pk=None):
        obj = services.library_object_retire(obj=self.get_object(), actor=request.user)
        return Response(self.get_serializer(obj).data, status=status.HTTP_200_OK)


@extend_schema_view(
    list=extend_schema(parameters=[YEAR, OpenApiParameter("kind", str), OpenApiParameter("indicator", str)])
)
class RuleViewSet(VersionedETagMixin, LibraryObjectViewSet):
    serializer_class = RuleSerializer
    queryset = Rule.objects.all()

    def get_queryset(self):
        qs = Rule.objects.select_related("library", "indicator").order_by("library__year", "kind", "order", "code")
        p = self.request.query_params
        if p.get("kind"):
            qs = qs.filter(kind=p["kind"])
        if p.get("indicator"):
            qs = qs.filter(Q(indicator__code=p["indicator"]))
        return self.filter_year(qs)

    @extend_schema(request=None, responses={200: RuleSerializer})
    @action(detail=True, methods=["post"])
    def retire(self, request, pk=None):
        obj = services.library_object_retire(obj=self.get_object(), actor=request.user)
        return Response(self.get_serializer(obj).data)


@extend_schema_view(list=extend_schema(parameters=[YEAR]))
class GradeBandViewSet(LibraryObjectViewSet):
    serializer_class = GradeBandSerializer
    queryset = GradeBand.objects.all()

    def get_queryset(self):
        return self.filter_year(GradeBand.objects.select_related("library").order_by("library__year", "-min_score"))
