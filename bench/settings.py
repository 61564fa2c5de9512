"""Settings of the benchmarks: the production settings, served over plain HTTP on loopback.

Everything else is production's (DEBUG off, WhiteNoise, the same middleware, sessions and
throttles). The differences, each needed to measure on 127.0.0.1 without TLS:

- no redirect to HTTPS, no HSTS, cookies without the Secure flag (plain HTTP on loopback);
- ``SATISFACTION_SUBMITS_PER_ADDRESS`` (the per-address flood limit of the public survey, a
  documented setting) is raised to ``BENCH_SUBMITS_PER_ADDRESS``: the load test sends every
  response from one address, 127.0.0.1, where the real public comes from many. The other flood
  rules (attempts per code, unknown codes per address) keep their production values.
"""

import os

os.environ.setdefault("SECRET_KEY", "bench-only-" + "k" * 60)
os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
os.environ.setdefault("SECURE_HSTS_SECONDS", "0")
os.environ.setdefault("LOG_LEVEL", "WARNING")

from perfgov.settings.production import *  # noqa: F403
from perfgov.settings.production import env

SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
LANGUAGE_COOKIE_SECURE = False
SATISFACTION_SUBMITS_PER_ADDRESS = env.int("BENCH_SUBMITS_PER_ADDRESS", default=1_000_000)

# The workload generator (manage.py generate_city), installed only where the benchmark runs.
INSTALLED_APPS = [*INSTALLED_APPS, "workloads"]  # noqa: F405
