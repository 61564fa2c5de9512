"""Writing audit events. Services call ``audit_log`` for every write that matters."""

from __future__ import annotations

import datetime as dt
import decimal
import json
import logging
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models.fields.files import FieldFile
from django.forms.models import model_to_dict
from django.utils import timezone

from core.bulk import pg_array
from core.middleware import current_request

from .models import AuditEvent, AuditSettings, Outcome

logger = logging.getLogger(__name__)


def client_ip(request) -> str | None:
    """The caller's address. Behind a proxy, set TRUSTED_PROXY_COUNT so X-Forwarded-For is believed."""
    if request is None:
        return None
    from django.conf import settings

    hops = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR")
    if hops and forwarded:
        parts = [p.strip() for p in forwarded.split(",") if p.strip()]
        if len(parts) >= hops:
            return parts[-hops]
    return request.META.get("REMOTE_ADDR") or None


def _jsonable(value):
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, list | tuple | set):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, FieldFile):
        return value.name or None
    return value


def snapshot(
    obj: models.Model | None, fields: list[str] | None = None, exclude: list[str] | None = None
) -> dict | None:
    """The object's field values now, as JSON, to be stored (never rebuilt later)."""
    if obj is None:
        return None
    data = model_to_dict(obj, fields=fields, exclude=exclude)
    for f in obj._meta.concrete_fields:
        if (fields is None or f.name in fields) and f.name not in data and not (exclude and f.name in exclude):
            data[f.name] = getattr(obj, f.attname)
        # Decimals at the field's own precision, so "100" and "100.0000" compare equal.
        if isinstance(f, models.DecimalField) and isinstance(data.get(f.name), decimal.Decimal):
            data[f.name] = data[f.name].quantize(decimal.Decimal(1).scaleb(-f.decimal_places))
    return _jsonable(data)


def audit_log(
    action: str,
    *,
    actor=None,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: Any = "",
    object_repr: str = "",
    before: dict | None = None,
    after: dict | None = None,
    data: dict | None = None,
    outcome: str = Outcome.SUCCESS,
    request=None,
) -> AuditEvent:
    """Record who did what to which object, when, from where, with the values before and after."""
    request = request or current_request()
    if actor is None and request is not None:
        user = getattr(request, "user", None)
        actor = user if user is not None and user.is_authenticated else None
    token = getattr(request, "auth", None) if request is not None else None
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or obj.pk
        object_repr = object_repr or str(obj)
    return AuditEvent.objects.create(
        **_event_fields(
            action, actor, token, request, object_type, object_id, object_repr, outcome, before, after, data
        )
    )


def _event_fields(action, actor, token, request, object_type, object_id, object_repr, outcome, before, after, data):
    return {
        "actor": actor,
        "actor_username": getattr(actor, "username", "") or "",
        "actor_role": getattr(actor, "role", "") or "",
        "token_id": getattr(token, "pk", None) if token is not None and hasattr(token, "key_hash") else None,
        "source_ip": client_ip(request),
        "action": action,
        "object_type": object_type,
        "object_id": str(object_id or ""),
        "object_repr": str(object_repr)[:300],
        "outcome": outcome,
        "before": _jsonable(before),
        "after": _jsonable(after),
        "data": _jsonable(data),
    }


def _json(value) -> str | None:
    return None if value is None else json.dumps(value, cls=DjangoJSONEncoder)


def audit_log_many(action: str, entries: list[dict], *, actor=None) -> int:
    """One audit event per entry (each a dict of ``obj``, ``before``, ``after``, ``data``), written
    in one statement: for jobs that act on many objects at once. Same fields as ``audit_log``.
    An entry may name its object by ``object_type``, ``object_id`` and ``object_repr`` instead of
    ``obj``, so that a job changing thousands of rows need not load them as instances."""
    request = current_request()
    token = getattr(request, "auth", None) if request is not None else None
    events = []
    for entry in entries:
        obj = entry.get("obj")
        events.append(
            _event_fields(
                action,
                actor,
                token,
                request,
                obj._meta.label_lower if obj is not None else entry["object_type"],
                obj.pk if obj is not None else entry["object_id"],
                str(obj) if obj is not None else entry["object_repr"],
                Outcome.SUCCESS,
                entry.get("before"),
                entry.get("after"),
                entry.get("data"),
            )
        )
    if not events:
        return 0
    from django.db import connection

    if connection.vendor != "postgresql":
        AuditEvent.objects.bulk_create([AuditEvent(**e) for e in events], batch_size=500)
        return len(events)
    # PostgreSQL: one INSERT … SELECT FROM unnest of one array a column, however many events.
    columns = ["actor_id", "actor_username", "actor_role", "token_id", "source_ip", "action"]
    columns += ["object_type", "object_id", "object_repr", "outcome", "before", "after", "data"]
    types = ["bigint", "varchar", "varchar", "bigint", "inet", "varchar"]
    types += ["varchar", "varchar", "varchar", "varchar", "jsonb", "jsonb", "jsonb"]
    arrays = [
        pg_array(getattr(e["actor"], "pk", None) for e in events),
        *(pg_array(e[c] for e in events) for c in columns[1:10]),
        *(
            pg_array(None if e[c] is None else json.dumps(e[c], cls=DjangoJSONEncoder) for e in events)
            for c in columns[10:]
        ),
    ]
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {AuditEvent._meta.db_table} (at, {', '.join(columns)}) "  # noqa: S608
            f"SELECT %s, * FROM unnest({', '.join(f'%s::{t}[]' for t in types)})",
            [timezone.now(), *arrays],
        )
    return len(events)


def audit_denied(*, request, reason: str = "") -> None:
    """A refused request (docs/security.md, Audit): a failed authorization, another department's
    object (404), a CSRF failure.

    A signed-in caller's refusal is one event, attributed to the account. An anonymous caller's
    refusals are counted per source address and window (``count_anonymous_denial``), so a flood of
    anonymous requests writes one event per address and window, not one per request.
    """
    if request is None:
        return
    django_request = getattr(request, "_request", request)
    try:
        user = getattr(request, "user", None)
        path, method = django_request.path[:300], django_request.method
        if user is not None and user.is_authenticated:
            audit_log(
                "auth.denied",
                request=django_request,
                outcome=Outcome.DENIED,
                data={"path": path, "method": method, "reason": reason},
            )
        else:
            count_anonymous_denial(source_ip=client_ip(django_request) or "", path=path, reason=reason)
    except Exception:  # the refusal itself must still reach the caller
        logger.exception("could not audit a denied request")


def _window_start(now: dt.datetime) -> dt.datetime:
    from django.conf import settings

    seconds = max(int(settings.AUDIT_ANONYMOUS_WINDOW_SECONDS), 1)
    epoch = int(now.timestamp())
    return dt.datetime.fromtimestamp(epoch - epoch % seconds, tz=dt.UTC)


def count_anonymous_denial(*, source_ip: str, path: str, reason: str, now: dt.datetime | None = None) -> None:
    """Count one anonymous refusal in the window of its address; the first refusal of a new
    window also turns the closed windows (of every address) into audit events."""
    from django.db import IntegrityError, transaction
    from django.db.models import F
    from django.utils import timezone

    from .models import DeniedWindow

    start = _window_start(now or timezone.now())
    key = {"source_ip": source_ip[:45], "window_start": start}
    changes = {"count": F("count") + 1, "last_path": path[:300], "last_reason": reason[:100]}
    with transaction.atomic():
        if DeniedWindow.objects.filter(**key).update(**changes):
            return
        try:
            with transaction.atomic():
                DeniedWindow.objects.create(
                    **key, count=1, first_path=path[:300], last_path=path[:300], last_reason=reason[:100]
                )
        except IntegrityError:  # another request opened the window at the same moment
            DeniedWindow.objects.filter(**key).update(**changes)
            return
    flush_denied_windows(now=now)


def flush_denied_windows(*, now: dt.datetime | None = None, limit: int = 1000) -> int:
    """Each closed window of anonymous refusals becomes one ``auth.denied_anonymous`` event with
    its count; the window row goes. Returns the number of events written."""
    from django.conf import settings
    from django.db import transaction
    from django.utils import timezone

    from .models import DeniedWindow

    current = _window_start(now or timezone.now())
    seconds = max(int(settings.AUDIT_ANONYMOUS_WINDOW_SECONDS), 1)
    with transaction.atomic():
        rows = list(
            DeniedWindow.objects.select_for_update(skip_locked=True)
            .filter(window_start__lt=current)
            .order_by("window_start", "id")[:limit]
        )
        for row in rows:
            AuditEvent.objects.create(
                source_ip=row.source_ip or None,
                action="auth.denied_anonymous",
                object_type="",
                outcome=Outcome.DENIED,
                data={
                    "count": row.count,
                    "window_start": row.window_start.isoformat(),
                    "window_end": (row.window_start + dt.timedelta(seconds=seconds)).isoformat(),
                    "first_path": row.first_path,
                    "last_path": row.last_path,
                    "last_reason": row.last_reason,
                },
            )
        DeniedWindow.objects.filter(pk__in=[r.pk for r in rows]).delete()
    return len(rows)


# --- Retention ----------------------------------------------------------------------------


def retention_set(*, days: int, actor) -> AuditSettings:
    """Change how long events are kept (at least six months); audited with before and after."""
    from django.core.exceptions import ValidationError
    from django.db import transaction

    from core.errors import ApplicationError

    with transaction.atomic():
        current = AuditSettings.current()
        before = {"retention_days": current.retention_days}
        current.retention_days = days
        current.updated_by = actor
        try:
            current.full_clean()
        except ValidationError as exc:
            raise ApplicationError(
                "; ".join(exc.message_dict.get("retention_days", exc.messages)),
                errors={"retention_days": exc.message_dict.get("retention_days", exc.messages)},
            ) from None
        current.save()
        if before["retention_days"] != days:
            audit_log(
                "audit.retention_changed",
                actor=actor,
                obj=current,
                before=before,
                after={"retention_days": days},
            )
    return current


def purge_expired(*, now: dt.datetime | None = None, dry_run: bool = False, batch: int | None = None) -> dict:
    """Delete events older than the retention (never younger than six months) and audit the purge.

    On PostgreSQL the trigger of migration 0005 reads the same retention and refuses to delete
    anything younger whatever this code asks (never less than 183 days, nor can the setting be).

    The rows go in batches of ``AUDIT_PURGE_BATCH`` (10,000), oldest first, each batch in a
    transaction of its own: a purge of millions of rows never holds one long transaction (nor
    its locks and its dead rows) and, if interrupted, resumes where it stopped.
    """
    from django.conf import settings
    from django.db import transaction
    from django.utils import timezone

    from .models import MIN_RETENTION_DAYS, AuditSettings

    now = now or timezone.now()
    days = max(AuditSettings.current().retention_days, MIN_RETENTION_DAYS)
    cutoff = now - dt.timedelta(days=days)
    old = AuditEvent.objects.filter(at__lt=cutoff)
    if dry_run:
        return {"cutoff": cutoff, "retention_days": days, "deleted": 0, "would_delete": old.count()}
    size = batch or settings.AUDIT_PURGE_BATCH
    deleted = batches = 0
    while True:
        with transaction.atomic():
            ids = list(old.order_by("id").values_list("id", flat=True)[:size])
            if not ids:
                break
            chunk = AuditEvent.objects.filter(id__in=ids)
            deleted += chunk._raw_delete(chunk.db)
            batches += 1
    audit_log(
        "audit.purged",
        object_type="audit.auditevent",
        data={"cutoff": cutoff, "retention_days": days, "deleted": deleted, "batches": batches},
    )
    return {"cutoff": cutoff, "retention_days": days, "deleted": deleted, "batches": batches}
