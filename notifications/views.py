from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.views import View

from core.views_mixins import PermMixin

from . import selectors, services


class NotificationListView(PermMixin, View):
    """The notification centre: the user's messages, newest first; mark one or all as read."""

    def get(self, request):
        unread_only = request.GET.get("unread") == "1"
        qs = selectors.notifications_for(user=request.user, unread_only=unread_only)
        page = Paginator(qs, 50).get_page(request.GET.get("page"))
        return render(
            request,
            "notifications/list.html",
            {"page": page, "unread_only": unread_only, "query": "unread=1" if unread_only else ""},
        )

    def post(self, request):
        ids = request.POST.getlist("id")
        services.mark_read(user=request.user, ids=[int(i) for i in ids if i.isdigit()] if ids else None)
        target = request.POST.get("next") or ""
        if target.startswith("/") and not target.startswith("//"):
            return redirect(target)
        return redirect("notifications:list")
