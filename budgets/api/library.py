"""Endpoints of the shared target indicator library (指标库): every role that reads budgets reads it
with its benchmarks; finance adds, changes, retires, brings back and imports indicators
(docs/budgets.md, section 11; docs/api.md)."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from core.api import VersionedETagMixin
from core.errors import ApplicationError
from core.roles import P

from .. import importing, library_import, services, sheet_selectors, targetrules
from ..choices import BudgetDimension, BudgetSubdimension, Operator
from ..models import MAX_TEXT, LibraryIndicator, Sector
from .filters import LibraryIndicatorFilter
from .serializers import ImportRowErrorSerializer
from .views import READ, BudgetPermission, _int, project_for


class SectorSerializer(serializers.ModelSerializer):
    class Meta:
        model = Sector
        fields = ["code", "name", "order"]


class LibraryIndicatorSerializer(serializers.ModelSerializer):
    sector = SectorSerializer(read_only=True)
    level1 = serializers.CharField(source="get_dimension_display", read_only=True)
    level2 = serializers.SerializerMethodField()
    uses = serializers.IntegerField(read_only=True, default=0)

    class Meta:
        model = LibraryIndicator
        fields = [
            "id",
            "code",
            "sector",
            "dimension",
            "subdimension",
            "level1",
            "level2",
            "name",
            "unit",
            "operator",
            "definition",
            "is_active",
            "uses",
            "version",
        ]
        read_only_fields = fields

    def get_level2(self, obj) -> str:
        return targetrules.level2_label(obj.dimension, obj.subdimension)


class LibraryIndicatorWriteSerializer(serializers.Serializer):
    """A library indicator as finance writes it; the service checks the rules and names each field."""

    code = serializers.CharField(
        max_length=40, required=False, allow_blank=True, help_text="New indicators only; it cannot change later."
    )
    sector = serializers.CharField(max_length=30, help_text="Sector code.")
    dimension = serializers.ChoiceField(choices=BudgetDimension.choices, help_text="Level 1 (一级).")
    subdimension = serializers.ChoiceField(choices=BudgetSubdimension.choices, help_text="Level 2 (二级).")
    name = serializers.CharField(max_length=200, help_text="The indicator itself (三级).")
    unit = serializers.CharField(max_length=30, required=False, allow_blank=True)
    operator = serializers.ChoiceField(choices=Operator.choices, help_text="Direction: ge, le, eq or range.")
    definition = serializers.CharField(required=False, allow_blank=True, max_length=MAX_TEXT)
    version = serializers.IntegerField(
        required=False, min_value=0, help_text="The version read (changes only); a stale one answers 409."
    )


class LibraryImportSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="xlsx with the sheet “indicators” (see the page's template).")
    dry_run = serializers.BooleanField(default=True, help_text="true: only check and report; false: write all or none.")


class LibraryImportResultSerializer(serializers.Serializer):
    dry_run = serializers.BooleanField()
    valid = serializers.BooleanField()
    rows = serializers.IntegerField()
    errors = ImportRowErrorSerializer(many=True)
    created = serializers.ListField(child=serializers.CharField(), help_text="Codes written (or, dry, to be).")
    detail = serializers.CharField(required=False)
    code = serializers.CharField(required=False)


class LibraryVersionSerializer(serializers.Serializer):
    version = serializers.IntegerField(required=False, min_value=0, help_text="The version read; stale → 409.")


class YearFiguresSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    count = serializers.IntegerField(help_text="Actual values recorded that year.")
    minimum = serializers.DecimalField(max_digits=18, decimal_places=4, allow_null=True)
    mean = serializers.DecimalField(max_digits=18, decimal_places=2, allow_null=True)
    maximum = serializers.DecimalField(max_digits=18, decimal_places=4, allow_null=True)
    target_mean = serializers.DecimalField(max_digits=18, decimal_places=2, allow_null=True)


class SimilarSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    department = serializers.CharField()
    project = serializers.CharField(help_text="Empty for another department's project when read by a department.")
    category = serializers.CharField()
    target_text = serializers.CharField()
    actual = serializers.DecimalField(max_digits=18, decimal_places=4, allow_null=True)
    same_category = serializers.BooleanField()


class LibraryIndicatorDetailSerializer(LibraryIndicatorSerializer):
    history = serializers.SerializerMethodField()
    similar = serializers.SerializerMethodField()

    class Meta(LibraryIndicatorSerializer.Meta):
        fields = [*LibraryIndicatorSerializer.Meta.fields, "history", "similar"]
        read_only_fields = fields

    def _bench(self, obj):
        if not hasattr(self, "_b"):
            request = self.context["request"]
            project = None
            pid = _int(request.query_params.get("project"))
            if pid:
                project = project_for(request, pid)
            self._b = sheet_selectors.benchmarks(indicator=obj, user=request.user, project=project)
        return self._b

    @extend_schema_field(YearFiguresSerializer(many=True))
    def get_history(self, obj):
        return YearFiguresSerializer(self._bench(obj).history, many=True).data

    @extend_schema_field(SimilarSerializer(many=True))
    def get_similar(self, obj):
        return SimilarSerializer(self._bench(obj).similar, many=True).data


@extend_schema_view(
    retrieve=extend_schema(
        parameters=[OpenApiParameter("project", int, description="Benchmarks for this project (same category first)")]
    ),
)
class LibraryIndicatorViewSet(
    VersionedETagMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """The shared indicator library (指标库); the detail carries its benchmarks. Finance adds, changes,
    retires and brings back indicators; every role that reads budgets reads it."""

    permission_classes = [BudgetPermission]
    serializer_class = LibraryIndicatorSerializer
    queryset = LibraryIndicator.objects.none()
    filterset_class = LibraryIndicatorFilter
    required_perms = {"list": READ, "retrieve": READ, "sectors": READ, "*": P.MANAGE_BUDGET_LIBRARY}

    def get_queryset(self):
        return sheet_selectors.library_search(state="all")

    def filter_queryset(self, queryset):
        # Only the list is searched (those in use unless ``state``): one indicator is found by its id
        # whatever the parameters.
        return super().filter_queryset(queryset) if self.action == "list" else queryset

    def _fresh(self, indicator):
        return sheet_selectors.library_search(state="all").get(pk=indicator.pk)

    @extend_schema(request=LibraryIndicatorWriteSerializer, responses={201: LibraryIndicatorSerializer})
    def create(self, request, *args, **kwargs):
        """Add an indicator: 400 naming each field (``duplicate`` for a code or a name under the same
        sector and levels taken already)."""
        data = LibraryIndicatorWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        values.pop("version", None)
        indicator = services.library_indicator_save(actor=request.user, data=values)
        return Response(LibraryIndicatorSerializer(self._fresh(indicator)).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=LibraryIndicatorWriteSerializer, responses={200: LibraryIndicatorSerializer})
    def update(self, request, *args, **kwargs):
        """Change an indicator (the code stays); ``in_use`` when targets chose it and its levels would change."""
        indicator = self.get_object()
        data = LibraryIndicatorWriteSerializer(data=request.data, partial=kwargs.get("partial", False))
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        version = values.pop("version", None)
        services.library_indicator_save(actor=request.user, indicator=indicator, data=values, expected_version=version)
        return Response(LibraryIndicatorSerializer(self._fresh(indicator)).data)

    def _retire(self, request, *, retire: bool):
        indicator = self.get_object()
        data = LibraryVersionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.library_indicator_retire(
            indicator=indicator, actor=request.user, retire=retire, expected_version=data.validated_data.get("version")
        )
        return Response(LibraryIndicatorSerializer(self._fresh(indicator)).data)

    @extend_schema(request=LibraryVersionSerializer, responses={200: LibraryIndicatorSerializer})
    @action(detail=True, methods=["post"])
    def retire(self, request, pk=None):
        """Retire the indicator: it stays on the targets that chose it; no target can choose it again."""
        return self._retire(request, retire=True)

    @extend_schema(request=LibraryVersionSerializer, responses={200: LibraryIndicatorSerializer})
    @action(detail=True, methods=["post"])
    def reinstate(self, request, pk=None):
        """Bring a retired indicator back into use."""
        return self._retire(request, retire=False)

    @extend_schema(
        request={"multipart/form-data": LibraryImportSerializer},
        responses={200: LibraryImportResultSerializer, 400: LibraryImportResultSerializer},
    )
    @action(
        detail=False,
        methods=["post"],
        url_path="import",
        url_name="import",
        parser_classes=[MultiPartParser, FormParser],
    )
    def import_(self, request):
        """New indicators from xlsx: each row checked as a single create is, each problem named by row and
        column; with any problem nothing is written (400)."""
        data = LibraryImportSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        upload = data.validated_data["file"]
        if upload.size > importing.MAX_BYTES:
            raise ApplicationError(
                _("The file is larger than %(mb)d MB.") % {"mb": importing.MAX_BYTES // 1048576}, field="file"
            )
        result = library_import.run(
            content=upload.read(), actor=request.user, dry_run=data.validated_data["dry_run"], file_name=upload.name
        )
        body = result.as_json()
        if result.valid:
            return Response(body)
        n = len(result.errors)
        body["detail"] = ngettext("%(n)d problem: nothing was written.", "%(n)d problems: nothing was written.", n) % {
            "n": n
        }
        body["code"] = "invalid"
        return Response(body, status=status.HTTP_400_BAD_REQUEST)

    def get_serializer_class(self):
        return LibraryIndicatorDetailSerializer if self.action == "retrieve" else LibraryIndicatorSerializer

    @extend_schema(responses={200: SectorSerializer(many=True)})
    @action(detail=False, methods=["get"], pagination_class=None, filter_backends=[])
    def sectors(self, request):
        return Response(SectorSerializer(sheet_selectors.sectors(), many=True).data)
