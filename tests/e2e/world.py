"""The city the journeys take place in, built through the services as the people would.

Everything is dated relative to ``timezone.localdate()``: the plan is this year's, the quarter
being reported is the current one and its deadline two weeks ahead, so the pages run on the
real clock of the live server (nothing is frozen in the browser).

Builders return plain values (ids, codes, amounts): the journeys use them inside Playwright's
block, where the database is not touched.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal as D

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from assessments import recompute as score_recompute
from assessments import services as assessment_services
from assessments.models import Entry, Plan, Report, Score
from assessments.services import appeals as score_appeals
from assessments.services import publication as score_publication
from budgets import services as budget_services
from organizations.models import Region
from satisfaction import services as survey_services
from satisfaction.answers import clean_answers
from satisfaction.selectors import survey_structure
from tests.scenario import build_library

from .browser import Authenticator

NAMES = {
    "filer": "李晓梅",
    "dept_head": "王建国",
    "supervisor": "赵敏",
    "finance": "陈立",
    "leader": "周海峰",
    "auditor": "孙静",
    "surveyor": "吴涛",
    "filer2": "刘洋",
    "security_admin": "钱文",
}
PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def today() -> dt.date:
    return timezone.localdate()


def quarter_of(day: dt.date) -> int:
    return (day.month - 1) // 3 + 1


def name_people(users: dict) -> None:
    """Give the role users their names (the top bar and the trails show them)."""
    for key, name in NAMES.items():
        user = users[key]
        user.first_name, user.last_name = name, ""
        user.save(update_fields=["first_name", "last_name"])


def authenticator_for(user) -> Authenticator:
    """A confirmed TOTP device for the user, and the authenticator app that holds its secret."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.create(user=user, name="手机", confirmed=True)
    return Authenticator(device.bin_key)


def pdf(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


# --- The year's assessment --------------------------------------------------------------------

# code, name, category, method, value type, basic, challenge, points, unit, evidence required
INDICATORS = [
    ("schools", "新建改扩建中小学校", "central", "proportional", "cumulative", "10", None, "30", "所", False),
    ("kindergarten", "学前教育毛入园率", "central", "tiered", "level", "90", "95", "30", "%", False),
    ("training", "教师培训人次", "central", "proportional", "cumulative", "3000", None, "30", "人次", True),
    ("safety", "安全生产与质量", "safety", "deduction", "level", None, None, "10", "", False),
]


@dataclass
class Year:
    year: int
    quarter: int
    deadline: dt.date
    plan_id: int
    period: str  # the current quarter's period code, e.g. "Q4"
    departments: dict[str, int] = field(default_factory=dict)
    report_id: int | None = None
    entries: dict[str, int] = field(default_factory=dict)  # edu's entries by indicator code


def build_year(users: dict, departments: dict) -> Year:
    """This year's library and plan: four indicators for every department, deduction rules, grade
    bands; the current quarter open with its deadline two weeks ahead."""
    supervisor = users["supervisor"]
    day = today()
    library = build_library(
        year=day.year,
        name=f"{day.year}年度部门绩效考核指标",
        categories=[("central", "中心工作", 90), ("safety", "平安建设", 10)],
        indicators=[
            {
                "code": code,
                "name": name,
                "category": cat,
                "method": method,
                "value_type": value_type,
                "basic_target": D(basic) if basic else None,
                "challenge_target": D(challenge) if challenge else None,
                "points": D(points),
                "unit": unit,
                "evidence_required": evidence,
            }
            for code, name, cat, method, value_type, basic, challenge, points, unit, evidence in INDICATORS
        ],
        rules=[
            {"code": "accident", "name": "安全质量事故", "scope": "indicator", "indicator": "safety", "points": D(2)},
            {"code": "criticism", "name": "被市级以上通报批评", "points": D(1)},
        ],
        actor=supervisor,
    )

    plan = assessment_services.plan_create(
        library=library, actor=supervisor, name=f"{day.year}年度市直部门绩效考核方案"
    )
    plan = assessment_services.plan_update(plan=plan, data={"status": Plan.Status.ACTIVE}, actor=supervisor)
    number = quarter_of(day)
    for quarter in plan.quarters.all():
        if quarter.number < number and quarter.deadline >= day:
            # An earlier quarter is over: its deadline has passed, so this one is being reported.
            assessment_services.quarter_update(
                quarter=quarter, deadline=day - dt.timedelta(days=1), close_after_days=0, actor=supervisor
            )
        elif quarter.number == number:
            assessment_services.quarter_update(
                quarter=quarter, deadline=day + dt.timedelta(days=14), close_after_days=10, actor=supervisor
            )
    assessment_services.assign_all(plan=plan, actor=supervisor)
    return Year(
        year=day.year,
        quarter=number,
        deadline=day + dt.timedelta(days=14),
        plan_id=plan.pk,
        period=f"Q{number}",
        departments={code: d.pk for code, d in departments.items()},
    )


def open_report(year: Year, department) -> Report:
    plan = Plan.objects.get(pk=year.plan_id)
    report = assessment_services.report_open(quarter=plan.quarters.get(number=year.quarter), department=department)
    if department.code == "edu":
        year.report_id = report.pk
        year.entries = {
            e.assignment.indicator.code: e.pk for e in report.entries.select_related("assignment__indicator")
        }
    return report


# What a department reports this quarter (cumulative values against the annual targets).
GOOD_VALUES = {
    "schools": {"actual_value": "10", "narrative": "10所学校已竣工交付,秋季学期投入使用。"},
    "kindergarten": {"actual_value": "93.5", "narrative": "新增普惠性学位1200个。"},
    "training": {"actual_value": "3200", "narrative": "完成全员培训,覆盖全市中小学教师。"},
    "safety": {"completion_pct": "100", "narrative": "全年未发生安全质量事故。"},
}


def file_report(year: Year, department, filer, *, values: dict | None = None, submit: bool = True) -> Report:
    """The department's filer fills every entry, attaches evidence where required and submits."""
    report = open_report(year, department)
    values = values or GOOD_VALUES
    for entry in report.entries.select_related("assignment__indicator"):
        indicator = entry.assignment.indicator
        assessment_services.entry_save(entry=entry, data=values[indicator.code], actor=filer)
        if indicator.evidence_required:
            assessment_services.evidence_add(entry=entry, upload=pdf(f"{indicator.name}台账.pdf"), actor=filer)
    if submit:
        report = assessment_services.report_submit(report=report, actor=filer)
    return report


def approve_all_reports(year: Year, users: dict, departments: dict) -> None:
    """Every department filed its quarter; the supervision office approved each report."""
    from tests.factories import UserFactory

    filers = {"edu": users["filer"], "water": users["filer2"]}
    for code, department in departments.items():
        filer = filers.get(code) or UserFactory(username=f"filer_{code}", role="filer", department=department)
        values = dict(GOOD_VALUES)
        if code == "health":
            values["schools"] = {"actual_value": "8", "narrative": "8所已交付,2所主体完工。"}
            values["training"] = {"actual_value": "2600", "narrative": "第四季度集中培训推迟至12月。"}
        if code == "water":
            values["kindergarten"] = {"actual_value": "88", "narrative": "部分片区学位仍紧张。"}
        report = file_report(year, department, filer, values=_explained(values))
        assessment_services.report_approve(report=report, actor=users["supervisor"])


def _explained(values: dict) -> dict:
    return {code: {**v, "explanation": "已制定赶进度计划,12月底前完成。"} for code, v in values.items()}


def compute_scores(year: Year) -> None:
    score_recompute.recompute(plan=Plan.objects.get(pk=year.plan_id))


def score_total(year: Year, department_code: str, period: str) -> D:
    return Score.objects.get(plan_id=year.plan_id, department__code=department_code, period=period).total


def entry_ids(report_id: int) -> dict[str, int]:
    return {
        e.assignment.indicator.code: e.pk
        for e in Entry.objects.filter(report_id=report_id).select_related("assignment__indicator")
    }


# --- Budgets --------------------------------------------------------------------------------------

SHEET = [
    # dimension, subdimension, name, operator, value, unit
    ("cost", "cost", "讲师课时费标准", "le", "200", "元/人·课时"),
    ("output", "quantity", "组织教研培训活动场次", "ge", "50", "场"),
    ("effect", "social", "覆盖中小学校数", "ge", "120", "所"),
    ("satisfaction", "satisfaction", "参训教师满意度", "ge", "90", "%"),
]


@dataclass
class Budget:
    project_id: int
    code: str
    name: str
    amount: D
    last_year_project_id: int
    last_year_name: str


def build_budget(users: dict, departments: dict) -> Budget:
    """This year's project of 教育局 in draft with three of the four dimensions (no satisfaction
    target yet), and last year's project, approved, spent, evaluated (for the recommendations)."""
    filer, finance = users["filer"], users["finance"]
    edu = departments["edu"]
    year = today().year
    project = budget_services.project_create(
        actor=filer,
        department=edu,
        year=year,
        data={
            "name": "中小学教师教研活动经费",
            "amount": D("2396300.00"),
            "funding_source": "general",
            "category": "livelihood",
            "description": "支持全市中小学教研活动、名师讲堂与送教下乡。",
        },
    )
    for dimension, sub, name, op, value, unit in SHEET[:3]:
        budget_services.target_save(
            project=project,
            actor=filer,
            data={
                "dimension": dimension,
                "subdimension": sub,
                "name": name,
                "operator": op,
                "value": D(value),
                "unit": unit,
            },
        )
    last = budget_services.project_create(
        actor=filer,
        department=edu,
        year=year - 1,
        data={
            "name": "校园安全设施改造",
            "amount": D("800000.00"),
            "funding_source": "general",
            "category": "construction",
        },
    )
    targets = []
    for dimension, sub, name, op, value, unit in (
        ("cost", "cost", "单校改造成本", "le", "40000", "元"),
        ("output", "quantity", "完成改造学校数", "ge", "20", "所"),
        ("effect", "social", "校园安全事故下降", "ge", "30", "%"),
        ("satisfaction", "satisfaction", "师生满意度", "ge", "90", "%"),
    ):
        targets.append(
            budget_services.target_save(
                project=last,
                actor=filer,
                data={
                    "dimension": dimension,
                    "subdimension": sub,
                    "name": name,
                    "operator": op,
                    "value": D(value),
                    "unit": unit,
                },
            )
        )
    budget_services.project_submit(project=last, actor=filer)
    budget_services.project_approve(project=last, actor=finance)
    budget_services.spending_record(
        project=last, actor=finance, date=dt.date(year - 1, 11, 30), amount=D("760000.00"), description="改造工程款"
    )
    actuals = dict(zip([t.pk for t in targets], ("38000", "21", "35", "93"), strict=True))
    budget_services.actuals_record(
        project=last, actor=finance, values={pk: (D(v), "验收报告") for pk, v in actuals.items()}
    )
    evaluation = budget_services.evaluation_compute(project=last, actor=finance)
    budget_services.evaluation_confirm(evaluation=evaluation, actor=finance)
    return Budget(
        project_id=project.pk,
        code=project.code,
        name=project.name,
        amount=project.amount,
        last_year_project_id=last.pk,
        last_year_name=last.name,
    )


# --- Satisfaction ----------------------------------------------------------------------------------


@dataclass
class SurveyPlan:
    survey_id: int
    public_key: str
    title: str
    codes: list[str]


def build_survey(users: dict, *, codes: int = 1, quota: int = 50) -> SurveyPlan:
    """This year's survey on 学有所教 and 病有所医 in two districts, opened, with one-time codes."""
    surveyor = users["surveyor"]
    day = today()
    survey = survey_services.survey_create(
        data={
            "year": day.year,
            "code": f"sat{day.year}",
            "title": f"{day.year}年度基本公共服务群众满意度调查",
            "intro": "本调查匿名进行,约需两分钟。感谢您的参与!",
            "access": "code",
            "opens_on": day - dt.timedelta(days=7),
            "closes_on": day + dt.timedelta(days=30),
        },
        actor=surveyor,
    )
    education = survey_services.area_save(
        survey=survey, data={"code": "education", "name": "学有所教", "order": 1}, actor=surveyor
    )
    health = survey_services.area_save(
        survey=survey, data={"code": "health", "name": "病有所医", "order": 2}, actor=surveyor
    )
    questions = (
        (education, "您对孩子就读学校的教学质量满意吗?", "scale"),
        (education, "孩子上学路途是否方便?", "yesno"),
        (health, "您对社区卫生服务中心的服务满意吗?", "scale"),
        (None, "您对改进公共服务还有什么建议?", "text"),
    )
    for order, (area, text, kind) in enumerate(questions, 1):
        survey_services.question_save(
            survey=survey,
            data={"area": area, "order": order, "text": text, "kind": kind, "required": kind != "text"},
            actor=surveyor,
        )
    east = Region.objects.get_or_create(code="east", defaults={"name": "东城区", "population": 520000})[0]
    west = Region.objects.get_or_create(code="west", defaults={"name": "西城区", "population": 480000})[0]
    survey_services.quotas_set(survey=survey, quotas={east.pk: quota, west.pk: quota}, actor=surveyor)
    survey = survey_services.survey_open(survey=survey, actor=surveyor)
    region = survey.regions.get(region=east)
    _batch, issued = survey_services.codes_generate(survey_region=region, count=codes, actor=surveyor)
    return SurveyPlan(survey_id=survey.pk, public_key=survey.public_key, title=survey.title, codes=list(issued))


def interview_answers(survey_id: int, surveyor, answers: list[tuple[str, int, int, int]]) -> None:
    """The survey firm enters interviews: (region code, school, commute yes/no, clinic)."""
    from satisfaction.models import Survey

    survey = Survey.objects.get(pk=survey_id)
    structure = survey_structure(survey=survey)
    scale = [q for q in structure.questions if q.kind != "text"]
    for region_code, school, commute, clinic in answers:
        region = next(r for r in structure.regions if r.region.code == region_code)
        data = {
            "region": str(region.pk),
            **{q.name: str(v) for q, v in zip(scale, (school, commute, clinic), strict=True)},
        }
        cleaned, errors = clean_answers(structure, data, need_region=True)
        assert not errors, errors
        survey_services.response_submit(
            survey=survey, survey_region=cleaned.survey_region, cleaned=cleaned, channel="interview", actor=surveyor
        )


# --- A city with a year of results, for the leaders and the public ------------------------------


def build_city(users: dict, departments: dict) -> Year:
    """Every department's quarter approved and scored, a safety deduction for 卫生健康委, the
    year's results published; this year's budget project approved and half spent, next year's
    recommendations proposed; twelve interviews of the survey entered by the survey firm."""
    year = build_year(users, departments)
    approve_all_reports(year, users, departments)
    plan = Plan.objects.get(pk=year.plan_id)
    assessment_services.event_record(
        plan=plan,
        rule=plan.library.rules.get(code="accident"),
        department=departments["health"],
        date=today(),
        occurrences=1,
        note="医院改扩建工地发生一起安全事故。",
        actor=users["supervisor"],
    )
    compute_scores(year)
    score_recompute.process_recompute_requests(plan_id=plan.pk)
    score_publication.scores_publish(
        plan=plan, period="annual", actor=users["supervisor"], waiver="年度中期先行公布,第四季度数据待报。"
    )

    budget = build_budget(users, departments)
    from budgets.models import BudgetProject

    project = BudgetProject.objects.get(pk=budget.project_id)
    dimension, sub, name, op, value, unit = SHEET[3]
    budget_services.target_save(
        project=project,
        actor=users["filer"],
        data={
            "dimension": dimension,
            "subdimension": sub,
            "name": name,
            "operator": op,
            "value": D(value),
            "unit": unit,
        },
    )
    budget_services.project_submit(project=project, actor=users["filer"])
    budget_services.project_approve(project=project, actor=users["finance"])
    budget_services.spending_record(
        project=project, actor=users["finance"], date=today(), amount=D("1198150.00"), description="上半年活动经费"
    )
    budget_services.recommendations_generate(year=year.year, actor=users["finance"])

    survey = build_survey(users, codes=1)
    interview_answers(
        survey.survey_id,
        users["surveyor"],
        [
            ("east", 5, 1, 4),
            ("east", 4, 1, 4),
            ("east", 4, 0, 3),
            ("east", 5, 1, 5),
            ("east", 3, 1, 4),
            ("east", 4, 1, 2),
        ]
        + [
            ("west", 3, 0, 4),
            ("west", 4, 1, 3),
            ("west", 2, 0, 4),
            ("west", 4, 1, 5),
            ("west", 5, 1, 4),
            ("west", 3, 1, 3),
        ],
    )
    return year


# --- The trail of the year, for the audit administrator -----------------------------------------


def build_trail(users: dict, departments: dict) -> Year:
    """What the other journeys do, done through the same services by the same people: a report
    returned, corrected and approved; a deduction recorded, the results published, an appeal upheld;
    a budget sheet returned and approved, spent in full, one yuan more refused; a recommendation
    accepted; a survey opened."""
    from budgets.models import BudgetProject, Recommendation
    from core.errors import ApplicationError

    supervisor, finance, filer = users["supervisor"], users["finance"], users["filer"]
    year = build_year(users, departments)
    edu = file_report(year, departments["edu"], filer)
    training = edu.entries.get(assignment__indicator__code="training")
    assessment_services.entry_review(
        entry=training, decision="returned", comment="请补充第四季度签到表。", actor=supervisor
    )
    edu = assessment_services.report_return(report=edu, actor=supervisor, reason="请按审核意见补充佐证材料。")
    assessment_services.evidence_add(entry=training, upload=pdf("第四季度培训签到表.pdf"), actor=filer)
    edu = assessment_services.report_submit(report=edu, actor=filer)
    assessment_services.report_approve(report=edu, actor=supervisor)
    for code, other in (("health", "filer_health"), ("water", "filer2")):
        from tests.factories import UserFactory

        person = users.get(other) or UserFactory(username=other, role="filer", department=departments[code])
        report = file_report(year, departments[code], person)
        assessment_services.report_approve(report=report, actor=supervisor)
    plan = Plan.objects.get(pk=year.plan_id)
    assessment_services.event_record(
        plan=plan,
        rule=plan.library.rules.get(code="accident"),
        department=departments["edu"],
        date=today(),
        occurrences=1,
        note="校舍维修工地安全事故。",
        actor=supervisor,
    )
    compute_scores(year)
    score_recompute.process_recompute_requests(plan_id=plan.pk)
    score_publication.scores_publish(plan=plan, period=year.period, actor=supervisor, waiver="按书面说明先行公布。")
    score = Score.objects.get(plan=plan, department=departments["edu"], period=year.period)
    line = score.lines.get(kind="deduction")
    appeal = score_appeals.appeal_file(score=score, line_key=line.key, reason="责任在施工单位。", actor=filer)
    score_appeals.appeal_decide(appeal=appeal, decision="upheld", reason="经核实,撤销扣分。", actor=supervisor)

    budget = build_budget(users, departments)
    project = BudgetProject.objects.get(pk=budget.project_id)
    dimension, sub, name, op, value, unit = SHEET[3]
    budget_services.target_save(
        project=project,
        actor=filer,
        data={
            "dimension": dimension,
            "subdimension": sub,
            "name": name,
            "operator": op,
            "value": D(value),
            "unit": unit,
        },
    )
    project = budget_services.project_submit(project=project, actor=filer)
    project = budget_services.project_return(project=project, actor=finance, reason="讲师课时费请执行市级标准。")
    cost = project.targets.get(dimension="cost")
    budget_services.target_save(project=project, actor=filer, target=cost, data={"value": D(180)})
    project = budget_services.project_submit(project=project, actor=filer)
    project = budget_services.project_approve(project=project, actor=finance)
    budget_services.spending_record(project=project, actor=finance, date=today(), amount=project.amount)
    try:
        budget_services.spending_record(project=project, actor=finance, date=today(), amount=D("1.00"))
    except ApplicationError:
        pass
    else:  # pragma: no cover - the journey's premise
        raise AssertionError("one yuan over the budget was accepted")
    budget_services.recommendations_generate(year=year.year, actor=finance)
    recommendation = Recommendation.objects.get(project_id=budget.last_year_project_id)
    budget_services.recommendation_decide(recommendation=recommendation, actor=finance, decision="accept")

    build_survey(users, codes=3)
    return year
