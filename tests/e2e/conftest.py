"""Browser journeys: the live test server, a clean cache and upload folder, the people of the city.

Run them alone with ``make test-e2e``; ``make test`` runs them with everything else. Each
journey is marked ``e2e`` and uses the transactional database, because the live server answers
from its own thread and must see what the fixtures committed.
"""

import pytest
from django.core.cache import cache

from .browser import require_chromium
from .world import name_people


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


@pytest.fixture(autouse=True)
def _e2e_environment(settings, tmp_path):
    """Chromium first (skip or fail before building anything), then a clean slate: rate limits and
    cached pages live in the cache, uploads go to this test's own folder."""
    require_chromium()
    settings.MEDIA_ROOT = str(tmp_path / "uploads")
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def people(users):
    """The conftest users, with their names."""
    name_people(users)
    return users
