"""The start page of a signed-in user."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from .home import home_cards, start_page, todo


@login_required
def home(request):
    """The user's start: a link to their main workspace, what waits for them today, and their pages."""
    return render(
        request,
        "core/home.html",
        {"cards": home_cards(request.user), "todo": todo(request.user), "start": start_page(request.user)},
    )
