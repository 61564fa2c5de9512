"""Forms of the budget pages. Business rules live in the services; these parse and show errors."""

from __future__ import annotations

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.forms import StyledForm, StyledModelForm, VersionField
from indicators.models import Indicator
from organizations.models import Department

from .choices import (
    DEPARTMENT_GRADES,
    GRADES,
    Action,
    ProjectStatus,
    RecommendationKind,
    RecommendationStatus,
)
from .evaluation import LINKABLE_METHODS
from .models import MAX_TEXT, BudgetProject, BudgetTarget, ExAnteDimension, KeyDimension, LibraryIndicator, Tranche
from .models.policy import EXANTE_DIMENSIONS, KEY_DIMENSIONS

MONEY_FIELD = {"max_digits": 15, "decimal_places": 2, "min_value": 0}


def revalidate(form) -> None:
    """Forget a validation run made before the form's fields were adjusted.

    ``StyledFormMixin.__init__`` reads ``form.errors`` to wire aria attributes, which validates a
    bound form before a subclass has set its querysets, required flags or added fields; the form
    must then be validated again against its final fields.
    """
    if not form.is_bound:
        return
    form._errors = None
    for name, field in form.fields.items():
        attrs = field.widget.attrs
        attrs.pop("aria-invalid", None)
        described = [d for d in attrs.get("aria-describedby", "").split() if d != f"{form[name].auto_id}_error"]
        if described:
            attrs["aria-describedby"] = " ".join(described)
        else:
            attrs.pop("aria-describedby", None)


class ProjectForm(StyledModelForm):
    version = VersionField()

    class Meta:
        model = BudgetProject
        fields = ["name", "code", "amount", "is_continuing", "funding_source", "category", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}
        help_texts = {"code": _("Leave empty to number it automatically (e.g. edu-2026-001)."), "amount": _("In yuan.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"].required = False
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version
        revalidate(self)

    def _post_clean(self):
        # Uniqueness and model rules are checked by the service (with the department and year set).
        pass


class ProjectCreateForm(ProjectForm):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)

    class Meta(ProjectForm.Meta):
        fields = ["year", *ProjectForm.Meta.fields]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].initial = timezone.localdate().year
        self.order_fields(["year", "name", "code", "amount", "funding_source", "category", "description"])


class TargetForm(StyledModelForm):
    version = VersionField()

    class Meta:
        model = BudgetTarget
        fields = [
            "dimension",
            "subdimension",
            "name",
            "operator",
            "value",
            "upper",
            "unit",
            "indicator",
            "library_indicator",
            "below_last_year_reason",
            "weight",
            "order",
        ]

    def __init__(self, *args, project: BudgetProject, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["subdimension"].required = False
        library = self.fields["library_indicator"]
        # A retired indicator stays on the target that chose it, but is offered to no other.
        chosen = Q(pk=self.instance.library_indicator_id) if self.instance.library_indicator_id else Q(pk__in=[])
        library.queryset = LibraryIndicator.objects.filter(Q(is_active=True) | chosen).select_related("sector")
        library.label_from_instance = lambda ind: f"{ind.sector.name} · {ind.name} {ind.unit}".strip()
        self.fields["order"].required = False
        self.fields["indicator"].queryset = Indicator.objects.filter(
            library__year=project.year, is_active=True, method__in=list(LINKABLE_METHODS)
        ).order_by("code")
        self.fields["indicator"].label_from_instance = lambda ind: f"{ind.code} {ind.name} ({ind.get_method_display()})"
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version
        revalidate(self)

    def _post_clean(self):
        pass


class ReturnForm(StyledForm):
    reason = forms.CharField(
        label=_("Reason for return"),
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The department sees it and corrects the sheet."),
    )
    version = VersionField()


class VersionForm(StyledForm):
    version = VersionField()


class SpendingForm(StyledForm):
    date = forms.DateField(label=_("Date"), widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}))
    amount = forms.DecimalField(label=_("Amount (yuan)"), **MONEY_FIELD)
    tranche = forms.ModelChoiceField(label=_("Tranche"), queryset=Tranche.objects.none(), required=False)
    description = forms.CharField(label=_("Description"), max_length=200, required=False)
    voucher = forms.CharField(label=_("Voucher number"), max_length=50, required=False)

    def __init__(self, *args, project: BudgetProject, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["tranche"].queryset = Tranche.objects.filter(project=project).order_by("order", "id")
        self.fields["tranche"].label_from_instance = lambda t: f"{t.name} ({t.get_status_display()})"
        today = timezone.localdate()
        self.fields["date"].initial = today if today.year == project.year else None
        revalidate(self)


class TrancheForm(StyledForm):
    name = forms.CharField(label=_("Name"), max_length=100)
    amount = forms.DecimalField(label=_("Amount (yuan)"), **MONEY_FIELD)
    planned_date = forms.DateField(
        label=_("Planned date"), required=False, widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})
    )
    condition_targets = forms.ModelMultipleChoiceField(
        label=_("Held until these targets are met"),
        queryset=BudgetTarget.objects.none(),
        required=False,
        help_text=_("Leave empty for a tranche that is paid without conditions."),
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )

    def __init__(self, *args, project: BudgetProject, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["condition_targets"].queryset = BudgetTarget.objects.filter(project=project)
        revalidate(self)


class ReleaseForm(StyledForm):
    note = forms.CharField(
        label=_("Release note"),
        max_length=MAX_TEXT,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required when no recorded value shows the targets met: the evidence you release on."),
    )


class ActualsForm(StyledForm):
    """One actual value and one note per target."""

    def __init__(self, *args, targets: list[BudgetTarget], **kwargs):
        super().__init__(*args, **kwargs)
        self.targets = targets
        for t in targets:
            self.fields[f"actual_{t.pk}"] = forms.DecimalField(
                label=t.name,
                required=False,
                max_digits=18,
                decimal_places=4,
                initial=None if t.actual is None else format(t.actual.normalize(), "f"),
            )
            self.fields[f"note_{t.pk}"] = forms.CharField(
                label=_("Source"), required=False, max_length=500, initial=t.actual_note
            )
            self.fields[f"not_applicable_{t.pk}"] = forms.BooleanField(
                label=_("Not applicable this year"), required=False, initial=t.not_applicable
            )
            self.fields[f"not_applicable_reason_{t.pk}"] = forms.CharField(
                label=_("Why it does not apply"), required=False, max_length=500, initial=t.not_applicable_reason
            )
            for name in (f"actual_{t.pk}", f"note_{t.pk}", f"not_applicable_reason_{t.pk}"):
                self.fields[name].widget.attrs["class"] = "form-control form-control-sm"
            self.fields[f"not_applicable_{t.pk}"].widget.attrs["class"] = "form-check-input"
        revalidate(self)

    def rows(self):
        return [
            (
                t,
                self[f"actual_{t.pk}"],
                self[f"note_{t.pk}"],
                self[f"not_applicable_{t.pk}"],
                self[f"not_applicable_reason_{t.pk}"],
            )
            for t in self.targets
        ]

    def values(self) -> dict[int, tuple]:
        return {
            t.pk: (
                self.cleaned_data.get(f"actual_{t.pk}"),
                self.cleaned_data.get(f"note_{t.pk}", ""),
                self.cleaned_data.get(f"not_applicable_{t.pk}", False),
                self.cleaned_data.get(f"not_applicable_reason_{t.pk}", ""),
            )
            for t in self.targets
        }


class DecisionForm(StyledForm):
    decision = forms.ChoiceField(
        label=_("Decision"), choices=[("accept", _("Accept")), ("override", _("Override"))], widget=forms.RadioSelect
    )
    final_action = forms.ChoiceField(label=_("Action"), choices=[("", "—"), *Action.choices], required=False)
    final_amount = forms.DecimalField(label=_("Amount (yuan)"), required=False, **MONEY_FIELD)
    reason = forms.CharField(
        label=_("Reason"),
        max_length=MAX_TEXT,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required for an override."),
    )
    version = VersionField()


class GenerateForm(StyledForm):
    year = forms.IntegerField(label=_("Budget year"), min_value=2001, max_value=2100)


class ImportForm(StyledForm):
    file = forms.FileField(
        label=_("Workbook (xlsx)"), help_text=_("Sheets “projects” and “targets”; see the template.")
    )


class ProjectFilterForm(StyledForm):
    year = forms.TypedChoiceField(label=_("Year"), required=False, coerce=int, empty_value=None)
    department = forms.ChoiceField(label=_("Department"), required=False)
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[("", _("All")), *ProjectStatus.choices])
    q = forms.CharField(label=_("Search"), required=False, max_length=100)

    def __init__(self, *args, years: list[int], show_department: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [("", _("All"))] + [(y, y) for y in years]
        if show_department:
            self.fields["department"].choices = [("", _("All"))] + [
                (d.code, d.name) for d in Department.objects.filter(is_active=True)
            ]
        else:
            del self.fields["department"]


class RecommendationFilterForm(StyledForm):
    department = forms.ChoiceField(label=_("Department"), required=False)
    status = forms.ChoiceField(
        label=_("Decision"), required=False, choices=[("", _("All")), *RecommendationStatus.choices]
    )
    kind = forms.ChoiceField(label=_("Kind"), required=False, choices=[("", _("All")), *RecommendationKind.choices])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].choices = [("", _("All"))] + [
            (d.code, d.name) for d in Department.objects.filter(is_active=True)
        ]


class PolicyForm(StyledForm):
    weight_execution = forms.DecimalField(label=_("Budget execution rate"), max_digits=5, decimal_places=2, min_value=0)
    weight_output = forms.DecimalField(label=_("Output"), max_digits=5, decimal_places=2, min_value=0)
    weight_cost = forms.DecimalField(
        label=_("Cost"),
        max_digits=5,
        decimal_places=2,
        min_value=0,
        help_text=_("0: cost targets are scored within the output weight (Ministry of Finance practice)."),
    )
    weight_effect = forms.DecimalField(label=_("Effect"), max_digits=5, decimal_places=2, min_value=0)
    weight_satisfaction = forms.DecimalField(label=_("Satisfaction"), max_digits=5, decimal_places=2, min_value=0)
    grade_excellent = forms.DecimalField(label=_("Excellent (优) from"), max_digits=5, decimal_places=2)
    grade_good = forms.DecimalField(label=_("Good (良) from"), max_digits=5, decimal_places=2)
    grade_fair = forms.DecimalField(label=_("Fair (中) from"), max_digits=5, decimal_places=2)
    exante_threshold = forms.DecimalField(
        label=_("Ex-ante assessment from (yuan)"),
        help_text=_("A new project of this amount or more needs an ex-ante assessment before it is submitted."),
        **MONEY_FIELD,
    )
    version = VersionField()

    WEIGHTS = ["weight_execution", "weight_output", "weight_cost", "weight_effect", "weight_satisfaction"]
    BANDS = ["grade_excellent", "grade_good", "grade_fair"]
    EXANTE = [f"exante_{dim}" for dim in EXANTE_DIMENSIONS]
    KEY = [f"key_{dim}" for dim in KEY_DIMENSIONS]

    def __init__(self, *args, policy, **kwargs):
        initial = {f: getattr(policy, f) for f in self.WEIGHTS + self.BANDS}
        initial["version"] = policy.version
        initial["exante_threshold"] = policy.exante_threshold
        for dim in EXANTE_DIMENSIONS:
            initial[f"exante_{dim}"] = (policy.exante_weights or {}).get(dim)
        for dim in KEY_DIMENSIONS:
            initial[f"key_{dim}"] = (policy.key_weights or {}).get(dim)
        for pg, _label in GRADES:
            for dg, _dlabel in DEPARTMENT_GRADES:
                cell = (policy.matrix.get(pg) or {}).get(dg) or {}
                initial[f"m_{pg}_{dg}_action"] = cell.get("action")
                initial[f"m_{pg}_{dg}_percent"] = cell.get("percent")
        kwargs.setdefault("initial", initial)
        super().__init__(*args, **kwargs)
        for dim, label in ExAnteDimension.choices:
            self.fields[f"exante_{dim}"] = forms.DecimalField(
                label=label, max_digits=5, decimal_places=2, min_value=0, max_value=100
            )
            self.fields[f"exante_{dim}"].widget.attrs["class"] = "form-control"
        for dim, label in KeyDimension.choices:
            self.fields[f"key_{dim}"] = forms.DecimalField(
                label=label, max_digits=5, decimal_places=2, min_value=0, max_value=100
            )
            self.fields[f"key_{dim}"].widget.attrs["class"] = "form-control"
        for pg, plabel in GRADES:
            for dg, dlabel in DEPARTMENT_GRADES:
                self.fields[f"m_{pg}_{dg}_action"] = forms.ChoiceField(
                    label=f"{plabel} × {dlabel}", choices=Action.choices
                )
                self.fields[f"m_{pg}_{dg}_percent"] = forms.DecimalField(
                    label=f"{plabel} × {dlabel} (%)", max_digits=6, decimal_places=2, min_value=-100, max_value=100
                )
                for suffix in ("action", "percent"):
                    widget = self.fields[f"m_{pg}_{dg}_{suffix}"].widget
                    widget.attrs["class"] = (
                        "form-select form-select-sm" if suffix == "action" else "form-control form-control-sm"
                    )
        revalidate(self)

    def matrix_rows(self):
        return [
            (
                plabel,
                [
                    (dlabel, self[f"m_{pg}_{dg}_action"], self[f"m_{pg}_{dg}_percent"])
                    for dg, dlabel in DEPARTMENT_GRADES
                ],
            )
            for pg, plabel in GRADES
        ]

    def data_for_service(self) -> dict:
        data = {f: self.cleaned_data[f] for f in self.WEIGHTS + self.BANDS}
        data["exante_threshold"] = self.cleaned_data["exante_threshold"]
        data["exante_weights"] = {dim: str(self.cleaned_data[f"exante_{dim}"]) for dim in EXANTE_DIMENSIONS}
        data["key_weights"] = {dim: str(self.cleaned_data[f"key_{dim}"]) for dim in KEY_DIMENSIONS}
        data["matrix"] = {
            pg: {
                dg: {
                    "action": self.cleaned_data[f"m_{pg}_{dg}_action"],
                    "percent": str(self.cleaned_data[f"m_{pg}_{dg}_percent"]),
                }
                for dg, _dl in DEPARTMENT_GRADES
            }
            for pg, _pl in GRADES
        }
        return data
