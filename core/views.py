"""Error pages (the start page is the portal app's)."""

from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from .signals import access_denied


def _is_api(request) -> bool:
    return request.path.startswith("/api/")


def _signed_in(request) -> bool:
    user = getattr(request, "user", None)
    return bool(user is not None and user.is_authenticated)


def error_404(request, exception=None):
    # A signed-in user asking for what is not there or not theirs (another department's object
    # answers 404 too): audited. Anonymous 404s are not refusals and are not recorded.
    if _signed_in(request):
        access_denied.send(sender=error_404, request=request, reason="NotFound")
    if _is_api(request):
        return JsonResponse({"detail": _("Not found."), "code": "not_found"}, status=404)
    return render(request, "404.html", status=404)


def error_403(request, exception=None):
    access_denied.send(sender=error_403, request=request, reason="PermissionDenied")
    if _is_api(request):
        return JsonResponse(
            {"detail": _("You do not have permission to perform this action."), "code": "permission_denied"}, status=403
        )
    return render(request, "403.html", status=403)


def csrf_failure(request, reason=""):
    """CSRF_FAILURE_VIEW: a refused form post, audited like any refusal (anonymous ones counted)."""
    access_denied.send(sender=csrf_failure, request=request, reason=f"CSRF: {reason}"[:100])
    if _is_api(request):
        return JsonResponse(
            {"detail": _("The form has expired. Reload the page and try again."), "code": "csrf_failed"}, status=403
        )
    return render(request, "403.html", {"csrf_failed": True}, status=403)


def error_500(request):
    if _is_api(request):
        return JsonResponse({"detail": _("Server error."), "code": "server_error"}, status=500)
    return render(request, "500.html", status=500)


def error_400(request, exception=None):
    if _is_api(request):
        return JsonResponse({"detail": _("Bad request."), "code": "bad_request"}, status=400)
    return render(request, "400.html", status=400)
