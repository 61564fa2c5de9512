from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import StyledForm, StyledModelForm, VersionField
from indicators.models import Rule
from organizations.models import Department

from .models import Assignment, Plan, Quarter


def rule_label(rule: Rule) -> str:
    """A rule as a picker shows it: its name and what one occurrence does, never its code."""
    from core.numbers import points_text as fmt_points

    if rule.effect == "points":
        what = (_("−%(p)s points each time") if rule.kind == "deduction" else _("+%(p)s points each time")) % {
            "p": fmt_points(rule.points)
        }
    else:
        what = rule.get_effect_display()
    target = f"({rule.indicator.name})" if rule.indicator_id else ""
    return f"{rule.name}{target} · {what}"


class PlanForm(StyledModelForm):
    version = VersionField()

    class Meta:
        model = Plan
        fields = [
            "name",
            "status",
            "lag_threshold",
            "band_on_track",
            "band_behind",
            "head_signoff",
            "reminder_days",
            "escalation_days",
            "late_report_rule",
            "bonus_cap",
            "top_grade_share",
            "appeal_window_days",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["late_report_rule"].queryset = self.instance.library.rules.filter(kind="deduction", is_active=True)
        self.fields["late_report_rule"].label_from_instance = rule_label
        self.fields["version"].initial = self.instance.version


class QuarterForm(StyledModelForm):
    class Meta:
        model = Quarter
        fields = ["deadline", "close_after_days"]
        widgets = {"deadline": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}


class AssignmentForm(StyledModelForm):
    version = VersionField()

    class Meta:
        model = Assignment
        fields = [
            "basic_target",
            "challenge_target",
            "range_upper",
            "planned_q1",
            "planned_q2",
            "planned_q3",
            "planned_q4",
            "note",
            "is_active",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["version"].initial = self.instance.version
        for i in range(1, 5):
            self.fields[f"planned_q{i}"].help_text = _("Cumulative percent of the annual target.")


class ReturnForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)


class EventForm(StyledForm):
    rule = forms.ModelChoiceField(label=_("Rule"), queryset=Rule.objects.none())
    department = forms.ModelChoiceField(label=_("Department"), queryset=Department.objects.filter(is_active=True))
    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    occurrences = forms.IntegerField(label=_("Occurrences"), min_value=1, max_value=1000, initial=1)
    note = forms.CharField(label=_("Note"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))
    evidence = forms.FileField(label=_("Evidence"), required=False)

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["rule"].queryset = (
            Rule.objects.filter(library=plan.library, is_active=True)
            .select_related("indicator")
            .order_by("kind", "order", "code")
        )
        self.fields["rule"].label_from_instance = lambda r: f"{r.get_kind_display()} · {rule_label(r)}"


class EventFilterForm(StyledForm):
    """The events list's filters (GET). A bad value is an error beside its field; the list then
    shows without that filter."""

    department = forms.ChoiceField(label=_("Department"), required=False)
    rule = forms.ModelChoiceField(label=_("Rule"), queryset=Rule.objects.none(), required=False)
    period = forms.ChoiceField(
        label=_("Quarter"),
        required=False,
        choices=[("", _("All quarters"))] + [(f"Q{n}", _("Q%(n)s") % {"n": n}) for n in range(1, 5)],
    )
    date_from = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All")), ("in_force", _("In force")), ("withdrawn", _("Withdrawn"))],
    )

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].choices = [("", _("All departments"))] + list(
            Department.objects.filter(is_active=True).order_by("order", "code").values_list("code", "name")
        )
        self.fields["rule"].queryset = (
            Rule.objects.filter(library=plan.library).select_related("indicator").order_by("kind", "order", "code")
        )
        self.fields["rule"].label_from_instance = lambda r: f"{r.get_kind_display()} · {r.name}"
        self.fields["rule"].empty_label = _("All rules")

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("The end date cannot be before the start date."))
        return data

    def filters(self) -> dict:
        """The valid filters only (a field with an error is left out)."""
        data = self.cleaned_data if self.is_valid() else {}
        if not data:
            data = {k: v for k, v in getattr(self, "cleaned_data", {}).items() if k not in self.errors}
        out = {k: v for k, v in data.items() if v not in (None, "")}
        if "rule" in out:
            out["rule"] = out["rule"].pk
        return out
