"""Demo surveys: last year's closed survey with a few thousand synthetic answers, this year's
survey in progress with one-time codes, and an open-link survey. Deterministic (fixed seeds)
and idempotent: a survey that exists already is left alone.
"""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from organizations.models import Department, Region

from .aggregates import rebuild
from .answers import CODE_ALPHABET, CODE_LENGTH, code_hash, format_code
from .exports import distribute_by_population
from .models import (
    STANDARD_AREAS,
    AccessCode,
    Answer,
    Area,
    Channel,
    Choice,
    CodeBatch,
    Question,
    Response,
    Survey,
    SurveyRegion,
    TextAnswer,
)

# area code -> [(question, department code)]
AREA_QUESTIONS = {
    "childcare": [
        ("您对本地托育服务和普惠性幼儿园的满意程度?", "edu"),
        ("您对儿童医疗保健服务的满意程度?", "health"),
    ],
    "education": [
        ("您对义务教育学校办学质量的满意程度?", "edu"),
        ("您对学校周边交通秩序与安全的满意程度?", "police"),
    ],
    "employment": [
        ("您对就业服务和职业技能培训的满意程度?", "hrss"),
        ("您对劳动者权益保障的满意程度?", "hrss"),
    ],
    "medical": [
        ("您对基层医疗卫生服务的满意程度?", "health"),
        ("您对看病就医便利程度的满意程度?", "health"),
    ],
    "elderly": [
        ("您对居家和社区养老服务的满意程度?", "civil"),
        ("您对养老保险待遇按时足额发放的满意程度?", "hrss"),
    ],
    "housing": [
        ("您对保障性住房和老旧小区改造的满意程度?", "housing"),
        ("您对城市供水和防汛排涝的满意程度?", "water"),
    ],
    "welfare": [
        ("您对困难群众救助服务的满意程度?", "civil"),
        ("您对残疾人帮扶服务的满意程度?", "civil"),
    ],
    "veterans": [("您对退役军人服务保障工作的满意程度?", "veterans")],
    "culture": [
        ("您对公共文化设施和文化活动的满意程度?", "culture"),
        ("您对全民健身场地设施的满意程度?", "culture"),
    ],
}
DEPARTMENT_AREA = ("conduct", "部门作风与服务效能")
CHANNELS = ["电视广播", "报纸", "政务网站和客户端", "微信公众号", "社区宣传栏", "其他"]
SUGGESTIONS = [
    "希望增加社区养老服务点。",
    "学校周边上下学时段交通拥堵,建议加强疏导。",
    "办事大厅周末也能开放就好了。",
    "建议多建一些口袋公园和健身步道。",
    "医院挂号排队时间太长。",
    "老旧小区加装电梯进度希望加快。",
    "希望公交线路覆盖到新建小区。",
    "政务服务网办流程还可以再简化。",
]
# Region effects (better or worse served districts) and department effects on the 1–5 scale.
REGION_SHIFT = {"chengdong": 0.25, "gaoxin": 0.3, "binhu": 0.1, "qingxi": -0.35, "beiling": -0.25, "xishan": -0.1}
DEPARTMENT_SHIFT = {
    "health": -0.3,
    "housing": -0.35,
    "transport": -0.2,
    "edu": 0.1,
    "veterans": 0.35,
    "culture": 0.25,
    "market": -0.1,
    "police": 0.05,
}


def _survey_shell(*, code, year, title, access, opens_on, closes_on, status, key, ask_phone=False, intro=""):
    return Survey.objects.create(
        code=code,
        year=year,
        title=title,
        intro=intro,
        access=access,
        ask_phone=ask_phone,
        opens_on=opens_on,
        closes_on=closes_on,
        status=status,
        public_key=key,
    )


def _structure(survey: Survey, departments: dict[str, Department]) -> list[Question]:
    """The nine areas with their questions, a department conduct area and three general questions."""
    areas = {}
    for order, (code, name) in enumerate(STANDARD_AREAS, start=1):
        areas[code] = Area.objects.create(survey=survey, code=code, name=name, order=order)
    conduct = Area.objects.create(survey=survey, code=DEPARTMENT_AREA[0], name=DEPARTMENT_AREA[1], order=20)
    questions = []
    for code, items in AREA_QUESTIONS.items():
        for order, (text, dept) in enumerate(items, start=1):
            questions.append(
                Question(survey=survey, area=areas[code], department=departments.get(dept), order=order, text=text)
            )
    for order, dept in enumerate(departments.values(), start=1):
        questions.append(
            Question(
                survey=survey,
                area=conduct,
                department=dept,
                order=order,
                text=f"您对{dept.name}的工作作风和服务效能是否满意?",
                required=False,
                help_text="没有接触过该部门的,可以跳过或选择“不了解”。",
            )
        )
    questions += [
        Question(
            survey=survey,
            order=1,
            kind=Question.Kind.YESNO,
            text="过去一年,您是否到政务服务大厅或通过政务服务网办理过业务?",
        ),
        Question(survey=survey, order=2, kind=Question.Kind.CHOICE, text="您主要通过哪种渠道了解公共服务信息?"),
        Question(
            survey=survey,
            order=3,
            kind=Question.Kind.TEXT,
            text="您对改进本地公共服务还有哪些意见和建议?",
            required=False,
        ),
    ]
    Question.objects.bulk_create(questions)
    questions = list(Question.objects.filter(survey=survey).select_related("area"))
    choice_q = next(q for q in questions if q.kind == Question.Kind.CHOICE)
    Choice.objects.bulk_create(
        [Choice(question=choice_q, value=i, label=label) for i, label in enumerate(CHANNELS, start=1)]
    )
    return questions


def _value(rng: random.Random, region_code: str, dept_code: str | None) -> int:
    if rng.random() < 0.04:
        return 0  # 不了解
    latent = 4.3 + REGION_SHIFT.get(region_code, 0) + DEPARTMENT_SHIFT.get(dept_code or "", 0) + rng.gauss(0, 0.85)
    return max(1, min(5, round(latent)))


def _answers(
    rng: random.Random,
    survey: Survey,
    regions: list[SurveyRegion],
    counts: dict[int, int],
    questions,
    dates,
    codes=None,
) -> int:
    """Synthetic responses per region (bulk inserts); ``codes`` maps a region to code rows to mark used."""
    scale_area = [q for q in questions if q.kind == Question.Kind.SCALE and q.area.code != DEPARTMENT_AREA[0]]
    conduct = [q for q in questions if q.kind == Question.Kind.SCALE and q.area.code == DEPARTMENT_AREA[0]]
    others = [q for q in questions if q.kind != Question.Kind.SCALE]
    dept_codes = {q.department_id: q.department.code if q.department else None for q in questions if q.department_id}
    total = 0
    for sr in regions:
        n = counts.get(sr.pk, 0)
        if not n:
            continue
        used_codes = (codes or {}).get(sr.pk, [])
        channels = [Channel.CODE if i < len(used_codes) else Channel.INTERVIEW for i in range(n)]
        responses = Response.objects.bulk_create(
            [
                Response(survey=survey, survey_region=sr, channel=channels[i], submitted_on=rng.choice(dates))
                for i in range(n)
            ]
        )
        rows, texts = [], []
        for resp in responses:
            picked = scale_area + rng.sample(conduct, k=min(6, len(conduct)))
            for q in picked:
                v = _value(rng, sr.region.code, dept_codes.get(q.department_id))
                rows.append(
                    Answer(
                        response=resp,
                        survey=survey,
                        question=q,
                        scale=True,
                        value=v,
                        area_id=q.area_id,
                        region_id=sr.region_id,
                        department_id=q.department_id,
                    )
                )
            for q in others:
                if q.kind == Question.Kind.YESNO:
                    v = 1 if rng.random() < 0.62 else 0
                elif q.kind == Question.Kind.CHOICE:
                    v = rng.choices(range(1, len(CHANNELS) + 1), weights=[12, 4, 22, 35, 20, 7])[0]
                else:
                    if rng.random() < 0.12:
                        texts.append(TextAnswer(response=resp, survey=survey, question=q, text=rng.choice(SUGGESTIONS)))
                    continue
                rows.append(
                    Answer(
                        response=resp,
                        survey=survey,
                        question=q,
                        scale=False,
                        value=v,
                        area_id=q.area_id,
                        region_id=sr.region_id,
                        department_id=None,
                    )
                )
        Answer.objects.bulk_create(rows, batch_size=5000)
        TextAnswer.objects.bulk_create(texts, batch_size=1000)
        if used_codes:
            AccessCode.objects.filter(pk__in=[c.pk for c in used_codes]).update(
                state=AccessCode.State.USED, used_on=max(dates)
            )
        SurveyRegion.objects.filter(pk=sr.pk).update(received=n)
        total += n
    rebuild(survey.pk)  # the answers went in in bulk: their stored aggregates follow from them
    return total


def _codes(rng: random.Random, survey: Survey, sr: SurveyRegion, count: int) -> tuple[list[AccessCode], list[str]]:
    plain = ["".join(rng.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH)) for _ in range(count)]
    batch = CodeBatch.objects.create(survey=survey, survey_region=sr, count=count)
    rows = AccessCode.objects.bulk_create(
        [AccessCode(survey=survey, survey_region=sr, batch=batch, code_hash=code_hash(c)) for c in plain]
    )
    return rows, plain


def _key(rng: random.Random) -> str:
    return "".join(rng.choice("abcdefghijkmnpqrstuvwxyz23456789") for _ in range(16))


def _plan(survey: Survey, regions: list[Region], total: int) -> list[SurveyRegion]:
    quotas = distribute_by_population(regions, total) or {r.pk: max(1, total // len(regions)) for r in regions}
    SurveyRegion.objects.bulk_create([SurveyRegion(survey=survey, region=r, quota=quotas[r.pk]) for r in regions])
    return list(SurveyRegion.objects.filter(survey=survey).select_related("region"))


@transaction.atomic
def seed(stdout=None) -> dict:
    today = timezone.localdate()
    year = today.year
    previous = year - 1
    regions = list(Region.objects.order_by("order", "code"))
    departments = {d.code: d for d in Department.objects.filter(is_active=True).order_by("order", "code")}
    if not regions or not departments:
        return {"skipped": "no regions or departments"}
    created = 0
    answers_before = Answer.objects.count()

    # Last year's survey: closed, quotas met except in two regions.
    code = f"s{previous}"
    if not Survey.objects.filter(code=code).exists():
        rng = random.Random(previous)
        survey = _survey_shell(
            code=code,
            year=previous,
            title=f"{previous}年度群众满意度调查",
            access=Survey.Access.CODE,
            opens_on=date(previous, 10, 8),
            closes_on=date(previous, 11, 30),
            status=Survey.Status.OPEN,
            key=_key(rng),
            intro="本调查由第三方调查机构实施,了解您对本地基本公共服务和政府部门工作的评价。匿名填写,约需5分钟。",
        )
        questions = _structure(survey, departments)
        plan = _plan(survey, regions, 3000)
        short = {"qingxi": 0.86, "beiling": 0.91}
        counts = {sr.pk: round(sr.quota * short.get(sr.region.code, 1)) for sr in plan}
        codes = {}
        for sr in plan:
            rows, _plain = _codes(rng, survey, sr, round(sr.quota * 1.4))
            codes[sr.pk] = rows[: round(counts[sr.pk] * 0.7)]
        dates = [survey.opens_on + timedelta(days=i) for i in range((survey.closes_on - survey.opens_on).days + 1)]
        _answers(rng, survey, plan, counts, questions, dates, codes)
        Survey.objects.filter(pk=survey.pk).update(
            status=Survey.Status.CLOSED,
            closed_at=datetime(previous, 12, 1, 9, 0, tzinfo=timezone.get_default_timezone()),
        )
        created += 1

    # This year's survey: in progress, codes issued, one region already full.
    code = f"s{year}"
    links = []
    rng = random.Random(year)
    opens_on = max(date(year, 1, 1), today - timedelta(days=30))
    closes_on = date(year, 12, 31) if today <= date(year, 12, 17) else today + timedelta(days=14)
    key = _key(rng)
    if not Survey.objects.filter(code=code).exists():
        survey = _survey_shell(
            code=code,
            year=year,
            title=f"{year}年度群众满意度调查",
            access=Survey.Access.CODE,
            opens_on=opens_on,
            closes_on=closes_on,
            status=Survey.Status.OPEN,
            key=key,
            intro="本调查由第三方调查机构实施,了解您对本地基本公共服务和政府部门工作的评价。匿名填写,约需5分钟。",
        )
        questions = _structure(survey, departments)
        plan = _plan(survey, regions, 1300)
        counts, codes = {}, {}
        for i, sr in enumerate(plan):
            share = 1.0 if sr.region.code == "qingxi" else [0.35, 0.5, 0.62, 0.28, 0.71, 0.44][i % 6]
            counts[sr.pk] = round(sr.quota * share)
            rows, _plain = _codes(rng, survey, sr, sr.quota + 20)
            codes[sr.pk] = rows[: round(counts[sr.pk] * 0.75)]
        dates = [opens_on + timedelta(days=i) for i in range((today - opens_on).days + 1)]
        _answers(rng, survey, plan, counts, questions, dates, codes)
        created += 1
    # The codes are drawn from the seeded generator, so the same demo links print on every run.
    survey = Survey.objects.filter(code=code).first()
    if survey is not None and survey.public_key == key:
        rng = random.Random(year)
        _key(rng)
        for sr in SurveyRegion.objects.filter(survey=survey).select_related("region"):
            plain = ["".join(rng.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH)) for _ in range(sr.quota + 20)]
            if sr.region.code in ("chengdong", "qingxi"):
                full = " · quota full: the page says so" if sr.is_full else ""
                link = reverse("satisfaction:public_code", args=[survey.public_key, format_code(plain[-1])])
                links.append(f"{link} ({sr.region.name}{full})")

    # An open-link survey of the service halls, with phone checks and no answers yet.
    code = f"s{year}-hall"
    if not Survey.objects.filter(code=code).exists():
        survey = _survey_shell(
            code=code,
            year=year,
            title=f"{year}年政务服务大厅办事体验评价",
            access=Survey.Access.OPEN,
            ask_phone=True,
            opens_on=opens_on,
            closes_on=closes_on,
            status=Survey.Status.OPEN,
            key=_key(random.Random(year + 1)),
            intro="请对您最近一次在政务服务大厅办事的体验作出评价。",
        )
        hall = Area.objects.create(survey=survey, code="hall", name="办事体验", order=1)
        market = departments.get("market")
        Question.objects.bulk_create(
            [
                Question(survey=survey, area=hall, order=1, text="您对窗口工作人员服务态度的满意程度?"),
                Question(survey=survey, area=hall, order=2, text="您对办事等候时间的满意程度?"),
                Question(
                    survey=survey, area=hall, order=3, text="您对企业开办等市场准入服务的满意程度?", department=market
                ),
                Question(
                    survey=survey,
                    area=hall,
                    order=4,
                    kind=Question.Kind.YESNO,
                    text="本次事项是否“一次办成”?",
                ),
                Question(survey=survey, order=5, kind=Question.Kind.TEXT, text="其他意见和建议", required=False),
            ]
        )
        SurveyRegion.objects.bulk_create([SurveyRegion(survey=survey, region=r, quota=50) for r in regions])
        created += 1
    return {
        "surveys_created": created,
        "answers_created": Answer.objects.count() - answers_before,
        "demo_code_links": links,
    }
