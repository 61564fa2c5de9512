from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import ListView

from core.errors import ApplicationError
from core.roles import P
from core.views_mixins import PermMixin, apply_error

from . import selectors, services
from .forms import TokenCreateForm
from .models import ApiToken


class DepartmentListView(PermMixin, ListView):
    perm = P.READ_REFERENCE
    template_name = "organizations/department_list.html"
    context_object_name = "departments"

    def get_queryset(self):
        return selectors.departments_list(include_inactive=True)


class TokenListView(PermMixin, View):
    """A user's API tokens: create (the key is shown once) and revoke."""

    template_name = "organizations/token_list.html"

    def tokens(self, request):
        qs = ApiToken.objects.select_related("user", "revoked_by")
        return qs if request.user.has_perm(P.MANAGE_SECURITY) else qs.filter(user=request.user)

    def get(self, request):
        return render(request, self.template_name, {"tokens": self.tokens(request), "form": TokenCreateForm()})

    def post(self, request):
        form = TokenCreateForm(request.POST)
        new_key = None
        if form.is_valid():
            try:
                _token, new_key = services.token_issue(user=request.user, name=form.cleaned_data["name"])
            except ApplicationError as exc:
                apply_error(form, exc)
            else:
                form = TokenCreateForm()
        return render(request, self.template_name, {"tokens": self.tokens(request), "form": form, "new_key": new_key})


class TokenRevokeView(PermMixin, View):
    def post(self, request, pk):
        token = get_object_or_404(TokenListView().tokens(request), pk=pk)
        services.token_revoke(token=token, actor=request.user)
        messages.success(request, _("The token was revoked."))
        return redirect("organizations:token_list")
