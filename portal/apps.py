from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    """The signed-in user's start page and the demo city: the top floor, above every domain app."""

    name = "portal"
    verbose_name = _("Portal")
