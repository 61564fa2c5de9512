"""Parameters of each scoring method: defaults and validation (pure, no database).

``validate_method`` returns field-level errors keyed by the Indicator field they concern
(``params`` for the method's own parameters), so forms, the API and imports all show the
same message beside the same field.
"""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext as _

from core.numbers import to_decimal

from .choices import Direction, Method

HUNDRED = Decimal(100)
DEFAULT_BASIC_SHARE = Decimal("0.8")
DEFAULT_GRADES = {"A": Decimal(100), "B": Decimal(80), "C": Decimal(60), "D": Decimal(40)}
DEFAULT_RANK_SHARES = [Decimal(60), Decimal(57), Decimal(54), Decimal(51), Decimal(48)]
SATISFACTION_SCOPES = ("overall", "area", "region", "department")
SATISFACTION_MEASURES = ("rate", "score")

# Which directions each method accepts.
METHOD_DIRECTIONS = {
    Method.THRESHOLD: {Direction.GE, Direction.LE, Direction.EQ, Direction.RANGE, Direction.BOOL},
    Method.PROPORTIONAL: {Direction.GE, Direction.LE},
    Method.TIERED: {Direction.GE, Direction.LE},
    Method.DEDUCTION: {Direction.GE, Direction.LE, Direction.EQ, Direction.RANGE, Direction.BOOL},
    Method.SCALE: {Direction.GE, Direction.LE},
    Method.GRADE: {Direction.GE, Direction.LE, Direction.EQ, Direction.RANGE, Direction.BOOL},
    Method.SATISFACTION: {Direction.GE},
    Method.PER_UNIT: {Direction.GE, Direction.LE},
    Method.RANK: {Direction.GE, Direction.LE},
}

# Methods scored on a value the department reports each quarter: only these may carry an earlier
# quarter's approved value over when a quarter's is missing (the ``carry_over`` parameter).
REPORTED = {Method.THRESHOLD, Method.PROPORTIONAL, Method.TIERED, Method.SCALE, Method.PER_UNIT, Method.RANK}

# Methods whose score is computed from a reported actual value and therefore need a target.
NEEDS_TARGET = {Method.THRESHOLD, Method.PROPORTIONAL, Method.TIERED, Method.PER_UNIT}


class _Errors(dict):
    def add(self, field: str, message: str) -> None:
        self.setdefault(field, []).append(message)


def _dec(value, errors: _Errors, field: str, label: str, *, positive=False, min_=None, max_=None):
    d = to_decimal(value)
    if d is None or not d.is_finite():
        errors.add(field, _("%(label)s must be a number.") % {"label": label})
        return None
    if positive and d <= 0:
        errors.add(field, _("%(label)s must be greater than 0.") % {"label": label})
    if min_ is not None and d < min_:
        errors.add(field, _("%(label)s must be at least %(min)s.") % {"label": label, "min": min_})
    if max_ is not None and d > max_:
        errors.add(field, _("%(label)s must be at most %(max)s.") % {"label": label, "max": max_})
    return d


def validate_method(
    *,
    method: str,
    direction: str,
    points: Decimal | None,
    basic_target: Decimal | None,
    challenge_target: Decimal | None,
    range_upper: Decimal | None,
    params: dict | None,
) -> tuple[dict, dict[str, list[str]]]:
    """Check an indicator's method, targets and parameters together.

    Returns the normalised parameters (numbers as strings, defaults filled in) and a dict of
    field errors; an empty dict means the combination is valid.
    """
    errors = _Errors()
    if not isinstance(params or {}, dict):  # JSON from a form, the API or a spreadsheet: any value
        return {}, {"params": [_("Parameters must be a JSON object.")]}
    params = dict(params or {})

    if method not in Method.values:
        errors.add("method", _("Unknown scoring method."))
        return params, errors
    if direction not in METHOD_DIRECTIONS[method]:
        errors.add(
            "direction",
            _("The method %(method)s does not work with the direction %(direction)s.")
            % {
                "method": Method(method).label,
                "direction": Direction(direction).label if direction in Direction.values else direction,
            },
        )
    if points is None or points <= 0:
        errors.add("points", _("Points must be greater than 0."))
    if method in NEEDS_TARGET and direction != Direction.BOOL and basic_target is None:
        errors.add("basic_target", _("This method needs a basic target."))
    if direction == Direction.RANGE:
        if basic_target is None or range_upper is None:
            errors.add("range_upper", _("A range needs a lower bound (basic target) and an upper bound."))
        elif range_upper <= basic_target:
            errors.add("range_upper", _("The upper bound must be greater than the lower bound."))
    if method == Method.PROPORTIONAL and basic_target is not None and basic_target <= 0:
        errors.add("basic_target", _("A proportional score needs a target greater than 0."))

    normalised: dict = {}
    if method == Method.TIERED:
        if challenge_target is None:
            errors.add("challenge_target", _("This method needs a challenge target."))
        elif basic_target is not None:
            if direction == Direction.GE and not basic_target < challenge_target:
                errors.add(
                    "challenge_target", _("With direction ≥ the challenge target must be above the basic target.")
                )
            if direction == Direction.LE and not basic_target > challenge_target:
                errors.add(
                    "challenge_target", _("With direction ≤ the challenge target must be below the basic target.")
                )
            if basic_target is not None and basic_target <= 0:
                errors.add("basic_target", _("The basic target must be greater than 0."))
        share = _dec(
            params.get("basic_share", DEFAULT_BASIC_SHARE),
            errors,
            "params",
            _("The basic share"),
            min_=Decimal(0),
            max_=Decimal(1),
        )
        if share is not None:
            normalised["basic_share"] = str(share)
    elif method == Method.SCALE:
        bands = params.get("bands")
        if not isinstance(bands, list) or not bands:
            errors.add("params", _("Scale bands are missing: give a list of bands with a bound and points."))
        else:
            out, bounds = [], []
            for i, band in enumerate(bands, start=1):
                if not isinstance(band, dict):
                    errors.add("params", _("Band %(n)d must have a bound and points.") % {"n": i})
                    continue
                bound = _dec(band.get("bound"), errors, "params", _("The bound of band %(n)d") % {"n": i})
                pts = _dec(
                    band.get("points"),
                    errors,
                    "params",
                    _("The points of band %(n)d") % {"n": i},
                    min_=Decimal(0),
                    max_=points,
                )
                if bound is not None and pts is not None:
                    out.append({"bound": str(bound), "points": str(pts)})
                    bounds.append(bound)
            ordered = (
                all(a < b for a, b in zip(bounds, bounds[1:], strict=False))
                if direction == Direction.LE
                else all(a > b for a, b in zip(bounds, bounds[1:], strict=False))
            )
            if bounds and not ordered:
                errors.add(
                    "params",
                    _(
                        "Bands must be ordered: bounds strictly increasing for ≤ (e.g. within 1 h, within 2 h), "
                        "strictly decreasing for ≥."
                    ),
                )
            otherwise = _dec(
                params.get("otherwise", "0"), errors, "params", _("The points otherwise"), min_=Decimal(0), max_=points
            )
            normalised = {"bands": out, "otherwise": str(otherwise if otherwise is not None else 0)}
    elif method == Method.GRADE:
        grades = params.get("grades", {k: str(v) for k, v in DEFAULT_GRADES.items()})
        if not isinstance(grades, dict) or not grades:
            errors.add("params", _("Grades are missing: give each grade its share of the points in percent."))
        else:
            out = {}
            for code, share in grades.items():
                if not str(code).strip() or len(str(code)) > 10:
                    errors.add("params", _("A grade code must have 1 to 10 characters."))
                    continue
                d = _dec(
                    share, errors, "params", _("The share of grade %(g)s") % {"g": code}, min_=Decimal(0), max_=HUNDRED
                )
                if d is not None:
                    out[str(code)] = str(d)
            normalised = {"grades": out}
    elif method == Method.SATISFACTION:
        scope = params.get("scope", "overall")
        if scope not in SATISFACTION_SCOPES:
            errors.add("params", _("The scope must be one of: %(s)s.") % {"s": ", ".join(SATISFACTION_SCOPES)})
        # scope "department" without a code means the assessed department itself.
        if scope in ("area", "region") and not str(params.get("scope_code", "")).strip():
            errors.add("params", _("Name the area or region the indicator is scored on (scope_code)."))
        measure = params.get("measure", "rate")
        if measure not in SATISFACTION_MEASURES:
            errors.add("params", _("The measure must be 'rate' or 'score'."))
        target = _dec(
            params.get("target", basic_target if basic_target is not None else "85"),
            errors,
            "params",
            _("The satisfaction target"),
            positive=True,
            max_=HUNDRED,
        )
        normalised = {
            "survey": params.get("survey") or None,
            "scope": scope,
            "scope_code": str(params.get("scope_code", "")).strip(),
            "measure": measure,
            "target": str(target) if target is not None else None,
            "mode": params.get("mode", "proportional"),
        }
        if normalised["mode"] not in ("proportional", "threshold"):
            errors.add("params", _("The mode must be 'proportional' or 'threshold'."))
    elif method == Method.PER_UNIT:
        k = _dec(params.get("per_unit"), errors, "params", _("The points per unit"), positive=True)
        normalised = {"per_unit": str(k) if k is not None else None}
    elif method == Method.RANK:
        shares = params.get("shares", [str(s) for s in DEFAULT_RANK_SHARES])
        if not isinstance(shares, list) or not shares:
            errors.add("params", _("Give the share of the points in percent for each rank, best first."))
        else:
            out = []
            for i, share in enumerate(shares, start=1):
                d = _dec(
                    share, errors, "params", _("The share of rank %(n)d") % {"n": i}, min_=Decimal(0), max_=HUNDRED
                )
                if d is not None:
                    out.append(d)
            if any(a < b for a, b in zip(out, out[1:], strict=False)):
                errors.add("params", _("A better rank cannot get a smaller share."))
            rest = _dec(
                params.get("rest", "0"),
                errors,
                "params",
                _("The share beyond the listed ranks"),
                min_=Decimal(0),
                max_=HUNDRED,
            )
            normalised = {"shares": [str(d) for d in out], "rest": str(rest if rest is not None else 0)}
    carry = params.get("carry_over", False)
    if carry not in (True, False, "true", "false", 1, 0, "1", "0", None):
        errors.add("params", _("carry_over must be true or false."))
    elif carry in (True, "true", 1, "1"):
        if method in REPORTED:
            normalised["carry_over"] = True
        else:
            errors.add("params", _("Only an indicator scored on a reported value can carry a value over."))
    return normalised, dict(errors)
