from django.conf import settings
from django.utils.translation import gettext as _

from .navigation import navigation_for


def navigation(request):
    user = getattr(request, "user", None)
    context = {"city_name": settings.PERFGOV_CITY_NAME or _("Demo City")}
    if user is not None and user.is_authenticated and getattr(user, "role", None):
        context["nav_sections"] = navigation_for(user, request.path)
    return context
