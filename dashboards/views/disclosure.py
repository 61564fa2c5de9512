"""The disclosure pages (no login): performance targets, self-evaluations, key evaluations; xlsx each."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import render
from django.views import View

from .. import disclosure, public
from ..tables import download
from .public import _year_or_404


def _page_or_404(key: str) -> disclosure.DisclosurePage:
    page = disclosure.PAGES.get(key)
    if page is None:
        raise Http404
    return page


class DisclosureView(View):
    def get(self, request, year: int, page: str):
        year = _year_or_404(year)
        info = _page_or_404(page)
        table = disclosure.page_table(page, year)
        reason_col = len(table.columns) - 1
        head = table.columns[:reason_col]
        rows = [
            {
                "cells": [(v, c.kind, c.label) for v, c in zip(row[:reason_col], head, strict=True)],
                "reason": row[reason_col],
            }
            for row in table.rows
        ]
        return render(
            request,
            "public/disclosure.html",
            {
                "year": year,
                "years": public.years(),
                "info": info,
                "pages": disclosure.PAGES.values(),
                "table": table,
                "rows": rows,
                "head": head,
                "withheld": sum(1 for r in rows if r["reason"]),
            },
        )


class DisclosureDownloadView(View):
    def get(self, request, year: int, page: str):
        year = _year_or_404(year)
        _page_or_404(page)
        return download([disclosure.page_table(page, year)], "xlsx", f"perfgov-{year}-{page}")
