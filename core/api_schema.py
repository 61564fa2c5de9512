"""OpenAPI description of the API's optimistic locking (see ``core.api.VersionedETagMixin``)."""

from __future__ import annotations

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiParameter
from rest_framework import serializers

from .api import UNSAFE_METHODS


class PreconditionFailedSerializer(serializers.Serializer):
    detail = serializers.CharField()
    code = serializers.CharField()


class VersionedAutoSchema(AutoSchema):
    """Documents the optional ``If-Match`` header of writes, and the 412 it may give."""

    def _is_versioned_write(self) -> bool:
        return self.method in UNSAFE_METHODS and self._is_detail_route()

    def _is_detail_route(self) -> bool:
        detail = getattr(self.view, "detail", None)  # set on viewset routes
        return bool(detail) if detail is not None else "{" in self.path

    def get_override_parameters(self):
        params = list(super().get_override_parameters())
        if self._is_versioned_write():
            params.append(
                OpenApiParameter(
                    "If-Match",
                    str,
                    OpenApiParameter.HEADER,
                    required=False,
                    description=(
                        'The ETag you read (W/"<version>"). If the object changed since, nothing is '
                        "written and the answer is 412."
                    ),
                )
            )
        return params

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if self._is_versioned_write() and "412" not in responses:
            responses["412"] = self._get_response_for_code(PreconditionFailedSerializer, "412")
        return responses
