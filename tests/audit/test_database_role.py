"""A warning when the application runs as a database role that could erase the audit log
(docs/operations.md, section 1; finding of the independent probe): `check --deploy` says
audit.W001 and the WSGI start logs it. PostgreSQL: roles made for the test, used with SET ROLE."""

from __future__ import annotations

import logging
import uuid

import pytest
from django.core.checks import run_checks

from audit.checks import audit_table_risks, warn_at_startup


def _w001():
    return [m for m in run_checks(include_deployment_checks=True) if m.id == "audit.W001"]


def test_sqlite_has_no_roles_to_warn_about(db):
    from django.db import connection

    if connection.vendor != "sqlite":
        pytest.skip("SQLite only")
    assert audit_table_risks(connection) == [] and _w001() == []


@pytest.mark.services
def test_a_superuser_or_the_owner_is_warned_about_the_runtime_role_is_not(postgres, caplog):
    suffix = uuid.uuid4().hex[:8]
    app, owner = f"perfgov_test_app_{suffix}", f"perfgov_test_owner_{suffix}"
    with postgres.cursor() as cursor:
        cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
        if not cursor.fetchone()[0]:
            pytest.skip("the test database user is not a superuser: it cannot make roles")
        # The tests connect as a superuser: warned.
        assert "superuser" in audit_table_risks(postgres)
        assert len(_w001()) == 1 and "superuser" in _w001()[0].msg
        with caplog.at_level(logging.WARNING, logger="perfgov.security"):
            warn_at_startup()
        assert "audit log" in caplog.text

        cursor.execute(f"CREATE ROLE {app} NOLOGIN")
        cursor.execute(f"CREATE ROLE {owner} NOLOGIN")
        cursor.execute(f"GRANT SELECT, INSERT, DELETE ON audit_auditevent TO {app}")
        cursor.execute(f"GRANT SELECT, INSERT, UPDATE, DELETE, TRUNCATE ON audit_auditsettings TO {app}")
        try:
            # The runtime role of docs/operations.md: nothing to say.
            cursor.execute(f"SET ROLE {app}")
            assert audit_table_risks(postgres) == [] and _w001() == []
            cursor.execute("RESET ROLE")
            # Granted TRUNCATE on the audit table: warned.
            cursor.execute(f"GRANT TRUNCATE ON audit_auditevent TO {app}")
            cursor.execute(f"SET ROLE {app}")
            assert audit_table_risks(postgres) == ["truncate"] and len(_w001()) == 1
            cursor.execute("RESET ROLE")
            # The table's owner: warned.
            cursor.execute(f"ALTER TABLE audit_auditevent OWNER TO {owner}")
            cursor.execute(f"SET ROLE {owner}")
            assert "owner" in audit_table_risks(postgres) and len(_w001()) == 1
        finally:
            cursor.execute("RESET ROLE")
