"""Demo of ex-ante assessments and key evaluations (docs/budgets.md, sections 5–7).

This year: the evaluation firm assessed two new projects before the budget — 教育局's smart-campus
project was not supported (so it cannot be submitted), 卫生健康委's emergency-care project was
supported after changes and has been submitted. Last year: the firm's key evaluations of two
projects stand beside the departments' self-evaluations with their gaps, and next year's
recommendation of the water project follows its key evaluation.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

from django.utils import timezone

from organizations.models import Department, User

from . import services
from .models import BudgetProject

SMART_CAMPUS = [
    ("cost", "cost", "单校建设投入", "le", "60", None, "万元/所"),
    ("output", "quantity", "建成智慧教室", "ge", "400", None, "间"),
    ("output", "quality", "系统验收合格率", "eq", "100", None, "%"),
    ("effect", "social", "教学应用覆盖率", "ge", "70", None, "%"),
    ("satisfaction", "satisfaction", "师生满意度", "ge", "85", None, "%"),
]
EMERGENCY = [
    ("cost", "cost", "急救车辆采购单价", "le", "55", None, "万元/辆"),
    ("output", "quantity", "新增负压救护车", "ge", "10", None, "辆"),
    ("output", "quantity", "培训院前急救人员", "ge", "300", None, "人"),
    ("output", "timeliness", "急救站点按期建成率", "ge", "95", None, "%"),
    ("effect", "social", "城区急救平均反应时间", "le", "12", None, "分钟"),
    ("satisfaction", "satisfaction", "患者及家属满意度", "ge", "90", None, "%"),
]

REJECTED = {
    "necessity": ("48个月内已有两期同类信息化项目,需求与在建项目重复。", "12.00"),
    "economy": ("单校投入高于省定标准约 35%,未做比选。", "9.00"),
    "targets": ("效益指标“教学应用覆盖率”缺少基线值。", "12.00"),
    "feasibility": ("实施方案未明确运维主体和后续经费来源。", "10.00"),
    "funding": ("资金来源为一般公共预算,合规。", "13.00"),
}
ADJUSTED = {
    "necessity": ("城区急救反应时间高于全省平均水平,需求明确。", "23.00"),
    "economy": ("救护车单价按政府采购目录核定,培训费用偏高。", "15.00"),
    "targets": ("产出与效益指标完整,满意度目标值偏低。", "16.00"),
    "feasibility": ("站点选址已落实,进度安排合理。", "17.00"),
    "funding": ("市级财政与上级转移支付配套明确。", "14.00"),
}


def _sheet(lines: dict) -> dict:
    return {dim: {"comment": comment, "score": D(score)} for dim, (comment, score) in lines.items()}


def seed_appraisals(*, current: int, project_factory, filer) -> dict:
    finance = User.objects.filter(username="finance").first()
    evaluator = User.objects.filter(username="evaluator").first()
    if finance is None or evaluator is None:
        return {"assessments": 0}
    today = timezone.localdate()
    departments = {d.code: d for d in Department.objects.all()}
    previous = current - 1

    # This year: two new projects above the threshold of 5,000,000.00 yuan.
    campus = project_factory(departments["edu"], current, "智慧校园建设工程", "12000000.00", SMART_CAMPUS)
    emergency = project_factory(departments["health"], current, "院前急救能力提升工程", "6800000.00", EMERGENCY)
    exante_package = services.package_create(
        actor=finance,
        data={
            "evaluator": evaluator,
            "kind": "ex_ante",
            "year": current,
            "name": f"{current}年新增重大项目事前绩效评估",
            "projects": [campus, emergency],
            "starts_on": today - dt.timedelta(days=20),
            "ends_on": today + dt.timedelta(days=40),
            "note": "委托第三方评价机构对新增 500 万元以上项目开展事前绩效评估。",
        },
    )
    rejected = services.exante_start(project=campus, actor=evaluator, package=exante_package)
    services.exante_save(
        assessment=rejected,
        actor=evaluator,
        data={
            "lines": _sheet(REJECTED),
            "conclusion": "reject",
            "summary": "与在建智慧教育项目重复建设,投入标准偏高且运维经费无着落,不予支持。",
        },
    )
    services.exante_submit(assessment=rejected, actor=evaluator)
    services.exante_review(assessment=rejected, actor=finance, decision="accept")

    adjusted = services.exante_start(project=emergency, actor=evaluator, package=exante_package)
    services.exante_save(
        assessment=adjusted,
        actor=evaluator,
        data={
            "lines": _sheet(ADJUSTED),
            "conclusion": "adjust",
            "required_changes": "1. 培训费用按市级培训经费标准压减;\n2. 患者及家属满意度目标值提高到 92% 以上。",
            "summary": "项目必要性充分,实施条件基本具备,按要求调整后予以支持。",
        },
    )
    services.exante_submit(assessment=adjusted, actor=evaluator)
    services.exante_review(assessment=adjusted, actor=finance, decision="accept")
    target = emergency.targets.get(name="患者及家属满意度")
    services.target_save(project=emergency, actor=filer(emergency.department), target=target, data={"value": D(92)})
    services.project_submit(project=emergency, actor=filer(emergency.department))

    # Last year: key evaluations of two projects by the firm, beside the self-evaluations.
    projects = {
        p.department.code: p
        for p in BudgetProject.objects.filter(year=previous, department__code__in=["water", "health"]).select_related(
            "department"
        )
    }
    key_package = services.package_create(
        actor=finance,
        data={
            "evaluator": evaluator,
            "kind": "key",
            "year": previous,
            "name": f"{previous}年度财政重点绩效评价",
            "projects": list(projects.values()),
            "starts_on": today - dt.timedelta(days=30),
            "ends_on": today + dt.timedelta(days=30),
        },
    )
    # Scores of decision, process, output and effect (20/20/30/30 points): 71.50 and 88.00 in all.
    findings = {
        "water": (
            ("16.00", "13.50", "22.00", "20.00"),
            "部分工程未按期完工,水质检测记录不全,运行管护机制未建立,自评结果偏高。",
            (
                "立项依据充分,但绩效目标未细化到工程。",
                "资金拨付滞后,验收资料不全。",
                "12 处工程完工 9 处。",
                "水质达标率未持续监测。",
            ),
        ),
        "health": (
            ("18.00", "17.00", "27.00", "26.00"),
            "设备到位及时,使用率较高;个别卫生院人员培训不足。",
            ("立项规范,目标明确。", "采购合规,台账完整。", "设备全部到位并投入使用。", "个别卫生院人员培训不足。"),
        ),
    }
    for code, (scores, text, comments) in findings.items():
        if code not in projects:
            continue
        key = services.key_start(project=projects[code], actor=evaluator, package=key_package)
        lines = {
            dim: {"score": D(score), "comment": comment}
            for dim, score, comment in zip(("decision", "process", "output", "effect"), scores, comments, strict=True)
        }
        services.key_save(key=key, actor=evaluator, data={"lines": lines, "findings": text})
        services.key_submit(key=key, actor=evaluator)
        services.key_review(key=key, actor=finance, decision="accept")
    # The water project's recommendation now follows its key evaluation.
    services.recommendations_generate(year=current, actor=finance)
    return {"assessments": 2, "key_evaluations": len(findings)}
