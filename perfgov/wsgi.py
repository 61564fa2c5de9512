import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "perfgov.settings.production")
application = get_wsgi_application()

# A warning in the log when the application runs as a role that could erase the audit log.
from audit.checks import warn_at_startup  # noqa: E402

warn_at_startup()
