import datetime as dt

import pytest
from django.core.cache import cache
from django.utils import timezone

from .factories import build_city

NOW = dt.datetime(2026, 11, 20, 10, 0, tzinfo=timezone.get_current_timezone())


@pytest.fixture(autouse=True)
def _fresh_cache():
    """The public pages are cached; each test starts without entries from another test."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _today(monkeypatch):
    """Every test runs on 20 November 2026 (Asia/Shanghai): 2026 is under way, 2025 is over."""
    monkeypatch.setattr(timezone, "now", lambda: NOW)


@pytest.fixture
def city(db, departments, users):
    return build_city()


@pytest.fixture(scope="session")
def _media_url_for_live_server():
    """Django's live server wraps its handler in a media handler that needs MEDIA_URL as a string;
    perfgov sets it to None (uploads are served only through access-checked views). Give it a
    path while the server starts, then put None back."""
    from django.conf import settings

    original = settings.MEDIA_URL
    settings.MEDIA_URL = "/__no-media__/"
    yield
    settings.MEDIA_URL = original


@pytest.fixture(scope="session")
def live_server(_media_url_for_live_server, live_server):
    from django.conf import settings

    settings.MEDIA_URL = None
    return live_server
