import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _clear_rate_limits():
    """Flood counters live in the cache; each test starts from zero."""
    cache.clear()
    yield
    cache.clear()
