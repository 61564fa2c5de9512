"""Login in one or two steps, two-factor enrolment, password change (docs/security.md, Authentication).

A user who needs a second factor (a role in OTP_REQUIRED_ROLES, or anyone who enrolled) is
not logged in by the password alone: the password step leaves a short-lived "pending" mark in
the anonymous session, and only the verify (or, the first time, the enrolment) step calls
``login()``. Until then the session is not signed in and reaches only these pages and logout.
"""

from __future__ import annotations

import base64
import io
import time

from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.signals import user_login_failed
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views import View

from core.errors import ApplicationError
from core.views_mixins import PermMixin, apply_error

from . import security, services
from .forms import EnrolmentCodeForm, LoginForm, OtpCodeForm, PasswordChangeStyledForm
from .models import User

PENDING_KEY = "pg_pending_login"
OTP_DEVICE_KEY = "pg_otp_device"
ENROLMENT_KEY = "pg_otp_enrolment"  # the enrolment code checked in this session (its row id)


def _pending_user(request) -> User | None:
    pending = request.session.get(PENDING_KEY)
    if not pending:
        return None
    if time.time() - pending.get("at", 0) > settings.OTP_PENDING_SECONDS:
        request.session.pop(PENDING_KEY, None)
        return None
    return User.objects.filter(pk=pending.get("user"), is_active=True).first()


def _complete_login(request, user: User, device):
    pending = request.session.pop(PENDING_KEY, {})
    request.pg_second_factor = "totp"  # recorded with the auth.login event
    login(request, user, backend=pending.get("backend") or settings.AUTHENTICATION_BACKENDS[-1])
    request.session[OTP_DEVICE_KEY] = device.persistent_id
    request.session.pop(ENROLMENT_KEY, None)
    target = pending.get("next") or ""
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=False):
        target = reverse(settings.LOGIN_REDIRECT_URL)
    return redirect(target)


class LoginView(auth_views.LoginView):
    """Step one: username and password (locked usernames are refused by django-axes)."""

    authentication_form = LoginForm
    redirect_authenticated_user = True

    def form_valid(self, form):
        user = form.get_user()
        if not security.needs_second_factor(user):
            return super().form_valid(form)
        self.request.session[PENDING_KEY] = {
            "user": user.pk,
            "backend": user.backend,
            "at": time.time(),
            "next": self.get_success_url(),
        }
        step = "otp_verify" if security.confirmed_device(user) else "otp_setup"
        return redirect(step)


class OtpVerifyView(View):
    """Step two: a current TOTP code. Wrong codes count towards the lockout like wrong passwords."""

    template_name = "registration/otp_verify.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            return redirect(settings.LOGIN_REDIRECT_URL)
        self.user = _pending_user(request)
        if self.user is None:
            messages.info(request, _("Please log in again."))
            return redirect("login")
        self.device = security.confirmed_device(self.user)
        if self.device is None:
            return redirect("otp_setup")
        return super().dispatch(request, *args, **kwargs)

    def get(self, request):
        return render(request, self.template_name, {"form": OtpCodeForm(), "pending_user": self.user})

    def post(self, request):
        form = OtpCodeForm(request.POST)
        credentials = {"username": self.user.username}
        if AxesProxyHandler.is_locked(request, credentials):
            request.session.pop(PENDING_KEY, None)
            return security.lockout_response(request, None, credentials)
        if form.is_valid():
            if self.device.verify_token(form.cleaned_data["code"]):
                return _complete_login(request, self.user, self.device)
            user_login_failed.send(sender=__name__, credentials={**credentials, "stage": "otp"}, request=request)
            if getattr(request, "axes_locked_out", False):
                request.session.pop(PENDING_KEY, None)
                return security.lockout_response(request, None, credentials)
            form.add_error("code", _("The code is wrong or has expired. Enter the code shown now."))
        return render(request, self.template_name, {"form": form, "pending_user": self.user})


def _qr_data_uri(text: str) -> str:
    """The enrolment QR code as an inline SVG data: URI (nothing is loaded from elsewhere)."""
    import qrcode
    import qrcode.image.svg

    buffer = io.BytesIO()
    qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, box_size=8, border=2).save(buffer)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode()


def _grouped_secret(device) -> str:
    secret = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


class OtpSetupView(View):
    """Enrol an authenticator app: scan the QR code (or type the key), confirm with a code.

    Reached at login by a user whose role requires two-factor login and who has no device yet,
    or by any signed-in user from the account page. A user whose role requires it first enters
    the one-time enrolment code the security administrator issued: the password alone never
    enrols a privileged account (whoever knows the password could bind their own phone).
    """

    template_name = "registration/otp_setup.html"
    code_template_name = "registration/otp_enrolment_code.html"

    def dispatch(self, request, *args, **kwargs):
        self.pending = not request.user.is_authenticated
        self.user = _pending_user(request) if self.pending else request.user
        if self.user is None:
            messages.info(request, _("Please log in again."))
            return redirect("login")
        if security.confirmed_device(self.user) is not None:
            if self.pending:
                return redirect("otp_verify")
            messages.info(request, _("Two-factor login is already set up for your account."))
            return redirect("organizations:account")
        self.enrolment_id = None
        if security.otp_required_for_role(self.user.role):
            self.enrolment_id = request.session.get(ENROLMENT_KEY)
            if not services.otp_enrolment_valid(user=self.user, enrolment_id=self.enrolment_id):
                request.session.pop(ENROLMENT_KEY, None)
                return self.enrolment_code_step(request)
        self.device = services.otp_device_for_enrolment(user=self.user)
        return super().dispatch(request, *args, **kwargs)

    def enrolment_code_step(self, request):
        """No device may be set up before the security administrator's one-time code is given."""
        form = EnrolmentCodeForm(request.POST if request.method == "POST" else None)
        if request.method == "POST" and form.is_valid():
            credentials = {"username": self.user.username}
            if AxesProxyHandler.is_locked(request, credentials):
                request.session.pop(PENDING_KEY, None)
                return security.lockout_response(request, None, credentials)
            enrolment = services.otp_enrolment_find(user=self.user, code=form.cleaned_data["enrolment_code"])
            if enrolment is not None:
                request.session[ENROLMENT_KEY] = enrolment.pk
                return redirect("otp_setup")
            # A wrong code counts towards the lockout, like a wrong password.
            user_login_failed.send(
                sender=__name__, credentials={**credentials, "stage": "otp_enrolment"}, request=request
            )
            if getattr(request, "axes_locked_out", False):
                request.session.pop(PENDING_KEY, None)
                return security.lockout_response(request, None, credentials)
            form.add_error(
                "enrolment_code",
                _("The enrolment code is wrong, used or expired. Ask the security administrator for a new one."),
            )
        return render(request, self.code_template_name, {"form": form, "pending": self.pending})

    def context(self, form):
        return {
            "form": form,
            "pending": self.pending,
            "qr": _qr_data_uri(self.device.config_url),
            "secret": _grouped_secret(self.device),
            "required": security.otp_required_for_role(self.user.role),
        }

    def get(self, request):
        return render(request, self.template_name, self.context(OtpCodeForm()))

    def post(self, request):
        form = OtpCodeForm(request.POST)
        if form.is_valid():
            try:
                ok = services.otp_enrol_confirm(
                    user=self.user, device=self.device, code=form.cleaned_data["code"], enrolment_id=self.enrolment_id
                )
            except ApplicationError as exc:
                apply_error(form, exc)
            else:
                if ok:
                    if self.pending:
                        return _complete_login(request, self.user, self.device)
                    request.session[OTP_DEVICE_KEY] = self.device.persistent_id
                    messages.success(request, _("Two-factor login is set up. You will be asked for a code at login."))
                    return redirect("organizations:account")
                form.add_error("code", _("The code is wrong or has expired. Enter the code shown now."))
        return render(request, self.template_name, self.context(form))


class OtpRemoveView(PermMixin, View):
    """Switch off one's own two-factor login (not for roles that require it)."""

    def post(self, request):
        form = OtpCodeForm(request.POST)
        device = security.confirmed_device(request.user)
        if device is None:
            return redirect("organizations:account")
        if not form.is_valid() or not device.verify_token(form.cleaned_data["code"]):
            messages.error(request, _("The code is wrong or has expired. Two-factor login stays on."))
            return redirect("organizations:account")
        try:
            services.otp_remove(user=request.user, actor=request.user)
        except ApplicationError as exc:
            messages.error(request, exc.message)
        else:
            request.session.pop(OTP_DEVICE_KEY, None)
            messages.success(request, _("Two-factor login is switched off."))
        return redirect("organizations:account")


class PasswordChangeView(auth_views.PasswordChangeView):
    """Change one's password: the old one, then a new one that meets the policy and is not
    one of the last five. Also the page every forced change (new, reset, expired) lands on."""

    form_class = PasswordChangeStyledForm
    template_name = "registration/password_change_form.html"
    success_url = reverse_lazy("home")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context["forced"] = security.must_change_password(user)
        context["expired"] = security.password_expired(user) and not user.must_change_password
        return context

    def form_valid(self, form):
        services.password_change(user=form.user, password=form.cleaned_data["new_password1"])
        update_session_auth_hash(self.request, form.user)
        messages.success(self.request, _("Your password was changed."))
        return redirect(self.get_success_url())


def admin_login(request):
    """The admin site's login goes through the one login page (lockout, second factor).

    A signed-in user without admin rights is refused instead of being sent round in circles.
    """
    from django.core.exceptions import PermissionDenied
    from django.http import QueryDict

    if request.user.is_authenticated:
        raise PermissionDenied
    query = QueryDict(mutable=True)
    target = request.GET.get("next") or reverse("admin:index")
    query["next"] = target
    return redirect(f"{reverse('login')}?{query.urlencode()}")
