"""Demo budget projects: last year's evaluated (for this year's recommendations) and this year's in progress.

Built through the services, so every step is validated and audited as in real use. Idempotent:
nothing is added when the demo projects exist already.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

from django.db import transaction
from django.utils import timezone

from core.roles import DEPARTMENT_ROLES
from organizations.models import Department, User

from . import demo_library, services
from .models import BudgetProject, Recommendation

# The activity-support fund of docs/budgets.md: 239.63万元 bound to 12 targets.
# (dimension, sub-dimension, name, operator, value, upper, unit, last year's actual)
ACTIVITY_TARGETS = [
    ("cost", "cost", "讲师课时费标准", "le", "200", None, "元/人·课时", "210"),
    ("cost", "economic", "单场活动平均成本", "le", "4.8", None, "万元/场", "4.6"),
    ("output", "quantity", "组织校园文体活动场次", "ge", "50", None, "场", "48"),
    ("output", "quantity", "参与学生人次", "ge", "30000", None, "人次", "31200"),
    ("output", "quantity", "培训体育艺术教师人数", "ge", "200", None, "人", "210"),
    ("output", "quality", "活动安全事故", "le", "3", None, "起", "4"),
    ("output", "quality", "活动方案审核通过率", "eq", "100", None, "%", "100"),
    ("output", "timeliness", "活动按计划完成率", "ge", "95", None, "%", "96"),
    ("effect", "social", "覆盖中小学校数", "ge", "120", None, "所", "118"),
    ("effect", "social", "学生体质健康达标率", "ge", "92", None, "%", "92.6"),
    ("effect", "sustainable", "校园文体社团常态化开展比例", "range", "80", "100", "%", "85"),
    ("satisfaction", "satisfaction", "学生及家长满意度", "ge", "90", None, "%", "93"),
]

# Last year's projects: department, name, amount (yuan), share spent, targets (as above, actual last).
PREVIOUS = [
    ("edu", "校园文体活动支持资金", "2280000.00", "0.96", ACTIVITY_TARGETS),
    (
        "health",
        "基层医疗卫生机构能力提升",
        "3500000.00",
        "0.99",
        [
            ("cost", "cost", "医疗设备采购单价", "le", "45", None, "万元/台", "43"),
            ("output", "quantity", "改造提升乡镇卫生院", "ge", "12", None, "所", "12"),
            ("output", "quality", "设备验收合格率", "eq", "100", None, "%", "100"),
            ("output", "timeliness", "项目按期完成率", "ge", "95", None, "%", "96"),
            ("effect", "social", "基层就诊率", "ge", "65", None, "%", "66.5"),
            ("satisfaction", "satisfaction", "患者满意度", "ge", "90", None, "%", "92"),
        ],
    ),
    (
        "water",
        "农村饮水安全巩固提升工程",
        "8600000.00",
        "0.88",
        [
            ("cost", "cost", "工程人均造价", "le", "1200", None, "元/人", "1250"),
            ("output", "quantity", "新建改造供水工程", "ge", "40", None, "处", "36"),
            ("output", "quality", "出厂水水质达标率", "ge", "95", None, "%", "96"),
            ("output", "timeliness", "工程按期完工率", "ge", "90", None, "%", "85"),
            ("effect", "social", "受益农村人口", "ge", "120000", None, "人", "115000"),
            ("effect", "sustainable", "工程运行管护覆盖率", "ge", "90", None, "%", "88"),
            ("satisfaction", "satisfaction", "受益群众满意度", "ge", "85", None, "%", "86"),
        ],
    ),
    (
        "culture",
        "公共文化惠民演出",
        "1200000.00",
        "0.40",
        [
            ("cost", "cost", "单场演出补贴", "le", "4000", None, "元/场", "5200"),
            ("output", "quantity", "惠民演出场次", "ge", "300", None, "场", "120"),
            ("output", "quality", "演出质量抽查合格率", "ge", "95", None, "%", "70"),
            ("effect", "social", "观众人次", "ge", "150000", None, "人次", "50000"),
            ("satisfaction", "satisfaction", "观众满意度", "ge", "90", None, "%", "70"),
        ],
    ),
    (
        "civil",
        "困难群众临时救助资金",
        "5000000.00",
        "1.00",
        [
            ("cost", "cost", "人均救助标准", "le", "2500", None, "元/人", "2400"),
            ("output", "quantity", "救助困难群众人次", "ge", "2000", None, "人次", "2080"),
            ("output", "timeliness", "救助资金发放及时率", "ge", "98", None, "%", "99"),
            ("effect", "social", "因急难返贫致贫人数", "le", "0", None, "人", "0"),
            ("satisfaction", "satisfaction", "救助对象满意度", "ge", "90", None, "%", "95"),
        ],
    ),
    (
        "hrss",
        "就业创业补贴资金",
        "6400000.00",
        "0.85",
        [
            ("cost", "cost", "人均培训补贴", "le", "1800", None, "元/人", "1750"),
            ("output", "quantity", "补贴职业技能培训人数", "ge", "3000", None, "人", "2400"),
            ("output", "quality", "培训合格率", "ge", "90", None, "%", "91"),
            ("effect", "economic", "培训后就业率", "ge", "75", None, "%", "60"),
            ("satisfaction", "satisfaction", "参训人员满意度", "ge", "90", None, "%", "85"),
        ],
    ),
    (
        "transport",
        "农村公路养护补助",
        "4200000.00",
        "0.80",
        [
            ("cost", "cost", "每公里养护成本", "le", "7000", None, "元/公里", "7800"),
            ("output", "quantity", "养护农村公路里程", "ge", "600", None, "公里", "520"),
            ("output", "quality", "优良中等路比例", "ge", "85", None, "%", "80"),
            ("effect", "social", "农村公路安全事故", "le", "5", None, "起", "7"),
            ("satisfaction", "satisfaction", "沿线群众满意度", "ge", "85", None, "%", "80"),
        ],
    ),
    (
        "agri",
        "高标准农田建设补助",
        "9800000.00",
        "0.99",
        [
            ("cost", "cost", "亩均建设投入", "le", "3000", None, "元/亩", "2950"),
            ("output", "quantity", "新建高标准农田", "ge", "3.2", None, "万亩", "3.3"),
            ("output", "quality", "工程验收合格率", "eq", "100", None, "%", "100"),
            ("effect", "economic", "亩均粮食增产", "ge", "50", None, "公斤", "56"),
            ("effect", "ecological", "节水灌溉面积占比", "ge", "60", None, "%", "62"),
            ("satisfaction", "satisfaction", "农户满意度", "ge", "90", None, "%", "94"),
        ],
    ),
    (
        "eco",
        "大气污染防治专项资金",
        "3000000.00",
        "0.97",
        [
            ("cost", "cost", "单台锅炉改造补助", "le", "8", None, "万元/台", "8"),
            ("output", "quantity", "完成燃煤锅炉改造", "ge", "35", None, "台", "33"),
            ("effect", "ecological", "PM2.5 年均浓度", "le", "35", None, "微克/立方米", "36.5"),
            ("effect", "ecological", "空气质量优良天数比例", "ge", "85", None, "%", "86"),
            ("satisfaction", "satisfaction", "公众对空气质量满意度", "ge", "80", None, "%", "82"),
        ],
    ),
    (
        "police",
        "智慧安防小区建设",
        "7000000.00",
        "0.62",
        [
            ("cost", "cost", "单个小区建设成本", "le", "35", None, "万元/个", "41"),
            ("output", "quantity", "建成智慧安防小区", "ge", "200", None, "个", "130"),
            ("output", "timeliness", "按期建成率", "ge", "90", None, "%", "60"),
            ("effect", "social", "小区可防性案件下降率", "ge", "30", None, "%", "18"),
            ("satisfaction", "satisfaction", "居民满意度", "ge", "85", None, "%", "78"),
        ],
    ),
]

# This year's projects besides the activity fund: department, name, amount, state, targets (no actuals).
CURRENT = [
    (
        "water",
        "农村饮水安全巩固提升工程",
        "9000000.00",
        "submitted",
        [
            ("cost", "cost", "工程人均造价", "le", "1200", None, "元/人"),
            ("output", "quantity", "新建改造供水工程", "ge", "45", None, "处"),
            ("output", "quality", "出厂水水质达标率", "ge", "96", None, "%"),
            ("effect", "social", "受益农村人口", "ge", "110000", None, "人"),
            ("effect", "sustainable", "农村供水保障水平进一步提高", "ge", "1", None, ""),
            ("effect", "social", "群众对供水服务满意度", "ge", "85", None, "%"),
            ("satisfaction", "satisfaction", "受益群众满意度", "ge", "88", None, "%"),
        ],
    ),
    (
        "health",
        "基层医疗卫生机构能力提升",
        "3800000.00",
        "returned",
        [
            ("cost", "cost", "医疗设备采购单价", "le", "45", None, "万元/台"),
            ("output", "quantity", "改造提升乡镇卫生院", "ge", "14", None, "所"),
            ("effect", "social", "基层就诊率", "ge", "66", None, "%"),
            ("satisfaction", "satisfaction", "患者满意度", "ge", "88", None, "%"),
        ],
    ),
    (
        "culture",
        "公共文化惠民演出",
        "1000000.00",
        "submitted",
        [
            ("cost", "cost", "单场演出补贴", "le", "4000", None, "元/场"),
            ("output", "quantity", "惠民演出场次", "ge", "240", None, "场"),
            ("effect", "social", "观众人次", "ge", "100000", None, "人次"),
            ("satisfaction", "satisfaction", "观众满意度", "ge", "90", None, "%"),
        ],
    ),
    (
        "civil",
        "困难群众临时救助资金",
        "5200000.00",
        "approved",
        [
            ("cost", "cost", "人均救助标准", "le", "2500", None, "元/人"),
            ("output", "quantity", "救助困难群众人次", "ge", "2100", None, "人次"),
            ("effect", "social", "因急难返贫致贫人数", "le", "0", None, "人"),
            ("satisfaction", "satisfaction", "救助对象满意度", "ge", "90", None, "%"),
        ],
    ),
    (
        "agri",
        "高标准农田建设补助",
        "10500000.00",
        "approved",
        [
            ("cost", "cost", "亩均建设投入", "le", "3000", None, "元/亩"),
            ("output", "quantity", "新建高标准农田", "ge", "3.5", None, "万亩"),
            ("output", "timeliness", "项目按期开工率", "ge", "95", None, "%"),
            ("effect", "economic", "亩均粮食增产", "ge", "50", None, "公斤"),
            ("satisfaction", "satisfaction", "农户满意度", "ge", "90", None, "%"),
        ],
    ),
]

# A draft of 教育局 without a satisfaction target: it cannot be submitted until one is added.
PRESCHOOL_TARGETS = [
    ("cost", "cost", "生均公用经费补助标准", "le", "800", None, "元/生·年"),
    ("output", "quantity", "补助普惠性幼儿园", "ge", "85", None, "所"),
    ("output", "quality", "幼儿园保教质量评估合格率", "ge", "95", None, "%"),
    ("effect", "social", "学前教育普惠率", "ge", "92", None, "%"),
]

RETURN_REASON = "满意度目标值低于上年实际水平(92%),请调整为不低于 92% 后重新提交。"


def _user(username: str) -> User | None:
    return User.objects.filter(username=username).first()


def _filer(department: Department) -> User | None:
    return (
        User.objects.filter(department=department, role__in=list(DEPARTMENT_ROLES), is_active=True)
        .order_by("role", "username")
        .first()
    )


# Projects that carry on from earlier years (延续性项目): they need no ex-ante assessment.
CONTINUING = {
    "农村饮水安全巩固提升工程",
    "困难群众临时救助资金",
    "高标准农田建设补助",
    "基层医疗卫生机构能力提升",
    "就业创业补贴资金",
    "智慧安防小区建设",
}

LIBRARY_LINKS: dict = {}  # target name → library indicator, filled by seed() (budgets.demo_library)


def _project(department, year, name, amount, targets, *, code=None, with_actuals=False) -> BudgetProject:
    actor = _filer(department)
    project = services.project_create(
        actor=actor,
        department=department,
        year=year,
        data={
            "name": name,
            "amount": D(amount),
            "code": code or "",
            "funding_source": "general",
            "is_continuing": name in CONTINUING,
        },
    )
    for order, row in enumerate(targets, start=1):
        dim, sub, tname, op, value, upper, unit = row[:7]
        services.target_save(
            project=project,
            actor=actor,
            data={
                "dimension": dim,
                "subdimension": sub,
                "name": tname,
                "operator": op,
                "value": D(value),
                "upper": D(upper) if upper else None,
                "unit": unit,
                "order": order,
                "library_indicator": LIBRARY_LINKS.get(tname),
            },
        )
    return project


def _approve(project, finance) -> BudgetProject:
    services.project_submit(project=project, actor=_filer(project.department))
    return services.project_approve(project=project, actor=finance)


def _spend(project, finance, total: D, dates: list[dt.date], tranche=None) -> None:
    """Spend ``total`` over the given dates in roughly equal parts (the last takes the rest)."""
    today = timezone.localdate()
    parts = len(dates)
    each = (total / parts / 1000).quantize(D("1")) * 1000  # whole thousands; the last part takes the rest
    spent = D(0)
    for i, day in enumerate(dates, start=1):
        amount = total - spent if i == parts else each
        if amount <= 0:
            continue
        services.spending_record(
            project=project,
            actor=finance,
            date=min(day, today),
            amount=amount,
            tranche=tranche,
            description="按进度拨付",
            voucher=f"PZ{project.year}{project.pk:04d}{i:02d}",
        )
        spent += amount


@transaction.atomic
def seed(stdout=None) -> dict:
    current = timezone.localdate().year
    previous = current - 1
    activity_code = f"edu-{current}-001"
    if BudgetProject.objects.filter(year=current, code=activity_code).exists():
        return {"projects": BudgetProject.objects.count(), "created": 0}
    finance = _user("finance")
    departments = {d.code: d for d in Department.objects.all()}
    for year in (previous, current):
        services.policy_save(year=year, actor=finance, data={})
    LIBRARY_LINKS.clear()
    LIBRARY_LINKS.update(demo_library.seed_library())

    # Last year: approved, executed, year-end values recorded, evaluated and confirmed by finance;
    # published (公开) except the culture project's, confirmed but not public yet. One water target
    # did not apply (its monitoring was handed to another department mid-year).
    for code, name, amount, share, targets in PREVIOUS:
        project = _project(departments[code], previous, name, amount, targets)
        _approve(project, finance)
        spent = (D(amount) * D(share)).quantize(D("0.01"))
        _spend(project, finance, spent, [dt.date(previous, m, 20) for m in (3, 6, 9, 12)])
        values = {}
        for t, row in zip(project.targets.order_by("order"), targets, strict=True):
            if code == "water" and t.name == "工程运行管护覆盖率":
                values[t.pk] = (None, "", True, "年中工程管护职责移交市农业农村局,本项目不再考核该目标")
            else:
                values[t.pk] = (D(row[7]), "年度绩效自评报告")
        services.actuals_record(project=project, actor=finance, values=values)
        evaluation = services.evaluation_compute(project=project, actor=finance)
        services.evaluation_confirm(evaluation=evaluation, actor=finance)
        if code != "culture":
            services.evaluation_publish(evaluation=evaluation, actor=finance)
    # Money asked for without targets: flagged instead of recommended.
    services.project_create(
        actor=None,
        department=departments["commerce"],
        year=previous,
        data={"name": "外贸企业境外参展补贴", "amount": D("800000.00")},
    )
    # Targets written but still returned at the year's end: never evaluated.
    market = _project(
        departments["market"],
        previous,
        "食品安全抽检经费",
        "1500000.00",
        [
            ("cost", "cost", "单批次抽检成本", "le", "1500", None, "元/批次"),
            ("output", "quantity", "完成食品抽检批次", "ge", "1000", None, "批次"),
            ("effect", "social", "食品安全抽检合格率", "ge", "97", None, "%"),
            ("satisfaction", "satisfaction", "群众食品安全满意度", "ge", "85", None, "%"),
        ],
    )
    services.project_submit(project=market, actor=None)
    services.project_return(project=market, actor=finance, reason="抽检批次目标与年度抽检计划不一致,请核实后重报。")

    # This year: the activity fund, approved, paid in two tranches (the second held until its targets are met).
    activity = _project(
        departments["edu"], current, "校园文体活动支持资金", "2396300.00", ACTIVITY_TARGETS, code=activity_code
    )
    _approve(activity, finance)
    targets = {t.name: t for t in activity.targets.all()}
    first = services.tranche_create(
        project=activity, actor=finance, name="第一批", amount=D("1200000.00"), planned_date=dt.date(current, 3, 1)
    )
    services.tranche_create(
        project=activity,
        actor=finance,
        name="第二批",
        amount=D("1196300.00"),
        planned_date=dt.date(current, 9, 1),
        condition_targets=[targets["组织校园文体活动场次"], targets["活动安全事故"]],
    )
    _spend(
        activity,
        finance,
        D("1150000.00"),
        [dt.date(current, 3, 18), dt.date(current, 6, 12), dt.date(current, 9, 16)],
        tranche=first,
    )
    # Year-end values of the activity fund being entered: the satisfaction survey's figure is not in
    # yet, so the evaluation is refused until it is (or the target is marked not applicable).
    entered = {
        t.pk: (t.value, "学校上报汇总") for t in activity.targets.exclude(dimension="satisfaction").order_by("order")
    }
    services.actuals_record(project=activity, actor=finance, values=entered)
    # A draft of 教育局 that still lacks a satisfaction target; one target scored by a library indicator.
    preschool = _project(departments["edu"], current, "普惠性幼儿园补助资金", "4500000.00", PRESCHOOL_TARGETS)
    from indicators.models import Indicator

    indicator = Indicator.objects.filter(library__year=current, code="edu_preschool").first()
    if indicator is not None:
        target = preschool.targets.get(name="学前教育普惠率")
        services.target_save(
            project=preschool, actor=_filer(departments["edu"]), target=target, data={"indicator": indicator}
        )
    made = {}
    for code, name, amount, state, rows in CURRENT:
        project = _project(departments[code], current, name, amount, rows)
        made[code] = project
        if state == "approved":
            _approve(project, finance)
            _spend(
                project, finance, (D(amount) * D("0.6")).quantize(D("0.01")), [dt.date(current, m, 25) for m in (4, 7)]
            )
        else:
            services.project_submit(project=project, actor=_filer(project.department))
            if state == "returned":
                services.project_return(project=project, actor=finance, reason=RETURN_REASON)

    # A mid-year revision approved (高标准农田, evaluated on version 2), one returned, a graded sheet.
    demo_library.seed_revisions(
        agri=made["agri"], civil=made["civil"], filer_of=lambda p: _filer(p.department), finance=finance
    )
    demo_library.seed_grade(water=made["water"], finance=finance)

    # This year's recommendations from last year's evaluations; two decided.
    services.recommendations_generate(year=current, actor=finance)
    recs = {
        r.project.department.code: r
        for r in Recommendation.objects.filter(year=current).select_related("project__department")
    }
    if "health" in recs:
        services.recommendation_decide(recommendation=recs["health"], actor=finance, decision="accept")
    if "culture" in recs and recs["culture"].kind == "recommendation":
        services.recommendation_decide(
            recommendation=recs["culture"],
            actor=finance,
            decision="override",
            final_action="cut",
            final_amount=D("900000.00"),
            reason="惠民演出纳入市级重点民生实事,压减幅度由 50% 调整为 25%,同时要求提高演出场次完成率。",
        )
    # Ex-ante assessments and key evaluations by the third-party evaluation firm (demo_appraisals).
    from .demo_appraisals import seed_appraisals

    seed_appraisals(current=current, project_factory=_project, filer=_filer)
    return {
        "projects": BudgetProject.objects.count(),
        "created": BudgetProject.objects.filter(year__in=[previous, current]).count(),
    }
