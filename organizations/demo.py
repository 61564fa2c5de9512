"""Demo departments, groups, regions and one user per role (password ``perfgov-demo``)."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone

from core.roles import Role

from .models import Department, RankingGroup, Region, User

DEMO_PASSWORD = "perfgov-demo"  # noqa: S105 - documented demo password, created only by seed_demo

GROUPS = [
    ("economic", "经济发展类", 1),
    ("social", "社会事业类", 2),
    ("urban", "城乡建设类", 3),
    ("general", "综合保障类", 4),
]

# code, name, short name, group
DEPARTMENTS = [
    ("drc", "发展和改革委员会", "发改委", "economic"),
    ("finance", "财政局", "财政局", "economic"),
    ("commerce", "商务局", "商务局", "economic"),
    ("agri", "农业农村局", "农业农村局", "economic"),
    ("industry", "工业和信息化局", "工信局", "economic"),
    ("edu", "教育局", "教育局", "social"),
    ("health", "卫生健康委员会", "卫生健康委", "social"),
    ("civil", "民政局", "民政局", "social"),
    ("hrss", "人力资源和社会保障局", "人社局", "social"),
    ("culture", "文化广电旅游局", "文旅局", "social"),
    ("housing", "住房和城乡建设局", "住建局", "urban"),
    ("transport", "交通运输局", "交通运输局", "urban"),
    ("water", "水利局", "水利局", "urban"),
    ("eco", "生态环境局", "生态环境局", "urban"),
    ("natres", "自然资源和规划局", "自然资源局", "urban"),
    ("police", "公安局", "公安局", "general"),
    ("justice", "司法局", "司法局", "general"),
    ("emergency", "应急管理局", "应急管理局", "general"),
    ("market", "市场监督管理局", "市场监管局", "general"),
    ("veterans", "退役军人事务局", "退役军人局", "general"),
]

# The 13 districts and counties of the demo city, with resident population.
REGIONS = [
    ("chengdong", "城东区", 612000),
    ("chengxi", "城西区", 548000),
    ("chengnan", "城南区", 487000),
    ("chengbei", "城北区", 455000),
    ("gaoxin", "高新区", 326000),
    ("jingkai", "经开区", 298000),
    ("binhu", "滨湖区", 264000),
    ("xishan", "西山县", 381000),
    ("dongping", "东平县", 402000),
    ("nanshan", "南山县", 357000),
    ("beiling", "北岭县", 289000),
    ("qingxi", "清溪县", 233000),
    ("fengyang", "凤阳县", 318000),
]

# username, role, department code, family name, given name
USERS = [
    ("admin", Role.ADMIN, None, "王", "系统管理员"),
    ("secadmin", Role.SECURITY_ADMIN, None, "李", "安全管理员"),
    ("auditor", Role.AUDITOR, None, "赵", "审计管理员"),
    ("supervisor", Role.SUPERVISOR, None, "陈", "督查"),
    ("finance", Role.FINANCE, None, "周", "财政"),
    ("leader", Role.LEADER, None, "吴", "市领导"),
    ("api", Role.API_CLIENT, None, "", "数据共享平台"),
    ("surveyor", Role.SURVEYOR, None, "孙", "调查员"),
    ("evaluator", Role.EVALUATOR, None, "郑", "评价师"),
    ("filer", Role.FILER, "edu", "刘", "教育填报员"),
    ("head", Role.DEPT_HEAD, "edu", "黄", "教育局长"),
    ("filer2", Role.FILER, "water", "林", "水利填报员"),
]


def seed(stdout=None) -> dict:
    groups = {}
    for code, name, order in GROUPS:
        groups[code], _ = RankingGroup.objects.get_or_create(code=code, defaults={"name": name, "order": order})
    for i, (code, name, population) in enumerate(REGIONS, start=1):
        Region.objects.get_or_create(code=code, defaults={"name": name, "population": population, "order": i})
    for i, (code, name, short, group) in enumerate(DEPARTMENTS, start=1):
        Department.objects.get_or_create(
            code=code, defaults={"name": name, "short_name": short, "group": groups[group], "order": i}
        )
    created = 0
    # Every other department has a filer too (username <code>_filer), so reports, reporting health
    # and appeals involve real people everywhere.
    named = {dept for _u, _r, dept, _l, _f in USERS if dept}
    extra = [
        (f"{code}_filer", Role.FILER, code, "", f"{short}填报员")
        for code, _n, short, _g in DEPARTMENTS
        if code not in named
    ]
    for username, role, dept, last, first in USERS + extra:
        user, was_created = User.objects.get_or_create(
            username=username,
            defaults={
                "role": role,
                "department": Department.objects.get(code=dept) if dept else None,
                "last_name": last,
                "first_name": first,
                "email": f"{username}@perfgov.local",
            },
        )
        if was_created:
            user.set_password(DEMO_PASSWORD)
            user.password_changed_at = timezone.now()
            user.save()
            created += 1
    _security_trail()
    return {"departments": Department.objects.count(), "users_created": created}


def _security_trail() -> None:
    """What the security and audit administrators find on their pages: an enrolment code issued
    for finance's new phone, and a scanner's refused requests of last night counted as one event."""
    import datetime as dt

    from audit.models import AuditEvent
    from audit.services import count_anonymous_denial, flush_denied_windows

    from .models import OtpEnrolment
    from .services import otp_enrolment_issue

    finance, secadmin = User.objects.get(username="finance"), User.objects.get(username="secadmin")
    if not OtpEnrolment.objects.filter(user=finance).exists():
        otp_enrolment_issue(user=finance, actor=secadmin)
    if not AuditEvent.objects.filter(action="auth.denied_anonymous").exists():
        night = timezone.now() - dt.timedelta(hours=9)
        for i in range(37):
            path = reverse(("score-list", "budget-project-list", "department-list")[i % 3])
            count_anonymous_denial(
                source_ip="203.0.113.45", path=path, reason="NotAuthenticated", now=night + dt.timedelta(seconds=i)
            )
        flush_denied_windows()


def logins_text() -> str:
    lines = [f"Demo logins (password: {DEMO_PASSWORD}):"]
    names = {code: name for code, name, _short, _group in DEPARTMENTS}
    for username, role, dept, _last, _first in USERS:
        where = f" · {names[dept]}" if dept else ""
        lines.append(f"  {username:<11} {Role(role).label}{where}")
    lines.append("  <code>_filer (e.g. health_filer, police_filer): the filer of every other department")
    return "\n".join(str(x) for x in lines)
