import json

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import StyledForm, StyledModelForm, VersionField
from organizations.models import Department

from .models import Category, GradeBand, Indicator, Library, Rule

PARAMS_HELP = _(
    'JSON. threshold, proportional, deduction: {}. tiered: {"basic_share": "0.8"}. '
    'scale: {"bands": [{"bound": "1", "points": "5"}, {"bound": "2", "points": "3"}], '
    '"otherwise": "0"}. grade: {"grades": {"A": "100", "B": "80", "C": "60", "D": "40"}}. '
    'satisfaction: {"scope": "area", "scope_code": "...", "measure": "rate", "target": "85"}. '
    'per_unit: {"per_unit": "0.5"}. rank: {"shares": ["60", "57", "54", "51", "48"], "rest": "0"}.'
)


class JSONTextField(forms.JSONField):
    def prepare_value(self, value):
        if isinstance(value, str):
            return value
        return json.dumps(value, ensure_ascii=False)


class IndicatorForm(StyledModelForm):
    params = JSONTextField(
        label=_("Method parameters"),
        required=False,
        help_text=PARAMS_HELP,
        widget=forms.Textarea(attrs={"rows": 3, "spellcheck": "false"}),
    )
    departments = forms.ModelMultipleChoiceField(
        label=_("Departments"),
        queryset=Department.objects.filter(is_active=True),
        required=False,
        help_text=_("For individual indicators: the departments it applies to."),
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )
    version = VersionField()

    class Meta:
        model = Indicator
        fields = [
            "code",
            "name",
            "description",
            "category",
            "kind",
            "unit",
            "value_type",
            "direction",
            "basic_target",
            "challenge_target",
            "range_upper",
            "points",
            "method",
            "params",
            "data_source",
            "evidence_required",
            "applicability",
            "departments",
            "budget_dimension",
            "budget_subdimension",
            "order",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, library: Library, **kwargs):
        super().__init__(*args, **kwargs)
        self.library = library
        self.instance.library = library
        self.fields["category"].queryset = Category.objects.filter(library=library)
        if self.instance.pk:
            self.fields["departments"].initial = list(self.instance.departments.all())
            self.fields["version"].initial = self.instance.version

    def clean_params(self):
        return self.cleaned_data.get("params") or {}

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("applicability") == "individual" and not cleaned.get("departments"):
            self.add_error("departments", _("Name at least one department for an individual indicator."))
        return cleaned


class CategoryForm(StyledModelForm):
    class Meta:
        model = Category
        fields = ["code", "name", "parent", "points", "order", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, library: Library, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.library = library
        qs = Category.objects.filter(library=library)
        if self.instance.pk:
            qs = qs.exclude(pk=self.instance.pk)
        self.fields["parent"].queryset = qs


class RuleForm(StyledModelForm):
    version = VersionField()

    class Meta:
        model = Rule
        fields = [
            "code",
            "name",
            "kind",
            "scope",
            "indicator",
            "effect",
            "points",
            "cap",
            "evidence_required",
            "order",
            "description",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, library: Library, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.library = library
        self.fields["indicator"].queryset = Indicator.objects.filter(library=library, is_active=True)
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version


class GradeBandForm(StyledModelForm):
    class Meta:
        model = GradeBand
        fields = ["code", "label", "min_score"]

    def __init__(self, *args, library: Library, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.library = library


class LibraryCreateForm(StyledForm):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    name = forms.CharField(label=_("Name"), max_length=200)


class LibraryCloneForm(StyledForm):
    source = forms.ModelChoiceField(label=_("Copy from"), queryset=Library.objects.all())
    year = forms.IntegerField(label=_("Into the year"), min_value=2000, max_value=2100)
    name = forms.CharField(
        label=_("Name"),
        max_length=200,
        required=False,
        help_text=_("Leave empty to reuse the source's name with the new year."),
    )


class IndicatorFilterForm(StyledForm):
    q = forms.CharField(label=_("Search"), required=False)
    category = forms.ChoiceField(label=_("Category"), required=False)
    method = forms.ChoiceField(label=_("Scoring method"), required=False)
    kind = forms.ChoiceField(label=_("Kind"), required=False)
    applicability = forms.ChoiceField(label=_("Applies to"), required=False)

    def __init__(self, *args, library: Library, **kwargs):
        super().__init__(*args, **kwargs)
        from .choices import Applicability, Kind, Method

        every = [("", _("All"))]
        self.fields["category"].choices = every + [(c.code, c.name) for c in library.categories.all()]
        self.fields["method"].choices = every + list(Method.choices)
        self.fields["kind"].choices = every + list(Kind.choices)
        self.fields["applicability"].choices = every + list(Applicability.choices)
