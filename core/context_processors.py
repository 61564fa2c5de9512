from django.conf import settings
from django.utils.translation import gettext as _

from .navigation import navigation_for
from .roles import P


def navigation(request):
    user = getattr(request, "user", None)
    context = {"city_name": settings.PERFGOV_CITY_NAME or _("Demo City")}
    if user is not None and user.is_authenticated and getattr(user, "role", None):
        context["nav_sections"] = navigation_for(user, request.path)
        if user.has_perm(P.RECEIVE_NOTIFICATIONS):
            from django.utils.functional import SimpleLazyObject

            from notifications.selectors import unread_count

            # Counted only when a template shows the bell.
            context["unread_notifications"] = SimpleLazyObject(lambda: unread_count(user=user))
    return context
