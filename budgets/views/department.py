"""Pages of department-wide spending performance (部门整体支出绩效) and of disclosure decisions."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View

from core.errors import ApplicationError
from core.forms import StyledForm
from core.numbers import to_decimal
from core.roles import P, acts_for
from core.views_mixins import PermMixin, apply_error
from indicators.choices import Method
from indicators.models import Indicator

from .. import department_evaluation as dev
from .. import department_selectors as dsel
from .. import selectors, services
from ..choices import Operator, ProjectStatus
from ..evaluation import grouped
from ..models import DepartmentEvaluation, DepartmentSheet, DepartmentTarget, Disclosure, DisclosurePart
from .base import AnyPermMixin, ledger_rows


def sheet_or_404(request, pk: int, own: bool = False) -> DepartmentSheet:
    try:
        return dsel.sheet_get_for_user(user=request.user, pk=pk, own=own)
    except DepartmentSheet.DoesNotExist:
        raise Http404 from None


def _year(request) -> int:
    value = request.GET.get("year", "")
    return int(value) if value.isdigit() and 2000 <= int(value) <= 2100 else timezone.localdate().year


class DepartmentSheetListView(AnyPermMixin, View):
    def get(self, request):
        year = _year(request)
        sheets = list(dsel.sheets_for_user(user=request.user, year=year))
        latest = {}
        for e in dsel.evaluations_for_user(user=request.user, year=year):
            latest.setdefault(e.sheet_id, e)
        for s in sheets:
            s.latest = latest.get(s.pk)
        own = request.user.department
        can_open = (
            request.user.has_perm(P.EDIT_BUDGET)
            and own is not None
            and not any(s.department_id == own.pk for s in sheets)
        )
        return render(
            request,
            "budgets/department_list.html",
            {"year": year, "sheets": sheets, "can_open": can_open, "policy": dsel.policy_for_year(year=year)},
        )


class DepartmentSheetCreateView(PermMixin, View):
    perm = P.EDIT_BUDGET

    def post(self, request):
        if request.user.department is None:
            raise PermissionDenied
        year = request.POST.get("year", "")
        try:
            sheet = services.department_sheet_create(
                department=request.user.department,
                year=int(year) if year.isdigit() else timezone.localdate().year,
                actor=request.user,
            )
        except ApplicationError as exc:
            messages.error(request, exc.message)
            return redirect("budgets:department_list")
        return redirect("budgets:department_detail", pk=sheet.pk)


def render_sheet(request, sheet: DepartmentSheet, *, status: int = 200, errors: dict | None = None, posted=None):
    user = request.user
    targets = dsel.targets_of(sheet=sheet)
    policy = dsel.policy_for_year(year=sheet.year)
    points = {
        t.id: pts for _group, members in grouped(policy.weights, [t.as_input() for t in targets]) for t, pts in members
    }
    for t in targets:
        t.points = points.get(t.pk)
        t.error = (errors or {}).get(f"actual_{t.pk}") or (errors or {}).get(f"not_applicable_reason_{t.pk}")
    is_finance = user.has_perm(P.REVIEW_BUDGET)
    can_edit = acts_for(user, sheet.department_id, P.EDIT_BUDGET) and sheet.is_editable
    evaluation = dsel.latest_evaluation(sheet=sheet)
    amount, spent, count = dsel.department_budget(department_id=sheet.department_id, year=sheet.year)
    context = {
        "sheet": sheet,
        "groups": dsel.by_dimension(targets),
        "targets": targets,
        "weights": dict(zip(dev.DepartmentDimension.values, [w for _g, w, _d in policy.weights.groups()], strict=True)),
        "policy": policy,
        "can_edit": can_edit,
        "is_finance": is_finance,
        "problems": services.department.sheet_problems(sheet=sheet, targets=targets) if can_edit else [],
        "dimensions": dev.DepartmentDimension.choices,
        "operators": Operator.choices,
        "budget": {"amount": amount, "spent": spent, "projects": count},
        "evaluation": evaluation,
        "evaluations": dsel.evaluations_of(sheet=sheet),
        "errors": errors or {},
        "posted": posted or {},
        "decisions": {d.part: d for d in Disclosure.objects.filter(department_sheet=sheet)},
        "parts": [(p, label) for p, label in DisclosurePart.choices if p != DisclosurePart.KEY_EVALUATION],
    }
    if evaluation is not None:
        context["ledger"], context["ledger_groups"] = ledger_rows(evaluation)
        for row in context["ledger"]:
            row["group_label"] = _group_label(row["group"])
        for g in context["ledger_groups"]:
            g["label"] = _group_label(g["group"])
    return render(request, "budgets/department_detail.html", context, status=status)


def _group_label(group: str) -> str:
    return _("Budget execution rate") if group == "execution" else dev.dimension_label(group)


class DepartmentSheetDetailView(AnyPermMixin, View):
    def get(self, request, pk):
        return render_sheet(request, sheet_or_404(request, pk))


def _version(request) -> int | None:
    value = request.POST.get("version", "")
    return int(value) if value.isdigit() else None


class DepartmentSheetActionView(PermMixin, View):
    """One workflow step of a sheet (POST): the step names the service and who may take it."""

    step = ""
    DEPARTMENT_STEPS = {"submit", "target_create", "target_delete"}

    def dispatch(self, request, *args, **kwargs):
        self.perm = P.EDIT_BUDGET if self.step in self.DEPARTMENT_STEPS else P.REVIEW_BUDGET
        return super().dispatch(request, *args, **kwargs)

    def post(self, request, pk, **kwargs):
        sheet = sheet_or_404(request, pk, own=self.step in self.DEPARTMENT_STEPS)
        try:
            message = getattr(self, f"do_{self.step}")(request, sheet, **kwargs)
        except ApplicationError as exc:
            messages.error(request, exc.message)
            return render_sheet(request, sheet, status=400, errors=exc.errors, posted=request.POST)
        messages.success(request, message)
        return redirect("budgets:department_detail", pk=sheet.pk)

    def do_submit(self, request, sheet):
        services.department_sheet_submit(sheet=sheet, actor=request.user, expected_version=_version(request))
        return _("Submitted to finance for review.")

    def do_return(self, request, sheet):
        services.department_sheet_return(
            sheet=sheet, actor=request.user, reason=request.POST.get("reason", ""), expected_version=_version(request)
        )
        return _("Returned to the department.")

    def do_approve(self, request, sheet):
        services.department_sheet_approve(sheet=sheet, actor=request.user, expected_version=_version(request))
        return _("Approved.")

    def do_target_create(self, request, sheet):
        p = request.POST
        value = to_decimal(p.get("value"))
        upper = to_decimal(p.get("upper")) if p.get("upper") else None
        weight = to_decimal(p.get("weight")) if p.get("weight") else None
        if value is None:
            raise ApplicationError(_("Please correct the fields marked."), errors={"value": [_("Enter a number.")]})
        services.department_target_save(
            sheet=sheet,
            actor=request.user,
            data={
                "dimension": p.get("dimension", ""),
                "name": p.get("name", "").strip(),
                "operator": p.get("operator", Operator.GE),
                "value": value,
                "upper": upper,
                "unit": p.get("unit", "").strip(),
                "weight": weight,
                "order": sheet.targets.count() + 1,
            },
            expected_version=_version(request),
        )
        return _("Target added.")

    def do_target_delete(self, request, sheet, tid):
        target = DepartmentTarget.objects.filter(pk=tid, sheet=sheet).first()
        if target is None:
            raise Http404
        services.department_target_delete(target=target, actor=request.user)
        return _("Target deleted.")

    def do_actuals(self, request, sheet):
        p = request.POST
        values = {}
        for t in sheet.targets.all():
            if f"actual_{t.pk}" in p or f"not_applicable_{t.pk}" in p:
                values[t.pk] = (
                    p.get(f"actual_{t.pk}", "").strip() or None,
                    p.get(f"note_{t.pk}", ""),
                    bool(p.get(f"not_applicable_{t.pk}")),
                    p.get(f"not_applicable_reason_{t.pk}", ""),
                )
        services.department_actuals_record(sheet=sheet, actor=request.user, values=values)
        return _("Year-end values saved.")

    def do_evaluate(self, request, sheet):
        e = services.department_evaluation_compute(sheet=sheet, actor=request.user)
        return _("Evaluation computed: %(total)s points. It is a draft until finance confirms it.") % {"total": e.total}

    def _evaluation(self, sheet, number) -> DepartmentEvaluation:
        e = DepartmentEvaluation.objects.filter(sheet=sheet, number=number).first()
        if e is None:
            raise Http404
        return e

    def do_confirm(self, request, sheet, number):
        services.department_evaluation_confirm(evaluation=self._evaluation(sheet, number), actor=request.user)
        return _("Evaluation confirmed.")

    def do_publish(self, request, sheet, number):
        services.department_evaluation_publish(evaluation=self._evaluation(sheet, number), actor=request.user)
        return _("Evaluation published.")

    def do_disclosure(self, request, sheet):
        services.disclosure_set(
            department_sheet=sheet,
            part=request.POST.get("part", ""),
            withheld=bool(request.POST.get("withheld")),
            reason=request.POST.get("reason", ""),
            actor=request.user,
            expected_version=_version(request),
        )
        return _("Disclosure decision saved.")


class DisclosureListView(AnyPermMixin, View):
    """Each approved project of the year with its disclosure decisions; finance sets them here."""

    def get(self, request, status: int = 200, errors: dict | None = None):
        year = _year(request)
        projects = list(selectors.projects_for_user(user=request.user, year=year, status=ProjectStatus.APPROVED))
        decisions = {}
        for d in Disclosure.objects.filter(project__in=projects):
            decisions[(d.project_id, d.part)] = d
        parts = DisclosurePart.choices
        for p in projects:
            p.decisions = [(part, label, decisions.get((p.pk, part))) for part, label in parts]
        sheets = list(dsel.sheets_for_user(user=request.user, year=year, status=ProjectStatus.APPROVED))
        sheet_decisions = {
            (d.department_sheet_id, d.part): d for d in Disclosure.objects.filter(department_sheet__in=sheets)
        }
        for s in sheets:
            s.decisions = [
                (part, label, sheet_decisions.get((s.pk, part)))
                for part, label in parts
                if part != DisclosurePart.KEY_EVALUATION
            ]
        return render(
            request,
            "budgets/disclosure_list.html",
            {
                "year": year,
                "projects": projects,
                "sheets": sheets,
                "can_decide": request.user.has_perm(P.REVIEW_BUDGET),
                "errors": errors or {},
            },
            status=status,
        )

    def post(self, request):
        if not request.user.has_perm(P.REVIEW_BUDGET):
            raise PermissionDenied
        p = request.POST
        project = sheet = None
        try:
            if p.get("project", "").isdigit():
                project = selectors.project_get_for_user(user=request.user, pk=int(p["project"]))
            elif p.get("department_sheet", "").isdigit():
                sheet = dsel.sheet_get_for_user(user=request.user, pk=int(p["department_sheet"]))
        except Exception:
            raise Http404 from None
        try:
            services.disclosure_set(
                project=project,
                department_sheet=sheet,
                part=p.get("part", ""),
                withheld=bool(p.get("withheld")),
                reason=p.get("reason", ""),
                actor=request.user,
                expected_version=_version(request),
            )
        except ApplicationError as exc:
            messages.error(request, exc.message)
            return self.get(request, status=400, errors=exc.errors)
        messages.success(request, _("Disclosure decision saved."))
        return redirect(f"{request.path}?year={p.get('year', '')}")


class DepartmentPolicyForm(StyledForm):
    weight_execution = forms.DecimalField(label=_("Budget execution rate"), max_digits=5, decimal_places=2, min_value=0)
    weight_running_cost = forms.DecimalField(label=_("Running cost"), max_digits=5, decimal_places=2, min_value=0)
    weight_management = forms.DecimalField(
        label=_("Management efficiency"), max_digits=5, decimal_places=2, min_value=0
    )
    weight_output = forms.DecimalField(label=_("Duty output"), max_digits=5, decimal_places=2, min_value=0)
    weight_effect = forms.DecimalField(label=_("Social effect"), max_digits=5, decimal_places=2, min_value=0)
    weight_sustainability = forms.DecimalField(
        label=_("Sustainable development"), max_digits=5, decimal_places=2, min_value=0
    )
    weight_satisfaction = forms.DecimalField(
        label=_("Satisfaction of those served"), max_digits=5, decimal_places=2, min_value=0
    )
    assessment_indicator = forms.ModelChoiceField(
        label=_("Assessment indicator"),
        queryset=Indicator.objects.none(),
        required=False,
        help_text=_(
            "Optional: a qualitative indicator of the year's assessment that takes the grade of each "
            "department's published department-wide evaluation."
        ),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, policy, **kwargs):
        initial = {name: getattr(policy, name) for name in dev.WEIGHT_FIELDS.values()}
        initial |= {"assessment_indicator": policy.assessment_indicator_id, "version": policy.version}
        super().__init__(*args, initial=initial, **kwargs)
        self.fields["assessment_indicator"].queryset = Indicator.objects.filter(
            library__year=policy.year, method=Method.GRADE
        ).order_by("code")


class DepartmentPolicyView(AnyPermMixin, View):
    """A year's department-wide weights and the assessment indicator they feed; finance edits."""

    def render_form(self, request, policy, form, status=200):
        return render(
            request,
            "budgets/department_policy.html",
            {"policy": policy, "form": form, "can_edit": request.user.has_perm(P.REVIEW_BUDGET)},
            status=status,
        )

    def get(self, request, year):
        if not 2000 <= year <= 2100:
            raise Http404
        policy = dsel.policy_for_year(year=year)
        return self.render_form(request, policy, DepartmentPolicyForm(policy=policy))

    def post(self, request, year):
        if not request.user.has_perm(P.REVIEW_BUDGET):
            raise PermissionDenied
        if not 2000 <= year <= 2100:
            raise Http404
        policy = dsel.policy_for_year(year=year)
        form = DepartmentPolicyForm(request.POST, policy=policy)
        if form.is_valid():
            data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
            try:
                services.department_policy_save(
                    year=year,
                    actor=request.user,
                    data=data,
                    expected_version=form.cleaned_data.get("version") if policy.pk else None,
                )
            except ApplicationError as exc:
                apply_error(form, exc)
            else:
                messages.success(request, _("The policy of %(year)s was saved.") % {"year": year})
                return redirect("budgets:department_policy", year=year)
        return self.render_form(request, policy, form, status=400)
