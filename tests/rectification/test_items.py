"""Rectification items: raising, the department's work, closure only by the issuer, reject → reopen,
evidence required, stale pages, audit with before and after, and each department seeing its own."""

import datetime as dt

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from core.errors import ApplicationError, ConflictError
from notifications.models import Notification
from rectification import selectors, services
from rectification.models import Item

from .conftest import TODAY, pdf

pytestmark = pytest.mark.django_db


def _work(item, actor):
    item = services.item_progress(item=item, actor=actor, measures_taken="已补齐材料。", progress=80)
    services.evidence_add(item=item, upload=pdf(), actor=actor)
    return Item.objects.get(pk=item.pk)


def test_raising_needs_an_issuer_a_department_and_a_future_deadline(users, departments):
    base = {
        "department": departments["edu"],
        "title": "问题",
        "description": "说明",
        "measures_required": "措施",
        "deadline": TODAY,
    }
    with pytest.raises(ApplicationError):
        services.item_create(actor=users["filer"], **base)
    with pytest.raises(ApplicationError) as exc:
        services.item_create(actor=users["finance"], **(base | {"deadline": TODAY - dt.timedelta(days=1)}))
    assert "deadline" in exc.value.errors
    with pytest.raises(ApplicationError) as exc:
        services.item_create(actor=users["finance"], **(base | {"department": None}))
    assert "department" in exc.value.errors
    with pytest.raises(ApplicationError) as exc:
        services.item_create(actor=users["finance"], **(base | {"source": "other_evaluation"}))
    assert "source_label" in exc.value.errors
    assert not Item.objects.exists()
    item = services.item_create(actor=users["finance"], **base)  # the deadline day itself is fine
    assert item.issuer == "finance" and item.status == "open"
    assert Notification.objects.filter(user=users["filer"], kind="rectification.created").exists()
    assert not Notification.objects.filter(user=users["filer2"], kind="rectification.created").exists()


def test_submission_without_evidence_is_refused(item, users):
    services.item_progress(item=item, actor=users["filer"], measures_taken="已整改。", progress=100)
    with pytest.raises(ApplicationError) as exc:
        services.item_submit(item=item, actor=users["filer"])
    assert "file" in exc.value.errors
    assert Item.objects.get(pk=item.pk).status == "open"


def test_closure_without_evidence_is_refused(item, users):
    item = _work(item, users["filer"])
    item = services.item_submit(item=item, actor=users["filer"])
    item.evidence.all().delete()  # the file gone by any other path: the issuer still cannot close
    with pytest.raises(ApplicationError) as exc:
        services.item_close(item=item, actor=users["supervisor"])
    assert "file" in exc.value.errors
    assert Item.objects.get(pk=item.pk).status == "submitted"


def test_only_the_issuer_closes_and_a_rejection_reopens(item, users):
    item = _work(item, users["filer"])
    item = services.item_submit(item=item, actor=users["filer"], expected_version=item.version)
    assert item.status == "submitted"
    for role in ("finance", "filer", "leader"):
        with pytest.raises(ApplicationError):
            services.item_close(item=item, actor=users[role])
    with pytest.raises(ApplicationError) as exc:
        services.item_reject(item=item, actor=users["supervisor"], reason="")
    assert "reason" in exc.value.errors
    item = services.item_reject(item=item, actor=users["supervisor"], reason="归档制度未附文件。")
    assert item.status == "open" and item.rejections == 1 and item.submitted_at is None
    assert Notification.objects.filter(user=users["filer"], kind="rectification.rejected").exists()
    with pytest.raises(ApplicationError):  # open again: nothing to close
        services.item_close(item=item, actor=users["supervisor"])
    services.evidence_add(item=item, upload=pdf("归档制度.pdf"), actor=users["filer"])
    item = services.item_submit(item=Item.objects.get(pk=item.pk), actor=users["filer"])
    item = services.item_close(item=item, actor=users["supervisor"], note="同意销号。")
    assert item.status == "closed" and item.closed_on_time is True and item.progress == 100
    actions = list(item.steps.values_list("action", flat=True))
    assert actions == ["created", "progress", "evidence", "submitted", "rejected", "evidence", "submitted", "closed"]


def test_every_transition_is_audited_with_before_and_after(item, users):
    item = _work(item, users["filer"])
    item = services.item_submit(item=item, actor=users["filer"])
    item = services.item_reject(item=item, actor=users["supervisor"], reason="不充分")
    item = services.item_submit(item=item, actor=users["filer"])
    services.item_close(item=item, actor=users["supervisor"])
    events = {e.action: e for e in AuditEvent.objects.filter(action__startswith="rectification.item.")}
    assert events["rectification.item.created"].after["status"] == "open"
    assert events["rectification.item.progress"].after["progress"] == 80
    rejected, closed = events["rectification.item.rejected"], events["rectification.item.closed"]
    assert (rejected.before["status"], rejected.after["status"]) == ("submitted", "open")
    assert (closed.before["status"], closed.after["status"]) == ("submitted", "closed")


def test_a_stale_page_is_refused(item, users):
    old = item.version
    services.item_progress(item=item, actor=users["filer"], measures_taken="第一次", progress=10)
    with pytest.raises(ConflictError):
        services.item_progress(
            item=item, actor=users["filer"], measures_taken="第二次", progress=20, expected_version=old
        )
    assert Item.objects.get(pk=item.pk).measures_taken == "第一次"


def test_progress_is_checked_and_only_the_department_works(item, users):
    with pytest.raises(ApplicationError) as exc:
        services.item_progress(item=item, actor=users["filer"], measures_taken="x", progress=101)
    assert "progress" in exc.value.errors
    with pytest.raises(ApplicationError):
        services.item_progress(item=item, actor=users["filer2"], measures_taken="x", progress=10)
    with pytest.raises(ApplicationError):
        services.evidence_add(item=item, upload=pdf(), actor=users["supervisor"])


def test_a_late_submission_closes_late(item, users, monkeypatch):
    from django.utils import timezone

    item = _work(item, users["filer"])
    late = timezone.make_aware(dt.datetime(2026, 10, 1, 9, 0))
    monkeypatch.setattr(timezone, "now", lambda: late)
    item = services.item_submit(item=item, actor=users["filer"])
    item = services.item_close(item=item, actor=users["supervisor"])
    assert item.closed_on_time is False


def test_each_department_sees_its_own(item, users, departments):
    other = services.item_create(
        actor=users["finance"],
        department=departments["water"],
        title="水利资金",
        description="说明",
        measures_required="措施",
        deadline=dt.date(2026, 10, 1),
    )
    assert list(selectors.items_for_user(user=users["filer"])) == [item]
    assert list(selectors.items_for_user(user=users["filer2"])) == [other]
    assert selectors.items_for_user(user=users["leader"]).count() == 2
    assert selectors.items_for_user(user=users["surveyor"]).count() == 0


def test_filters_and_overdue(item, users, departments, monkeypatch):
    from django.utils import timezone

    assert selectors.items_for_user(user=users["leader"], overdue=True).count() == 0
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: dt.date(2026, 10, 1))
    assert list(selectors.items_for_user(user=users["leader"], overdue=True)) == [item]
    assert selectors.items_for_user(user=users["leader"], overdue=False).count() == 0
    assert selectors.items_for_user(user=users["leader"], source="deduction").count() == 0
    assert selectors.items_for_user(user=users["leader"], department="water").count() == 0
    assert selectors.items_for_user(user=users["leader"], status="open").count() == 1


def test_the_rectification_rate_counts_closed_on_time_over_due(item, users, departments, monkeypatch):
    from django.utils import timezone

    item = _work(item, users["filer"])
    services.item_close(item=services.item_submit(item=item, actor=users["filer"]), actor=users["supervisor"])
    services.item_create(
        actor=users["supervisor"],
        department=departments["edu"],
        title="第二项",
        description="说明",
        measures_required="措施",
        deadline=dt.date(2026, 9, 5),
    )
    services.item_create(
        actor=users["supervisor"],
        department=departments["edu"],
        title="第三项,未到期",
        description="说明",
        measures_required="措施",
        deadline=dt.date(2026, 12, 31),
    )
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: dt.date(2026, 10, 1))
    rates = selectors.rectification_rates(user=users["leader"], year=2026)
    (edu,) = rates
    assert (edu.due, edu.closed_on_time, edu.open, edu.overdue) == (2, 1, 2, 1)
    assert str(edu.rate) == "50.0"


def test_pages_work_through_the_whole_cycle(item, users, client_for):
    filer, sup = client_for("filer"), client_for("supervisor")
    assert client_for("filer2").get(reverse("rectification:item_detail", args=[item.pk])).status_code == 404
    listing = filer.get(reverse("rectification:item_list") + "?overdue=0")
    assert listing.status_code == 200 and item in listing.context["items"]
    bad = filer.post(reverse("rectification:item_submit", args=[item.pk]), {"version": item.version})
    assert bad.status_code == 400
    r = filer.post(
        reverse("rectification:item_progress", args=[item.pk]),
        {"measures_taken": "已补齐", "progress": 90, "version": item.version},
    )
    assert r.status_code == 302
    r = filer.post(reverse("rectification:item_evidence", args=[item.pk]), {"file": pdf()})
    assert r.status_code == 302
    item.refresh_from_db()
    submit = filer.post(reverse("rectification:item_submit", args=[item.pk]), {"version": item.version})
    assert submit.status_code == 302
    item.refresh_from_db()
    assert client_for("finance").post(reverse("rectification:item_close", args=[item.pk]), {}).status_code == 400
    reject = reverse("rectification:item_reject", args=[item.pk])
    r = sup.post(reject, {"reason": "缺少制度文件", "version": item.version})
    assert r.status_code == 302
    item.refresh_from_db()
    assert item.status == "open"
    evidence = item.evidence.get()
    download = filer.get(reverse("rectification:evidence_download", args=[item.pk, evidence.pk]))
    assert download.status_code == 200 and download["Content-Disposition"].startswith("attachment")
    export = sup.get(reverse("rectification:item_export") + "?status=open")
    assert export.status_code == 200 and export["Content-Type"].startswith("application/vnd.openxmlformats")


def test_the_export_holds_the_filtered_items(item, users, departments, client_for):
    import io

    from openpyxl import load_workbook

    services.item_create(
        actor=users["finance"],
        department=departments["water"],
        title='=HYPERLINK("x")',
        description="说明",
        measures_required="措施",
        deadline=dt.date(2026, 10, 1),
    )
    wb = load_workbook(io.BytesIO(client_for("leader").get(reverse("rectification:item_export")).content))
    titles = [row[5] for row in wb.active.iter_rows(min_row=2, values_only=True)]
    assert titles == ["台账资料不全", '\'=HYPERLINK("x")']
    wb = load_workbook(io.BytesIO(client_for("filer").get(reverse("rectification:item_export")).content))
    assert [row[5] for row in wb.active.iter_rows(min_row=2, values_only=True)] == ["台账资料不全"]
