from django.apps import AppConfig


class WorkloadsConfig(AppConfig):
    """Deterministic city-sized workloads for the benchmarks (bench/README.md); no models."""

    name = "workloads"
    verbose_name = "Workloads"
