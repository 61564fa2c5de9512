from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AdminPasswordChangeForm, AuthenticationForm, PasswordChangeForm
from django.utils.translation import gettext_lazy as _

from core.forms import StyledForm, StyledFormMixin


class TokenCreateForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=100,
        help_text=_("What the token is for, e.g. the system that will use it."),
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )


class EnrolmentCodeForm(StyledForm):
    enrolment_code = forms.CharField(
        label=_("Enrolment code"),
        max_length=32,
        help_text=_("The one-time code the security administrator gave you, e.g. K7QX2-M9PTA."),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autocapitalize": "characters"}),
    )


class LoginForm(StyledFormMixin, AuthenticationForm):
    pass


class PasswordChangeStyledForm(StyledFormMixin, PasswordChangeForm):
    """Old password, then the new one twice; the policy is shown under the field."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["new_password1"].help_text = password_validation.password_validators_help_text_html()


class AdminPasswordResetForm(AdminPasswordChangeForm):
    """The admin site's "change password" of another user: a reset the user must change."""

    def save(self, commit=True):
        from core.middleware import current_request

        from .services import password_reset_by_admin

        if not commit or not self.cleaned_data.get("set_usable_password", True):
            return super().save(commit=commit)
        request = current_request()
        actor = getattr(request, "user", None) if request is not None else None
        return password_reset_by_admin(user=self.user, password=self.cleaned_data["password1"], actor=actor)


class OtpCodeForm(StyledForm):
    code = forms.CharField(
        label=_("Verification code"),
        min_length=6,
        max_length=8,
        help_text=_("The 6-digit code your authenticator app shows now."),
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "pattern": "[0-9]*", "autofocus": True}
        ),
    )

    def clean_code(self):
        code = self.cleaned_data["code"].strip().replace(" ", "")
        if not code.isdigit():
            raise forms.ValidationError(_("Enter the digits only."))
        return code


class UnlockForm(StyledForm):
    username = forms.CharField(label=_("Username"), max_length=150)
