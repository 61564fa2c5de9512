"""Audit codes in words: actions, object types and field names as the viewer shows them.

An action code reads ``<app>.<thing>.<what happened>`` (``budgets.actual.recorded``). The viewer
says it in the reader's language from the two tables below (THINGS × EVENTS), with a few whole
codes of their own (ACTIONS). Object types are model labels (``assessments.report``) and say the
model's own name; field names say the field's name on that model, or one from FIELDS.
tests/audit/test_labels.py finds every action code the project writes and checks it has words.
"""

from __future__ import annotations

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

ACTIONS = {
    "auth.otp_enrolment_issued": pgettext_lazy("audit action", "Two-factor enrolment code issued"),
    "auth.login": pgettext_lazy("audit action", "Signed in"),
    "auth.logout": pgettext_lazy("audit action", "Signed out"),
    "auth.login_failed": pgettext_lazy("audit action", "Sign-in failed"),
    "auth.locked_out": pgettext_lazy("audit action", "Account locked after failed sign-ins"),
    "auth.unlocked": pgettext_lazy("audit action", "Account unlocked"),
    "auth.denied": pgettext_lazy("audit action", "Access refused"),
    "auth.password_changed": pgettext_lazy("audit action", "Password changed"),
    "auth.password_reset": pgettext_lazy("audit action", "Password reset"),
    "auth.session_expired": pgettext_lazy("audit action", "Session expired"),
    "auth.otp_enrolled": pgettext_lazy("audit action", "Two-factor sign-in set up"),
    "auth.otp_removed": pgettext_lazy("audit action", "Two-factor sign-in removed"),
    "auth.otp_reset": pgettext_lazy("audit action", "Two-factor sign-in reset"),
    "audit.exported": pgettext_lazy("audit action", "Audit log exported"),
    "audit.purged": pgettext_lazy("audit action", "Audit events past retention deleted"),
    "audit.retention_changed": pgettext_lazy("audit action", "Audit retention changed"),
    "assessments.report.withdrawn": pgettext_lazy("audit action", "Quarterly report withdrawn by its department"),
    "assessments.report.submitted_to_head": pgettext_lazy(
        "audit action", "Quarterly report sent to the head for sign-off"
    ),
    "assessments.report.returned_by_head": pgettext_lazy("audit action", "Quarterly report returned by the head"),
    "assessments.event.late_report_recorded": pgettext_lazy("audit action", "Late-report deduction recorded"),
    "assessments.appeal.upheld": pgettext_lazy("audit action", "Appeal upheld"),
    "assessments.appeal.rejected": pgettext_lazy("audit action", "Appeal rejected"),
    "assessments.entry.approved": pgettext_lazy("audit action", "Report entry approved"),
    "assessments.entry.returned": pgettext_lazy("audit action", "Report entry returned"),
    "organizations.user.role_changed": pgettext_lazy("audit action", "User's role changed"),
    "budgets.spending.refused": pgettext_lazy("audit action", "Spending refused"),
}

THINGS = {
    "budgets.adjustment": pgettext_lazy("audit object", "Mid-year target revision"),
    "budgets.department_actual": pgettext_lazy("audit object", "Year-end values of department-wide targets"),
    "budgets.department_evaluation": pgettext_lazy("audit object", "Department-wide evaluation"),
    "budgets.department_sheet": pgettext_lazy("audit object", "Department-wide target sheet"),
    "budgets.department_target": pgettext_lazy("audit object", "Department-wide target"),
    "budgets.exante": pgettext_lazy("audit object", "Ex-ante assessment"),
    "budgets.key": pgettext_lazy("audit object", "Key evaluation"),
    "budgets.library": pgettext_lazy("audit object", "Target indicator library"),
    "budgets.reallocation": pgettext_lazy("audit object", "Budget reallocation request"),
    "budgets.sheet": pgettext_lazy("audit object", "Target sheet"),
    "budgets.tranches": pgettext_lazy("audit object", "Funding tranches"),
    "budgets.workpackage": pgettext_lazy("audit object", "Evaluation work package"),
    "monitoring.warning": pgettext_lazy("audit object", "Monitoring warning"),
    "assessments.appeal": pgettext_lazy("audit object", "Appeal"),
    "assessments.assignment": pgettext_lazy("audit object", "Indicator assignment"),
    "assessments.entry": pgettext_lazy("audit object", "Report entry"),
    "assessments.event": pgettext_lazy("audit object", "Deduction or bonus event"),
    "assessments.evidence": pgettext_lazy("audit object", "Evidence"),
    "assessments.exemption": pgettext_lazy("audit object", "Not-applicable declaration"),
    "assessments.grade": pgettext_lazy("audit object", "Qualitative grade"),
    "assessments.plan": pgettext_lazy("audit object", "Assessment plan"),
    "assessments.quarter": pgettext_lazy("audit object", "Reporting quarter"),
    "assessments.report": pgettext_lazy("audit object", "Quarterly report"),
    "assessments.scores": pgettext_lazy("audit object", "Assessment results"),
    "auth.token": pgettext_lazy("audit object", "API token"),
    "budgets.actual": pgettext_lazy("audit object", "Actual values of targets"),
    "budgets.evaluation": pgettext_lazy("audit object", "Performance evaluation"),
    "budgets.policy": pgettext_lazy("audit object", "Evaluation policy"),
    "budgets.project": pgettext_lazy("audit object", "Budget project"),
    "budgets.recommendation": pgettext_lazy("audit object", "Budget recommendation"),
    "budgets.spending": pgettext_lazy("audit object", "Spending"),
    "budgets.target": pgettext_lazy("audit object", "Performance target"),
    "budgets.tranche": pgettext_lazy("audit object", "Funding tranche"),
    "indicators.category": pgettext_lazy("audit object", "Indicator category"),
    "indicators.grade_band": pgettext_lazy("audit object", "Grade band"),
    "indicators.gradeband": pgettext_lazy("audit object", "Grade band"),
    "indicators.indicator": pgettext_lazy("audit object", "Indicator"),
    "indicators.library": pgettext_lazy("audit object", "Indicator library"),
    "indicators.rule": pgettext_lazy("audit object", "Deduction or bonus rule"),
    "organizations.user": pgettext_lazy("audit object", "User"),
    "monitoring.calendar": pgettext_lazy("audit object", "Working calendar day"),
    "satisfaction.area": pgettext_lazy("audit object", "Survey area"),
    "satisfaction.codes": pgettext_lazy("audit object", "Access codes"),
    "satisfaction.interview": pgettext_lazy("audit object", "Interview answers"),
    "satisfaction.question": pgettext_lazy("audit object", "Survey question"),
    "satisfaction.quotas": pgettext_lazy("audit object", "Survey quotas"),
    "satisfaction.region": pgettext_lazy("audit object", "Survey region"),
    "satisfaction.results": pgettext_lazy("audit object", "Survey results"),
    "satisfaction.survey": pgettext_lazy("audit object", "Satisfaction survey"),
}

EVENTS = {
    "requested": pgettext_lazy("audit event", "requested"),
    "concluded": pgettext_lazy("audit event", "concluded"),
    "evidence_uploaded": pgettext_lazy("audit event", "evidence uploaded"),
    "saved": pgettext_lazy("audit event", "saved"),
    "started": pgettext_lazy("audit event", "started"),
    "graded": pgettext_lazy("audit event", "graded"),
    "resumed": pgettext_lazy("audit event", "resumed"),
    "paused": pgettext_lazy("audit event", "paused"),
    "pause_lifted": pgettext_lazy("audit event", "pause lifted"),
    "responded": pgettext_lazy("audit event", "responded to"),
    "lapsed": pgettext_lazy("audit event", "left unanswered past its deadline"),
    "accepted": pgettext_lazy("audit event", "accepted"),
    "added": pgettext_lazy("audit event", "added"),
    "changed": pgettext_lazy("audit event", "changed"),
    "reallocated": pgettext_lazy("audit event", "funds moved by an approved reallocation"),
    "resubmitted": pgettext_lazy("audit event", "resubmitted"),
    "approved": pgettext_lazy("audit event", "approved"),
    "bulk_created": pgettext_lazy("audit event", "created in bulk"),
    "cloned": pgettext_lazy("audit event", "copied from last year"),
    "closed": pgettext_lazy("audit event", "closed"),
    "computed": pgettext_lazy("audit event", "computed"),
    "confirmed": pgettext_lazy("audit event", "confirmed"),
    "created": pgettext_lazy("audit event", "created"),
    "deleted": pgettext_lazy("audit event", "deleted"),
    "entered": pgettext_lazy("audit event", "entered"),
    "exported": pgettext_lazy("audit event", "exported"),
    "filed": pgettext_lazy("audit event", "filed"),
    "generated": pgettext_lazy("audit event", "generated"),
    "granted": pgettext_lazy("audit event", "granted"),
    "imported": pgettext_lazy("audit event", "imported"),
    "issued": pgettext_lazy("audit event", "issued"),
    "opened": pgettext_lazy("audit event", "opened"),
    "overridden": pgettext_lazy("audit event", "changed by finance"),
    "published": pgettext_lazy("audit event", "published"),
    "recorded": pgettext_lazy("audit event", "recorded"),
    "released": pgettext_lazy("audit event", "released"),
    "removed": pgettext_lazy("audit event", "removed"),
    "reopened": pgettext_lazy("audit event", "reopened"),
    "retired": pgettext_lazy("audit event", "retired"),
    "returned": pgettext_lazy("audit event", "returned"),
    "revoked": pgettext_lazy("audit event", "revoked"),
    "set": pgettext_lazy("audit event", "set"),
    "submitted": pgettext_lazy("audit event", "submitted"),
    "updated": pgettext_lazy("audit event", "changed"),
    "uploaded": pgettext_lazy("audit event", "uploaded"),
    "urged": pgettext_lazy("audit event", "urged (催报)"),
    "voided": pgettext_lazy("audit event", "voided"),
    "withdrawn": pgettext_lazy("audit event", "withdrawn"),
}

# Keys of before/after and data that are not a field of the event's object.
FIELDS = {
    "total": pgettext_lazy("audit field", "Total"),
    "total_before": pgettext_lazy("audit field", "Total before"),
    "total_after": pgettext_lazy("audit field", "Total after"),
    "points": pgettext_lazy("audit field", "Points"),
    "reason": pgettext_lazy("audit field", "Reason"),
    "comment": pgettext_lazy("audit field", "Comment"),
    "revision": pgettext_lazy("audit field", "Revision"),
    "decision": pgettext_lazy("audit field", "Decision"),
    "count": pgettext_lazy("audit field", "Count"),
    "format": pgettext_lazy("audit field", "Format"),
    "filters": pgettext_lazy("audit field", "Filters"),
    "departments": pgettext_lazy("audit field", "Departments"),
    "period": pgettext_lazy("audit field", "Period"),
    "waiver": pgettext_lazy("audit field", "Waiver"),
    "name": pgettext_lazy("audit field", "Name"),
    "size": pgettext_lazy("audit field", "Size"),
    "user": pgettext_lazy("audit field", "User"),
    "prefix": pgettext_lazy("audit field", "Token prefix"),
    "created": pgettext_lazy("audit field", "Created"),
    "deleted": pgettext_lazy("audit field", "Deleted"),
    "cutoff": pgettext_lazy("audit field", "Deleted before"),
    "retention_days": pgettext_lazy("audit field", "Retention (days)"),
    "batches": pgettext_lazy("audit field", "Batches"),
    "status": pgettext_lazy("audit field", "Status"),
    "role": pgettext_lazy("audit field", "Role"),
    "entry": pgettext_lazy("audit field", "Report entry"),
    "line_key": pgettext_lazy("audit field", "Ledger line"),
    "path": pgettext_lazy("audit field", "Page"),
    "method": pgettext_lazy("audit field", "Request method"),
    "username": pgettext_lazy("audit field", "Username"),
}


def action_label(code: str) -> str:
    """The action in words; a code not in the tables falls back to its thing, or "Other action"."""
    if code in ACTIONS:
        return str(ACTIONS[code])
    thing, _sep, event = code.rpartition(".")
    if thing in THINGS and event in EVENTS:
        return _("%(thing)s %(event)s") % {"thing": THINGS[thing], "event": EVENTS[event]}
    if thing in THINGS:
        return str(THINGS[thing])
    return _("Other action")


def known(code: str) -> bool:
    thing, _sep, event = code.rpartition(".")
    return code in ACTIONS or (thing in THINGS and event in EVENTS)


def _model(object_type: str):
    try:
        return apps.get_model(object_type) if "." in object_type else None
    except (LookupError, ValueError):
        return None


def object_type_label(object_type: str) -> str:
    if not object_type:
        return ""
    model = _model(object_type)
    if model is not None:
        return str(model._meta.verbose_name)
    return str(THINGS.get(object_type, _("Other object")))


def _verbose(model, name: str) -> str | None:
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:
        return None
    label = getattr(field, "verbose_name", None)
    return str(label) if label else None


def field_label(object_type: str, name: str) -> str:
    """A before/after key in words: the field of the event's model, else a known key, else any
    model's field of that name; the key itself only when nothing names it."""
    model = _model(object_type)
    label = _verbose(model, name) if model is not None else None
    if label:
        return label
    if name in FIELDS:
        return str(FIELDS[name])
    for m in apps.get_models():
        label = _verbose(m, name)
        if label:
            return label
    return name


APPS = {
    "auth": gettext_lazy("Sign-in and security"),
    "audit": gettext_lazy("Audit log"),
    "organizations": gettext_lazy("Departments and users"),
    "indicators": gettext_lazy("Indicator library"),
    "assessments": gettext_lazy("Performance assessment"),
    "budgets": gettext_lazy("Budget performance"),
    "satisfaction": gettext_lazy("Satisfaction surveys"),
}


def action_choices() -> list:
    """The viewer's action picker: grouped by area, each area first as a whole ("all of …"), then
    every action the tables name or the log holds, by its words. A whole area's value ends in "."."""
    from .models import AuditEvent

    codes = set(ACTIONS) | set(AuditEvent.objects.values_list("action", flat=True).distinct())
    groups = []
    for app, name in APPS.items():
        mine = sorted(((c, action_label(c)) for c in codes if c.split(".", 1)[0] == app), key=lambda i: i[1])
        whole = (f"{app}.", _("All: %(area)s") % {"area": name})
        groups.append((str(name), [whole, *mine]))
    other_areas = sorted({c.split(".", 1)[0] for c in codes if c.split(".", 1)[0] not in APPS})
    others = [(f"{a}.", _("All: %(area)s") % {"area": _("Other actions")}) for a in other_areas]
    others += sorted(((c, action_label(c)) for c in codes if c.split(".", 1)[0] not in APPS), key=lambda i: i[1])
    if others:
        groups.append((_("Other"), others))
    return groups


def object_type_choices() -> list[tuple[str, str]]:
    from .models import AuditEvent

    types = AuditEvent.objects.exclude(object_type="").values_list("object_type", flat=True).distinct()
    return sorted(((t, object_type_label(t)) for t in types), key=lambda i: i[1])
