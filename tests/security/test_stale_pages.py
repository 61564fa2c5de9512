"""Stale saves on the pages (docs/security.md, No data loss): every page that edits a versioned object
sends the version it showed; a save made after someone else's is refused with a clear message and
changes nothing. (The API's If-Match is in test_etag.py.)

Each case fills the page's own form from the object as the page shows it, changes one field, and
posts it with a version that is no longer current, as a second browser tab would.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable

import pytest
from django.test import Client

from assessments.forms import AssignmentForm, PlanForm
from assessments.models import Entry, Report
from budgets.forms import PolicyForm, ProjectForm, TargetForm
from budgets.models import BudgetPolicy, BudgetProject, BudgetTarget, Recommendation
from indicators.forms import IndicatorForm, RuleForm
from indicators.models import Indicator, Rule
from satisfaction.forms import SurveyForm
from satisfaction.models import Survey

from .world import YEAR

pytestmark = pytest.mark.django_db

CONFLICT_WORDS = ("someone else", "changed", "其他人", "他人", "已被", "刷新", "重新")


def form_data(form) -> dict:
    """The POST body the page's form would send as shown (its initial values)."""
    data = {}
    for name in form.fields:
        value = form[name].value()
        if value is None:
            continue
        if isinstance(value, bool):
            if value:
                data[form.add_prefix(name)] = "on"
        elif isinstance(value, dict):
            data[form.add_prefix(name)] = json.dumps(value)
        elif isinstance(value, list | tuple):
            data[form.add_prefix(name)] = [str(v) for v in value]
        else:
            data[form.add_prefix(name)] = str(value)
    return data


@dataclasses.dataclass(frozen=True)
class Page:
    label: str
    role: str
    url: Callable  # world → URL
    body: Callable  # world → POST body with the object's current values and one change
    state: Callable  # world → what a user would notice changed (read from the database)


def _roads(w):
    return Indicator.objects.get(library=w.plan.library, code="roads")


def _rule(w):
    return Rule.objects.get(library=w.plan.library, code="criticism")


def fresh(obj):
    """The object as the page would load it now (the world's instances may be older)."""
    return type(obj).objects.get(pk=obj.pk)


def _with(data: dict, **changes) -> dict:
    return {**data, **changes}


PAGES = [
    Page(
        "indicator",
        "supervisor",
        lambda w: f"/library/{YEAR}/indicators/{_roads(w).pk}/edit/",
        lambda w: _with(form_data(IndicatorForm(instance=_roads(w), library=w.plan.library)), name="改名的指标"),
        lambda w: Indicator.objects.values_list("name", "version").get(pk=_roads(w).pk),
    ),
    Page(
        "rule",
        "supervisor",
        lambda w: f"/library/{YEAR}/rules/{_rule(w).pk}/edit/",
        lambda w: _with(form_data(RuleForm(instance=_rule(w), library=w.plan.library)), name="改名的规则"),
        lambda w: Rule.objects.values_list("name", "version").get(pk=_rule(w).pk),
    ),
    Page(
        "plan",
        "supervisor",
        lambda w: f"/assessments/plans/{YEAR}/",
        lambda w: _with(form_data(PlanForm(instance=fresh(w.plan))), name="改名的方案"),
        lambda w: type(w.plan).objects.values_list("name", "version").get(pk=w.plan.pk),
    ),
    Page(
        "assignment",
        "supervisor",
        lambda w: f"/assessments/plans/{YEAR}/assignments/{w['assignment_edu'].pk}/",
        lambda w: _with(form_data(AssignmentForm(instance=fresh(w["assignment_edu"]))), note="改了目标说明"),
        lambda w: type(w["assignment_edu"]).objects.values_list("note", "version").get(pk=w["assignment_edu"].pk),
    ),
    Page(
        "report entry",
        "filer",
        lambda w: f"/assessments/reports/{w['q4_edu'].pk}/entries/{w['entry_edu'].pk}/",
        lambda w: {"narrative": "覆盖别人的进展", "version": str(fresh(w["entry_edu"]).version)},
        lambda w: Entry.objects.values_list("narrative", "version").get(pk=w["entry_edu"].pk),
    ),
    Page(
        "report decision",
        "supervisor",
        lambda w: f"/assessments/reports/{w['q3_water'].pk}/decision/",
        lambda w: {"action": "approve", "version": str(fresh(w["q3_water"]).version)},
        lambda w: Report.objects.values_list("status", "version").get(pk=w["q3_water"].pk),
    ),
    Page(
        "budget project",
        "filer",
        lambda w: f"/budgets/projects/{w['project_draft'].pk}/edit/",
        lambda w: _with(form_data(ProjectForm(instance=fresh(w["project_draft"]))), name="改名的项目"),
        lambda w: BudgetProject.objects.values_list("name", "version").get(pk=w["project_draft"].pk),
    ),
    Page(
        "budget target",
        "filer",
        lambda w: f"/budgets/projects/{w['project_draft'].pk}/targets/{w['target'].pk}/edit/",
        lambda w: _with(
            form_data(TargetForm(instance=fresh(w["target"]), project=w["project_draft"])), name="改名的目标"
        ),
        lambda w: BudgetTarget.objects.values_list("name", "version").get(pk=w["target"].pk),
    ),
    Page(
        "budget submission",
        "filer",
        lambda w: f"/budgets/projects/{w['project_draft'].pk}/submit/",
        lambda w: {"version": str(fresh(w["project_draft"]).version)},
        lambda w: BudgetProject.objects.values_list("status", "version").get(pk=w["project_draft"].pk),
    ),
    Page(
        "budget approval",
        "finance",
        lambda w: f"/budgets/projects/{w['project_submitted'].pk}/approve/",
        lambda w: {"version": str(fresh(w["project_submitted"]).version)},
        lambda w: BudgetProject.objects.values_list("status", "version").get(pk=w["project_submitted"].pk),
    ),
    Page(
        "budget return",
        "finance",
        lambda w: f"/budgets/projects/{w['project_submitted'].pk}/return/",
        lambda w: {"reason": "请补充", "version": str(fresh(w["project_submitted"]).version)},
        lambda w: BudgetProject.objects.values_list("status", "version").get(pk=w["project_submitted"].pk),
    ),
    Page(
        "recommendation",
        "finance",
        lambda w: f"/budgets/recommendations/{w['recommendation'].pk}/decide/",
        lambda w: {"decision": "accept", "version": str(fresh(w["recommendation"]).version)},
        lambda w: Recommendation.objects.values_list("status", "version").get(pk=w["recommendation"].pk),
    ),
    Page(
        "budget policy",
        "finance",
        lambda w: f"/budgets/policy/{YEAR}/",
        lambda w: _with(form_data(PolicyForm(policy=fresh(w["policy"]))), grade_excellent="95.00"),
        lambda w: BudgetPolicy.objects.values_list("grade_excellent", "version").get(year=YEAR),
    ),
    Page(
        "survey",
        "surveyor",
        lambda w: f"/satisfaction/{w['survey_draft'].pk}/edit/",
        lambda w: _with(form_data(SurveyForm(instance=fresh(w["survey_draft"]))), title="改名的调查"),
        lambda w: Survey.objects.values_list("title", "version").get(pk=w["survey_draft"].pk),
    ),
]


def _client(world, role):
    client = Client()
    client.force_login(world.users[role])
    return client


def _bump(world, case: Page) -> None:
    """Someone else saves first: the stored version moves on."""
    model = {
        "indicator": Indicator,
        "rule": Rule,
        "report entry": Entry,
        "report decision": Report,
        "survey": Survey,
        "recommendation": Recommendation,
        "budget policy": BudgetPolicy,
        "budget target": BudgetTarget,
    }.get(case.label)
    from django.db.models import F

    if case.label == "plan":
        type(world.plan).objects.filter(pk=world.plan.pk).update(version=F("version") + 1)
    elif case.label == "assignment":
        type(world["assignment_edu"]).objects.filter(pk=world["assignment_edu"].pk).update(version=F("version") + 1)
    elif case.label.startswith("budget") and model is None:
        key = "project_submitted" if case.label in ("budget approval", "budget return") else "project_draft"
        BudgetProject.objects.filter(pk=world[key].pk).update(version=F("version") + 1)
    elif case.label == "indicator":
        model.objects.filter(pk=_roads(world).pk).update(version=F("version") + 1)
    elif case.label == "rule":
        model.objects.filter(pk=_rule(world).pk).update(version=F("version") + 1)
    elif case.label == "report entry":
        model.objects.filter(pk=world["entry_edu"].pk).update(version=F("version") + 1)
    elif case.label == "report decision":
        model.objects.filter(pk=world["q3_water"].pk).update(version=F("version") + 1)
    elif case.label == "survey":
        model.objects.filter(pk=world["survey_draft"].pk).update(version=F("version") + 1)
    elif case.label == "recommendation":
        model.objects.filter(pk=world["recommendation"].pk).update(version=F("version") + 1)
    elif case.label == "budget policy":
        model.objects.filter(year=YEAR).update(version=F("version") + 1)
    elif case.label == "budget target":
        model.objects.filter(pk=world["target"].pk).update(version=F("version") + 1)


@pytest.mark.parametrize("case", PAGES, ids=[p.label for p in PAGES])
def test_a_stale_save_on_the_page_is_refused_and_changes_nothing(world, case):
    body = case.body(world)  # the form as the page showed it, with the version of that moment
    _bump(world, case)
    before = case.state(world)

    response = _client(world, case.role).post(case.url(world), body, follow=True)

    assert case.state(world) == before, "a stale save went through"
    page = response.content.decode()
    assert any(word in page for word in CONFLICT_WORDS), f"no conflict message on {case.url(world)}"


@pytest.mark.parametrize("case", PAGES, ids=[p.label for p in PAGES])
def test_the_same_save_with_the_current_version_goes_through(world, case):
    before = case.state(world)
    response = _client(world, case.role).post(case.url(world), case.body(world), follow=True)
    assert response.status_code == 200
    assert case.state(world) != before, f"the save on {case.url(world)} did not go through"
