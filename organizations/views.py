from django.contrib import messages
from django.db.models import Exists, OuterRef, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import ListView

from core.errors import ApplicationError
from core.roles import P
from core.views_mixins import PermMixin, apply_error

from . import security, selectors, services
from .forms import OtpCodeForm, TokenCreateForm, UnlockForm
from .models import User


class DepartmentListView(PermMixin, ListView):
    perm = P.READ_REFERENCE
    template_name = "organizations/department_list.html"
    context_object_name = "departments"

    def get_queryset(self):
        return selectors.departments_list(include_inactive=True)


class TokenListView(PermMixin, View):
    """API tokens: create one's own (the key is shown once) and revoke.

    The security administrator sees and revokes everyone's, filtered by user.
    """

    perm = P.USE_API_TOKENS
    template_name = "organizations/token_list.html"

    @staticmethod
    def tokens(request):
        return selectors.tokens_for_user(user=request.user, username=request.GET.get("user") or None)

    def render_page(self, request, form, new_key=None):
        return render(
            request,
            self.template_name,
            {
                "tokens": self.tokens(request),
                "form": form,
                "new_key": new_key,
                "all_users": request.user.has_perm(P.MANAGE_SECURITY),
                "user_filter": request.GET.get("user", ""),
            },
        )

    def get(self, request):
        return self.render_page(request, TokenCreateForm())

    def post(self, request):
        form = TokenCreateForm(request.POST)
        new_key = None
        if form.is_valid():
            try:
                _token, new_key = services.token_issue(user=request.user, name=form.cleaned_data["name"])
            except ApplicationError as exc:
                apply_error(form, exc)
            else:
                form = TokenCreateForm()
        return self.render_page(request, form, new_key)


class TokenRevokeView(PermMixin, View):
    perm = P.USE_API_TOKENS

    def post(self, request, pk):
        token = get_object_or_404(selectors.tokens_for_user(user=request.user), pk=pk)
        services.token_revoke(token=token, actor=request.user)
        messages.success(request, _("The token was revoked."))
        return redirect("organizations:token_list")


class AccountView(PermMixin, View):
    """One's own account: password age and expiry, two-factor login, the current session."""

    template_name = "organizations/account.html"

    def get(self, request):
        from django.conf import settings

        from .signals import SESSION_LOGIN_AT

        user = request.user
        login_at = request.session.get(SESSION_LOGIN_AT)
        return render(
            request,
            self.template_name,
            {
                "password_changed_at": user.password_changed_at,
                "password_expires_at": security.password_expires_at(user),
                "device": security.confirmed_device(user),
                "otp_required": security.otp_required_for_role(user.role),
                "session_login_at": login_at,
                "idle_minutes": settings.SESSION_COOKIE_AGE // 60,
                "absolute_hours": settings.SESSION_ABSOLUTE_SECONDS // 3600,
                "code_form": OtpCodeForm(),
            },
        )


class SecurityView(PermMixin, View):
    """The security administrator's console: locked accounts and every account's login security.

    Shows account names and roles only, no business data (docs/domain.md §1).
    """

    perm = P.MANAGE_SECURITY
    template_name = "organizations/security.html"

    def get(self, request):
        from django.conf import settings
        from django_otp.plugins.otp_totp.models import TOTPDevice

        query = (request.GET.get("q") or "").strip()
        users = User.objects.annotate(
            has_otp=Exists(TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True))
        ).order_by("username")
        if query:
            users = users.filter(
                Q(username__icontains=query) | Q(last_name__icontains=query) | Q(first_name__icontains=query)
            )
        required = set(settings.OTP_REQUIRED_ROLES)
        rows = [
            {
                "user": u,
                "otp_required": u.role in required,
                "expires_at": security.password_expires_at(u),
                "must_change": security.must_change_password(u),
            }
            for u in users
        ]
        return render(
            request,
            self.template_name,
            {
                "locks": security.current_locks(),
                "rows": rows,
                "q": query,
                "unlock_form": UnlockForm(),
                "policy": {
                    "failures": settings.LOGIN_FAILURES_ALLOWED,
                    "lock_minutes": security.lockout_minutes(),
                    "expiry_days": settings.PASSWORD_EXPIRY_DAYS,
                    "history": settings.PASSWORD_HISTORY_COUNT,
                    "idle_minutes": settings.SESSION_COOKIE_AGE // 60,
                    "absolute_hours": settings.SESSION_ABSOLUTE_SECONDS // 3600,
                    "otp_roles": [label for value, label in User._meta.get_field("role").choices if value in required],
                },
            },
        )


class UnlockView(PermMixin, View):
    perm = P.MANAGE_SECURITY

    def post(self, request):
        form = UnlockForm(request.POST)
        if form.is_valid():
            try:
                services.account_unlock(username=form.cleaned_data["username"], actor=request.user)
            except ApplicationError as exc:
                messages.error(request, exc.message)
            else:
                messages.success(
                    request, _("The account %(name)s is unlocked.") % {"name": form.cleaned_data["username"]}
                )
        return redirect("organizations:security")


class OtpResetView(PermMixin, View):
    """Remove a user's two-factor devices (a lost phone); the user enrols again at next login."""

    perm = P.MANAGE_SECURITY

    def post(self, request, pk):
        user = get_object_or_404(User, pk=pk)
        try:
            services.otp_remove(user=user, actor=request.user)
        except ApplicationError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Two-factor login of %(name)s was reset.") % {"name": user.username})
        return redirect("organizations:security")


class OtpEnrolmentIssueView(PermMixin, View):
    """Issue a one-time two-factor enrolment code for a user (shown once, on this answer only)."""

    perm = P.MANAGE_SECURITY

    def post(self, request, pk):
        user = get_object_or_404(User, pk=pk)
        try:
            enrolment, code = services.otp_enrolment_issue(user=user, actor=request.user)
        except ApplicationError as exc:
            messages.error(request, exc.message)
            return redirect("organizations:security")
        return render(
            request,
            "organizations/otp_enrolment_issued.html",
            {"target": user, "code": code, "expires_at": enrolment.expires_at},
        )
