"""Spreadsheets of the satisfaction app (xlsx) and the population-proportional sample split."""

from __future__ import annotations

import io
from decimal import Decimal

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from core.spreadsheets import escape_workbook

from .answers import format_code
from .stats import INSUFFICIENT

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _sheet(wb: Workbook, title: str, header: list[str], rows: list[list], first: bool = False):
    ws = wb.active if first else wb.create_sheet()
    ws.title = title[:31]
    ws.append(header)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for row in rows:
        ws.append(row)  # openpyxl writes Decimal as a number, exactly
    for i, name in enumerate(header, start=1):
        width = max([len(str(name))] + [len(str(r[i - 1])) for r in rows[:200] if i - 1 < len(r)]) + 2
        ws.column_dimensions[get_column_letter(i)].width = min(max(width, 8), 60)
    ws.freeze_panes = "A2"
    return ws


def _bytes(wb: Workbook) -> bytes:
    buf = io.BytesIO()
    escape_workbook(wb)
    wb.save(buf)
    return buf.getvalue()


def codes_xlsx(*, survey, batch, codes: list[str], base_url: str) -> bytes:
    """The codes of a batch with their links, for printing or SMS. Shown this once only."""
    wb = Workbook()
    region = batch.survey_region.region.name
    rows = [[i, region, format_code(c), f"{base_url}{format_code(c)}/"] for i, c in enumerate(codes, start=1)]
    _sheet(wb, _("Codes"), [_("No."), _("Region"), _("Code"), _("Link")], rows, first=True)
    info = wb.create_sheet(_("About"))
    for line in (
        [_("Survey"), str(survey)],
        [_("Region"), region],
        [_("Codes"), batch.count],
        [_("Generated at"), batch.created_at.strftime("%Y-%m-%d %H:%M")],
        [_("Note"), _("Each code answers the survey once. The codes are not kept: keep this file safe.")],
    ):
        info.append(line)
    return _bytes(wb)


def _est_cells(est, weighted=None) -> list:
    cells = [est.n, est.rate, est.rate_low, est.rate_high, est.score, est.score_low, est.score_high]
    if weighted is not False:
        w = weighted
        cells += [w.rate, w.rate_low, w.rate_high, w.score] if w else [None, None, None, None]
    return cells


def results_xlsx(*, survey, sections: dict, quota_rows, questions, weighted: bool, published: bool) -> bytes:
    """The results page as a workbook: one sheet per grouping, quotas and answer distributions."""
    wb = Workbook()
    head = [
        _("Answers (n)"),
        _("Satisfaction rate (percent)"),
        _("95 percent interval, low"),
        _("95 percent interval, high"),
        _("Score (0–100)"),
        _("Score interval, low"),
        _("Score interval, high"),
    ]
    if weighted:
        head += [
            _("Weighted rate (percent)"),
            _("Weighted interval, low"),
            _("Weighted interval, high"),
            _("Weighted score"),
        ]
    titles = {
        "overall": _("Overall"),
        "area": _("By area"),
        "region": _("By region"),
        "department": _("By department"),
        "question": _("By question"),
    }
    first = True
    for by, rows in sections.items():
        out = []
        for r in rows:
            label = [r.code, r.label]
            if r.hidden or r.insufficient:
                out.append(label + [str(INSUFFICIENT), *([r.estimate.n] if not r.hidden else [])])
            else:
                out.append(label + _est_cells(r.estimate, r.weighted if weighted else False))
        _sheet(wb, titles[by], [_("Code"), _("Name")] + head, out, first=first)
        first = False
    _sheet(
        wb,
        _("Quotas"),
        [_("Region"), _("Quota"), _("Responses"), _("Fulfilment (percent)"), _("Codes issued"), _("Codes used")],
        [
            [
                r.region.name,
                r.survey_region.quota,
                r.survey_region.received,
                r.fulfilment,
                r.codes_issued,
                r.codes_used,
            ]
            for r in quota_rows
        ],
    )
    dist_rows = []
    for q in questions:
        for opt in q["options"]:
            dist_rows.append([q["number"], q["text"], opt["label"], opt["count"], opt["share"]])
        if q["kind"] == "text":
            dist_rows.append([q["number"], q["text"], _("Free-text answers"), q["total"], None])
    _sheet(wb, _("Answers"), [_("No."), _("Question"), _("Answer"), _("Count"), _("Share (percent)")], dist_rows)
    about = wb.create_sheet(_("About"))
    for line in (
        [_("Survey"), str(survey)],
        [_("Satisfaction rate"), _("Share of the 1–5 answers that are 4 (satisfied) or 5 (very satisfied).")],
        [_("Score"), _("Mean of the 1–5 answers × 20.")],
        [
            _("Intervals"),
            _(
                "95 percent: Wilson score interval for the rate; "
                "normal interval from the sample variance for the score."
            ),
        ],
        [_("Weighting"), _("Regions weighted by population (post-stratification)") if weighted else _("None")],
        [_("Published view"), _("Yes") if published else _("No")],
    ):
        about.append(line)
    return _bytes(wb)


def distribute_by_population(regions, total: int) -> dict[int, int] | None:
    """Split ``total`` among regions in proportion to population (largest remainder), each ≥ 1."""
    if not regions or any(not r.population for r in regions):
        return None
    pop = sum(r.population for r in regions)
    exact = {r.pk: Decimal(total) * r.population / pop for r in regions}
    out = {k: int(v) for k, v in exact.items()}
    left = total - sum(out.values())
    for k in sorted(exact, key=lambda k: (exact[k] - out[k], -k), reverse=True)[:left]:
        out[k] += 1
    return {k: max(v, 1) for k, v in out.items()}
