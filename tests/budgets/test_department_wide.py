"""Department-wide spending performance (部门整体支出绩效): the year's weights, the sheet's workflow,
the evaluation scored by the project rules over the department's approved projects, and its
grade on the department's annual assessment."""

import datetime as dt
from decimal import Decimal as D

import pytest

from assessments.models import Assignment, GradeAssessment, LedgerLine, Score
from assessments.recompute import recompute
from assessments.services.plan import plan_create
from audit.models import AuditEvent
from budgets import department_evaluation as dev
from budgets import services
from budgets.evaluation import TargetInput
from budgets.models import DepartmentEvaluation, DepartmentTarget, DepartmentWidePolicy
from core.errors import ApplicationError, ConflictError
from indicators.models import Indicator
from tests.scenario import build_library

from .department_helpers import DEPARTMENT_SHEET, approved_sheet, draft_sheet, record_all
from .factories import approved_project


def t(dimension, value="100", actual="100", operator="ge", weight=None, pk=1):
    return TargetInput(
        id=pk, name=f"t{pk}", dimension=dimension, operator=operator, value=D(value), actual=D(actual), weight=weight
    )


# --- weights and scoring (pure) -------------------------------------------------------------------


def test_default_weights_add_up_to_100_and_every_dimension_is_a_group():
    w = dev.DepartmentWeights()
    assert w.total == 100
    assert [g for g, _w, _d in w.groups()] == list(dev.DepartmentDimension.values)


def test_the_score_uses_the_years_weights_per_dimension():
    weights = dev.DepartmentWeights(
        execution=D(0),
        running_cost=D(20),
        management=D(20),
        output=D(20),
        effect=D(20),
        sustainability=D(10),
        satisfaction=D(10),
    )
    targets = [t(d, pk=i) for i, d in enumerate(dev.DepartmentDimension.values, start=1)]
    targets[2] = t("output", value="100", actual="50", pk=3)  # half the output target: 10 of 20
    result = dev.evaluate(amount=D(100), spent=D(100), targets=targets, weights=weights)
    by_group = {line.group: line.points for line in result.lines}
    assert by_group["output"] == D("10.00") and by_group["running_cost"] == D("20.00")
    assert by_group["execution"] == D("0.00")
    assert result.total == D("90.00") and result.grade == "excellent"
    assert sum(line.points for line in result.lines) == result.total


def test_a_dimensions_points_are_shared_in_whole_cents():
    weights = dev.DepartmentWeights()
    targets = [t("management", pk=i) for i in (1, 2, 3)]  # 15 points over three: 5.00 each
    result = dev.evaluate(amount=D(1), spent=D(1), targets=targets, weights=weights)
    assert [line.available for line in result.lines if line.group == "management"] == [D("5.00")] * 3


def test_own_weights_beyond_the_dimension_are_a_problem():
    problems = dev.weight_errors(dev.DepartmentWeights(), [t("output", weight=D(40))])
    assert problems and "40" in str(problems[0].args)


def test_policy_weights_must_add_up_to_100(db, users):
    with pytest.raises(ApplicationError) as refused:
        services.department_policy_save(year=2026, actor=users["finance"], data={"weight_output": D(40)})
    assert "weight_execution" in refused.value.errors
    assert not DepartmentWidePolicy.objects.exists()
    policy = services.department_policy_save(
        year=2026, actor=users["finance"], data={"weight_output": D(40), "weight_effect": D(5)}
    )
    assert policy.weights.output == D(40) and policy.weights.total == 100
    assert AuditEvent.objects.filter(action="budgets.department_policy.created").exists()


# --- workflow -------------------------------------------------------------------------------------


def test_submit_needs_a_target_in_each_of_the_six_dimensions(departments, users):
    sheet = draft_sheet(departments["edu"], rows=DEPARTMENT_SHEET[:5])
    with pytest.raises(ApplicationError) as refused:
        services.department_sheet_submit(sheet=sheet, actor=users["filer"])
    assert "服务对象满意度" in refused.value.message or "Satisfaction of those served" in refused.value.message
    sheet.refresh_from_db()
    assert sheet.status == "draft"


def test_draft_submitted_returned_approved(departments, users):
    sheet = draft_sheet(departments["edu"])
    sheet = services.department_sheet_submit(sheet=sheet, actor=users["filer"], expected_version=sheet.version)
    assert sheet.status == "submitted"
    # A submitted sheet is not editable by the department.
    with pytest.raises(ApplicationError):
        services.department_target_save(
            sheet=sheet, actor=users["filer"], data={"dimension": "output", "name": "x", "value": D(1)}
        )
    with pytest.raises(ApplicationError) as no_reason:
        services.department_sheet_return(sheet=sheet, actor=users["finance"], reason=" ")
    assert "reason" in no_reason.value.errors
    sheet = services.department_sheet_return(sheet=sheet, actor=users["finance"], reason="运行成本目标过低")
    assert sheet.status == "returned" and sheet.return_reason == "运行成本目标过低"
    # Returned: editable again, then resubmitted and approved.
    services.department_target_save(
        sheet=sheet, actor=users["filer"], data={"dimension": "running_cost", "name": "三公经费下降率", "value": D(5)}
    )
    sheet.refresh_from_db()
    sheet = services.department_sheet_submit(sheet=sheet, actor=users["filer"])
    sheet = services.department_sheet_approve(sheet=sheet, actor=users["finance"])
    assert sheet.status == "approved"
    actions = set(
        AuditEvent.objects.filter(action__startswith="budgets.department_sheet.").values_list("action", flat=True)
    )
    assert {"budgets.department_sheet.submitted", "budgets.department_sheet.returned"} <= actions
    assert "budgets.department_sheet.approved" in actions
    # Approving twice is refused.
    with pytest.raises(ApplicationError):
        services.department_sheet_approve(sheet=sheet, actor=users["finance"])


def test_a_stale_page_is_refused(departments, users):
    sheet = draft_sheet(departments["edu"])
    stale = sheet.version
    services.department_target_save(
        sheet=sheet, actor=users["filer"], data={"dimension": "output", "name": "新增目标", "value": D(3)}
    )
    with pytest.raises(ConflictError):
        services.department_sheet_submit(sheet=sheet, actor=users["filer"], expected_version=stale)
    sheet.refresh_from_db()
    assert sheet.status == "draft"


def test_another_departments_user_cannot_write(departments, users):
    sheet = draft_sheet(departments["edu"])
    with pytest.raises(ApplicationError):
        services.department_target_save(
            sheet=sheet, actor=users["filer2"], data={"dimension": "output", "name": "x", "value": D(1)}
        )
    assert sheet.targets.count() == len(DEPARTMENT_SHEET)


def test_a_bad_target_value_names_its_field_and_writes_nothing(departments, users):
    sheet = draft_sheet(departments["edu"])
    with pytest.raises(ApplicationError) as refused:
        services.department_target_save(
            sheet=sheet,
            actor=users["filer"],
            data={"dimension": "output", "name": "x", "operator": "ge", "value": D(0)},
        )
    assert "value" in refused.value.errors
    assert sheet.targets.count() == len(DEPARTMENT_SHEET)


# --- execution and evaluation ---------------------------------------------------------------------


def test_the_budget_is_the_sum_of_the_departments_approved_projects(departments, users):
    edu = departments["edu"]
    a = approved_project(edu, amount="3000000.00")
    b = approved_project(edu, amount="1000000.00")
    approved_project(departments["water"], amount="9000000.00")  # another department: not counted
    from budgets.models import SpendingRecord

    SpendingRecord.objects.create(project=a, amount=D("2400000.00"), date=dt.date(2026, 6, 1))
    SpendingRecord.objects.create(project=b, amount=D("1000000.00"), date=dt.date(2026, 6, 1))
    sheet = approved_sheet(edu)
    record_all(sheet, users["finance"])
    evaluation = services.department_evaluation_compute(sheet=sheet, actor=users["finance"])
    assert (evaluation.amount, evaluation.spent, evaluation.projects) == (D("4000000.00"), D("3400000.00"), 2)
    assert evaluation.execution_rate == D("85.00")
    # 10 × 0.85 = 8.50 for execution; every target met: 90.
    assert evaluation.total == D("98.50") and evaluation.grade == "excellent" and evaluation.status == "draft"
    assert sum(D(line["points"]) for line in evaluation.ledger) == evaluation.total


def test_a_blank_value_refuses_the_evaluation_naming_the_target(departments, users):
    approved_project(departments["edu"])
    sheet = approved_sheet(departments["edu"])
    record_all(sheet, users["finance"], 家长满意度=(None, ""))
    with pytest.raises(ApplicationError) as refused:
        services.department_evaluation_compute(sheet=sheet, actor=users["finance"])
    target = sheet.targets.get(name="家长满意度")
    assert "家长满意度" in refused.value.message and set(refused.value.errors) == {f"actual_{target.pk}"}
    assert not DepartmentEvaluation.objects.exists()


def test_a_not_applicable_target_is_left_out_with_its_reason(departments, users):
    approved_project(departments["edu"])
    sheet = approved_sheet(departments["edu"])
    with pytest.raises(ApplicationError) as no_reason:
        record_all(sheet, users["finance"], 教师培训覆盖率=(None, "", True, ""))
    assert list(no_reason.value.errors) == [f"not_applicable_reason_{sheet.targets.get(name='教师培训覆盖率').pk}"]
    assert not DepartmentTarget.objects.filter(actual__isnull=False).exists()  # nothing written
    record_all(sheet, users["finance"], 教师培训覆盖率=(None, "", True, "培训因故取消"))
    evaluation = services.department_evaluation_compute(sheet=sheet, actor=users["finance"])
    line = next(line for line in evaluation.ledger if line["kind"] == "not_applicable")
    assert line["available"] == "0.00" and "培训因故取消" in str(line["detail"])


def test_no_approved_project_no_evaluation(departments, users):
    sheet = approved_sheet(departments["edu"])
    record_all(sheet, users["finance"])
    with pytest.raises(ApplicationError) as refused:
        services.department_evaluation_compute(sheet=sheet, actor=users["finance"])
    assert refused.value.code == "no_budget"


def test_confirm_then_publish_only_the_latest(departments, users):
    approved_project(departments["edu"])
    sheet = approved_sheet(departments["edu"])
    record_all(sheet, users["finance"])
    first = services.department_evaluation_compute(sheet=sheet, actor=users["finance"])
    with pytest.raises(ApplicationError):  # publishing a draft is refused
        services.department_evaluation_publish(evaluation=first, actor=users["finance"])
    second = services.department_evaluation_compute(sheet=sheet, actor=users["finance"])
    with pytest.raises(ApplicationError):  # an earlier draft can no longer be confirmed
        services.department_evaluation_confirm(evaluation=first, actor=users["finance"])
    services.department_evaluation_confirm(evaluation=second, actor=users["finance"])
    published = services.department_evaluation_publish(evaluation=second, actor=users["finance"])
    assert published.status == "published" and published.published_at is not None
    assert published.assessment_grade == ""  # no indicator linked
    assert AuditEvent.objects.filter(action="budgets.department_evaluation.published").exists()


# --- the assessment's ledger ----------------------------------------------------------------------


@pytest.fixture
def graded_plan(departments, users):
    lib = build_library(
        year=2026,
        categories=[("budget", "预算绩效管理", 10)],
        indicators=[
            {
                "code": "dept-wide",
                "name": "部门整体支出绩效",
                "category": "budget",
                "method": "grade",
                "points": D(10),
                "params": {"grades": {"A": "100", "B": "80", "C": "60", "D": "40"}},
            }
        ],
        bands=(),
    )
    ind = lib.indicators.get()
    plan = plan_create(library=lib, actor=users["supervisor"])
    Assignment.objects.create(plan=plan, department=departments["edu"], indicator=ind)
    return plan, ind


def test_the_linked_indicator_shows_the_department_wide_line_in_the_assessment_ledger(departments, users, graded_plan):
    plan, indicator = graded_plan
    with pytest.raises(ApplicationError) as wrong:  # only a graded indicator takes the grade
        services.department_policy_save(
            year=2026,
            actor=users["finance"],
            data={
                "assessment_indicator": Indicator.objects.create(
                    library=indicator.library,
                    category=indicator.category,
                    code="other",
                    name="其他",
                    method="proportional",
                    direction="ge",
                    basic_target=D(1),
                    points=D(1),
                )
            },
        )
    assert "assessment_indicator" in wrong.value.errors
    services.department_policy_save(year=2026, actor=users["finance"], data={"assessment_indicator": indicator})
    approved_project(departments["edu"])
    sheet = approved_sheet(departments["edu"])
    record_all(sheet, users["finance"], 义务教育巩固率=(D("73.5"), "统计年报"))  # 30 × 0.75 = 22.50
    evaluation = services.department_evaluation_compute(sheet=sheet, actor=users["finance"])
    assert evaluation.total == D("82.50") and evaluation.grade == "good"
    services.department_evaluation_confirm(evaluation=evaluation, actor=users["finance"])
    assert not GradeAssessment.objects.exists()  # confirming alone does not reach the assessment
    evaluation = services.department_evaluation_publish(evaluation=evaluation, actor=users["finance"])
    assert evaluation.assessment_grade == "B"
    graded = GradeAssessment.objects.get(assignment__department=departments["edu"])
    assert graded.grade == "B" and "82.50" in graded.note
    recompute(plan=plan, today=dt.date(2026, 12, 31))
    score = Score.objects.get(plan=plan, department=departments["edu"], period="annual")
    line = LedgerLine.objects.get(score=score, indicator=indicator)
    assert line.points == D("8.00")  # B: 80 % of 10 points
