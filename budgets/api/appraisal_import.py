"""The ex-ante assessment's xlsx import and its template on the API (docs/api.md), mixed into
``ExAnteViewSet``: the same rules as the page (``budgets.appraisal_import``), all cells or none."""

from __future__ import annotations

from django.http import HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from core.errors import ApplicationError

from .. import appraisal_import, importing
from .serializers import ImportRowErrorSerializer

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class AssessmentImportSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="xlsx with the sheets “lines” (one row per dimension) and “conclusion”.")
    version = serializers.IntegerField(
        required=False, min_value=0, help_text="The assessment's version read; a stale one answers 409."
    )
    dry_run = serializers.BooleanField(default=False, help_text="true: only check and report.")


class AssessmentImportLineSerializer(serializers.Serializer):
    criteria = serializers.CharField(allow_null=True)
    score = serializers.CharField(allow_null=True)
    comment = serializers.CharField(allow_null=True)


class AssessmentImportResultSerializer(serializers.Serializer):
    dry_run = serializers.BooleanField()
    valid = serializers.BooleanField()
    written = serializers.BooleanField()
    lines = serializers.DictField(child=AssessmentImportLineSerializer(), help_text="By dimension code.")
    conclusion = serializers.DictField(child=serializers.CharField())
    cells = ImportRowErrorSerializer(many=True, help_text="Each bad cell: sheet, row, column and reason.")
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()), help_text="The same, keyed sheet.row.column."
    )
    detail = serializers.CharField(required=False)
    code = serializers.CharField(required=False)


class ExAnteImportMixin:
    """``POST …/{id}/import/`` and ``GET …/{id}/import-template/`` of an ex-ante assessment."""

    @extend_schema(
        request={"multipart/form-data": AssessmentImportSerializer},
        responses={200: AssessmentImportResultSerializer, 400: AssessmentImportResultSerializer},
    )
    @action(
        detail=True,
        methods=["post"],
        url_path="import",
        url_name="import",
        parser_classes=[MultiPartParser, FormParser],
    )
    def import_(self, request, pk=None):
        """Fill the score sheet from xlsx: every cell is checked first and each bad one named (400, nothing
        written); otherwise the whole sheet is saved. Who may is who may save the sheet."""
        assessment = self.get_object()
        data = AssessmentImportSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        upload = data.validated_data["file"]
        if upload.size > importing.MAX_BYTES:
            raise ApplicationError(
                _("The file is larger than %(mb)d MB.") % {"mb": importing.MAX_BYTES // 1048576}, field="file"
            )
        result = appraisal_import.run(
            assessment=assessment,
            content=upload.read(),
            actor=request.user,
            expected_version=data.validated_data.get("version"),
            dry_run=data.validated_data["dry_run"],
            file_name=upload.name,
        )
        body = result.as_json()
        if not result.valid:
            n = len(result.errors)
            body["detail"] = ngettext(
                "%(n)d problem: nothing was written.", "%(n)d problems: nothing was written.", n
            ) % {"n": n}
            body["code"] = "invalid"
            return Response(body, status=status.HTTP_400_BAD_REQUEST)
        return Response(body)

    @extend_schema(responses={(200, XLSX): OpenApiResponse(OpenApiTypes.BINARY, description="xlsx workbook")})
    @action(detail=True, methods=["get"], url_path="import-template", url_name="import-template")
    def import_template(self, request, pk=None):
        """The assessment's sheet as it is now, in the import's columns."""
        assessment = self.get_object()
        response = HttpResponse(appraisal_import.template_workbook(assessment), content_type=XLSX)
        response["Content-Disposition"] = f'attachment; filename="exante-{assessment.pk}.xlsx"'
        return response
