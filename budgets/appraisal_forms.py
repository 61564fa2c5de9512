"""Forms of the ex-ante assessment, work package and key evaluation pages. Rules live in the services."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.forms import StyledForm, VersionField
from core.roles import Role
from organizations.models import Department, User

from .models import MAX_TEXT, BudgetProject, Conclusion, PackageKind, WorkPackage


class PackageForm(StyledForm):
    evaluator = forms.ModelChoiceField(label=_("Evaluation firm"), queryset=User.objects.none())
    kind = forms.ChoiceField(label=_("Work"), choices=PackageKind.choices)
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    name = forms.CharField(label=_("Name"), max_length=200)
    department = forms.ModelChoiceField(
        label=_("A department's whole spending"),
        queryset=Department.objects.none(),
        required=False,
        help_text=_("Every project of the department in the year; or choose projects below."),
    )
    projects = forms.ModelMultipleChoiceField(
        label=_("Projects"), queryset=BudgetProject.objects.none(), required=False
    )
    starts_on = forms.DateField(label=_("From"), widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}))
    ends_on = forms.DateField(label=_("Until"), widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}))
    note = forms.CharField(
        label=_("Note"), max_length=MAX_TEXT, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, year: int, **kwargs):
        kwargs.setdefault("initial", {"year": year, "starts_on": timezone.localdate()})
        super().__init__(*args, **kwargs)
        self.fields["evaluator"].queryset = User.objects.filter(role=Role.EVALUATOR, is_active=True).order_by(
            "username"
        )
        self.fields["department"].queryset = Department.objects.filter(is_active=True).order_by("order", "code")
        self.fields["projects"].queryset = (
            BudgetProject.objects.filter(year__in=[year - 1, year, year + 1])
            .select_related("department")
            .order_by("-year", "department__order", "code")
        )
        self.fields["projects"].label_from_instance = lambda p: f"{p.year} · {p.department.name} · {p.name}"
        self.fields["evaluator"].label_from_instance = lambda u: u.get_full_name() or u.username


class PeriodForm(StyledForm):
    starts_on = forms.DateField(label=_("From"), widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}))
    ends_on = forms.DateField(label=_("Until"), widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}))
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class StartForm(StyledForm):
    """Start an ex-ante assessment or a key evaluation of a project, by finance or a package's firm."""

    package = forms.ModelChoiceField(
        label=_("Work package"),
        queryset=WorkPackage.objects.none(),
        required=False,
        help_text=_("Leave empty when finance does the work itself."),
    )

    def __init__(self, *args, packages=None, **kwargs):
        super().__init__(*args, **kwargs)
        if packages is not None:
            self.fields["package"].queryset = packages


class SheetForm(StyledForm):
    """A score sheet (ex-ante assessment or key evaluation): per dimension its criteria, score and
    comment. A subclass adds the work's own fields and names them in ``WORK_FIELDS``."""

    WORK_FIELDS: tuple[str, ...] = ()
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, work, **kwargs):
        lines = list(work.lines.all())
        initial = {name: getattr(work, name) for name in self.WORK_FIELDS}
        initial["version"] = work.version
        for line in lines:
            initial[f"criteria_{line.dimension}"] = line.criteria
            initial[f"score_{line.dimension}"] = line.score
            initial[f"comment_{line.dimension}"] = line.comment
        kwargs.setdefault("initial", initial)
        super().__init__(*args, **kwargs)
        self.lines = lines
        for line in lines:
            dim = line.dimension
            self.fields[f"criteria_{dim}"] = forms.CharField(
                label=_("Criteria"),
                max_length=MAX_TEXT,
                widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}),
            )
            self.fields[f"score_{dim}"] = forms.DecimalField(
                label=_("Score (of %(points)s)") % {"points": line.points},
                max_digits=7,
                decimal_places=2,
                min_value=0,
                max_value=line.points,
                required=False,
                widget=forms.NumberInput(attrs={"class": "form-control", "step": "0.01"}),
            )
            self.fields[f"comment_{dim}"] = forms.CharField(
                label=_("Comment"),
                max_length=MAX_TEXT,
                required=False,
                widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}),
            )

    def rows(self):
        return [
            {
                "line": line,
                "criteria": self[f"criteria_{line.dimension}"],
                "score": self[f"score_{line.dimension}"],
                "comment": self[f"comment_{line.dimension}"],
            }
            for line in self.lines
        ]

    def data_for_service(self) -> dict:
        cd = self.cleaned_data
        data = {
            "lines": {
                line.dimension: {
                    "criteria": cd.get(f"criteria_{line.dimension}"),
                    "score": cd.get(f"score_{line.dimension}"),
                    "comment": cd.get(f"comment_{line.dimension}"),
                }
                for line in self.lines
            }
        }
        return data | {name: cd.get(name) or "" for name in self.WORK_FIELDS}


class ExAnteForm(SheetForm):
    """The five-dimension sheet: per dimension its criteria, score and comment; then the conclusion."""

    WORK_FIELDS = ("conclusion", "required_changes", "summary")
    conclusion = forms.ChoiceField(label=_("Conclusion"), choices=[("", "—"), *Conclusion.choices], required=False)
    required_changes = forms.CharField(
        label=_("Required changes"),
        max_length=MAX_TEXT,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Needed for “support after changes”: what the project must change, one item a line."),
    )
    summary = forms.CharField(
        label=_("Assessment opinion"),
        max_length=MAX_TEXT,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The reasons for the conclusion; a project not supported is refused with them."),
    )

    def __init__(self, *args, assessment, **kwargs):
        super().__init__(*args, work=assessment, **kwargs)


class EvidenceForm(StyledForm):
    dimension = forms.CharField(widget=forms.HiddenInput)
    evidence = forms.FileField(label=_("Evidence file"))


class KeyForm(SheetForm):
    """The key evaluation's four-dimension sheet and its findings; the score is the sheet's total."""

    WORK_FIELDS = ("findings",)
    findings = forms.CharField(
        label=_("Findings"), max_length=MAX_TEXT, required=False, widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(self, *args, key, **kwargs):
        super().__init__(*args, work=key, **kwargs)


class ReviewForm(StyledForm):
    decision = forms.ChoiceField(
        label=_("Decision"), choices=[("accept", _("Accept")), ("return", _("Return with reasons"))]
    )
    reason = forms.CharField(
        label=_("Reasons"),
        max_length=MAX_TEXT,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required when the work goes back to the firm."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class SubmitForm(StyledForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class AssessmentImportForm(StyledForm):
    file = forms.FileField(
        label=_("Workbook (xlsx)"),
        help_text=_("Sheets “lines” (one row per dimension) and “conclusion”; start from the template."),
    )
    version = VersionField()
