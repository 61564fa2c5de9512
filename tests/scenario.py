"""One builder of a year's assessment library for every test city.

The cities of the tests — the ``library`` fixture of the unit tests, the permission-and-security
world, the dashboards' cities, the query-count cities and the browser journeys — each describe
their library as data (categories, indicators, rules, grade bands) and build it here, so a change
to the library's models or rules is made in one place.

The demo (``portal``'s ``seed_demo``) and the benchmark workload (``workloads``) build their
cities in production code, at a scale and with a story of their own; they share the believable
report values (``assessments.demo.believable_value``) rather than this builder.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal as D

from indicators import services as library_services
from indicators.models import Category, GradeBand, Indicator, Library, Rule

# The four grade bands of a library unless a city says otherwise: code, label, lowest score.
GRADES = (("excellent", "优秀", 90), ("good", "良好", 80), ("fair", "一般", 60), ("poor", "较差", 0))


# The small year of the unit tests and of the security world: three categories, and one indicator
# of each kind of input (a cumulative value, a level with two targets, events, a grade).
SMALL_CATEGORIES = (("central", "中心工作", 25), ("safety", "平安建设", 5), ("party", "党的建设", 10))


def small_indicators(roads, rate, safe, party) -> list[dict]:
    """The small year's four indicators with the points given for each."""
    return [
        {
            "code": "roads",
            "name": "农村公路里程",
            "category": "central",
            "method": "proportional",
            "basic_target": D(300),
            "points": D(roads),
            "unit": "公里",
            "value_type": "cumulative",
        },
        {
            "code": "rate",
            "name": "办结率",
            "category": "central",
            "method": "tiered",
            "basic_target": D(90),
            "challenge_target": D(100),
            "points": D(rate),
            "unit": "%",
            "value_type": "level",
        },
        {"code": "safe", "name": "安全生产与质量", "category": "safety", "method": "deduction", "points": D(safe)},
        {"code": "party", "name": "党建工作成效", "category": "party", "method": "grade", "points": D(party)},
    ]


def build_library(
    *,
    year: int,
    categories: Iterable[tuple[str, str, object]],
    indicators: Iterable[dict] = (),
    rules: Iterable[dict] = (),
    bands: Iterable[tuple[str, str, object]] = GRADES,
    name: str | None = None,
    actor=None,
) -> Library:
    """A library of ``year`` with its categories (code, name, points), indicators, rules and bands.

    An indicator is a dict of its fields with ``category`` given by code; ``direction`` is "ge"
    and ``order`` its place in the list unless given. A rule is a dict of its fields with
    ``indicator`` given by code (or left out for a department-wide rule). With an ``actor`` every
    object is made through the library services, as that user would (and audited); without one,
    directly, each checked with ``full_clean``.
    """
    name = name or f"{year}年度指标"
    if actor is not None:
        library = library_services.library_create(year=year, name=name, actor=actor)
    else:
        library = Library(year=year, name=name)
        library.full_clean()
        library.save()

    def save(obj, data):
        if actor is not None:
            return library_services.library_object_save(obj=obj, data=data, actor=actor)
        for field, value in data.items():
            setattr(obj, field, value)
        obj.full_clean()
        obj.save()
        return obj

    cats = {
        code: save(Category(library=library), {"code": code, "name": label, "points": D(str(points)), "order": order})
        for order, (code, label, points) in enumerate(categories, start=1)
    }
    inds = {}
    for order, spec in enumerate(indicators, start=1):
        data = {"direction": "ge", "order": order, **spec, "category": cats[spec["category"]]}
        inds[data["code"]] = save(Indicator(library=library), data)
    for spec in rules:
        data = dict(spec)
        if data.get("indicator") is not None:
            data["indicator"] = inds[data["indicator"]]
        save(Rule(library=library), data)
    for code, label, lowest in bands:
        save(GradeBand(library=library), {"code": code, "label": label, "min_score": D(str(lowest))})
    return library
