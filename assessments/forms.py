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
