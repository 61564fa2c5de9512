"""Forms of the reallocation pages; the rules (amounts, scope) live in budgets.services.reallocations."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import StyledForm
from core.numbers import yuan

from . import reallocation_selectors
from .models import MAX_TEXT, ReallocationStatus

POOL = ""


class ReallocationForm(StyledForm):
    """From which project (or unreleased tranche), to which project or back to the pool, how much, why."""

    source = forms.TypedChoiceField(label=_("From project"), coerce=int)
    source_tranche = forms.TypedChoiceField(
        label=_("From tranche"),
        coerce=int,
        required=False,
        empty_value=None,
        help_text=_("Leave empty to take money of the project that no tranche holds."),
    )
    target = forms.TypedChoiceField(
        label=_("To"),
        coerce=int,
        required=False,
        empty_value=None,
        help_text=_("Another project, or back to the pool."),
    )
    amount = forms.CharField(
        label=_("Amount (yuan)"),
        max_length=30,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
        help_text=_("At most the money neither spent nor planned in tranches; two decimals at most."),
    )
    reason = forms.CharField(label=_("Reason"), max_length=MAX_TEXT, widget=forms.Textarea(attrs={"rows": 4}))
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, department_id: int, year: int, **kwargs):
        super().__init__(*args, **kwargs)
        projects = list(reallocation_selectors.source_projects(department_id=department_id, year=year))
        labels = [(p.pk, f"{p.code} {p.name} ({yuan(p.amount)})") for p in projects]
        self.fields["source"].choices = labels
        self.fields["target"].choices = [(POOL, _("Back to the pool")), *labels]
        self.fields["source_tranche"].choices = [
            ("", "—"),
            *[
                (t.pk, f"{t.project.code} · {t.name} ({yuan(t.amount)})")
                for t in reallocation_selectors.source_tranches(department_id=department_id, year=year)
            ],
        ]


class ReallocationFilterForm(StyledForm):
    year = forms.IntegerField(label=_("Year"), required=False, min_value=2000, max_value=2100)
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[("", _("All")), *ReallocationStatus.choices])
    department = forms.CharField(label=_("Department code"), required=False, max_length=40)


class ReallocationReturnForm(StyledForm):
    reason = forms.CharField(
        label=_("Reason for return"), max_length=MAX_TEXT, widget=forms.Textarea(attrs={"rows": 3})
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class ReallocationApproveForm(StyledForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
