"""The audit viewer in words: every action code the project writes has a label, object types and
field names read as names, and actions are chosen from a picker."""

import re
from pathlib import Path

import pytest
from django.urls import reverse

from audit.labels import action_label, field_label, known, object_type_label
from audit.services import audit_log

ROOT = Path(__file__).resolve().parents[2]
APPS = ("assessments", "audit", "budgets", "core", "indicators", "monitoring", "organizations", "satisfaction")
LITERAL = re.compile(
    r'audit_log\(\s*"([a-z_]+\.[a-z_.]+)"|"([a-z_]+\.[a-z_]+\.[a-z_]+)" if |else "([a-z_]+\.[a-z_.]+)"'
)
# Codes built at run time (f-strings), spelled out.
BUILT = [
    "assessments.appeal.upheld",
    "assessments.appeal.rejected",
    "assessments.entry.approved",
    "assessments.entry.returned",
    "assessments.assignment.created",
    "assessments.assignment.updated",
    "budgets.evaluation.confirmed",
    "budgets.evaluation.published",
    "budgets.policy.created",
    "budgets.policy.updated",
    "budgets.recommendation.accepted",
    "budgets.recommendation.overridden",
    "budgets.target.created",
    "budgets.target.updated",
    *[
        f"indicators.{k}.{e}"
        for k in ("indicator", "category", "rule", "grade_band")
        for e in ("created", "updated", "retired")
    ],
    *[f"indicators.{m}.imported" for m in ("indicator", "category", "rule", "gradeband")],
    "satisfaction.area.updated",
    "satisfaction.question.created",
    "satisfaction.question.updated",
]


def written_codes() -> set[str]:
    codes = set(BUILT)
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            for match in LITERAL.finditer(path.read_text(encoding="utf-8")):
                codes.update(c for c in match.groups() if c)
    return codes


def test_every_action_the_project_writes_has_words():
    codes = written_codes()
    assert "budgets.actual.recorded" in codes and len(codes) > 60
    missing = sorted(c for c in codes if not known(c))
    assert missing == []


def test_labels_are_chinese():
    assert action_label("budgets.actual.recorded") == "目标实际值已登记"
    assert action_label("assessments.report.withdrawn") == "季度报告被部门撤回"
    assert action_label("no.such.code") == "其他操作"
    assert object_type_label("assessments.report") == "进展报告"  # the model's own name
    assert object_type_label("nothing.here") == "其他对象"
    assert field_label("assessments.appeal", "total") == "总分"
    assert field_label("indicators.indicator", "points") == "分值"
    assert field_label("assessments.appeal", "reason") == "理由"


@pytest.mark.django_db
def test_the_viewer_shows_words_and_filters_by_a_picker(client_for, users):
    event = audit_log(
        "budgets.actual.recorded",
        actor=users["finance"],
        object_type="budgets.budgetproject",
        object_id=7,
        before={"total": "80.00"},
        after={"total": "85.00"},
        data={"reason": "年度自评报告"},
    )
    audit_log("auth.login", actor=users["filer"])
    client = client_for("auditor")
    html = client.get(reverse("audit:event_list")).content.decode()
    assert "目标实际值已登记" in html and "budgets.actual.recorded</" not in html
    assert '<select name="action"' in html
    assert '<option value="budgets.actual.recorded">目标实际值已登记</option>' in html
    assert '<option value="budgets.">全部：预算绩效</option>' in html
    picked = client.get(reverse("audit:event_list"), {"action": "budgets.actual.recorded"})
    assert [e.action for e in picked.context["events"]] == ["budgets.actual.recorded"]
    area = client.get(reverse("audit:event_list"), {"action": "auth."})
    assert {e.action for e in area.context["events"]} == {"auth.login"}
    detail = client.get(reverse("audit:event_detail", args=[event.pk])).content.decode()
    assert "总分" in detail and "理由" in detail and "年度自评报告" in detail
    assert "<code>total</code>" not in detail and "budgets.budgetproject" not in detail
