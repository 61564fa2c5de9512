"""The load driver of the capacity measures (bench/pace/pace.c) counts latency from each
request's due time, so a server that falls behind cannot hide its queue; and the growth table
joins the same measure across sizes."""

from __future__ import annotations

import http.server
import shutil
import threading
import time

import pytest

from bench import capacity, growth


class Slow(http.server.BaseHTTPRequestHandler):
    """40 ms per request, one request at a time: at most 25 requests/s."""

    def do_GET(self):
        time.sleep(0.04)
        body = b"ok"
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def slow_server():
    if shutil.which("cc") is None:
        pytest.skip("the load driver needs a C compiler (cc)")
    server = http.server.HTTPServer(("127.0.0.1", 0), Slow)  # one request at a time
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1]
    server.shutdown()
    server.server_close()


def test_the_driver_sees_the_queue_of_a_server_that_falls_behind(slow_server):
    target = capacity.Target("slow", "/")
    within = capacity.step(slow_server, target, 10, 2, bare=False)
    assert within["good"] and within["errors"] == 0
    assert 40 <= within["p50_ms"] < 100  # the service time, no queue
    beyond = capacity.step(slow_server, target, 60, 2, bare=False)
    # 120 requests due over 2 s, served at most 25 a second: the last wait about 3 s. A driver
    # timing from the moment it sent each request would see about 40 ms.
    assert beyond["p95_ms"] > 1000
    assert not beyond["good"]


def test_capacity_is_the_highest_good_rate_refined_half_way(monkeypatch):
    limits = {"project": 120, "bare": 600}

    def step(port, target, rate, seconds, bare):
        name = "bare" if bare else "project"
        good = rate <= limits[name]
        latency = 10 if good else 500
        return {"rate": rate, "good": good, "errors": 0, "requests": rate, "max_ms": latency} | {
            f"p{p}_ms": latency for p in (50, 95, 99)
        }

    monkeypatch.setattr(capacity, "step", step)
    found = capacity.capacity({"project": 1, "bare": 2}, capacity.Target("t", "/"), seconds=1, hold=1)
    # project: good up to 100, fails at 150, the half-way step (122) fails, 121 is never tried
    assert found["project"]["capacity"] == 100
    assert [s["rate"] for s in found["project"]["steps"]][-2:] == [150, 122]
    # bare: good up to 500, fails at 750, half-way 612 fails too
    assert found["bare"]["capacity"] == 500
    rows = capacity.rows(capacity.Target("t", "/"), found, 1)
    assert rows[0].ratio == 0.2 and rows[0].passed is False


def test_the_growth_table_joins_a_measure_whatever_its_counts():
    assert growth.normalised("satisfaction results over 2,000,000 answers") == growth.normalised(
        "satisfaction results over 20,000,000 answers"
    )
    assert growth.xl_target("recompute every department's quarterly and annual scores", 11.0, 9.5)[1] is True
    assert growth.xl_target("recompute every department's quarterly and annual scores", 11.0, 10.5)[1] is False
    assert growth.xl_target("recompute one department after one change", 0.06, None)[1] is False
