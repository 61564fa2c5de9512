"""Demo of department-wide spending performance and of disclosure (runs after ``budgets.demo``).

Last year: 教育局, 卫生健康委 and 水利局 each had a department-wide sheet, approved by finance,
with year-end values, evaluated over their approved projects, confirmed and published. This year:
教育局's sheet approved, 卫生健康委's submitted, 水利局's returned with a reason, 文旅局's a draft.
Disclosure: 水利局's rural drinking-water project's self-evaluation is withheld with its reason.
Built through the services and idempotent.
"""

from __future__ import annotations

from decimal import Decimal as D

from django.db import transaction
from django.utils import timezone

from core.roles import DEPARTMENT_ROLES
from organizations.models import Department, User

from . import services
from .models import BudgetProject, DepartmentSheet

# (dimension, name, operator, value, unit, last year's actual)
SHEETS = {
    "edu": [
        ("running_cost", "公用经费控制率", "le", "100", "%", "97.6"),
        ("running_cost", "“三公”经费变动率", "le", "0", "%", "-4.2"),
        ("management", "预算编制准确率", "ge", "95", "%", "96.8"),
        ("management", "政府采购执行率", "ge", "95", "%", "98"),
        ("output", "义务教育巩固率", "ge", "98", "%", "99.1"),
        ("output", "新增公办学位", "ge", "3000", "个", "2760"),
        ("effect", "适龄儿童入学率", "ge", "99.5", "%", "99.8"),
        ("sustainability", "教师培训覆盖率", "ge", "90", "%", "93"),
        ("satisfaction", "学生及家长满意度", "ge", "90", "%", "92.4"),
    ],
    "health": [
        ("running_cost", "公用经费控制率", "le", "100", "%", "99.2"),
        ("management", "预算调整率", "le", "10", "%", "6.5"),
        ("management", "资产账实相符率", "ge", "98", "%", "99"),
        ("output", "家庭医生签约服务覆盖率", "ge", "45", "%", "47.3"),
        ("output", "基层医疗机构标准化建设达标数", "ge", "12", "所", "12"),
        ("effect", "居民电子健康档案建档率", "ge", "90", "%", "91.5"),
        ("sustainability", "卫生人才培养计划完成率", "ge", "95", "%", "88"),
        ("satisfaction", "患者满意度", "ge", "90", "%", "91.2"),
    ],
    "water": [
        ("running_cost", "公用经费控制率", "le", "100", "%", "101.5"),
        ("management", "预算编制准确率", "ge", "95", "%", "90.2"),
        ("output", "农村自来水普及率", "ge", "96", "%", "95.1"),
        ("output", "水利工程建设项目完工率", "ge", "90", "%", "84"),
        ("effect", "农村饮水安全达标人口", "ge", "52", "万人", "50.6"),
        ("sustainability", "水利工程管护制度落实率", "ge", "100", "%", "96"),
        ("satisfaction", "受益群众满意度", "ge", "85", "%", "88.7"),
    ],
    "culture": [
        ("running_cost", "公用经费控制率", "le", "100", "%", None),
        ("output", "惠民演出场次", "ge", "120", "场", None),
    ],
}
WITHHELD_REASON = "该项目自评报告涉及集中式饮用水水源地点位及安全防护信息,经保密审查,依法不予公开。"
RETURN_REASON = "履职产出目标未覆盖年度重点任务“小型水库除险加固”,请补充后重报。"


def _user(username: str) -> User | None:
    return User.objects.filter(username=username).first()


def _filer(department: Department) -> User | None:
    return User.objects.filter(department=department, role__in=DEPARTMENT_ROLES, is_active=True).order_by("id").first()


def _sheet(department: Department, year: int, rows) -> DepartmentSheet:
    filer = _filer(department)
    sheet = services.department_sheet_create(department=department, year=year, actor=filer)
    for i, (dimension, name, operator, value, unit, _actual) in enumerate(rows, start=1):
        services.department_target_save(
            sheet=sheet,
            actor=filer,
            data={
                "dimension": dimension,
                "name": name,
                "operator": operator,
                "value": D(value),
                "unit": unit,
                "order": i,
            },
        )
    sheet.refresh_from_db()
    return sheet


@transaction.atomic
def seed(stdout=None) -> dict:
    current = timezone.localdate().year
    previous = current - 1
    if DepartmentSheet.objects.filter(year__in=[previous, current]).exists():
        return {"sheets": DepartmentSheet.objects.count(), "created": 0}
    finance = _user("finance")
    departments = {d.code: d for d in Department.objects.filter(code__in=SHEETS)}
    for year in (previous, current):
        services.department_policy_save(year=year, actor=finance, data={})

    # Last year: approved, valued, evaluated over the approved projects, confirmed and published.
    for code in ("edu", "health", "water"):
        if code not in departments:
            continue
        sheet = _sheet(departments[code], previous, SHEETS[code])
        sheet = services.department_sheet_submit(sheet=sheet, actor=_filer(sheet.department))
        sheet = services.department_sheet_approve(sheet=sheet, actor=finance)
        values = {
            t.pk: (D(row[5]), "部门决算及年度统计报表")
            for t, row in zip(sheet.targets.order_by("order"), SHEETS[code], strict=True)
        }
        services.department_actuals_record(sheet=sheet, actor=finance, values=values)
        if not BudgetProject.objects.filter(department=sheet.department, year=previous, status="approved").exists():
            continue
        evaluation = services.department_evaluation_compute(sheet=sheet, actor=finance)
        services.department_evaluation_confirm(evaluation=evaluation, actor=finance)
        services.department_evaluation_publish(evaluation=evaluation, actor=finance)

    # Disclosure: one self-evaluation withheld with its reason.
    withheld = BudgetProject.objects.filter(year=previous, department__code="water", status="approved").first()
    if withheld is not None:
        services.disclosure_set(
            project=withheld, part="self_evaluation", withheld=True, reason=WITHHELD_REASON, actor=finance
        )

    # This year: approved, submitted, returned, draft.
    if "edu" in departments:
        sheet = _sheet(departments["edu"], current, SHEETS["edu"])
        sheet = services.department_sheet_submit(sheet=sheet, actor=_filer(sheet.department))
        services.department_sheet_approve(sheet=sheet, actor=finance)
    if "health" in departments:
        sheet = _sheet(departments["health"], current, SHEETS["health"])
        services.department_sheet_submit(sheet=sheet, actor=_filer(sheet.department))
    if "water" in departments:
        sheet = _sheet(departments["water"], current, SHEETS["water"])
        sheet = services.department_sheet_submit(sheet=sheet, actor=_filer(sheet.department))
        services.department_sheet_return(sheet=sheet, actor=finance, reason=RETURN_REASON)
    if "culture" in departments:
        _sheet(departments["culture"], current, SHEETS["culture"])
    return {
        "sheets": DepartmentSheet.objects.count(),
        "evaluations": sum(s.evaluations.count() for s in DepartmentSheet.objects.all()),
    }
