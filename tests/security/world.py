"""A small but complete year for the project-wide checks (permission matrix, fuzzing, ETags).

Three departments (教育局 edu and 卫生健康委 health in the social group, 水利局 water), one user
per role (filer and dept_head of edu, filer2 of water), and everything a URL of the project may
need: the 2026 library and plan, Q3 reports (edu approved, water submitted), Q4 drafts with
evidence, scores published with an open and a decided appeal, events, budget projects in every
state with tranches, spending, an evaluation and recommendations, an open survey with codes, a
draft survey, an API token, notifications and audit events. Built through the services, as a
user would, so every row is in a state the application itself produces.
"""

from __future__ import annotations

import datetime as dt
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal as D
from unittest import mock

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from assessments import services as assess
from assessments.models import Appeal, Entry, Plan, Report
from assessments.recompute import process_recompute_requests, recompute
from assessments.services.appeals import appeal_decide, appeal_file
from assessments.services.publication import scores_publish
from audit.models import AuditEvent
from budgets import services as budget
from budgets.models import Evaluation, Recommendation
from core.roles import Role
from indicators.models import Library
from organizations import services as org
from organizations.models import Department, User
from satisfaction import services as survey_services
from satisfaction.models import Survey
from tests.budgets.department_helpers import approved_sheet, draft_sheet, record_all
from tests.budgets.factories import ProjectFactory, add_targets, approved_project
from tests.factories import DepartmentFactory, RankingGroupFactory, RegionFactory, UserFactory
from tests.satisfaction.factories import AreaFactory, QuestionFactory, SurveyFactory, SurveyRegionFactory, add_answers
from tests.scenario import SMALL_CATEGORIES, build_library, small_indicators

YEAR = 2026
TZ = timezone.get_current_timezone()
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def pdf(name: str = "evidence.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


@contextmanager
def frozen(day: dt.date):
    when = dt.datetime(day.year, day.month, day.day, 10, 0, tzinfo=TZ)
    with mock.patch.object(timezone, "now", lambda: when):
        yield


@dataclass
class World:
    users: dict[str, User]
    departments: dict[str, Department]
    plan: Plan
    objects: dict[str, object] = field(default_factory=dict)

    def __getitem__(self, key):
        return self.objects[key]


def _library() -> Library:
    return build_library(
        year=YEAR,
        categories=SMALL_CATEGORIES,
        indicators=small_indicators(roads=10, rate=10, safe=10, party=10),
        rules=[
            {"code": "accident", "name": "安全质量事故", "scope": "indicator", "indicator": "safe", "points": D(2)},
            {"code": "late", "name": "季度报告逾期", "points": D("0.5")},
            {"code": "criticism", "name": "通报批评", "points": D(1)},
            {"code": "award", "name": "国家级表彰", "kind": "bonus", "points": D(1)},
        ],
    )


def _fill(report: Report, actor) -> None:
    for e in report.entries.select_related("assignment__indicator"):
        code = e.assignment.indicator.code
        data = {"narrative": "按计划推进"}
        if code == "roads":
            data["actual_value"] = "225"
        elif code == "rate":
            data["actual_value"] = "95"
        else:
            data["completion_pct"] = "80"
        assess.entry_save(entry=e, data=data, actor=actor)


def build_world() -> World:
    """Everything the URLs of the project need; about a second on SQLite."""
    social = RankingGroupFactory(code="social", name="社会事业类")
    urban = RankingGroupFactory(code="urban", name="城乡建设类")
    east = RegionFactory(code="east", name="东城区", population=300_000)
    west = RegionFactory(code="west", name="西城区", population=100_000)
    departments = {
        "edu": DepartmentFactory(code="edu", name="教育局", group=social, region=east, order=1),
        "health": DepartmentFactory(code="health", name="卫生健康委", group=social, region=east, order=2),
        "water": DepartmentFactory(code="water", name="水利局", group=urban, region=west, order=3),
    }
    users = {}
    for role in Role:
        dept = departments["edu"] if role in (Role.FILER, Role.DEPT_HEAD) else None
        users[role.value] = UserFactory(username=role.value, role=role, department=dept)
    users["filer2"] = UserFactory(username="filer2", role=Role.FILER, department=departments["water"])
    sup, filer, filer2, finance = users["supervisor"], users["filer"], users["filer2"], users["finance"]

    lib = _library()
    plan = assess.plan_create(library=lib, actor=sup)
    plan.status = Plan.Status.ACTIVE
    plan.late_report_rule = lib.rules.get(code="late")
    plan.save()
    assess.assign_all(plan=plan, actor=sup)
    w = World(users=users, departments=departments, plan=plan)
    o = w.objects

    # Q3, before its deadline: edu approved (a revision), water submitted and waiting for review.
    q3 = plan.quarters.get(number=3)
    with frozen(dt.date(YEAR, 10, 9)):
        for code, actor in (("edu", filer), ("water", filer2)):
            report = assess.report_open(quarter=q3, department=departments[code])
            _fill(report, actor)
            assess.report_submit(report=report, actor=actor)
            if code != "water":
                assess.report_approve(report=report, actor=sup)
            o[f"q3_{code}"] = report
    # Q4 is open now: drafts with entries; edu's first entry has evidence.
    q4 = plan.quarters.get(number=4)
    for code in ("edu", "water"):
        o[f"q4_{code}"] = assess.report_open(quarter=q4, department=departments[code])
        o[f"entry_{code}"] = Entry.objects.filter(report=o[f"q4_{code}"]).order_by("pk").first()
        o[f"evidence_{code}"] = assess.evidence_add(
            entry=o[f"entry_{code}"], upload=pdf(), actor=filer if code == "edu" else filer2
        )
    o["q3"], o["q4"] = q3, q4
    o["assignment_edu"] = plan.assignments.filter(department=departments["edu"]).order_by("pk").first()
    for code in ("edu", "water"):
        o[f"exemption_{code}"] = assess.exemption_grant(
            assignment=plan.assignments.filter(department=departments[code]).order_by("-pk").first(),
            period="Q1",
            reason="本季度不适用。",
            actor=sup,
        )
    o["assignment_grade"] = plan.assignments.get(department=departments["edu"], indicator__code="party")

    # Events with evidence, scores, publication, an open and a decided appeal.
    for code in ("edu", "water"):
        o[f"event_{code}"] = assess.event_record(
            plan=plan,
            rule=lib.rules.get(code="accident"),
            department=departments[code],
            date=dt.date(YEAR, 11, 2),
            occurrences=1,
            note="事故",
            evidence=pdf("event.pdf"),
            actor=sup,
        )
    recompute(plan=plan)
    process_recompute_requests(plan_id=plan.pk)
    scores_publish(plan=plan, period="annual", actor=sup, waiver="测试:先行公布。")
    for code, actor in (("edu", filer), ("water", filer2)):
        score = plan.scores.get(department=departments[code], period="annual")
        lines = list(score.lines.filter(kind__in=("indicator", "deduction")).order_by("order"))
        o[f"appeal_{code}"] = appeal_file(
            score=score, line_key=lines[0].key, reason="数据有误", evidence=pdf("appeal.pdf"), actor=actor
        )
        decided = appeal_file(score=score, line_key=lines[1].key, reason="另一处", actor=actor)
        o[f"appeal_decided_{code}"] = appeal_decide(
            appeal=decided, decision=Appeal.Status.REJECTED, reason="依据充分", actor=sup
        )
    o["score_edu"] = plan.scores.get(department=departments["edu"], period="annual")

    # Budgets: edu's draft, submitted and approved projects; water's draft; last year's evaluation.
    o["project_draft"] = ProjectFactory(department=departments["edu"], year=YEAR, name="草稿项目")
    o["target"] = add_targets(o["project_draft"])[0]
    o["project_submitted"] = ProjectFactory(department=departments["edu"], year=YEAR, name="已提交项目")
    add_targets(o["project_submitted"])
    budget.project_submit(project=o["project_submitted"], actor=filer)
    approved = approved_project(departments["edu"], amount="2396300.00")
    o["project_approved"] = approved
    o["tranche_held"] = budget.tranche_create(
        project=approved, actor=finance, name="第二批", amount=D(1000), condition_targets=[approved.targets.first()]
    )
    o["tranche_open"] = budget.tranche_create(project=approved, actor=finance, name="第一批", amount=D(5000))
    o["spending"] = budget.spending_record(
        project=approved, actor=finance, date=dt.date(YEAR, 3, 1), amount="100", tranche=o["tranche_open"]
    )
    budget.actuals_record(
        project=approved, actor=finance, values={t.pk: (t.value, "年度自评报告") for t in approved.targets.all()}
    )
    o["evaluation"] = budget.evaluation_compute(project=approved, actor=finance)
    from tests.budgets.factories import revision_objects

    o.update(revision_objects(approved=approved, submitted=o["project_submitted"], filer=filer, finance=finance))
    o["project_water"] = ProjectFactory(department=departments["water"], year=YEAR, name="水利项目")
    o["target_water"] = add_targets(o["project_water"])[0]
    last_year = approved_project(departments["edu"], year=YEAR - 1)
    Evaluation.objects.create(
        project=last_year,
        number=1,
        total=D(92),
        grade="excellent",
        amount=last_year.amount,
        spent=last_year.amount,
        execution_rate=D(100),
        weights={},
        ledger=[],
        status="published",
        confirmed_at=timezone.now(),
        published_at=timezone.now(),
    )
    budget.recommendations_generate(year=YEAR, actor=finance, department_grades={})
    o["policy"] = budget.policy_save(year=YEAR, actor=finance, data={})
    o["recommendation"] = Recommendation.objects.get(project=last_year)
    # Appraisals: the evaluation firm's ex-ante package with an assessment in progress (and its evidence),
    # and its key-evaluation package with a key evaluation of the approved project.
    evaluator = users["evaluator"]
    big = ProjectFactory(department=departments["edu"], year=YEAR, name="大额新项目", amount=D("6000000.00"))
    add_targets(big)
    o["project_big"] = big
    period = {"year": YEAR, "starts_on": dt.date(YEAR, 1, 1), "ends_on": dt.date(YEAR + 5, 12, 31)}
    o["package"] = budget.package_create(
        actor=finance, data={"evaluator": evaluator, "kind": "ex_ante", "name": "事前评估", "projects": [big]} | period
    )
    o["exante"] = budget.exante_start(project=big, actor=evaluator, package=o["package"])
    o["appraisal_evidence"] = budget.exante_evidence_add(line=o["exante"].lines.first(), upload=pdf(), actor=evaluator)
    o["key_package"] = budget.package_create(
        actor=finance, data={"evaluator": evaluator, "kind": "key", "name": "重点评价", "projects": [approved]} | period
    )
    o["key"] = budget.key_start(project=approved, actor=evaluator, package=o["key_package"])
    o["key_evidence"] = budget.key_evidence_add(line=o["key"].lines.first(), upload=pdf(), actor=evaluator)

    # Department-wide sheets: edu's approved one of the year (evaluated), last year's submitted,
    # next year's draft; water's draft. One disclosure decision withholds an edu item.
    o["dsheet_approved"] = approved_sheet(departments["edu"], year=YEAR)
    record_all(o["dsheet_approved"], finance)
    o["devaluation"] = budget.department_evaluation_compute(sheet=o["dsheet_approved"], actor=finance)
    o["dsheet_submitted"] = draft_sheet(departments["edu"], year=YEAR - 1)
    budget.department_sheet_submit(sheet=o["dsheet_submitted"], actor=filer)
    o["dsheet_draft"] = draft_sheet(departments["edu"], year=YEAR + 1)
    o["dtarget"] = o["dsheet_draft"].targets.order_by("order").first()
    o["dsheet_water"] = draft_sheet(departments["water"], year=YEAR)
    o["disclosure"] = budget.disclosure_set(
        project=approved, part="targets", withheld=True, reason="涉密", actor=finance
    )

    # Surveys: an open one with answers and codes, a draft one.
    s = SurveyFactory(code="s2026", year=YEAR, title="2026年群众满意度调查")
    o["survey"] = s
    o["area"] = AreaFactory(survey=s, code="education", name="学有所教")
    o["question"] = QuestionFactory(survey=s, area=o["area"], department=departments["edu"], text="学校?")
    o["text_question"] = QuestionFactory(survey=s, area=o["area"], kind="text", text="建议?")
    o["sr_east"] = SurveyRegionFactory(survey=s, region=east, quota=50)
    o["sr_west"] = SurveyRegionFactory(survey=s, region=west, quota=50)
    add_answers(s, o["sr_east"], o["question"], [5, 4, 4, 2])
    o["batch"], codes = survey_services.codes_generate(survey_region=o["sr_east"], count=3, actor=sup)
    o["code"] = codes[0]
    o["survey_draft"] = SurveyFactory(code="draft", year=YEAR, status=Survey.Status.DRAFT, title="草稿调查")

    # Dual monitoring: a warning on edu's approved project; rectification items of edu and water,
    # raised by the supervision office.
    from monitoring.models import MonitoringWarning
    from rectification import services as rect

    o["warning"] = MonitoringWarning.objects.create(
        project=approved,
        department=departments["edu"],
        year=YEAR,
        checkpoint=dt.date(YEAR, 10, 31),
        kind="execution",
        threshold=D(80),
        execution_rate=D(1),
        issued_on=dt.date(YEAR, 11, 1),
        respond_by=dt.date(YEAR, 11, 15),
        status="lapsed",
        paused_at=timezone.now(),
    )
    for code in ("edu", "water"):
        o[f"rect_{code}"] = rect.item_create(
            actor=sup,
            department=departments[code],
            title="资料不全",
            description="佐证材料缺失。",
            measures_required="补齐材料。",
            deadline=timezone.localdate() + dt.timedelta(days=30),
        )
        o[f"rect_evidence_{code}"] = rect.evidence_add(
            item=o[f"rect_{code}"], upload=pdf("整改.pdf"), actor=filer if code == "edu" else filer2
        )

    # A pending budget reallocation of edu (from its approved project back to the pool), and a day of
    # the working calendar.
    from monitoring.models import CalendarDay

    o["reallocation"] = budget.reallocation_request(actor=filer, source=approved, amount="1000.00", reason="结余调剂")
    o["calendar_day"] = CalendarDay.objects.create(date=dt.date(YEAR, 10, 1), kind="holiday", name="国庆节")

    o["token"], o["token_key"] = org.token_issue(user=filer, name="集成")
    o["audit_event"] = AuditEvent.objects.order_by("pk").first()
    return w
