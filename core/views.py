"""Home page and error pages."""

from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from .home import home_cards, start_page, todo


@login_required
def home(request):
    """The user's start: a link to their main workspace, what waits for them today, and their pages."""
    return render(
        request,
        "core/home.html",
        {"cards": home_cards(request.user), "todo": todo(request.user), "start": start_page(request.user)},
    )


def _is_api(request) -> bool:
    return request.path.startswith("/api/")


def error_404(request, exception=None):
    if _is_api(request):
        return JsonResponse({"detail": _("Not found."), "code": "not_found"}, status=404)
    return render(request, "404.html", status=404)


def error_403(request, exception=None):
    from audit.services import audit_denied

    audit_denied(request=request, reason="PermissionDenied")
    if _is_api(request):
        return JsonResponse(
            {"detail": _("You do not have permission to perform this action."), "code": "permission_denied"}, status=403
        )
    return render(request, "403.html", status=403)


def error_500(request):
    if _is_api(request):
        return JsonResponse({"detail": _("Server error."), "code": "server_error"}, status=500)
    return render(request, "500.html", status=500)


def error_400(request, exception=None):
    if _is_api(request):
        return JsonResponse({"detail": _("Bad request."), "code": "bad_request"}, status=400)
    return render(request, "400.html", status=400)
