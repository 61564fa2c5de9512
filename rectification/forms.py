"""Forms of the ledger pages; the rules live in rectification.services."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import StyledForm
from organizations.models import Department

from .models import MAX_TEXT, Source

TEXTAREA = forms.Textarea(attrs={"rows": 3})


class ItemForm(StyledForm):
    department = forms.ModelChoiceField(label=_("Responsible department"), queryset=Department.objects.none())
    title = forms.CharField(label=_("Problem"), max_length=200)
    description = forms.CharField(label=_("Description of the problem"), max_length=MAX_TEXT, widget=TEXTAREA)
    measures_required = forms.CharField(label=_("Required measures"), max_length=MAX_TEXT, widget=TEXTAREA)
    deadline = forms.DateField(
        label=_("Deadline"),
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
        help_text=_("The last day, inclusive."),
    )
    source = forms.ChoiceField(
        label=_("Source"),
        choices=[(Source.MANUAL, Source.MANUAL.label), (Source.OTHER_EVALUATION, Source.OTHER_EVALUATION.label)],
        initial=Source.MANUAL,
    )
    source_label = forms.CharField(
        label=_("Which evaluation"),
        max_length=300,
        required=False,
        help_text=_("For a key or ex-ante evaluation: its title and date."),
    )

    def __init__(self, *args, from_source: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = Department.objects.filter(is_active=True).order_by("order", "code")
        if from_source:
            del self.fields["source"]
            del self.fields["source_label"]


class ProgressForm(StyledForm):
    measures_taken = forms.CharField(label=_("Measures taken"), max_length=MAX_TEXT, widget=TEXTAREA)
    progress = forms.IntegerField(label=_("Progress (percent)"), min_value=0, max_value=100)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class EvidenceForm(StyledForm):
    file = forms.FileField(label=_("Evidence file"))


class VersionForm(StyledForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class CloseForm(VersionForm):
    note = forms.CharField(label=_("Note"), max_length=MAX_TEXT, required=False, widget=TEXTAREA)


class RejectForm(VersionForm):
    reason = forms.CharField(label=_("Reasons for rejection"), max_length=MAX_TEXT, widget=TEXTAREA)
