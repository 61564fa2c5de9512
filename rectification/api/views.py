"""The rectification ledger's API: the second door into the same selectors and services as the pages.

A department reads and works on its own items only (another department's item answers 404);
the supervision office and finance raise items and decide on the closure of those they raised;
leaders read all.
"""

from __future__ import annotations

from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from budgets.api.views import BudgetPermission
from core.errors import ApplicationError
from core.roles import P
from organizations.models import Department

from .. import selectors, services, sources
from ..models import Item, Source
from . import serializers as s
from .filters import ItemFilter

READ = (P.READ_ALL_RECTIFICATION, P.READ_OWN_RECTIFICATION)


def _item(request, pk) -> Item:
    try:
        return selectors.item_get_for_user(user=request.user, pk=int(pk))
    except (Item.DoesNotExist, TypeError, ValueError):
        raise Http404 from None


@extend_schema_view(retrieve=extend_schema(responses={200: s.RectificationItemDetailSerializer}))
class ItemViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Rectification items (整改事项) and their transitions: progress, evidence, submit, close, reject."""

    permission_classes = [BudgetPermission]
    serializer_class = s.RectificationItemSerializer
    queryset = Item.objects.none()
    filterset_class = ItemFilter
    parser_classes = [JSONParser, MultiPartParser, FormParser]
    required_perms = {
        "list": READ,
        "retrieve": READ,
        "create": P.ISSUE_RECTIFICATION,
        "progress": P.WORK_RECTIFICATION,
        "evidence": P.WORK_RECTIFICATION,
        "submit": P.WORK_RECTIFICATION,
        "close": P.ISSUE_RECTIFICATION,
        "reject": P.ISSUE_RECTIFICATION,
        "*": P.ISSUE_RECTIFICATION,
    }

    def get_queryset(self):
        qs = selectors.items_for_user(user=self.request.user)
        if self.action == "retrieve":
            qs = qs.prefetch_related("evidence__uploaded_by", "steps__actor")
        return qs

    def get_serializer_class(self):
        return s.RectificationItemDetailSerializer if self.action == "retrieve" else s.RectificationItemSerializer

    @extend_schema(request=s.RectificationItemCreateSerializer, responses={201: s.RectificationItemDetailSerializer})
    def create(self, request, *args, **kwargs):
        """Raise an item by hand, or from its source (``source`` and ``source_id``), pre-filling what is left out."""
        data = s.RectificationItemCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        d = data.validated_data
        kwargs = {"source": d["source"], "source_label": d.get("source_label", "")}
        department = None
        if d["source"] not in (Source.MANUAL, Source.OTHER_EVALUATION):
            if d.get("source_id") is None:
                raise ApplicationError(_("Name the source object."), field="source_id")
            try:
                pre = sources.prefill(d["source"], d["source_id"])
            except LookupError:
                raise ApplicationError(_("No such source object."), field="source_id") from None
            kwargs.update(source_id=pre.source_id, source_label=pre.label, source_url=pre.url, year=pre.year)
            department = pre.department
            for field in ("title", "description", "measures_required", "deadline"):
                d.setdefault(field, getattr(pre, field))
        if d.get("department"):
            department = Department.objects.filter(code=d["department"]).first()
            if department is None:
                raise ApplicationError(_("No such department."), field="department")
        item = services.item_create(
            actor=request.user,
            department=department,
            title=d.get("title", ""),
            description=d.get("description", ""),
            measures_required=d.get("measures_required", ""),
            deadline=d.get("deadline"),
            **kwargs,
        )
        body = s.RectificationItemDetailSerializer(_item(request, item.pk)).data
        return Response(body, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.RectificationProgressSerializer, responses={200: s.RectificationItemSerializer})
    @action(detail=True, methods=["post"])
    def progress(self, request, pk=None):
        """The department records its measures taken and progress."""
        item = _item(request, pk)
        data = s.RectificationProgressSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        d = data.validated_data
        services.item_progress(
            item=item,
            actor=request.user,
            measures_taken=d["measures_taken"],
            progress=d["progress"],
            expected_version=d.get("version"),
        )
        return Response(s.RectificationItemSerializer(_item(request, pk)).data)

    @extend_schema(
        request={"multipart/form-data": s.RectificationEvidenceUploadSerializer},
        responses={201: s.RectificationEvidenceSerializer},
    )
    @action(detail=True, methods=["post"])
    def evidence(self, request, pk=None):
        """Attach a file (PDF, image or office document) as evidence of the rectification."""
        item = _item(request, pk)
        upload = request.FILES.get("file")
        if upload is None:
            raise ApplicationError(_("Choose a file."), field="file")
        ev = services.evidence_add(item=item, upload=upload, actor=request.user)
        return Response(s.RectificationEvidenceSerializer(ev).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.RectificationVersionSerializer, responses={200: s.RectificationItemSerializer})
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        """Submit for closure; refused (400) without measures taken or evidence."""
        item = _item(request, pk)
        data = s.RectificationVersionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.item_submit(item=item, actor=request.user, expected_version=data.validated_data.get("version"))
        return Response(s.RectificationItemSerializer(_item(request, pk)).data)

    @extend_schema(request=s.RectificationCloseSerializer, responses={200: s.RectificationItemSerializer})
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        """Approve the closure (销号); only the office that raised the item."""
        item = _item(request, pk)
        data = s.RectificationCloseSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.item_close(
            item=item,
            actor=request.user,
            note=data.validated_data.get("note", ""),
            expected_version=data.validated_data.get("version"),
        )
        return Response(s.RectificationItemSerializer(_item(request, pk)).data)

    @extend_schema(request=s.RectificationRejectSerializer, responses={200: s.RectificationItemSerializer})
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        """Reject the closure with reasons; the item is open again."""
        item = _item(request, pk)
        data = s.RectificationRejectSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.item_reject(
            item=item,
            actor=request.user,
            reason=data.validated_data["reason"],
            expected_version=data.validated_data.get("version"),
        )
        return Response(s.RectificationItemSerializer(_item(request, pk)).data)
