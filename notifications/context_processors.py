"""The bell's count of unread notifications, for every page of a user who receives them."""

from django.utils.functional import SimpleLazyObject

from core.roles import P

from .selectors import unread_count


def unread(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not getattr(user, "role", None):
        return {}
    if not user.has_perm(P.RECEIVE_NOTIFICATIONS):
        return {}
    # Counted only when a template shows the bell.
    return {"unread_notifications": SimpleLazyObject(lambda: unread_count(user=user))}
