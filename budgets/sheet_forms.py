"""Forms of the revision, library and quality pages. Rules live in the services; these parse input."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import StyledForm, VersionField

from .choices import GRADES, BudgetDimension, BudgetSubdimension, Operator
from .models import MAX_TEXT, BudgetTarget, LibraryIndicator, Sector

NEW_ROWS = 3
VALUE = {"max_digits": 18, "decimal_places": 4}


class AdjustmentForm(StyledForm):
    """The sheet in force, each target editable or removable, and a few blank rows for new targets.

    ``rows()`` gives the service the whole sheet asked for; ``prefixes`` maps its errors
    (``targets.<i>.<field>``) back onto this form's fields.
    """

    reason = forms.CharField(
        label=_("Reason for the revision"),
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Finance reads it with the changes; say what changed and why."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, targets: list[BudgetTarget], initial_rows: list[dict] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.targets = targets
        operators = Operator.choices
        for t in targets:
            p = f"t{t.pk}_"
            self.fields[p + "name"] = forms.CharField(label=_("Target"), max_length=200, initial=t.name)
            self.fields[p + "operator"] = forms.ChoiceField(label=_("Operator"), choices=operators, initial=t.operator)
            self.fields[p + "value"] = forms.DecimalField(label=_("Value"), initial=t.value, **VALUE)
            self.fields[p + "upper"] = forms.DecimalField(
                label=_("Upper bound"), initial=t.upper, required=False, **VALUE
            )
            self.fields[p + "unit"] = forms.CharField(label=_("Unit"), max_length=30, initial=t.unit, required=False)
            self.fields[p + "remove"] = forms.BooleanField(label=_("Remove"), required=False)
        blank = [("", "—")]
        library = LibraryIndicator.objects.filter(is_active=True).select_related("sector")
        for i in range(1, NEW_ROWS + 1):
            p = f"n{i}_"
            self.fields[p + "dimension"] = forms.ChoiceField(
                label=_("Dimension"), choices=blank + list(BudgetDimension.choices), required=False
            )
            self.fields[p + "subdimension"] = forms.ChoiceField(
                label=_("Sub-dimension"), choices=blank + list(BudgetSubdimension.choices), required=False
            )
            self.fields[p + "name"] = forms.CharField(label=_("Target"), max_length=200, required=False)
            self.fields[p + "operator"] = forms.ChoiceField(label=_("Operator"), choices=operators, required=False)
            self.fields[p + "value"] = forms.DecimalField(label=_("Value"), required=False, **VALUE)
            self.fields[p + "upper"] = forms.DecimalField(label=_("Upper bound"), required=False, **VALUE)
            self.fields[p + "unit"] = forms.CharField(label=_("Unit"), max_length=30, required=False)
            self.fields[p + "library"] = forms.ModelChoiceField(
                label=_("Indicator from the library"), queryset=library, required=False
            )
            self.fields[p + "library"].label_from_instance = lambda ind: f"{ind.sector.name} · {ind.name}"
        for field in self.fields.values():  # added after the styling mixin ran
            if "class" not in field.widget.attrs:
                widget = field.widget
                widget.attrs["class"] = (
                    "form-check-input"
                    if isinstance(widget, forms.CheckboxInput)
                    else "form-select form-select-sm"
                    if isinstance(widget, forms.Select)
                    else "form-control form-control-sm"
                )
        # Fields the template lays out in rows, not one by one.
        self.existing = [{"target": t, "fields": [self[f"t{t.pk}_{f}"] for f in EXISTING]} for t in targets]
        self.new = [[self[f"n{i}_{f}"] for f in NEW] for i in range(1, NEW_ROWS + 1)]
        self.prefixes: list[str] = []

    def rows(self) -> list[dict]:
        """The sheet asked for, for ``services.adjustment_request``."""
        data = self.cleaned_data
        rows, self.prefixes = [], []
        for t in self.targets:
            p = f"t{t.pk}_"
            if data.get(p + "remove"):
                continue
            rows.append(
                {
                    "id": t.pk,
                    "name": data.get(p + "name", ""),
                    "operator": data.get(p + "operator", ""),
                    "value": data.get(p + "value"),
                    "upper": data.get(p + "upper"),
                    "unit": data.get(p + "unit", ""),
                }
            )
            self.prefixes.append(p)
        for i in range(1, NEW_ROWS + 1):
            p = f"n{i}_"
            if not (data.get(p + "name") or "").strip():
                continue
            lib = data.get(p + "library")
            rows.append(
                {
                    "dimension": data.get(p + "dimension") or (lib.dimension if lib else ""),
                    "subdimension": data.get(p + "subdimension") or (lib.subdimension if lib else ""),
                    "name": data.get(p + "name"),
                    "operator": data.get(p + "operator") or Operator.GE,
                    "value": data.get(p + "value"),
                    "upper": data.get(p + "upper"),
                    "unit": data.get(p + "unit") or (lib.unit if lib else ""),
                    "library_code": lib.code if lib else "",
                }
            )
            self.prefixes.append(p)
        return rows

    def place_errors(self, errors: dict) -> None:
        """Service errors keyed ``targets.<i>.<field>`` beside the row's field; the rest on top."""
        for key, msgs in errors.items():
            field = None
            parts = key.split(".")
            if len(parts) == 3 and parts[0] == "targets" and parts[1].isdigit() and int(parts[1]) < len(self.prefixes):
                name = self.prefixes[int(parts[1])] + ("library" if parts[2] == "library_code" else parts[2])
                field = name if name in self.fields else None
            elif key in self.fields:
                field = key
            for m in msgs:
                self.add_error(field, m)


EXISTING = ("name", "operator", "value", "upper", "unit", "remove")
NEW = ("dimension", "subdimension", "name", "operator", "value", "upper", "unit", "library")


class DecisionForm(StyledForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class AdjustmentReturnForm(DecisionForm):
    reason = forms.CharField(
        label=_("Reason for return"), max_length=MAX_TEXT, widget=forms.Textarea(attrs={"rows": 3})
    )


class LibraryFilterForm(StyledForm):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    state = forms.ChoiceField(
        label=_("State"),
        required=False,
        choices=[("", _("In use")), ("retired", _("Retired")), ("all", _("All"))],
    )
    sector = forms.ChoiceField(label=_("Sector"), required=False)
    dimension = forms.ChoiceField(
        label=_("Level 1"), required=False, choices=[("", _("All"))] + list(BudgetDimension.choices)
    )
    subdimension = forms.ChoiceField(
        label=_("Level 2"), required=False, choices=[("", _("All"))] + list(BudgetSubdimension.choices)
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sector"].choices = [("", _("All"))] + [(s.code, s.name) for s in Sector.objects.order_by("order")]


class GradeForm(StyledForm):
    grade = forms.ChoiceField(label=_("Quality grade"), choices=GRADES, widget=forms.RadioSelect)
    comment = forms.CharField(
        label=_("Comment"), required=False, max_length=MAX_TEXT, widget=forms.Textarea(attrs={"rows": 3})
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class LibraryIndicatorForm(StyledForm):
    """Finance's form of a library indicator; the rules (unique code, no duplicate name under the same
    sector and levels, levels kept while in use) are the service's."""

    code = forms.CharField(
        label=_("Code"), max_length=40, help_text=_("Letters, digits, - and _; it cannot change later.")
    )
    sector = forms.ModelChoiceField(label=_("Sector"), queryset=Sector.objects.order_by("order", "code"))
    dimension = forms.ChoiceField(label=_("Level 1"), choices=BudgetDimension.choices)
    subdimension = forms.ChoiceField(label=_("Level 2"), choices=BudgetSubdimension.choices)
    name = forms.CharField(label=_("Indicator (level 3)"), max_length=200)
    unit = forms.CharField(label=_("Unit"), max_length=30, required=False)
    operator = forms.ChoiceField(label=_("Direction"), choices=Operator.choices)
    definition = forms.CharField(
        label=_("Definition"),
        required=False,
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What the indicator measures and how its value is worked out (指标解释)."),
    )
    version = VersionField()

    def __init__(self, *args, indicator: LibraryIndicator | None = None, **kwargs):
        if indicator is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "code": indicator.code,
                "sector": indicator.sector_id,
                "dimension": indicator.dimension,
                "subdimension": indicator.subdimension,
                "name": indicator.name,
                "unit": indicator.unit,
                "operator": indicator.operator,
                "definition": indicator.definition,
                "version": indicator.version,
            }
        super().__init__(*args, **kwargs)
        if indicator is not None:  # the code stays as it is
            self.fields["code"].disabled = True
            self.fields["code"].required = False


class LibraryImportForm(StyledForm):
    file = forms.FileField(label=_("Workbook (xlsx)"), help_text=_("Sheet “indicators”; see the template."))
