"""Read replicas with a real PostgreSQL streaming replica made at run time (perfgov.replicas).

A primary cluster of its own is made with initdb in a temporary folder and loaded with a copy
of the test database; ``pg_basebackup`` makes a streaming replica of it. The application runs in
a gunicorn process against both, with DATABASE_ROUTING_HEADER on so each response names the
database that served it. The public page is served from the replica; a user who writes reads
from the primary and sees the write; a lagging replica and a stopped one change nothing for users.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests
from django.db import connection

from perfgov.replicas import PRIMARY_APPS, ReplicaRouter, _read_alias
from tests.factories import PASSWORD

ROOT = Path(__file__).resolve().parents[2]


def test_the_router_keeps_security_state_and_writes_on_the_primary(transactional_db):
    # transactional_db: outside any test transaction, so "inside a write" is the atomic block below
    from django.contrib.sessions.models import Session

    from assessments.models import Score
    from audit.models import AuditEvent

    router = ReplicaRouter()
    token = _read_alias.set("replica1")
    try:
        assert router.db_for_read(Score) == "replica1"
        assert router.db_for_read(Session) is None and router.db_for_read(AuditEvent) is None
        assert router.db_for_write(Score) == "default"
        from django.db import transaction

        with transaction.atomic():
            assert router.db_for_read(Score) is None  # a read inside a write sees the write
    finally:
        _read_alias.reset(token)
    assert router.db_for_read(Score) is None
    assert {"sessions", "organizations", "audit", "axes"} <= PRIMARY_APPS


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Clusters:
    """A primary and its streaming replica in a temporary folder, run as the postgres user."""

    def __init__(self, base: Path):
        self.base = base
        self.bindir = Path(subprocess.check_output(["pg_config", "--bindir"], text=True).strip())  # noqa: S607
        self.primary, self.replica = base / "primary", base / "replica"
        self.primary_port, self.replica_port = _free_port(), _free_port()

    def run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        command = [str(self.bindir / args[0]), *args[1:]]
        if os.geteuid() == 0:  # PostgreSQL refuses to run as root
            command = ["runuser", "-u", "postgres", "--", *command]
        return subprocess.run(command, check=check, capture_output=True, text=True, timeout=300)  # noqa: S603

    def start(self, folder: Path, port: int) -> None:
        self.run(
            "pg_ctl",
            "-D",
            str(folder),
            "-w",
            "-o",
            f"-p {port} -k {self.base} -c listen_addresses=127.0.0.1",
            "-l",
            str(folder / "log"),
            "start",
        )

    def stop(self, folder: Path, mode: str = "fast") -> None:
        self.run("pg_ctl", "-D", str(folder), "-m", mode, "-w", "stop", check=False)

    def make(self, dump: Path, name: str) -> None:
        self.base.mkdir(parents=True, exist_ok=True)
        if os.geteuid() == 0:
            shutil.chown(self.base, "postgres", "postgres")
            shutil.chown(dump, "postgres", "postgres")
        self.run("initdb", "-D", str(self.primary), "-A", "trust", "-U", "postgres", "--no-sync")
        self.start(self.primary, self.primary_port)
        self.run("createdb", "-h", "127.0.0.1", "-p", str(self.primary_port), "-U", "postgres", name)
        self.run(
            "psql", "-q", "-h", "127.0.0.1", "-p", str(self.primary_port), "-U", "postgres", "-d", name, "-f", str(dump)
        )
        self.run(
            "pg_basebackup",
            "-h",
            "127.0.0.1",
            "-p",
            str(self.primary_port),
            "-U",
            "postgres",
            "-D",
            str(self.replica),
            "-R",
            "-X",
            "stream",
            "--no-sync",
            "--checkpoint=fast",  # the default spreads the backup's checkpoint over minutes
        )
        self.start(self.replica, self.replica_port)

    def on_replica(self, sql: str, name: str) -> str:
        return self.run(
            "psql", "-At", "-h", "127.0.0.1", "-p", str(self.replica_port), "-U", "postgres", "-d", name, "-c", sql
        ).stdout.strip()

    def on_primary(self, sql: str, name: str) -> str:
        return self.run(
            "psql", "-At", "-h", "127.0.0.1", "-p", str(self.primary_port), "-U", "postgres", "-d", name, "-c", sql
        ).stdout.strip()

    def close(self) -> None:
        self.stop(self.replica, "immediate")
        self.stop(self.primary, "immediate")


@pytest.fixture
def replicated(postgres, tmp_path_factory, users, departments):
    """The test database copied to a primary of its own with a streaming replica, and gunicorn on both."""
    if shutil.which("pg_config") is None:
        pytest.fail("pg_config (PostgreSQL's server binaries) is needed for the replica test")
    name = connection.settings_dict["NAME"]
    base = Path(f"/tmp/perfgov-replica-{os.getpid()}")  # noqa: S108 - a folder the postgres user can reach
    shutil.rmtree(base, ignore_errors=True)
    dump = base.parent / f"perfgov-replica-{os.getpid()}.sql"
    params = connection.settings_dict
    subprocess.run(  # noqa: S603
        [  # noqa: S607 - pg_dump from the PATH, as the operations guide's backups use it
            "pg_dump",
            "-h",
            params["HOST"] or "127.0.0.1",
            "-p",
            str(params["PORT"] or 5432),
            "-U",
            params["USER"] or "postgres",
            "--no-owner",
            "-f",
            str(dump),
            name,
        ],
        check=True,
        timeout=300,
    )
    clusters = Clusters(base)
    server = None
    try:
        clusters.make(dump, name)
        port = _free_port()
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "perfgov.settings.test",
            "DATABASE_URL": f"postgres://postgres@127.0.0.1:{clusters.primary_port}/{name}",
            "DATABASE_REPLICA_URLS": f"postgres://postgres@127.0.0.1:{clusters.replica_port}/{name}",
            "DATABASE_ROUTING_HEADER": "true",
            "DATABASE_REPLICA_MAX_LAG": "3",
            "DATABASE_REPLICA_HEALTH_SECONDS": "0.5",
            "DATABASE_REPLICA_PIN_SECONDS": "30",
            "CELERY_TASK_ALWAYS_EAGER": "true",
        }
        env.pop("REDIS_URL", None)
        subprocess.run(
            [sys.executable, "manage.py", "collectstatic", "--no-input", "-v0"], cwd=ROOT, env=env, check=True
        )
        server = subprocess.Popen(  # noqa: S603
            [
                sys.executable,
                "-m",
                "gunicorn",
                "perfgov.wsgi:application",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                "1",
                "--threads",
                "2",
                "--timeout",
                "60",
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        url = f"http://127.0.0.1:{port}"
        # The first page loads the application: on a busy machine that can take several seconds.
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            try:
                requests.get(url + "/accounts/login/", timeout=10)
                break
            except requests.RequestException:
                time.sleep(0.2)
        yield url, clusters, name
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
        clusters.close()
        shutil.rmtree(base, ignore_errors=True)
        dump.unlink(missing_ok=True)


def served_by(response) -> str:
    return response.headers.get("X-Perfgov-Database", "")


def wait_until(predicate, timeout=20.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.3)
    return False


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_a_streaming_replica_serves_public_reads_and_never_a_stale_page_to_a_writer(replicated):
    url, clusters, name = replicated
    public = requests.get(url + "/public/", timeout=10)
    assert public.status_code == 200 and served_by(public) == "replica1"

    # A user writes (signs in: a session and an audit record), then reads: from the primary.
    browser = requests.Session()
    login = browser.get(url + "/accounts/login/", timeout=10)
    assert served_by(login) == "default"  # not a replica path
    answer = browser.post(
        url + "/accounts/login/",
        data={"username": "filer", "password": PASSWORD, "csrfmiddlewaretoken": browser.cookies["csrftoken"]},
        headers={"Referer": url + "/accounts/login/"},
        timeout=10,
        allow_redirects=False,
    )
    assert answer.status_code == 302, answer.text[:500]
    after = browser.get(url + "/api/v1/departments/", timeout=10)
    assert after.status_code == 200 and served_by(after) == "default"
    assert served_by(requests.get(url + "/public/", timeout=10)) == "replica1"  # other readers still use it

    # A replica that lags beyond the limit is left out until it catches up.
    clusters.on_replica("SELECT pg_wal_replay_pause()", name)
    clusters.on_primary("CREATE TABLE replica_probe AS SELECT 1 AS one", name)
    assert wait_until(lambda: served_by(requests.get(url + "/public/", timeout=10)) == "default")
    clusters.on_replica("SELECT pg_wal_replay_resume()", name)
    assert wait_until(lambda: served_by(requests.get(url + "/public/", timeout=10)) == "replica1")

    # A stopped replica changes nothing for users: at once, and afterwards.
    clusters.stop(clusters.replica, "immediate")
    for _ in range(5):
        page = requests.get(url + "/public/", timeout=15)
        assert page.status_code == 200 and served_by(page) == "default"
