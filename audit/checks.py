"""Warn when the application's database role could erase the audit log (docs/operations.md, §1).

The append-only trigger refuses UPDATE and early DELETE to every role, but the table's owner (or
a superuser, or a role granted TRUNCATE) can TRUNCATE the table, drop the trigger or the table.
The web and worker processes must therefore run as a role that does not own the tables. This is
checked by ``manage.py check --deploy`` (``audit.W001``) and logged once when the WSGI
application starts.
"""

from __future__ import annotations

import logging

from django.core.checks import Warning as CheckWarning
from django.core.checks import register

logger = logging.getLogger("perfgov.security")

TABLE = "audit_auditevent"

_QUERY = """
SELECT current_user, r.rolsuper, pg_has_role(current_user, c.relowner, 'MEMBER'),
       has_table_privilege(current_user, c.oid, 'TRUNCATE'), pg_get_userbyid(c.relowner)
FROM pg_class c JOIN pg_roles r ON r.rolname = current_user
WHERE c.oid = to_regclass(%s)
"""


def audit_table_risks(connection=None) -> list[str]:
    """Why the connected role could erase the audit table ("superuser", "owner", "truncate"); empty
    if it cannot, on another database than PostgreSQL, or before the table exists."""
    return _inspect(connection)[1]


def _inspect(connection=None) -> tuple[str, list[str]]:
    if connection is None:
        from django.db import connection
    if connection.vendor != "postgresql":
        return "", []
    with connection.cursor() as cursor:
        cursor.execute(_QUERY, [TABLE])
        row = cursor.fetchone()
    if row is None:
        return "", []
    role, superuser, owner, truncate, _owner_name = row
    risks = []
    if superuser:
        risks.append("superuser")
    if owner:
        risks.append("owner")
    if truncate:
        risks.append("truncate")
    return role, risks


def _message(role: str, risks: list[str]) -> str:
    what = {
        "superuser": "is a superuser",
        "owner": "owns the audit table (or is a member of its owner)",
        "truncate": "may TRUNCATE the audit table",
    }
    return (
        f"The application connects to PostgreSQL as {role!r}, which "
        + ", ".join(what[r] for r in risks)
        + ": it could erase the append-only audit log."
    )


HINT = (
    "Run gunicorn and the Celery worker and beat as the runtime role that does not own the tables "
    "and has no TRUNCATE on audit_auditevent (docs/operations.md, section 1); migrate as the owner."
)


@register("security", deploy=True)
def check_database_role(app_configs=None, **kwargs):
    from django.db import connection

    try:
        role, risks = _inspect(connection)
    except Exception:  # no database to ask (e.g. a build step): nothing to say
        return []
    if not risks:
        return []
    return [CheckWarning(_message(role, risks), hint=HINT, id="audit.W001")]


def warn_at_startup() -> None:
    """Log the same warning when the web application starts (never stops it from starting)."""
    from django.db import connection

    try:
        role, risks = _inspect(connection)
    except Exception:
        logger.debug("could not check the database role", exc_info=True)
        return
    if risks:
        logger.warning("%s %s", _message(role, risks), HINT)
