from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from core.forms import StyledFormMixin


class TokenCreateForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=100,
        help_text=_("What the token is for, e.g. the system that will use it."),
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )


class LoginForm(StyledFormMixin, AuthenticationForm):
    pass
