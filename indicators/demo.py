"""The demo framework: last year's library and the current year's, cloned and adjusted."""

from __future__ import annotations

from decimal import Decimal as D

from django.db import transaction
from django.utils import timezone

from organizations.models import Department, User

from . import services
from .choices import Applicability, LibraryStatus, Method, RuleEffect, RuleKind, RuleScope, ValueType
from .models import Category, GradeBand, Indicator, Library, Rule

# code, name, points, parent
CATEGORIES = [
    ("central", "中心工作", "25", None),
    ("new_productivity", "新质生产力发展", "10", None),
    ("public_service", "基本公共服务均等化", "15", None),
    ("safety", "平安建设", "5", None),
    ("agri_service", "服务工农业发展", "5", None),
    ("governance", "依法行政与政务服务", "10", None),
    ("party", "党的建设", "15", None),
    ("satisfaction", "群众满意度", "15", None),
]

# Common indicators (共性指标): code, name, category, method, points, direction, unit, basic, challenge, params, extra
COMMON = [
    (
        "c_invest",
        "年度重点项目投资完成率",
        "central",
        Method.TIERED,
        "10",
        "ge",
        "%",
        "90",
        "100",
        {"basic_share": "0.8"},
        {"description": "重点项目年度计划投资完成比例;达到挑战目标得满分。"},
    ),
    (
        "c_innovation",
        "科技创新投入增长率",
        "new_productivity",
        Method.RANK,
        "10",
        "ge",
        "%",
        None,
        None,
        {"shares": ["60", "57", "54", "51", "48"], "rest": "45"},
        {"description": "在共享本指标的部门中按增长率排名赋分。", "kind": "quantitative"},
    ),
    (
        "c_service",
        "基本公共服务事项办结率",
        "public_service",
        Method.PROPORTIONAL,
        "15",
        "ge",
        "%",
        "100",
        None,
        {},
        {"description": "按实际办结率与目标之比得分。"},
    ),
    (
        "c_safety",
        "安全生产与质量",
        "safety",
        Method.DEDUCTION,
        "5",
        "ge",
        "",
        None,
        None,
        {},
        {
            "description": "每发生一起安全或质量事故扣 2 分,扣完为止;重大事故本项清零。",
            "kind": "process",
            "evidence_required": True,
        },
    ),
    (
        "c_agri",
        "服务工农业发展任务完成率",
        "agri_service",
        Method.THRESHOLD,
        "5",
        "ge",
        "%",
        "100",
        None,
        {},
        {"description": "年度服务工农业发展任务全部完成得满分,否则不得分。"},
    ),
    (
        "c_hotline",
        "12345热线工单平均响应时长",
        "governance",
        Method.SCALE,
        "5",
        "le",
        "小时",
        None,
        None,
        {"bands": [{"bound": "1", "points": "5"}, {"bound": "2", "points": "3"}], "otherwise": "0"},
        {"description": "1 小时内响应得 5 分,2 小时内得 3 分,否则不得分。"},
    ),
    (
        "c_age",
        "干部队伍平均年龄",
        "governance",
        Method.PER_UNIT,
        "5",
        "le",
        "岁",
        "45",
        None,
        {"per_unit": "0.5"},
        {"description": "平均年龄每高于 45 岁 1 岁扣 0.5 分,扣完为止。"},
    ),
    (
        "c_party",
        "党建工作成效",
        "party",
        Method.GRADE,
        "15",
        "ge",
        "",
        None,
        None,
        {"grades": {"A": "100", "B": "80", "C": "60", "D": "40"}},
        {"description": "由考核组综合评定等次:A 100%、B 80%、C 60%、D 40%。", "kind": "qualitative"},
    ),
    (
        "c_satisfaction",
        "群众满意度",
        "satisfaction",
        Method.SATISFACTION,
        "15",
        "ge",
        "%",
        "85",
        None,
        {"scope": "department", "measure": "rate", "target": "85", "mode": "proportional"},
        {"description": "满意度调查中本部门的满意率(回答满意或非常满意的比例),目标 85%。"},
    ),
]

# Individual indicators (个性指标) in 中心工作, 15 points per department: department code -> list of
# (code, name, method, points, direction, unit, basic, challenge)
INDIVIDUAL = {
    "drc": [
        ("drc_fixed_invest", "固定资产投资增速", Method.TIERED, "10", "ge", "%", "6", "8"),
        ("drc_major_projects", "省市重大项目开工数", Method.PROPORTIONAL, "5", "ge", "个", "30", None),
    ],
    "finance": [
        ("fin_revenue", "一般公共预算收入完成率", Method.TIERED, "10", "ge", "%", "100", "105"),
        ("fin_perf_eval", "预算绩效评价覆盖率", Method.PROPORTIONAL, "5", "ge", "%", "100", None),
    ],
    "commerce": [
        ("com_retail", "社会消费品零售总额增速", Method.TIERED, "10", "ge", "%", "5", "7"),
        ("com_export", "外贸进出口额", Method.PROPORTIONAL, "5", "ge", "亿元", "120", None),
    ],
    "agri": [
        ("agri_grain", "粮食播种面积", Method.THRESHOLD, "10", "ge", "万亩", "150", None),
        ("agri_farmland", "高标准农田建设面积", Method.PROPORTIONAL, "5", "ge", "万亩", "8", None),
    ],
    "industry": [
        ("ind_output", "规上工业增加值增速", Method.TIERED, "10", "ge", "%", "6", "8"),
        ("ind_digital", "数字化改造企业数", Method.PROPORTIONAL, "5", "ge", "家", "60", None),
    ],
    "edu": [
        ("edu_preschool", "学前教育普惠率", Method.PROPORTIONAL, "10", "ge", "%", "90", None),
        ("edu_schools", "新建改扩建中小学校", Method.DEDUCTION, "5", "ge", "所", "6", None),
    ],
    "health": [
        ("hea_family_doctor", "家庭医生签约率", Method.PROPORTIONAL, "10", "ge", "%", "75", None),
        ("hea_beds", "每千人口医疗卫生机构床位数", Method.THRESHOLD, "5", "ge", "张", "7", None),
    ],
    "civil": [
        ("civ_elderly_beds", "养老机构护理型床位占比", Method.TIERED, "10", "ge", "%", "60", "70"),
        ("civ_assistance", "困难群众救助资金发放及时率", Method.PROPORTIONAL, "5", "ge", "%", "100", None),
    ],
    "hrss": [
        ("hrs_jobs", "城镇新增就业人数", Method.TIERED, "10", "ge", "人", "45000", "50000"),
        ("hrs_unemployment", "城镇调查失业率", Method.PROPORTIONAL, "5", "le", "%", "5.5", None),
    ],
    "culture": [
        ("cul_tourists", "接待游客人次", Method.PROPORTIONAL, "10", "ge", "万人次", "3200", None),
        ("cul_events", "公共文化惠民活动场次", Method.PROPORTIONAL, "5", "ge", "场", "1200", None),
    ],
    "housing": [
        ("hou_affordable", "保障性住房建设套数", Method.TIERED, "10", "ge", "套", "3000", "3600"),
        ("hou_renovation", "老旧小区改造项目", Method.DEDUCTION, "5", "ge", "个", "40", None),
    ],
    "transport": [
        ("tra_rural_roads", "农村公路新改建里程", Method.PROPORTIONAL, "10", "ge", "公里", "300", None),
        ("tra_bus", "公交准点率", Method.THRESHOLD, "5", "ge", "%", "95", None),
    ],
    "water": [
        ("wat_projects", "年度水利工程建设任务", Method.DEDUCTION, "10", "ge", "项", "12", None),
        ("wat_quality", "集中式饮用水水源地水质达标率", Method.THRESHOLD, "5", "ge", "%", "100", None),
    ],
    "eco": [
        ("eco_pm25", "PM2.5 年均浓度", Method.PROPORTIONAL, "10", "le", "微克/立方米", "35", None),
        ("eco_good_days", "空气质量优良天数比例", Method.TIERED, "5", "ge", "%", "85", "90"),
    ],
    "natres": [
        ("nat_land_supply", "建设用地供应完成率", Method.PROPORTIONAL, "10", "ge", "%", "100", None),
        ("nat_violations", "违法用地整改率", Method.THRESHOLD, "5", "ge", "%", "100", None),
    ],
    "police": [
        ("pol_crime", "刑事案件发案数", Method.PROPORTIONAL, "10", "le", "起", "2800", None),
        ("pol_clearance", "命案侦破率", Method.THRESHOLD, "5", "ge", "%", "100", None),
    ],
    "justice": [
        ("jus_legal_aid", "法律援助案件办结率", Method.PROPORTIONAL, "10", "ge", "%", "98", None),
        ("jus_review", "行政规范性文件合法性审核率", Method.THRESHOLD, "5", "ge", "%", "100", None),
    ],
    "emergency": [
        ("eme_deaths", "生产安全事故死亡人数", Method.PROPORTIONAL, "10", "le", "人", "20", None),
        ("eme_drills", "应急演练场次", Method.PROPORTIONAL, "5", "ge", "场", "80", None),
    ],
    "market": [
        ("mar_food", "食品安全抽检合格率", Method.TIERED, "10", "ge", "%", "97", "98.5"),
        ("mar_entities", "新增市场主体数", Method.PROPORTIONAL, "5", "ge", "户", "25000", None),
    ],
    "veterans": [
        ("vet_placement", "退役士兵安置率", Method.THRESHOLD, "10", "ge", "%", "100", None),
        ("vet_services", "退役军人服务站规范化建设率", Method.PROPORTIONAL, "5", "ge", "%", "100", None),
    ],
}

# code, name, kind, scope, indicator code, effect, points, cap, description
RULES = [
    (
        "r_accident",
        "安全质量事故",
        RuleKind.DEDUCTION,
        RuleScope.INDICATOR,
        "c_safety",
        RuleEffect.POINTS,
        "2",
        None,
        "每发生一起安全或质量事故扣 2 分,扣完为止。",
    ),
    (
        "r_major_accident",
        "重大安全质量事故",
        RuleKind.DEDUCTION,
        RuleScope.INDICATOR,
        "c_safety",
        RuleEffect.TO_ZERO,
        "0",
        None,
        "发生重大安全或质量事故,本项考核分清零。",
    ),
    (
        "r_unfinished_task",
        "年度建设任务未完成",
        RuleKind.DEDUCTION,
        RuleScope.DEPARTMENT,
        None,
        RuleEffect.POINTS,
        "1",
        "5",
        "每有一项年度建设任务未完成扣 1 分,最多扣 5 分。",
    ),
    (
        "r_late_report",
        "季度报告逾期报送",
        RuleKind.DEDUCTION,
        RuleScope.DEPARTMENT,
        None,
        RuleEffect.POINTS,
        "0.5",
        "2",
        "每逾期报送一次季度报告扣 0.5 分,最多扣 2 分。",
    ),
    (
        "r_criticism",
        "督查通报批评",
        RuleKind.DEDUCTION,
        RuleScope.DEPARTMENT,
        None,
        RuleEffect.POINTS,
        "1",
        "3",
        "被市委市政府督查通报批评的,每次扣 1 分,最多扣 3 分。",
    ),
    (
        "r_veto",
        "一票否决事项",
        RuleKind.DEDUCTION,
        RuleScope.DEPARTMENT,
        None,
        RuleEffect.VETO,
        "0",
        None,
        "发生重大安全责任事故、重大违纪违法案件等,实行一票否决,考核等次直接确定为较差。",
    ),
    (
        "b_national_award",
        "获国家级表彰",
        RuleKind.BONUS,
        RuleScope.DEPARTMENT,
        None,
        RuleEffect.POINTS,
        "1",
        "2",
        "工作获国家级表彰或在全国推广的,每项加 1 分,最多加 2 分。",
    ),
    (
        "b_provincial_award",
        "获省级表彰",
        RuleKind.BONUS,
        RuleScope.DEPARTMENT,
        None,
        RuleEffect.POINTS,
        "0.5",
        "1",
        "工作获省级表彰或在全省推广的,每项加 0.5 分,最多加 1 分。",
    ),
]

# Deduction indicators of individual work take "each unfinished annual construction task −1".
INDICATOR_RULES = [
    ("r_edu_schools", "新建改扩建学校任务未完成", "edu_schools", "1", None),
    ("r_hou_renovation", "老旧小区改造任务未完成", "hou_renovation", "1", None),
    ("r_wat_projects", "年度水利工程建设任务未完成", "wat_projects", "1", None),
]

GRADES = [("excellent", "优秀", "90"), ("good", "良好", "80"), ("fair", "一般", "60"), ("poor", "较差", "0")]


# Rates, averages and levels hold for the whole year; counts and amounts accumulate.
LEVEL_UNITS = {"%", "小时", "岁", "张", "微克/立方米"}


def _value_type(unit: str) -> str:
    return ValueType.LEVEL if unit in LEVEL_UNITS else ValueType.CUMULATIVE


def _build(year: int, status: str) -> Library:
    lib = Library.objects.create(year=year, name=f"{year}年度市直部门绩效考核指标体系", status=status)
    cats = {}
    for i, (code, name, points, parent) in enumerate(CATEGORIES, start=1):
        cats[code] = Category.objects.create(
            library=lib, code=code, name=name, points=D(points), order=i, parent=cats.get(parent)
        )
    inds = {}
    for order, (code, name, cat, method, points, direction, unit, basic, challenge, params, extra) in enumerate(
        COMMON, start=1
    ):
        ind = Indicator(
            library=lib,
            code=code,
            name=name,
            category=cats[cat],
            method=method,
            points=D(points),
            direction=direction,
            unit=unit,
            value_type=_value_type(unit),
            basic_target=D(basic) if basic else None,
            challenge_target=D(challenge) if challenge else None,
            params=params,
            order=order,
            applicability=Applicability.COMMON,
            data_source="部门季度填报",
            **extra,
        )
        ind.full_clean()
        ind.save()
        inds[code] = ind
    departments = {d.code: d for d in Department.objects.all()}
    for dept_code, rows in INDIVIDUAL.items():
        for order, (code, name, method, points, direction, unit, basic, challenge) in enumerate(rows, start=20):
            ind = Indicator(
                library=lib,
                code=code,
                name=name,
                category=cats["central"],
                method=method,
                points=D(points),
                direction=direction,
                unit=unit,
                value_type=_value_type(unit),
                basic_target=D(basic) if basic else None,
                challenge_target=D(challenge) if challenge else None,
                order=order,
                applicability=Applicability.INDIVIDUAL,
                data_source="部门季度填报",
                evidence_required=method == Method.DEDUCTION,
            )
            ind.full_clean()
            ind.save()
            ind.departments.set([departments[dept_code]])
            inds[code] = ind
    for order, (code, name, kind, scope, ind_code, effect, points, cap, desc) in enumerate(RULES, start=1):
        rule = Rule(
            library=lib,
            code=code,
            name=name,
            kind=kind,
            scope=scope,
            indicator=inds.get(ind_code),
            effect=effect,
            points=D(points),
            cap=D(cap) if cap else None,
            description=desc,
            order=order,
        )
        rule.full_clean()
        rule.save()
    for order, (code, name, ind_code, points, cap) in enumerate(INDICATOR_RULES, start=20):
        Rule.objects.create(
            library=lib,
            code=code,
            name=name,
            kind=RuleKind.DEDUCTION,
            scope=RuleScope.INDICATOR,
            indicator=inds[ind_code],
            effect=RuleEffect.POINTS,
            points=D(points),
            cap=D(cap) if cap else None,
            order=order,
            description=f"{name},每项扣 {points} 分,扣完为止。",
        )
    for code, label, min_score in GRADES:
        GradeBand.objects.create(library=lib, code=code, label=label, min_score=D(min_score))
    return lib


@transaction.atomic
def seed(stdout=None) -> dict:
    """Last year complete; the current year copied from it and adjusted (动态调整)."""
    current = timezone.localdate().year
    previous = current - 1
    if not Library.objects.filter(year=previous).exists():
        _build(previous, LibraryStatus.ARCHIVED)
    if not Library.objects.filter(year=current).exists():
        supervisor = User.objects.filter(username="supervisor").first()
        lib = services.library_clone(
            source=Library.objects.get(year=previous),
            year=current,
            actor=supervisor,
            name=f"{current}年度市直部门绩效考核指标体系",
        )
        lib.status = LibraryStatus.ACTIVE
        lib.save(update_fields=["status"])
        # The adjustments of the year, recorded as changes after the copy.
        invest = lib.indicators.get(code="c_invest")
        services.library_object_save(
            obj=invest,
            actor=supervisor,
            data={"basic_target": D("92"), "description": invest.description + "(今年基础目标提高到 92%)"},
        )
        edu = lib.indicators.get(code="edu_preschool")
        services.library_object_save(obj=edu, actor=supervisor, data={"basic_target": D("92")})
        accident = lib.rules.get(code="r_accident")
        services.library_object_save(obj=accident, actor=supervisor, data={"cap": D("5")})
    return {"libraries": Library.objects.count(), "indicators": Indicator.objects.count()}
