"""Import of budget projects with their target sheets from an xlsx workbook.

Two sheets: ``projects`` (code, department, year, name, amount, funding_source, category,
description) and ``targets`` (project, dimension, subdimension, name, operator, value, upper,
unit, indicator, weight, and optionally library — a code of the shared target indicator library —
and below_last_year_reason). Every row is checked first with the same rules as the pages
(``full_clean``) and every problem is reported with its sheet, row and column; with any problem
nothing is written, and without one every row is written in one transaction (all or nothing).
Department users import for their own department only. Imported projects start as drafts.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from audit.services import audit_log
from core.errors import ApplicationError
from core.numbers import to_decimal
from core.roles import outside_own
from core.spreadsheets import MAX_CELL_CHARS, SpreadsheetTooLarge, check_xlsx_bounds
from indicators.models import Indicator
from organizations.models import Department

from . import services
from .choices import BudgetDimension, BudgetSubdimension, FundingSource, Operator, ProjectCategory
from .models import BudgetProject, BudgetTarget, LibraryIndicator

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 5000
PROJECT_COLUMNS = ["code", "department", "year", "name", "amount", "funding_source", "category", "description"]
TARGET_COLUMNS = [
    "project",
    "dimension",
    "subdimension",
    "name",
    "operator",
    "value",
    "upper",
    "unit",
    "indicator",
    "weight",
    "library",  # code of the shared target indicator library (指标库), optional
    "below_last_year_reason",
]
OPERATOR_ALIASES = {
    "≥": "ge",
    ">=": "ge",
    "≤": "le",
    "<=": "le",
    "=": "eq",
    "==": "eq",
    "区间": "range",
    "范围": "range",
}


@dataclass
class RowError:
    sheet: str
    row: int
    field: str
    message: str

    def as_json(self) -> dict:
        return {"sheet": self.sheet, "row": self.row, "field": self.field, "message": self.message}


@dataclass
class ParsedProject:
    row: int
    project: BudgetProject
    targets: list[tuple[int, BudgetTarget]] = field(default_factory=list)


@dataclass
class ImportResult:
    dry_run: bool
    projects: list[ParsedProject] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    created: list[BudgetProject] = field(default_factory=list)

    @property
    def valid(self) -> bool:
        return not self.errors

    @property
    def target_count(self) -> int:
        return sum(len(p.targets) for p in self.projects)

    def as_json(self) -> dict:
        return {
            "dry_run": self.dry_run,
            "valid": self.valid,
            "projects": [
                {
                    "row": p.row,
                    "code": p.project.code,
                    "department": p.project.department.code if p.project.department_id else None,
                    "year": p.project.year,
                    "name": p.project.name,
                    "amount": str(p.project.amount) if p.project.amount is not None else None,
                    "targets": len(p.targets),
                }
                for p in self.projects
            ],
            "errors": [e.as_json() for e in self.errors],
            "created": [p.pk for p in self.created],
        }


def choice_of(value, choices) -> str:
    """A choice given by its code or by its label in Chinese or English."""
    text = str(value or "").strip()
    if text in choices.values:
        return text
    for language in ("zh-hans", "en"):
        with translation.override(language):
            for code, label in choices.choices:
                if text == str(label):
                    return code
    return text


def _cell(value) -> str:
    if isinstance(value, str) and len(value) > MAX_CELL_CHARS:
        raise ApplicationError(_("A cell holds more than %(n)d characters.") % {"n": MAX_CELL_CHARS}, field="file")
    if value is None:
        return ""
    if isinstance(value, float):  # float ok: an xlsx number cell, converted through its repr
        return repr(value).removesuffix(".0") if value.is_integer() else repr(value)
    return str(value).strip()


def _load_workbook(content: bytes):
    """The workbook, read-only; refuses what is not an xlsx workbook or is too large."""
    if len(content) > MAX_BYTES:
        raise ApplicationError(
            _("The file is larger than %(mb)d MB.") % {"mb": MAX_BYTES // (1024 * 1024)}, field="file"
        )
    if not content.startswith(b"PK\x03\x04"):
        raise ApplicationError(_("This is not an xlsx workbook."), field="file")
    from openpyxl import load_workbook

    try:
        check_xlsx_bounds(content)
    except SpreadsheetTooLarge as exc:
        raise ApplicationError(_("The workbook is too large once unpacked."), field="file") from exc
    try:
        return load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise ApplicationError(_("The workbook cannot be read."), field="file") from exc


def _column_names(header) -> list[str]:
    """The header row's cells as column names (lower case; an empty name drops its column)."""
    return [_cell(h).lower() for h in header]


def _sheet_rows(ws) -> list[tuple[int, dict]] | None:
    """[(row number, {column: text})] of the sheet's non-empty rows, or None for a sheet without a header."""
    rows = ws.iter_rows(values_only=True)
    header = next(rows, None)
    if not header:
        return None
    names = _column_names(header)
    data = []
    for number, values in enumerate(rows, start=2):
        if number > MAX_ROWS + 1:
            raise ApplicationError(_("At most %(n)d rows per sheet.") % {"n": MAX_ROWS}, field="file")
        row = {names[i]: _cell(v) for i, v in enumerate(values) if i < len(names) and names[i]}
        if any(row.values()):
            data.append((number, row))
    return data


def read_workbook(content: bytes) -> dict[str, list[tuple[int, dict]]]:
    """Sheet name → [(row number, {column: text})]; refuses what is not an xlsx workbook."""
    wb = _load_workbook(content)
    out: dict[str, list[tuple[int, dict]]] = {}
    for ws in wb.worksheets:
        data = _sheet_rows(ws)
        if data is None:
            continue
        out[ws.title.strip().lower()] = data
    wb.close()
    return out


def errors_of(exc: ValidationError) -> dict[str, list[str]]:
    return exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}


@dataclass
class _Problems:
    """The problems found so far, each on its sheet, row and column, in the order they were found."""

    errors: list[RowError]

    def add(self, sheet: str, row: int, field_name: str, message) -> None:
        self.errors.append(RowError(sheet, row, field_name, str(message)))

    def add_invalid(self, sheet: str, row: int, exc: ValidationError) -> None:
        """Every message of a model's ``full_clean``, on its own field."""
        for f, msgs in errors_of(exc).items():
            for m in msgs:
                self.add(sheet, row, f, m)


# --- the projects sheet --------------------------------------------------------------------------------------


def _project_of(row: dict, *, number: int, departments: dict, actor, problems: _Problems) -> BudgetProject:
    """The row's project, unsaved; a department or year that cannot be used is a problem."""
    dept = departments.get(row.get("department", ""))
    if dept is None:
        problems.add(
            "projects",
            number,
            "department",
            _("Unknown department code “%(code)s”.") % {"code": row.get("department", "")},
        )
    elif outside_own(actor, dept.pk):
        problems.add("projects", number, "department", _("You can import projects of your own department only."))
    year = row.get("year", "")
    if not year.isdigit():
        problems.add("projects", number, "year", _("Enter the year as a number, e.g. 2026."))
        year = None
    return BudgetProject(
        department=dept,
        year=int(year) if year else None,
        code=row.get("code", ""),
        name=row.get("name", ""),
        amount=to_decimal(row.get("amount")),
        funding_source=choice_of(row.get("funding_source") or FundingSource.GENERAL, FundingSource),
        category=choice_of(row.get("category") or ProjectCategory.OPERATIONAL, ProjectCategory),
        description=row.get("description", ""),
        created_by=actor,
    )


def _check_project(
    project: BudgetProject, row: dict, *, number: int, by_code: dict[str, ParsedProject], problems: _Problems
) -> None:
    """The row's amount and code, and the project's own rules; a code may appear once in the sheet."""
    if row.get("amount") and project.amount is None:
        problems.add("projects", number, "amount", _("Enter the amount in yuan as a number."))
    if not project.code:
        problems.add("projects", number, "code", _("Give each project a code: the targets sheet refers to it."))
    try:
        project.full_clean(exclude=["department", "code"] + (["year"] if project.year is None else []))
    except ValidationError as exc:
        problems.add_invalid("projects", number, exc)
    if project.code:
        try:
            BudgetProject._meta.get_field("code").run_validators(project.code)
        except ValidationError as exc:
            for m in exc.messages:
                problems.add("projects", number, "code", m)
        if project.code in by_code:
            problems.add("projects", number, "code", _("The code “%(code)s” appears twice.") % {"code": project.code})


def _check_codes_free(parsed_rows: list[ParsedProject], problems: _Problems) -> None:
    """A project's code may not be taken already in its year."""
    existing = {(p.project.year, p.project.code) for p in parsed_rows if p.project.code and p.project.year}
    taken = set(BudgetProject.objects.filter(code__in=[c for _y, c in existing]).values_list("year", "code"))
    for parsed in parsed_rows:
        if (parsed.project.year, parsed.project.code) in taken:
            problems.add(
                "projects",
                parsed.row,
                "code",
                _("A project with the code “%(code)s” already exists in %(year)s.")
                % {"code": parsed.project.code, "year": parsed.project.year},
            )


def _parse_projects(rows, *, actor, problems: _Problems) -> tuple[list[ParsedProject], dict[str, ParsedProject]]:
    """Every row of the projects sheet, and the first project of each code."""
    departments = {d.code: d for d in Department.objects.filter(is_active=True)}
    by_code: dict[str, ParsedProject] = {}
    parsed_rows = []
    for number, row in rows:
        project = _project_of(row, number=number, departments=departments, actor=actor, problems=problems)
        _check_project(project, row, number=number, by_code=by_code, problems=problems)
        parsed = ParsedProject(row=number, project=project)
        parsed_rows.append(parsed)
        if project.code:
            by_code.setdefault(project.code, parsed)
    _check_codes_free(parsed_rows, problems)
    return parsed_rows, by_code


# --- the targets sheet ---------------------------------------------------------------------------------------


def _target_of(row: dict, parsed: ParsedProject) -> BudgetTarget:
    """The row's target of its project, unsaved, before its indicator and library entry are looked up."""
    return BudgetTarget(
        project=parsed.project,
        dimension=choice_of(row.get("dimension"), BudgetDimension),
        subdimension=choice_of(row.get("subdimension"), BudgetSubdimension),
        name=row.get("name", ""),
        operator=OPERATOR_ALIASES.get(row.get("operator", ""), choice_of(row.get("operator") or "ge", Operator)),
        value=to_decimal(row.get("value")),
        upper=to_decimal(row.get("upper")),
        unit=row.get("unit", ""),
        below_last_year_reason=row.get("below_last_year_reason", ""),
        weight=to_decimal(row.get("weight")),
        order=len(parsed.targets) + 1,
    )


def _link_indicator(
    target: BudgetTarget, row: dict, *, number: int, year: int | None, indicators: dict, problems: _Problems
) -> None:
    """The assessment indicator named in the row, from the library of the project's year."""
    code = row.get("indicator", "")
    if not code:
        return
    ind = indicators.get((year, code))
    if ind is None:
        problems.add(
            "targets",
            number,
            "indicator",
            _("No indicator “%(code)s” in the %(year)s library.") % {"code": code, "year": year},
        )
    else:
        target.indicator = ind


def _link_library(target: BudgetTarget, row: dict, *, number: int, library: dict, problems: _Problems) -> None:
    """The shared target library's indicator named in the row; a retired one is refused."""
    library_code = row.get("library", "")
    if not library_code:
        return
    if library_code not in library:
        problems.add(
            "targets",
            number,
            "library",
            _("No indicator “%(code)s” in the library.") % {"code": library_code},
        )
    elif retired := services.retired_choice_error(library[library_code], None):
        problems.add("targets", number, "library", retired)
    else:
        target.library_indicator = library[library_code]


def _parse_targets(rows, *, parsed_rows: list[ParsedProject], by_code: dict, problems: _Problems) -> None:
    """Every row of the targets sheet, added to its project."""
    indicators = {}
    years = {p.project.year for p in parsed_rows if p.project.year}
    for ind in Indicator.objects.filter(library__year__in=years).select_related("library"):
        indicators[(ind.library.year, ind.code)] = ind
    library = {ind.code: ind for ind in LibraryIndicator.objects.all()}
    for number, row in rows:
        parsed = by_code.get(row.get("project", ""))
        if parsed is None:
            problems.add(
                "targets",
                number,
                "project",
                _("No project with the code “%(code)s” in the projects sheet.") % {"code": row.get("project", "")},
            )
            continue
        target = _target_of(row, parsed)
        for column in ("value", "upper", "weight"):
            if row.get(column) and to_decimal(row.get(column)) is None:
                problems.add("targets", number, column, _("Enter a number."))
        _link_indicator(target, row, number=number, year=parsed.project.year, indicators=indicators, problems=problems)
        _link_library(target, row, number=number, library=library, problems=problems)
        try:
            target.full_clean(exclude=["project"])
        except ValidationError as exc:
            problems.add_invalid("targets", number, exc)
        parsed.targets.append((number, target))


def parse(*, content: bytes, actor) -> ImportResult:
    """Check every row of the workbook; nothing is written."""
    result = ImportResult(dry_run=True)
    sheets = read_workbook(content)
    if "projects" not in sheets:
        raise ApplicationError(_("The workbook needs a sheet named “projects”."), field="file")
    problems = _Problems(result.errors)
    parsed_rows, by_code = _parse_projects(sheets["projects"], actor=actor, problems=problems)
    result.projects = parsed_rows
    _parse_targets(sheets.get("targets", []), parsed_rows=parsed_rows, by_code=by_code, problems=problems)
    return result


def run(*, content: bytes, actor, dry_run: bool = True, file_name: str = "") -> ImportResult:
    """Check the workbook and, unless ``dry_run`` or any row has a problem, write every row."""
    result = parse(content=content, actor=actor)
    result.dry_run = dry_run
    if dry_run or not result.valid:
        return result
    with transaction.atomic():
        for parsed in result.projects:
            p = parsed.project
            project = services.project_create(
                actor=actor,
                department=p.department,
                year=p.year,
                data={f: getattr(p, f) for f in services.PROJECT_FIELDS},
            )
            for _number, t in parsed.targets:
                services.target_save(
                    project=project,
                    actor=actor,
                    data={f: getattr(t, f) for f in services.TARGET_FIELDS},
                )
            result.created.append(project)
        audit_log(
            "budgets.project.imported",
            actor=actor,
            object_type="budgets.budgetproject",
            data={
                "file": file_name[:200],
                "projects": len(result.created),
                "targets": result.target_count,
                "codes": [p.code for p in result.created],
            },
        )
    return result


def template_workbook() -> bytes:
    """An empty workbook with both sheets' columns and one example row each."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "projects"
    ws.append(PROJECT_COLUMNS)
    ws.append(["edu-2026-101", "edu", 2026, "校园文体活动支持资金", 2396300, "general", "livelihood", ""])
    ws2 = wb.create_sheet("targets")
    ws2.append(TARGET_COLUMNS)
    ws2.append(["edu-2026-101", "output", "quantity", "组织文体活动场次", "ge", 50, "", "场", "", ""])
    ws2.append(["edu-2026-101", "cost", "cost", "讲师课时费标准", "le", 200, "", "元/人·课时", "", ""])
    ws2.append(["edu-2026-101", "effect", "social", "覆盖中小学校数", "ge", 120, "", "所", "", ""])
    ws2.append(["edu-2026-101", "satisfaction", "satisfaction", "学生及家长满意度", "ge", 90, "", "%", "", ""])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
