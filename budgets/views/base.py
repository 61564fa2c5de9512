"""Shared pieces of the budget pages: permissions, the project lookup, ledger display."""

from __future__ import annotations

from decimal import Decimal

from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _

from core.roles import P, acts_for
from core.text import render as render_text
from core.views_mixins import PermMixin

from .. import reallocation_selectors, selectors, services
from ..choices import BudgetDimension, RevisionKind
from ..evaluation import grouped
from ..forms import ActualsForm, ReleaseForm, ReturnForm, SpendingForm, VersionForm
from ..models import BudgetProject, Evaluation

READ_PERMS = (P.READ_OWN_BUDGETS, P.READ_ALL_BUDGETS)


class AnyPermMixin(PermMixin):
    """The budget pages' default: any one of the budget read permissions (department users read their
    own, others all); a view names other ``perms`` to narrow it."""

    perms: tuple[str, ...] = READ_PERMS


def project_or_404(request, pk: int, own: bool = False) -> BudgetProject:
    try:
        return selectors.project_get_for_user(user=request.user, pk=pk, own=own)
    except BudgetProject.DoesNotExist:
        raise Http404 from None


def can_edit_sheet(user, project: BudgetProject) -> bool:
    return acts_for(user, project.department_id, P.EDIT_BUDGET) and project.is_editable


def group_label(group: str) -> str:
    if group == "execution":
        return _("Budget execution rate")
    return str(BudgetDimension(group).label) if group in BudgetDimension.values else group


def ledger_rows(evaluation: Evaluation) -> tuple[list[dict], list[dict]]:
    """The stored ledger, each explanation in the reader's language, with subtotals per group."""
    rows, subtotals = [], {}
    for line in evaluation.ledger:
        detail = line.get("detail") or {}
        points = Decimal(line["points"])
        subtotals.setdefault(line["group"], [Decimal(0), Decimal(0)])
        subtotals[line["group"]][0] += points
        subtotals[line["group"]][1] += Decimal(line["available"])
        rows.append(
            {
                **line,
                "group_label": group_label(line["group"]),
                "dimension_label": group_label(line["dimension"]) if line.get("dimension") else "",
                "points": points,
                "available": Decimal(line["available"]),
                "detail_text": render_text(detail.get("message", ""), detail.get("args")),
            }
        )
    groups = [{"group": g, "label": group_label(g), "points": v[0], "available": v[1]} for g, v in subtotals.items()]
    return rows, groups


def target_points(project: BudgetProject, targets) -> dict[int, Decimal]:
    """What each target of the sheet is worth under its year's policy (shown beside the sheet)."""
    weights = selectors.policy_for_year(year=project.year).weights
    return {t.id: pts for _group, members in grouped(weights, [t.as_input() for t in targets]) for t, pts in members}


def appraisal_context(user, project: BudgetProject, is_finance: bool) -> dict:
    """The project's ex-ante conclusion and key evaluation, and what finance may start from here."""
    from .. import appraisal_selectors
    from ..models import WorkStatus

    exante = appraisal_selectors.exante_of_project(project=project, user=user)
    key = appraisal_selectors.key_of_project(project=project, user=user)
    policy = selectors.policy_for_year(year=project.year)
    open_states = (WorkStatus.DRAFT, WorkStatus.SUBMITTED, WorkStatus.RETURNED)
    return {
        "exante": exante,
        "key": key,
        "exante_required": services.exante_required(project, policy),
        "exante_threshold": policy.exante_threshold,
        "can_start_exante": is_finance
        and project.status != "approved"
        and not project.is_continuing
        and (exante is None or exante.status not in open_states),
        "can_select_key": is_finance
        and project.status == "approved"
        and (key is None or key.status not in open_states),
    }


def render_detail(request, project: BudgetProject, tab: str = "sheet", status: int = 200, **forms):
    """The project page with its tabs; action views call it again with their bound forms on errors."""
    user = request.user
    targets = selectors.targets_of(project=project)
    is_finance = user.has_perm(P.REVIEW_BUDGET)
    context = {
        "project": project,
        "tab": tab,
        "targets": targets,
        "sheet": selectors.sheet_by_dimension(project=project, targets=targets),
        "points": target_points(project, targets),
        "can_edit": can_edit_sheet(user, project),
        "can_review": is_finance,
        "is_finance": is_finance,
    }
    context.update(appraisal_context(user, project, is_finance))
    from .sheets import sheet_context

    context.update(sheet_context(user, project))
    if context["can_edit"]:
        context["problems"] = services.sheet_problems(project=project, targets=targets)
        context["submit_form"] = forms.get("submit_form") or VersionForm(initial={"version": project.version})
    if is_finance and project.status == "submitted":
        context["return_form"] = forms.get("return_form") or ReturnForm(initial={"version": project.version})
        context["approve_form"] = forms.get("approve_form") or VersionForm(initial={"version": project.version})
    if tab == "execution":
        spent = selectors.spent_of(project=project)
        tranches = list(selectors.tranches_of(project=project))
        for t in tranches:
            t.conditions = services.tranche_conditions(t)
        context.update(
            {
                "spent": spent,
                "remaining": project.amount - spent,
                "rate": spent / project.amount * 100 if project.amount else Decimal(0),
                "quarters": selectors.execution_by_quarter(project=project),
                "tranches": tranches,
                "spending": selectors.spending_of(project=project),
                "reallocations": list(reallocation_selectors.reallocations_of(project=project)),
            }
        )
        if is_finance and project.status == "approved":
            context["spending_form"] = forms.get("spending_form") or SpendingForm(project=project)
            context["release_form"] = forms.get("release_form") or ReleaseForm()
            context["release_tranche"] = forms.get("release_tranche")
    elif tab == "evaluation":
        evaluation = selectors.latest_evaluation(project=project)
        context["evaluation"] = evaluation
        context["evaluations"] = project.evaluations.select_related("computed_by").order_by("-number")
        if evaluation is not None:
            context["ledger"], context["ledger_groups"] = ledger_rows(evaluation)
        context["policy"] = selectors.policy_for_year(year=project.year)
        if is_finance and project.status == "approved":
            context["actuals_form"] = forms.get("actuals_form") or ActualsForm(targets=targets)
    elif tab == "revisions":
        context["revisions"] = selectors.revisions_of(project=project)
        context["revision_kinds"] = RevisionKind
    return render(request, "budgets/project_detail.html", context, status=status)
