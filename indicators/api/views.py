"""Library endpoints: every signed-in business role reads; the supervision office writes."""

from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from core.api import VersionedETagMixin
from core.roles import P

from .. import services
from ..models import Category, GradeBand, Indicator, Library, Rule
from .filters import CategoryFilter, GradeBandFilter, IndicatorFilter, RuleFilter
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


class LibraryObjectViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Writes go through ``services.library_object_save`` (validation, audit, change records)."""

    required_perms = READ_WRITE

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


# ``year`` is listed in the schema but has never filtered the libraries (there are few); kept as it was.
@extend_schema_view(list=extend_schema(parameters=[OpenApiParameter("year", int, description="Year of the library")]))
class LibraryViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = LibrarySerializer
    lookup_field = "year"
    required_perms = {"*": P.READ_LIBRARY}

    def get_queryset(self):
        return Library.objects.select_related("cloned_from").order_by("-year")


class CategoryViewSet(LibraryObjectViewSet):
    serializer_class = CategorySerializer
    queryset = Category.objects.select_related("library", "parent")
    filterset_class = CategoryFilter

    def get_queryset(self):
        return self.queryset.order_by("library__year", "order", "code")


class IndicatorViewSet(VersionedETagMixin, LibraryObjectViewSet):
    serializer_class = IndicatorSerializer
    queryset = Indicator.objects.all()
    filterset_class = IndicatorFilter

    def get_queryset(self):
        if self.action == "list":
            return Indicator.objects.all()  # the search (IndicatorFilter) joins and orders
        return Indicator.objects.select_related("library", "category").prefetch_related("departments")

    def filter_queryset(self, queryset):
        # Only the list is searched: one indicator is found by its id whatever the parameters.
        return super().filter_queryset(queryset) if self.action == "list" else queryset

    @extend_schema(request=None, responses={200: IndicatorSerializer})
    @action(detail=True, methods=["post"])
    def retire(self, request, pk=None):
        obj = services.library_object_retire(obj=self.get_object(), actor=request.user)
        return Response(self.get_serializer(obj).data, status=status.HTTP_200_OK)


class RuleViewSet(VersionedETagMixin, LibraryObjectViewSet):
    serializer_class = RuleSerializer
    queryset = Rule.objects.all()
    filterset_class = RuleFilter

    def get_queryset(self):
        return Rule.objects.select_related("library", "indicator").order_by("library__year", "kind", "order", "code")

    @extend_schema(request=None, responses={200: RuleSerializer})
    @action(detail=True, methods=["post"])
    def retire(self, request, pk=None):
        obj = services.library_object_retire(obj=self.get_object(), actor=request.user)
        return Response(self.get_serializer(obj).data)


class GradeBandViewSet(LibraryObjectViewSet):
    serializer_class = GradeBandSerializer
    queryset = GradeBand.objects.all()
    filterset_class = GradeBandFilter

    def get_queryset(self):
        return GradeBand.objects.select_related("library").order_by("library__year", "-min_score")
