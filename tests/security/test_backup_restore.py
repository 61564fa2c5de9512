"""Backup and restore (docs/security.md, No data loss; docs/operations.md), tried for real on PostgreSQL.

A scored year is written to the test database; ``pg_dump -Fc`` dumps it exactly as the nightly
job of docs/operations.md does, ``pg_restore`` loads the dump into a new database, and the
restored database has the same results (every score's total, grade and rank, every ledger's
line sum), the same audit trail, and the audit trigger that keeps the trail append-only.
The temporary database is dropped at the end.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import uuid

import psycopg2
import pytest
from django.db import connection
from django.db.models import Sum

from assessments.models import LedgerLine, Score
from audit.models import AuditEvent

from .world import build_world

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


def _pg_args(settings_dict) -> tuple[list[str], dict]:
    args = ["-h", settings_dict.get("HOST") or "127.0.0.1", "-p", str(settings_dict.get("PORT") or 5432)]
    args += ["-U", settings_dict.get("USER") or "postgres"]
    env = dict(os.environ)
    if settings_dict.get("PASSWORD"):
        env["PGPASSWORD"] = settings_dict["PASSWORD"]
    return args, env


def _connect(settings_dict, name):
    return psycopg2.connect(
        dbname=name,
        host=settings_dict.get("HOST") or "127.0.0.1",
        port=settings_dict.get("PORT") or 5432,
        user=settings_dict.get("USER") or "postgres",
        password=settings_dict.get("PASSWORD") or None,
    )


def _results_in_django() -> tuple[dict, dict]:
    scores = {
        (s["department__code"], s["period"]): (s["total"], s["grade_code"], s["rank"])
        for s in Score.objects.values("department__code", "period", "total", "grade_code", "rank")
    }
    ledgers = {
        (row["score__department__code"], row["score__period"]): row["s"]
        for row in LedgerLine.objects.values("score__department__code", "score__period").annotate(s=Sum("points"))
    }
    return scores, ledgers


def _results_in(conn) -> tuple[dict, dict]:
    with conn.cursor() as cur:
        cur.execute(
            "SELECT d.code, s.period, s.total, s.grade_code, s.rank FROM assessments_score s "
            "JOIN organizations_department d ON d.id = s.department_id"
        )
        scores = {(code, period): (total, grade, rank) for code, period, total, grade, rank in cur.fetchall()}
        cur.execute(
            "SELECT d.code, s.period, SUM(l.points) FROM assessments_ledgerline l "
            "JOIN assessments_score s ON s.id = l.score_id "
            "JOIN organizations_department d ON d.id = s.department_id GROUP BY d.code, s.period"
        )
        ledgers = {(code, period): total for code, period, total in cur.fetchall()}
    return scores, ledgers


def test_a_dump_restored_into_a_new_database_has_the_same_results(postgres, settings, tmp_path):
    for tool in ("pg_dump", "pg_restore"):
        assert shutil.which(tool), f"{tool} (PostgreSQL client) is needed"
    settings.MEDIA_ROOT = str(tmp_path / "media")
    build_world()
    scores, ledgers = _results_in_django()
    assert len(scores) >= 10 and ledgers  # a scored year: three departments, quarters and the year
    for key, line_sum in ledgers.items():
        assert line_sum == scores[key][0]  # the ledger adds up to the total before the dump too
    audit_count = AuditEvent.objects.count()

    source = connection.settings_dict
    args, env = _pg_args(source)
    dump = tmp_path / "perfgov.dump"
    subprocess.run(["pg_dump", *args, "-Fc", "-f", str(dump), source["NAME"]], check=True, env=env, timeout=120)  # noqa: S603, S607
    target = f"perfgov_restore_{uuid.uuid4().hex[:10]}"
    admin = _connect(source, "postgres")
    admin.autocommit = True
    try:
        with admin.cursor() as cur:
            cur.execute(f'CREATE DATABASE "{target}"')
        subprocess.run(  # noqa: S603
            ["pg_restore", *args, "--no-owner", "--exit-on-error", "-d", target, str(dump)],  # noqa: S607
            check=True,
            env=env,
            timeout=120,
        )
        restored = _connect(source, target)
        try:
            assert _results_in(restored) == (scores, ledgers)
            with restored.cursor() as cur:
                cur.execute("SELECT count(*) FROM audit_auditevent")
                assert cur.fetchone()[0] == audit_count
                cur.execute(
                    "SELECT tgname FROM pg_trigger WHERE tgrelid = 'audit_auditevent'::regclass AND NOT tgisinternal"
                )
                assert [r[0] for r in cur.fetchall()] == ["audit_event_append_only"]
            # The trigger works in the restored database as in the original: history cannot change.
            with pytest.raises(psycopg2.Error, match="append-only"), restored.cursor() as cur:
                cur.execute("UPDATE audit_auditevent SET action = 'changed'")
            restored.rollback()
        finally:
            restored.close()
    finally:
        with admin.cursor() as cur:
            cur.execute(f'DROP DATABASE IF EXISTS "{target}" WITH (FORCE)')
        admin.close()
    check = _connect(source, "postgres")
    try:
        with check.cursor() as cur:
            cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", [target])
            assert cur.fetchone() is None  # nothing left behind
    finally:
        check.close()
