from django.contrib.auth import authenticate
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from core.errors import ApplicationError
from core.roles import P

from .. import selectors, services
from ..models import ApiToken
from .serializers import (
    ApiTokenCreatedSerializer,
    ApiTokenCreateSerializer,
    ApiTokenSerializer,
    DepartmentSerializer,
    MeSerializer,
    RankingGroupSerializer,
    RegionSerializer,
    TokenRequestSerializer,
    TokenResponseSerializer,
)


class TokenObtainView(APIView):
    """Exchange a username and password for an API token (API.md, Authentication)."""

    permission_classes = [AllowAny]
    authentication_classes = []

    @extend_schema(request=TokenRequestSerializer, responses={200: TokenResponseSerializer}, auth=[])
    def post(self, request):
        data = TokenRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user = authenticate(
            request._request, username=data.validated_data["username"], password=data.validated_data["password"]
        )
        if user is None or not user.is_active:
            raise ApplicationError(
                _("Unable to log in with the given username and password."), code="authentication_failed"
            )
        _token, key = services.token_issue(user=user, name=_("Issued at the token endpoint"))
        return Response({"token": key}, status=status.HTTP_200_OK)


class DepartmentViewSet(viewsets.ReadOnlyModelViewSet):
    """Departments, identified by their stable ``code``."""

    serializer_class = DepartmentSerializer
    lookup_field = "code"
    required_perms = {"*": P.READ_REFERENCE}
    filterset_fields = {"group__code": ["exact"], "region__code": ["exact"], "is_active": ["exact"]}

    def get_queryset(self):
        return selectors.departments_list(include_inactive=True)


class RankingGroupViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = RankingGroupSerializer
    lookup_field = "code"
    required_perms = {"*": P.READ_REFERENCE}

    def get_queryset(self):
        return selectors.groups_list()


class RegionViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = RegionSerializer
    lookup_field = "code"
    required_perms = {"*": P.READ_REFERENCE}

    def get_queryset(self):
        return selectors.regions_list()


class ApiTokenViewSet(mixins.ListModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet):
    """The caller's own API tokens (the security administrator sees everyone's)."""

    serializer_class = ApiTokenSerializer
    queryset = ApiToken.objects.none()

    def get_queryset(self):
        qs = ApiToken.objects.select_related("user")
        if self.request.user.has_perm(P.MANAGE_SECURITY):
            return qs
        return qs.filter(user=self.request.user)

    @extend_schema(request=ApiTokenCreateSerializer, responses={201: ApiTokenCreatedSerializer})
    def create(self, request):
        data = ApiTokenCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        token, key = services.token_issue(user=request.user, name=data.validated_data["name"])
        body = ApiTokenSerializer(token).data | {"token": key}
        return Response(body, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={200: ApiTokenSerializer})
    @action(detail=True, methods=["post"])
    def revoke(self, request, pk=None):
        token = self.get_object()
        services.token_revoke(token=token, actor=request.user)
        return Response(ApiTokenSerializer(token).data)


class MeView(APIView):
    """The calling user: role and department."""

    @extend_schema(responses={200: MeSerializer})
    def get(self, request):
        return Response(MeSerializer(request.user).data)
