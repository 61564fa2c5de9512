"""The shared year of tests/security, built once per module and rolled back at its end.

Each test runs in its own savepoint (pytest-django), so what one test writes is gone before
the next one starts and every test sees the world as ``build_world`` made it.
"""

import pytest
from django.conf import settings
from django.db import transaction
from rest_framework.test import APIClient

from .world import build_world


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    media = tmp_path_factory.mktemp("media")
    with django_db_blocker.unblock(), transaction.atomic():
        original = settings.MEDIA_ROOT
        settings.MEDIA_ROOT = str(media)
        try:
            yield build_world()
        finally:
            settings.MEDIA_ROOT = original
            transaction.set_rollback(True)


@pytest.fixture
def api(world, db):
    """``api("filer")`` → an APIClient signed in as that role of the world."""

    def make(role):
        client = APIClient()
        client.force_authenticate(world.users[role])
        return client

    return make
