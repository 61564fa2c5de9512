"""Writes of the rectification ledger (docs/rectification.md). Each is atomic, checked and audited
with the item's values before and after.

The supervision office or finance raises an item (by hand, or from its source in one click);
the department records its measures, progress and evidence and submits the item for closure;
the issuing office approves the closure (销号) or rejects it with reasons, which reopens it.
"""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import audit_log, snapshot
from core.errors import ApplicationError, ConflictError
from core.roles import DEPARTMENT_ROLES, P, Role, acts_for
from core.uploads import check_upload
from notifications.services import notify
from organizations.models import Department
from organizations.selectors import users_of_department, users_with_role

from .models import MAX_TEXT, Issuer, Item, ItemEvidence, Source, Status, Step

FIELDS = [
    "source",
    "source_id",
    "department",
    "title",
    "description",
    "measures_required",
    "deadline",
    "issuer",
    "status",
    "measures_taken",
    "progress",
    "submitted_at",
    "closed_at",
    "closed_on_time",
    "rejections",
]


def link(item: Item) -> str:
    return reverse("rectification:item_detail", kwargs={"pk": item.pk})


def _snap(item: Item) -> dict:
    return snapshot(item, fields=FIELDS)


def _lock(item: Item) -> Item:
    return Item.objects.select_for_update(of=("self",), no_key=True).select_related("department").get(pk=item.pk)


def _check_version(item: Item, expected_version) -> None:
    if expected_version is not None and item.version != int(expected_version):
        raise ConflictError(_("Someone else changed this item after you opened it. Reload and try again."))


def _text(value, field: str, *, required: bool = True, max_length: int = MAX_TEXT) -> str:
    text = (value or "").strip()
    if required and not text:
        raise ApplicationError(_("This field is required."), field=field)
    if len(text) > max_length:
        raise ApplicationError(
            _("At most %(n)d characters (now %(m)d).") % {"n": max_length, "m": len(text)}, field=field
        )
    return text


def issuer_of(actor) -> str:
    """The office an issuing user speaks for."""
    if actor.role == Role.SUPERVISOR:
        return Issuer.SUPERVISOR
    if actor.role == Role.FINANCE:
        return Issuer.FINANCE
    raise ApplicationError(
        _("Only the supervision office or finance raises rectification items."), code="permission_denied"
    )


def _check_worker(actor, item: Item) -> None:
    if not acts_for(actor, item.department_id):
        raise ApplicationError(_("Only the responsible department works on this item."), code="permission_denied")


def _check_issuer(actor, item: Item) -> None:
    if not actor.has_perm(P.ISSUE_RECTIFICATION) or actor.role != item.issuer:
        raise ApplicationError(
            _("Only the office that raised the item (%(issuer)s) decides on its closure.")
            % {"issuer": item.get_issuer_display()},
            code="permission_denied",
        )


def _department_people(item: Item):
    return users_of_department(department_id=item.department_id, roles=list(DEPARTMENT_ROLES))


def _issuer_people(item: Item):
    return users_with_role(roles=[item.issuer])


@transaction.atomic
def item_create(
    *,
    actor,
    department: Department | None,
    title: str,
    description: str,
    measures_required: str,
    deadline: dt.date | None,
    source: str = Source.MANUAL,
    source_id: int | None = None,
    source_label: str = "",
    source_url: str = "",
    year: int | None = None,
) -> Item:
    """Raise an item. The deadline is a local date, today or later; one item per source object and department."""
    issuer = issuer_of(actor)
    if source not in Source.values:
        raise ApplicationError(_("Choose the source."), field="source")
    if department is None:
        raise ApplicationError(_("Choose the responsible department."), field="department")
    title = _text(title, "title", max_length=200)
    description = _text(description, "description")
    measures_required = _text(measures_required, "measures_required")
    if deadline is None:
        raise ApplicationError(_("Give the deadline."), field="deadline")
    today = timezone.localdate()
    if deadline < today:
        raise ApplicationError(_("The deadline cannot be in the past."), field="deadline")
    if source == Source.OTHER_EVALUATION:
        source_label = _text(source_label, "source_label", max_length=300)
        source_id = None
    elif source == Source.MANUAL:
        source_id, source_label, source_url = None, "", ""
    item = Item(
        year=year or today.year,
        source=source,
        source_id=source_id,
        source_label=(source_label or "")[:300],
        source_url=(source_url or "")[:300],
        department=department,
        title=title,
        description=description,
        measures_required=measures_required,
        deadline=deadline,
        issuer=issuer,
        issued_by=actor,
    )
    taken = Item.objects.filter(source=source, source_id=source_id, department=department)
    if source_id is not None and taken.exists():
        raise ApplicationError(
            _("An item for this problem and department exists already."), field="department", code="duplicate"
        )
    try:
        with transaction.atomic():
            item.save()
    except IntegrityError:
        raise ApplicationError(
            _("An item for this problem and department exists already."), field="department", code="duplicate"
        ) from None
    Step.objects.create(item=item, action=Step.Action.CREATED, actor=actor, note=description)
    audit_log("rectification.item.created", actor=actor, obj=item, before=None, after=_snap(item))
    notify(
        users=_department_people(item),
        kind="rectification.created",
        level="warning",
        title=_("Rectification required by %(date)s: %(title)s") % {"date": deadline.isoformat(), "title": title},
        body=measures_required,
        link=link(item),
    )
    return item


@transaction.atomic
def item_progress(*, item: Item, actor, measures_taken: str, progress: int, expected_version=None) -> Item:
    """The department records its measures and progress (while the item is open)."""
    item = _lock(item)
    _check_worker(actor, item)
    _check_version(item, expected_version)
    if item.status != Status.OPEN:
        raise ApplicationError(_("Only an open item can be changed."), code="invalid_state")
    measures_taken = _text(measures_taken, "measures_taken")
    try:
        progress = int(progress)
    except (TypeError, ValueError):
        raise ApplicationError(_("Give a whole number between 0 and 100."), field="progress") from None
    if not 0 <= progress <= 100:
        raise ApplicationError(_("Give a whole number between 0 and 100."), field="progress")
    before = _snap(item)
    item.measures_taken = measures_taken
    item.progress = progress
    item.version += 1
    item.save()
    Step.objects.create(item=item, action=Step.Action.PROGRESS, actor=actor, note=f"{progress}% · {measures_taken}")
    audit_log("rectification.item.progress", actor=actor, obj=item, before=before, after=_snap(item))
    return item


@transaction.atomic
def evidence_add(*, item: Item, upload, actor) -> ItemEvidence:
    item = _lock(item)
    _check_worker(actor, item)
    if item.status != Status.OPEN:
        raise ApplicationError(_("Only an open item can be changed."), code="invalid_state", field="file")
    checked = check_upload(upload, field="file")
    evidence = ItemEvidence(
        item=item,
        original_name=checked.name,
        content_type=checked.content_type,
        size=checked.size,
        sha256=checked.sha256,
        uploaded_by=actor,
    )
    evidence.file.save(checked.name, upload, save=False)
    evidence.save()
    Item.objects.filter(pk=item.pk).update(version=item.version + 1)
    Step.objects.create(item=item, action=Step.Action.EVIDENCE, actor=actor, note=checked.name)
    audit_log(
        "rectification.evidence.uploaded",
        actor=actor,
        obj=evidence,
        data={"item": item.pk, "name": checked.name, "size": checked.size, "sha256": checked.sha256},
    )
    return evidence


@transaction.atomic
def item_submit(*, item: Item, actor, expected_version=None) -> Item:
    """Submit for closure: measures written and at least one piece of evidence, or refused."""
    item = _lock(item)
    _check_worker(actor, item)
    _check_version(item, expected_version)
    if item.status != Status.OPEN:
        raise ApplicationError(_("Only an open item can be submitted."), code="invalid_state")
    if not item.measures_taken.strip():
        raise ApplicationError(_("Record the measures taken before submitting."), field="measures_taken")
    if not item.evidence.exists():
        raise ApplicationError(_("Attach evidence of the rectification before submitting."), field="file")
    before = _snap(item)
    item.status = Status.SUBMITTED
    item.submitted_at = timezone.now()
    item.version += 1
    item.save()
    Step.objects.create(item=item, action=Step.Action.SUBMITTED, actor=actor)
    audit_log("rectification.item.submitted", actor=actor, obj=item, before=before, after=_snap(item))
    notify(
        users=_issuer_people(item),
        kind="rectification.submitted",
        title=_("Submitted for closure: %(title)s (%(department)s)")
        % {"title": item.title, "department": item.department.name},
        link=link(item),
    )
    return item


@transaction.atomic
def item_close(*, item: Item, actor, note: str = "", expected_version=None) -> Item:
    """The issuing office approves the closure (销号). Refused without evidence, and to anyone else."""
    item = _lock(item)
    _check_issuer(actor, item)
    _check_version(item, expected_version)
    if item.status != Status.SUBMITTED:
        raise ApplicationError(_("Only an item submitted for closure can be closed."), code="invalid_state")
    if not item.evidence.exists():
        raise ApplicationError(_("An item without evidence cannot be closed."), field="file")
    note = _text(note, "note", required=False)
    before = _snap(item)
    item.status = Status.CLOSED
    item.closed_at = timezone.now()
    item.closed_by = actor
    item.closed_on_time = timezone.localtime(item.submitted_at).date() <= item.deadline
    item.progress = 100
    item.version += 1
    item.save()
    Step.objects.create(item=item, action=Step.Action.CLOSED, actor=actor, note=note)
    audit_log("rectification.item.closed", actor=actor, obj=item, before=before, after=_snap(item))
    notify(
        users=_department_people(item),
        kind="rectification.closed",
        title=_("Rectification closed: %(title)s") % {"title": item.title},
        body=note,
        link=link(item),
    )
    return item


@transaction.atomic
def item_reject(*, item: Item, actor, reason: str, expected_version=None) -> Item:
    """The issuing office rejects the closure with reasons: the item is open again."""
    item = _lock(item)
    _check_issuer(actor, item)
    _check_version(item, expected_version)
    if item.status != Status.SUBMITTED:
        raise ApplicationError(_("Only an item submitted for closure can be rejected."), code="invalid_state")
    reason = _text(reason, "reason")
    before = _snap(item)
    item.status = Status.OPEN
    item.submitted_at = None
    item.rejections += 1
    item.version += 1
    item.save()
    Step.objects.create(item=item, action=Step.Action.REJECTED, actor=actor, note=reason)
    audit_log(
        "rectification.item.rejected", actor=actor, obj=item, before=before, after=_snap(item), data={"reason": reason}
    )
    notify(
        users=_department_people(item),
        kind="rectification.rejected",
        level="warning",
        title=_("Closure rejected: %(title)s") % {"title": item.title},
        body=reason,
        link=link(item),
    )
    return item
