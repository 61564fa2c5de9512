"""Writes of dual monitoring: the department's response to a warning and lifting a pause (docs/monitoring.md)."""

from __future__ import annotations

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import audit_log, snapshot
from budgets import services as budget_services
from budgets.models import Tranche
from core.errors import ApplicationError, ConflictError
from core.roles import DEPARTMENT_ROLES, P, Role, acts_for
from notifications.services import notify
from organizations.selectors import users_of_department, users_with_role

from .models import MonitoringWarning

W = MonitoringWarning
FIELDS = ["status", "response", "adjustment", "reason", "responded_at", "paused_at", "pause_lifted_at", "lift_reason"]
MAX_TEXT = 2000


def link(warning: MonitoringWarning) -> str:
    return reverse("monitoring:warning_detail", args=[warning.pk])


def _lock(warning: MonitoringWarning) -> MonitoringWarning:
    return (
        W.objects.select_for_update(of=("self",), no_key=True)
        .select_related("project", "department")
        .get(pk=warning.pk)
    )


def _check_version(warning, expected_version) -> None:
    if expected_version is not None and warning.version != int(expected_version):
        raise ConflictError(_("Someone else changed this item after you opened it. Reload and try again."))


def _reason(value, field: str = "reason") -> str:
    text = (value or "").strip()
    if not text:
        raise ApplicationError(_("Give the reason."), field=field)
    if len(text) > MAX_TEXT:
        raise ApplicationError(
            _("At most %(n)d characters (now %(m)d).") % {"n": MAX_TEXT, "m": len(text)}, field=field
        )
    return text


@transaction.atomic
def warning_respond(
    *, warning: MonitoringWarning, actor, response: str, reason: str, adjustment: str = "", expected_version=None
) -> MonitoringWarning:
    """The department's answer: continue with measures, adjust (a target revision or a reallocation
    request, which finance is told of) or cancel — each with a reason. A late answer is recorded;
    a pause already made stays until finance lifts it."""
    warning = _lock(warning)
    if not acts_for(actor, warning.department_id):
        raise ApplicationError(_("Only the department responds to its warning."), code="permission_denied")
    _check_version(warning, expected_version)
    if warning.status == W.Status.RESPONDED:
        raise ApplicationError(_("This warning has been answered already."), code="invalid_state")
    if response not in W.Response.values:
        raise ApplicationError(_("Choose continue, adjust or cancel."), field="response")
    reason = _reason(reason)
    if response == W.Response.ADJUST:
        if adjustment not in W.Adjustment.values:
            raise ApplicationError(_("Say whether the targets or the money should change."), field="adjustment")
    else:
        adjustment = ""
    before = snapshot(warning, fields=FIELDS)
    warning.status = W.Status.RESPONDED
    warning.response = response
    warning.adjustment = adjustment
    warning.reason = reason
    warning.responded_at = timezone.now()
    warning.responded_by = actor
    warning.version += 1
    warning.save()
    audit_log(
        "monitoring.warning.responded",
        actor=actor,
        obj=warning,
        before=before,
        after=snapshot(warning, fields=FIELDS),
        data={"project": warning.project_id},
    )
    if response != W.Response.CONTINUE:
        title = (
            _("Adjustment requested: %(project)s (%(kind)s)")
            if response == W.Response.ADJUST
            else _("Cancellation proposed: %(project)s")
        ) % {"project": warning.project.name, "kind": warning.get_adjustment_display()}
        notify(
            users=users_with_role(roles=[Role.FINANCE]),
            kind="monitoring.response",
            level="warning",
            title=title,
            body=_("%(department)s: %(reason)s") % {"department": warning.department.name, "reason": reason},
            link=link(warning),
        )
    return warning


@transaction.atomic
def pause_lift(*, warning: MonitoringWarning, actor, reason: str, expected_version=None) -> MonitoringWarning:
    """Finance lifts the pause of the project's tranches with a reason; every lapsed warning of the
    project that paused them is marked lifted."""
    if not actor.has_perm(P.REVIEW_BUDGET):
        raise ApplicationError(_("Only finance lifts a pause."), code="permission_denied")
    warning = _lock(warning)
    _check_version(warning, expected_version)
    if not warning.is_paused:
        raise ApplicationError(_("This warning has paused nothing."), code="invalid_state")
    reason = _reason(reason)
    if Tranche.objects.filter(project_id=warning.project_id, paused_at__isnull=False).exists():
        budget_services.tranches_resume(project=warning.project, actor=actor, reason=reason)
    now = timezone.now()
    lifted = []
    for w in W.objects.select_for_update(of=("self",), no_key=True).filter(
        project_id=warning.project_id, paused_at__isnull=False, pause_lifted_at__isnull=True
    ):
        before = snapshot(w, fields=FIELDS)
        w.pause_lifted_at = now
        w.pause_lifted_by = actor
        w.lift_reason = reason
        w.version += 1
        w.save()
        lifted.append(w.pk)
        audit_log(
            "monitoring.warning.pause_lifted",
            actor=actor,
            obj=w,
            before=before,
            after=snapshot(w, fields=FIELDS),
            data={"project": w.project_id},
        )
    notify(
        users=users_of_department(department_id=warning.department_id, roles=list(DEPARTMENT_ROLES)),
        kind="monitoring.pause_lifted",
        title=_("Tranches of %(project)s resumed") % {"project": warning.project.name},
        body=reason,
        link=link(warning),
    )
    return W.objects.get(pk=warning.pk)


# --- Reallocation requests opened from a warning ------------------------------------------------------


@transaction.atomic
def warning_reallocation_request(
    *, warning: MonitoringWarning, actor, amount, reason: str, source=None, tranche=None, target=None
):
    """The department, having answered "adjust", asks finance to move money (budgets.Reallocation):
    from the warning's project (or another of its own) to another of its projects or to the pool.
    One open request per warning: a returned one is changed and sent again, not asked anew."""
    from budgets.models import OPEN_REALLOCATION

    from .models import WarningReallocation

    warning = _lock(warning)
    if not acts_for(actor, warning.department_id):
        raise ApplicationError(_("Only the department responds to its warning."), code="permission_denied")
    if warning.response != W.Response.ADJUST:
        raise ApplicationError(
            _("Answer the warning with “adjust” first; a reallocation request follows from it."),
            code="invalid_state",
        )
    if WarningReallocation.objects.filter(warning=warning, reallocation__status__in=OPEN_REALLOCATION).exists():
        raise ApplicationError(
            _("A reallocation request of this warning is still open: change and resubmit that one."),
            code="invalid_state",
        )
    reallocation = budget_services.reallocation_request(
        actor=actor,
        source=source or warning.project_id,
        tranche=tranche,
        target=target,
        amount=amount,
        reason=reason,
        data={"warning": warning.pk},
    )
    WarningReallocation.objects.create(warning=warning, reallocation=reallocation)
    return reallocation


# --- The working calendar ---------------------------------------------------------------------------------

CALENDAR_FIELDS = ["date", "kind", "name"]


def _calendar_clean(day) -> None:
    from django.core.exceptions import ValidationError

    try:
        day.full_clean()
    except ValidationError as exc:
        raise ApplicationError(
            _("Please correct the fields marked."), errors=exc.message_dict if hasattr(exc, "error_dict") else {}
        ) from exc


@transaction.atomic
def calendar_day_save(*, actor, day=None, date, kind: str, name: str, expected_version=None):
    """Add an official holiday or make-up working day to the working calendar, or change one
    (the administrator); the same checks as the administration site's form, audited."""
    from .models import CalendarDay

    if day is not None and day.pk is not None:
        day = CalendarDay.objects.select_for_update().get(pk=day.pk)
        if expected_version is not None and day.version != int(expected_version):
            raise ConflictError(_("Someone else changed this item after you opened it. Reload and try again."))
        before = snapshot(day, fields=CALENDAR_FIELDS)
    else:
        day, before = CalendarDay(), None
    day.date = date
    day.kind = kind
    day.name = (name or "").strip()
    _calendar_clean(day)
    if before is not None:
        day.version += 1
    day.save()
    audit_log(
        "monitoring.calendar.changed" if before is not None else "monitoring.calendar.added",
        actor=actor,
        obj=day,
        before=before,
        after=snapshot(day, fields=CALENDAR_FIELDS),
    )
    return day


@transaction.atomic
def calendar_day_delete(*, actor, day, expected_version=None) -> None:
    """Remove a day from the working calendar (the administrator), audited."""
    from .models import CalendarDay

    day = CalendarDay.objects.select_for_update().get(pk=day.pk)
    if expected_version is not None and day.version != int(expected_version):
        raise ConflictError(_("Someone else changed this item after you opened it. Reload and try again."))
    before = snapshot(day, fields=CALENDAR_FIELDS)
    audit_log("monitoring.calendar.removed", actor=actor, obj=day, before=before)
    day.delete()
