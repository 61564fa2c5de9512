from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import StyledForm

from .models import MIN_RETENTION_DAYS, Outcome


class EventFilterForm(StyledForm):
    """Filters of the audit viewer; every field optional, all combined with AND."""

    date_from = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    actor = forms.CharField(label=_("Actor"), required=False, max_length=150)
    action = forms.ChoiceField(label=_("Action"), required=False)
    outcome = forms.ChoiceField(label=_("Outcome"), required=False, choices=[("", _("Any")), *Outcome.choices])
    object_type = forms.ChoiceField(label=_("Object type"), required=False)
    object_id = forms.CharField(label=_("Object id"), required=False, max_length=64)
    source_ip = forms.GenericIPAddressField(label=_("Source address"), required=False)

    def __init__(self, *args, **kwargs):
        from .labels import action_choices, object_type_choices

        super().__init__(*args, **kwargs)
        self.fields["action"].choices = [("", _("Any")), *action_choices()]
        self.fields["object_type"].choices = [("", _("Any")), *object_type_choices()]

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("The end date is before the start date."))
        return data


class RetentionForm(StyledForm):
    retention_days = forms.IntegerField(
        label=_("Keep audit events for (days)"),
        min_value=MIN_RETENTION_DAYS,
        max_value=36500,
        help_text=_("At least 183 days (six months, Cybersecurity Law art. 21)."),
    )
