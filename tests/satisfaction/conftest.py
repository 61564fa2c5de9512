import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _clear_rate_limits():
    """Flood counters live in the cache; each test starts from zero."""
    cache.clear()
    yield
    cache.clear()


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
def live_server(_media_url_for_live_server, django_db_setup, live_server):
    from django.conf import settings

    settings.MEDIA_URL = None
    return live_server
