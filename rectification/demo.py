"""Demo data of the rectification ledger: items from every kind of source, some closed (one after a
rejection), some awaiting closure, some overdue; the year's setting disclosing the counts, cutting
next year's budget for open items and deducting for overdue ones."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from assessments.models import Appeal, Report, ScoreEvent
from budgets.models import Evaluation
from indicators.models import Rule
from monitoring.models import MonitoringWarning
from organizations.models import Department, User
from satisfaction.models import Area, SurveyRegion

from . import deductions, services
from .models import Item, Source, YearSetting

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def _pdf(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def _user(username: str) -> User | None:
    return User.objects.filter(username=username).first()


def _filer(department) -> User | None:
    return User.objects.filter(department=department, role="filer", is_active=True).order_by("pk").first()


@transaction.atomic
def seed(stdout=None) -> dict:
    today = timezone.localdate()
    year = today.year
    if Item.objects.filter(year=year).exists():
        return {"items": Item.objects.count(), "created": 0}
    supervisor, finance = _user("supervisor"), _user("finance")
    if supervisor is None or finance is None:
        return {"items": 0, "created": 0}
    departments = list(Department.objects.filter(is_active=True).order_by("order", "code"))
    created: list[Item] = []

    def raise_item(actor, department, title, description, measures, days, **source):
        if department is None:
            return None
        item = services.item_create(
            actor=actor,
            department=department,
            title=title,
            description=description,
            measures_required=measures,
            deadline=today + dt.timedelta(days=max(days, 0)),
            **source,
        )
        if days < 0:  # raised earlier in the year: its deadline has passed
            Item.objects.filter(pk=item.pk).update(deadline=today + dt.timedelta(days=days))
            item.refresh_from_db()
        created.append(item)
        return item

    from . import sources

    def from_source(actor, kind, obj, days, department=None):
        if obj is None:
            return None
        pre = sources.prefill(kind, obj.pk)
        return raise_item(
            actor,
            department or pre.department,
            pre.title,
            pre.description or pre.title,
            pre.measures_required,
            days,
            source=pre.source,
            source_id=pre.source_id,
            source_label=pre.label,
            source_url=pre.url,
        )

    report = Report.objects.filter(quarter__plan__year=year).exclude(return_reason="").order_by("pk").first()
    from_source(supervisor, Source.RETURNED_REPORT, report, 20)
    event = (
        ScoreEvent.objects.filter(plan__year=year, voided_at__isnull=True, source=ScoreEvent.Source.MANUAL)
        .order_by("pk")
        .first()
    )
    from_source(supervisor, Source.DEDUCTION, event, -12)
    appeal = Appeal.objects.filter(status=Appeal.Status.UPHELD).order_by("pk").first()
    from_source(supervisor, Source.APPEAL, appeal, 30)
    weak = Evaluation.objects.filter(grade__in=("fair", "poor")).order_by("-project__year", "pk").first()
    from_source(finance, Source.BUDGET_EVALUATION, weak, 45)
    area = Area.objects.filter(survey__year__lte=year).order_by("-survey__year", "pk").first()
    from_source(supervisor, Source.SATISFACTION_AREA, area, -5, department=departments[0] if departments else None)
    district = SurveyRegion.objects.select_related("region").order_by("-survey__year", "pk").first()
    district_dept = (
        Department.objects.filter(region=district.region).order_by("order").first() if district else None
    ) or (departments[1] if len(departments) > 1 else None)
    from_source(supervisor, Source.SATISFACTION_DISTRICT, district, 40, department=district_dept)
    warning = MonitoringWarning.objects.filter(status="lapsed").order_by("pk").first()
    warning = warning or MonitoringWarning.objects.order_by("pk").first()
    from_source(finance, Source.MONITORING_WARNING, warning, 15)
    pick = departments[2:] or departments
    raise_item(
        finance,
        pick[0] if pick else None,
        "专项资金绩效目标设置不够细化",
        "2026年教育专项资金重点绩效评价发现:部分项目绩效目标过于笼统,缺少可衡量的量化指标。",
        "按照指标体系细化产出和效益目标,报财政局审核。",
        25,
        source=Source.OTHER_EVALUATION,
        source_label=f"{year}年教育专项资金重点绩效评价",
    )
    raise_item(
        finance,
        pick[1 % len(pick)] if pick else None,
        "事前绩效评估论证不充分",
        "新增项目事前绩效评估报告未对资金需求测算依据作出说明。",
        "补充资金测算依据,重新报送事前绩效评估报告。",
        -20,
        source=Source.OTHER_EVALUATION,
        source_label=f"{year}年新增重大项目事前绩效评估",
    )
    raise_item(
        supervisor,
        pick[2 % len(pick)] if pick else None,
        "督查发现政务公开栏目更新不及时",
        "专项督查发现部门网站政务公开栏目超过三个月未更新。",
        "建立信息公开定期更新机制,指定专人负责。",
        -30,
    )
    raise_item(
        supervisor,
        pick[3 % len(pick)] if pick else None,
        "考核资料归档不规范",
        "季度考核佐证材料未按要求分类归档。",
        "按考核细则整理归档并报送目录。",
        10,
    )
    _work(created, supervisor, finance)
    _setting(year)
    deductions.record_overdue_deductions(today=today)
    return {"items": Item.objects.count(), "created": len(created)}


def _work(items: list[Item], supervisor, finance) -> None:
    """Departments at work: the first items closed (one after a rejection), one awaiting closure, one under way."""
    issuers = {"supervisor": supervisor, "finance": finance}
    for n, item in enumerate(items):
        filer = _filer(item.department)
        if filer is None or n % 5 == 4:
            continue  # nothing done yet
        item = services.item_progress(
            item=item,
            actor=filer,
            measures_taken="已制定整改方案,逐项落实整改措施,并建立长效机制。",
            progress=60 if n % 5 == 3 else 100,
        )
        if n % 5 == 3:
            continue  # under way
        services.evidence_add(item=item, upload=_pdf("整改情况报告.pdf"), actor=filer)
        item = services.item_submit(item=Item.objects.get(pk=item.pk), actor=filer)
        if n % 5 == 2:
            continue  # awaiting the issuer
        issuer = issuers[item.issuer]
        if n % 5 == 1:
            item = services.item_reject(item=item, actor=issuer, reason="整改佐证材料不完整,请补充制度文件。")
            services.evidence_add(item=item, upload=_pdf("长效机制文件.pdf"), actor=filer)
            item = services.item_submit(item=Item.objects.get(pk=item.pk), actor=filer)
        services.item_close(item=item, actor=issuer, note="整改到位,同意销号。")


def _setting(year: int) -> None:
    rule = (
        Rule.objects.filter(library__year=year, kind="deduction", scope="department", effect="points", is_active=True)
        .order_by("order", "code")
        .first()
    )
    YearSetting.objects.update_or_create(
        year=year,
        defaults={"disclose_counts": True, "budget_action": "cut", "cut_percent": D("5.00"), "overdue_rule": rule},
    )
