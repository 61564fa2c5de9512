from django.contrib.auth import authenticate
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from audit.models import Outcome
from audit.services import audit_log
from core.errors import ApplicationError
from core.roles import P

from .. import security, selectors, services
from ..models import ApiToken
from .serializers import (
    ApiTokenCreatedSerializer,
    ApiTokenCreateSerializer,
    ApiTokenSerializer,
    DepartmentSerializer,
    MeSerializer,
    RankingGroupSerializer,
    RegionSerializer,
    TokenErrorSerializer,
    TokenRequestSerializer,
    TokenResponseSerializer,
)


class LockedOut(ApplicationError):
    status_code = 429


class TokenObtainView(APIView):
    """Exchange a username and password (and, where required, a TOTP code) for an API token.

    The same rules as the browser login apply (docs/security.md, Authentication): more than five
    consecutive failures lock the username for 30 minutes (429); a user of a role that requires
    two-factor login, or who enrolled, must send ``otp``; a wrong code counts as a failure; a
    user who must change the password (new, reset or expired) gets no token until they have; a
    role without API use (the audit administrator) gets none at all.
    """

    permission_classes = [AllowAny]
    authentication_classes = []

    @extend_schema(
        request=TokenRequestSerializer,
        responses={
            200: TokenResponseSerializer,
            400: OpenApiResponse(TokenErrorSerializer, description="Wrong credentials, or a missing or wrong `otp`."),
            403: OpenApiResponse(
                TokenErrorSerializer,
                description="Two-factor enrolment or a password change is needed first, or the role has no API use.",
            ),
            429: OpenApiResponse(TokenErrorSerializer, description="The username is locked after too many failures."),
        },
        auth=[],
    )
    def post(self, request):
        data = TokenRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        django_request = request._request
        username = data.validated_data["username"]
        user = authenticate(django_request, username=username, password=data.validated_data["password"])
        if getattr(django_request, "axes_locked_out", False):
            raise LockedOut(security.lockout_message(security.lockout_minutes()), code="locked_out")
        if user is None or not user.is_active:
            raise ApplicationError(
                _("Unable to log in with the given username and password."), code="authentication_failed"
            )
        if security.needs_second_factor(user):
            device = security.confirmed_device(user)
            if device is None:
                raise PermissionDenied(
                    _("Your role requires two-factor login: set it up in the browser first."),
                    code="otp_enrolment_required",
                )
            code = data.validated_data.get("otp")
            if not code:
                raise ApplicationError(_("Enter the code of your authenticator app."), field="otp", code="otp_required")
            if not device.verify_token(code):
                user_login_failed.send(
                    sender=__name__, credentials={"username": username, "stage": "otp"}, request=django_request
                )
                if getattr(django_request, "axes_locked_out", False):
                    raise LockedOut(security.lockout_message(security.lockout_minutes()), code="locked_out")
                raise ApplicationError(_("The code is wrong or has expired."), field="otp", code="otp_invalid")
        if security.must_change_password(user):
            raise PermissionDenied(
                _("You must change your password in the browser before you get a token."),
                code="password_change_required",
            )
        if not user.has_perm(P.USE_API_TOKENS):
            # The audit administrator (a role without API use) gets no token, whatever it sends.
            audit_log(
                "auth.denied",
                actor=user,
                obj=user,
                request=django_request,
                outcome=Outcome.DENIED,
                data={"path": django_request.path, "method": "POST", "reason": "api_not_allowed"},
            )
            raise PermissionDenied(_("Your role does not use the API."), code="api_not_allowed")
        # A successful sign-in: audited as a login, and the failure count starts again.
        django_request.pg_second_factor = "totp" if security.needs_second_factor(user) else None
        user_logged_in.send(sender=user.__class__, request=django_request, user=user)
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


@extend_schema_view(
    list=extend_schema(
        parameters=[
            OpenApiParameter("user", str, description="Username (security administrator only: anyone's tokens).")
        ]
    )
)
class ApiTokenViewSet(mixins.ListModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet):
    """The caller's own API tokens; the security administrator lists and revokes everyone's."""

    serializer_class = ApiTokenSerializer
    queryset = ApiToken.objects.none()
    required_perms = {"*": P.USE_API_TOKENS}

    def get_queryset(self):
        username = self.request.query_params.get("user") if self.action == "list" else None
        return selectors.tokens_for_user(user=self.request.user, username=username or None)

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
