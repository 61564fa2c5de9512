"""The demo's shared indicator library (指标库), a mid-year revision and a graded sheet.

Called by ``budgets.demo.seed``: the library first (so the projects' targets choose from it and
last year's actuals become this year's benchmarks), the revision and the grade after the projects.
"""

from __future__ import annotations

from decimal import Decimal as D

from . import services
from .models import BudgetProject, LibraryIndicator, Sector

SECTORS = [
    ("edu", "教育", 1),
    ("health", "卫生健康", 2),
    ("water", "水利", 3),
    ("agri", "农业农村", 4),
    ("social", "社会保障", 5),
    ("culture", "文化旅游", 6),
    ("eco", "生态环境", 7),
]

# code, sector, 一级, 二级, 三级 name, unit, direction, names of the demo targets that use it
LIBRARY = [
    ("edu-c-01", "edu", "cost", "cost", "讲师课时费标准", "元/人·课时", "le", ["讲师课时费标准"]),
    ("edu-o-01", "edu", "output", "quantity", "组织校园文体活动场次", "场", "ge", ["组织校园文体活动场次"]),
    ("edu-o-02", "edu", "output", "quantity", "参与学生人次", "人次", "ge", ["参与学生人次"]),
    ("edu-o-03", "edu", "output", "quantity", "补助普惠性幼儿园数", "所", "ge", ["补助普惠性幼儿园"]),
    ("edu-e-01", "edu", "effect", "social", "学生体质健康达标率", "%", "ge", ["学生体质健康达标率"]),
    ("edu-s-01", "edu", "satisfaction", "satisfaction", "学生及家长满意度", "%", "ge", ["学生及家长满意度"]),
    ("hl-c-01", "health", "cost", "cost", "医疗设备采购单价", "万元/台", "le", ["医疗设备采购单价"]),
    ("hl-o-01", "health", "output", "quantity", "改造提升乡镇卫生院数", "所", "ge", ["改造提升乡镇卫生院"]),
    ("hl-o-02", "health", "output", "timeliness", "项目按期完成率", "%", "ge", ["项目按期完成率"]),
    ("hl-e-01", "health", "effect", "social", "基层就诊率", "%", "ge", ["基层就诊率"]),
    ("hl-s-01", "health", "satisfaction", "satisfaction", "患者满意度", "%", "ge", ["患者满意度"]),
    ("wr-c-01", "water", "cost", "cost", "供水工程人均造价", "元/人", "le", ["工程人均造价"]),
    ("wr-o-01", "water", "output", "quantity", "新建改造供水工程数", "处", "ge", ["新建改造供水工程"]),
    ("wr-o-02", "water", "output", "quality", "出厂水水质达标率", "%", "ge", ["出厂水水质达标率"]),
    ("wr-e-01", "water", "effect", "social", "受益农村人口", "人", "ge", ["受益农村人口"]),
    ("wr-s-01", "water", "satisfaction", "satisfaction", "受益群众满意度", "%", "ge", ["受益群众满意度"]),
    ("ag-c-01", "agri", "cost", "cost", "亩均建设投入", "元/亩", "le", ["亩均建设投入"]),
    ("ag-o-01", "agri", "output", "quantity", "新建高标准农田面积", "万亩", "ge", ["新建高标准农田"]),
    ("ag-o-02", "agri", "output", "quality", "工程验收合格率", "%", "eq", ["工程验收合格率"]),
    ("ag-e-01", "agri", "effect", "economic", "亩均粮食增产", "公斤", "ge", ["亩均粮食增产"]),
    ("ag-e-02", "agri", "effect", "ecological", "节水灌溉面积占比", "%", "ge", ["节水灌溉面积占比"]),
    ("ag-s-01", "agri", "satisfaction", "satisfaction", "农户满意度", "%", "ge", ["农户满意度"]),
    ("sc-c-01", "social", "cost", "cost", "人均救助标准", "元/人", "le", ["人均救助标准"]),
    ("sc-o-01", "social", "output", "quantity", "救助困难群众人次", "人次", "ge", ["救助困难群众人次"]),
    ("sc-o-02", "social", "output", "timeliness", "救助资金发放及时率", "%", "ge", ["救助资金发放及时率"]),
    ("sc-s-01", "social", "satisfaction", "satisfaction", "救助对象满意度", "%", "ge", ["救助对象满意度"]),
    ("ct-o-01", "culture", "output", "quantity", "惠民演出场次", "场", "ge", ["惠民演出场次"]),
    ("ct-e-01", "culture", "effect", "social", "观众人次", "人次", "ge", ["观众人次"]),
    ("ct-s-01", "culture", "satisfaction", "satisfaction", "观众满意度", "%", "ge", ["观众满意度"]),
    ("ec-e-01", "eco", "effect", "ecological", "空气质量优良天数比例", "%", "ge", ["空气质量优良天数比例"]),
    ("ec-e-02", "eco", "effect", "ecological", "PM2.5 年均浓度", "微克/立方米", "le", ["PM2.5 年均浓度"]),
    ("ec-c-01", "eco", "cost", "ecological", "治理期间施工扬尘超标天数", "天", "le", []),
    ("ag-e-03", "agri", "effect", "sustainable", "工程设施完好率(建成三年后)", "%", "ge", []),
]

# 指标解释 of the indicators that have one.
DEFINITIONS = {
    "edu-c-01": "外聘讲师每人每课时支付标准。",
    "edu-e-01": "国家学生体质健康标准测试达标人数占比。",
    "edu-s-01": "抽样问卷调查满意及基本满意比例。",
    "hl-e-01": "基层医疗卫生机构诊疗人次占全部诊疗人次的比例。",
    "wr-c-01": "工程总投资除以受益人口。",
    "wr-o-02": "按《生活饮用水卫生标准》检测合格的水样比例。",
    "ag-e-01": "项目区与建设前三年平均亩产之差。",
    "ec-c-01": "施工对环境造成的代价(生态环境成本)。",
}


def seed_library() -> dict[str, LibraryIndicator]:
    """Sectors and indicators; returns target name → library indicator for the demo's projects."""
    sectors = {
        code: Sector.objects.get_or_create(code=code, defaults={"name": name, "order": order})[0]
        for code, name, order in SECTORS
    }
    links: dict[str, LibraryIndicator] = {}
    for code, sector, dim, sub, name, unit, op, used_by in LIBRARY:
        ind, _ = LibraryIndicator.objects.get_or_create(
            code=code,
            defaults={
                "sector": sectors[sector],
                "dimension": dim,
                "subdimension": sub,
                "name": name,
                "unit": unit,
                "operator": op,
                "definition": DEFINITIONS.get(code, ""),
            },
        )
        for target_name in used_by:
            links[target_name] = ind
    return links


def _rows(project: BudgetProject) -> list[dict]:
    return [
        {
            "id": t.pk,
            "dimension": t.dimension,
            "subdimension": t.subdimension,
            "name": t.name,
            "operator": t.operator,
            "value": t.value,
            "upper": t.upper,
            "unit": t.unit,
            "library_code": t.library_indicator.code if t.library_indicator_id else "",
        }
        for t in project.targets.select_related("library_indicator").order_by("order")
    ]


def seed_revisions(*, agri: BudgetProject, civil: BudgetProject, filer_of, finance) -> None:
    """高标准农田: a revision approved mid-year (version 2 in force, evaluated on it);
    临时救助: a revision returned with finance's reasons (version 1 stands)."""
    rows = _rows(agri)
    for row in rows:
        if row["name"] == "新建高标准农田":
            row["value"] = D("3.2")
    rows = [r for r in rows if r["name"] != "项目按期开工率"]
    rows.insert(
        2,
        {
            "dimension": "output",
            "subdimension": "quality",
            "name": "工程验收合格率",
            "operator": "eq",
            "value": D("100"),
            "unit": "%",
            "library_code": "ag-o-02",
        },
    )
    adjustment = services.adjustment_request(
        project=agri,
        actor=filer_of(agri),
        targets=rows,
        reason="受国土空间规划调整影响,两处地块(合计 0.3 万亩)调出建设范围,建设任务由 3.5 万亩调减为 3.2 万亩;"
        "开工时间已在上半年全部落实,删除“项目按期开工率”,增加工程验收合格率目标。",
    )
    services.adjustment_approve(adjustment=adjustment, actor=finance)
    agri.refresh_from_db()
    services.actuals_record(
        project=agri,
        actor=finance,
        values={t.pk: (t.value, "项目竣工验收报告") for t in agri.targets.all()},
    )
    services.evaluation_compute(project=agri, actor=finance)

    rows = _rows(civil)
    for row in rows:
        if row["name"] == "救助困难群众人次":
            row["value"] = D("1500")
    returned = services.adjustment_request(
        project=civil, actor=filer_of(civil), targets=rows, reason="上半年救助需求低于预期,拟调减救助人次目标。"
    )
    services.adjustment_return(
        adjustment=returned,
        actor=finance,
        reason="上半年已救助 1120 人次,全年按进度可达 2100 人次以上,调减依据不足;请结合下半年冬春救助需求重新测算。",
    )


def seed_grade(*, water: BudgetProject, finance) -> None:
    """农村饮水: finance grades the submitted sheet 中 after the quality check's flags."""
    services.sheet_grade(
        project=water,
        actor=finance,
        grade="fair",
        comment="“农村供水保障水平进一步提高”未量化;群众满意度应列入满意度指标;受益人口目标低于上年实际且未说明理由。",
    )
