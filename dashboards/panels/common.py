"""What a dashboard panel is: a chart's data (for ECharts) and the same data as tables."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from assessments.models.reports import StatusColour
from budgets.choices import GRADES, Action
from satisfaction.stats import INSUFFICIENT

from ..tables import Column, Label, Table, pct

ONE_PLACE = Decimal("0.1")


@dataclass
class Panel:
    """One picture of a dashboard.

    ``chart`` names the drawing in static/js/dashboards.js; ``data`` is passed to it through a
    json_script element (translated titles and axis names included); ``charts`` has one label
    per chart container (several for small multiples such as a radar per department);
    ``tables`` carry the same data for screen readers, for pages without JavaScript and for
    the downloads.
    """

    key: str
    title: str
    chart: str
    data: dict
    tables: list[Table]
    charts: list[str] = field(default_factory=lambda: [""])
    note: str = ""
    empty: str = ""
    wide: bool = False
    # (format, url) of the downloads of the tables, set by the view that knows its URLs.
    downloads: list[tuple[str, str]] = field(default_factory=list)

    @property
    def has_data(self) -> bool:
        return any(self.tables)

    @property
    def json_id(self) -> str:
        return f"chart-{self.key}"


def mean(values) -> Decimal | None:
    values = [v for v in values if v is not None]
    if not values:
        return None
    return (sum(values, Decimal(0)) / len(values)).quantize(ONE_PLACE, rounding=ROUND_HALF_UP)


def category_percents(score) -> dict[str, Decimal | None]:
    """Category code → score as percent of the category's points (one decimal)."""
    return {c["code"]: pct(Decimal(str(c["score"])), Decimal(str(c["points"]))) for c in (score.categories or [])}


def category_scores(score) -> dict[str, dict]:
    return {c["code"]: c for c in (score.categories or [])}


STATUS_LABELS = dict(StatusColour.choices)
HEALTH_LABELS = {
    "on_time": gettext_lazy("On time"),
    "late": gettext_lazy("Late"),
    "missing": gettext_lazy("Missing"),
    "pending": gettext_lazy("Not yet due"),
    "future": gettext_lazy("Not started"),
}
GRADE_LABELS = dict(GRADES)
ACTION_LABELS = dict(Action.choices) | {"flag": gettext_lazy("Flagged: no recommendation")}


def status_label(code: str) -> Label:
    return Label(str(STATUS_LABELS.get(code, code)), f"pg-status pg-status-{code}")


def health_label(code: str | None) -> Label:
    code = code or "future"
    return Label(str(HEALTH_LABELS.get(code, code)), f"pg-health-{code}")


def satisfaction_columns(first: str) -> list[Column]:
    return [
        Column(first),
        Column(_("Respondents (n)"), "int"),
        Column(_("Satisfaction rate (percent)"), "pct"),
        Column(_("95 percent interval, low"), "pct"),
        Column(_("95 percent interval, high"), "pct"),
        Column(_("Score (0–100)"), "points"),
    ]


def satisfaction_cells(est, hidden: bool, insufficient: bool = False) -> list:
    """Respondents, rate, its interval and score; a group under the minimum size says 样本不足."""
    if hidden:
        return [str(INSUFFICIENT), None, None, None, None]
    if insufficient:  # internal pages: how many respondents, but no figures
        return [est.n, str(INSUFFICIENT), None, None, None]
    if not est.n:
        return [None, None, None, None, None]
    return [est.n, _one(est.rate), _one(est.rate_low), _one(est.rate_high), est.score]


def _one(value: Decimal | None) -> Decimal | None:
    return None if value is None else Decimal(value).quantize(ONE_PLACE, rounding=ROUND_HALF_UP)


def hidden_note(minimum: int) -> str:
    return _("Groups with fewer than %(n)d respondents show “sample too small”, as in the published results.") % {
        "n": minimum
    }
