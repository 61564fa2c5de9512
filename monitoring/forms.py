"""Forms of the warning pages; the rules live in monitoring.services."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import StyledForm

from .models import MonitoringWarning as W


class RespondForm(StyledForm):
    response = forms.ChoiceField(label=_("Response"), choices=[("", "—"), *W.Response.choices])
    adjustment = forms.ChoiceField(
        label=_("Adjustment requested"), choices=[("", "—"), *W.Adjustment.choices], required=False
    )
    reason = forms.CharField(label=_("Reason and measures"), max_length=2000, widget=forms.Textarea(attrs={"rows": 4}))
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class LiftForm(StyledForm):
    reason = forms.CharField(
        label=_("Reason for lifting the pause"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
