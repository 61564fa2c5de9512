"""The public disclosure pages (no login) and their spreadsheets."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import render
from django.views import View

from organizations.models import Department

from .. import public, selectors
from ..method_card import method_card
from ..tables import download
from .dashboard import FORMATS


def _year_or_404(year: int | None) -> int:
    if year is None or year not in public.years():
        raise Http404
    return year


def _department_or_404(code: str) -> Department:
    department = Department.objects.filter(code=code, is_active=True).select_related("group").first()
    if department is None:
        raise Http404
    return department


class PublicIndexView(View):
    def get(self, request, year: int | None = None):
        years = public.years()
        if year is None:
            year = public.default_year()
            if year is None:
                return render(request, "public/empty.html", {"years": years})
        year = _year_or_404(year)
        page = public.year_page(year)
        return render(request, "public/index.html", {"page": page, "year": year, "years": years, "formats": FORMATS})


class PublicDepartmentView(View):
    def get(self, request, year: int, code: str):
        year = _year_or_404(year)
        department = _department_or_404(code)
        page = public.department_page(year, department)
        return render(
            request,
            "public/department.html",
            {"page": page, "year": year, "years": public.years(), "department": department, "formats": FORMATS},
        )


class PublicMethodView(View):
    """The year's method card: how the results are computed, printable."""

    def get(self, request, year: int):
        year = _year_or_404(year)
        plan = selectors.public_plan(year=year)
        if plan is None:
            raise Http404
        return render(
            request,
            "public/method.html",
            {"card": method_card(plan), "year": year, "years": public.years()},
        )


class PublicDownloadView(View):
    def get(self, request, year: int, key: str, fmt: str, code: str | None = None):
        year = _year_or_404(year)
        if fmt not in FORMATS:
            raise Http404
        if code is None:
            page, prefix = public.year_page(year), f"perfgov-{year}"
        else:
            department = _department_or_404(code)
            page, prefix = public.department_page(year, department), f"perfgov-{year}-{department.code}"
        table = page.tables.get(key)
        if table is None:
            raise Http404
        return download([table], fmt, f"{prefix}-{key}")
