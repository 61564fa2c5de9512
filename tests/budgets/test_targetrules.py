"""Pure rules of target sheets: vague wording, satisfaction as effect, below last year, version comparison."""

from decimal import Decimal

import pytest

from budgets.choices import SUBDIMENSIONS
from budgets.targetrules import (
    LEVEL2,
    TargetFacts,
    compare,
    has_changes,
    less_ambitious,
    level2_label,
    sheet_flags,
    vague_phrase,
)


@pytest.mark.parametrize(
    ("text", "unit", "expected"),
    [
        ("群众满意度进一步提高", "", "进一步提高"),
        ("人居环境明显改善", "", "明显改善"),
        ("服务水平有所提升", "", "有所提升"),
        ("满意度进一步提高至90%", "", ""),  # the number is in the wording
        ("覆盖率进一步提高", "%", ""),  # the value carries a unit: it is measured
        ("新建校舍面积", "", ""),  # nothing vague
        ("设施条件显著改善", " ", "显著改善"),  # a blank unit is no unit
        ("学生家庭负担进一步减轻", "", "进一步减轻"),
        ("空气质量得到改善", "", "得到改善"),
        ("提高教学质量", "", ""),  # a verb alone does not say “somewhat better”
    ],
)
def test_vague_wording_without_a_number(text, unit, expected):
    assert vague_phrase(text, unit) == expected


def facts(**kw):
    base = {"id": 1, "name": "活动场次", "dimension": "output", "operator": "ge", "value": Decimal("50"), "unit": "场"}
    return TargetFacts(**(base | kw))


def codes(flags):
    return [(f.code, f.target) for f in flags]


def test_vague_target_is_flagged_with_its_phrase():
    flags = sheet_flags([facts(id=7, name="教学质量进一步提高", unit="", value=Decimal(1))], {})
    assert codes(flags) == [("vague", 7)]
    assert flags[0].text.args["phrase"] == "进一步提高"


def test_satisfaction_as_effect_by_wording_or_by_library_indicator():
    flags = sheet_flags(
        [
            facts(id=1, name="家长满意度", dimension="effect", unit="%"),
            facts(id=2, name="服务对象评价", dimension="effect", library_dimension="satisfaction", library_id=9),
            facts(id=3, name="家长满意度", dimension="satisfaction", unit="%"),  # in its place: fine
            facts(id=4, name="就业人数", dimension="effect", unit="人"),
        ],
        {},
    )
    assert codes(flags) == [("satisfaction_as_effect", 1), ("satisfaction_as_effect", 2)]


def test_below_last_year_without_reason_is_flagged_and_a_reason_clears_it():
    last = {5: Decimal("95")}
    assert codes(sheet_flags([facts(id=1, library_id=5, value=Decimal("90"))], last)) == [("below_last_year", 1)]
    assert sheet_flags([facts(id=1, library_id=5, value=Decimal("90"), below_reason="受疫情影响缩减")], last) == []
    assert sheet_flags([facts(id=1, library_id=5, value=Decimal("95"))], last) == []  # equal is not lower
    assert sheet_flags([facts(id=1, library_id=6, value=Decimal("1"))], last) == []  # no history for it
    # A ≤ (cost) target is weaker when it is higher than last year's actual.
    assert codes(sheet_flags([facts(id=2, operator="le", library_id=5, value=Decimal("96"))], last)) == [
        ("below_last_year", 2)
    ]


def test_less_ambitious_by_direction():
    assert less_ambitious("ge", Decimal("9.99"), Decimal("10"))
    assert not less_ambitious("ge", Decimal("10"), Decimal("10"))
    assert less_ambitious("le", Decimal("10.01"), Decimal("10"))
    assert not less_ambitious("eq", Decimal("1"), Decimal("10"))


def test_level2_covers_every_dimension_and_subdimension_pair():
    pairs = {(d, s) for d, subs in SUBDIMENSIONS.items() for s in subs}
    assert pairs == set(LEVEL2)
    assert level2_label("cost", "ecological")
    assert level2_label("output", "economic") == ""


def row(i, name, value, **kw):
    return {"id": i, "dimension": "output", "name": name, "operator": "ge", "value": value, "unit": "场"} | kw


def test_compare_marks_changed_added_removed_and_unchanged():
    old = [row(1, "活动场次", "50.0000"), row(2, "培训人次", "300"), row(3, "覆盖学校", "120")]
    new = [row(1, "活动场次", "50"), row(3, "覆盖学校", "100"), row(None, "新增讲座", "10")]
    rows = compare(old, new)
    assert [(r.status, (r.old or r.new)["name"]) for r in rows] == [
        ("same", "活动场次"),  # 50.0000 and 50 are the same value
        ("removed", "培训人次"),  # placed after the target it followed
        ("changed", "覆盖学校"),
        ("added", "新增讲座"),
    ]
    assert rows[2].changed == {"value"}
    assert has_changes(rows)
    assert not has_changes(compare(old, old))
