"""Template helpers of the rectification ledger, used by the leader's dashboard and the public page
(higher layers include them by name; the ledger knows nothing of them)."""

from django import template

register = template.Library()


@register.inclusion_tag("rectification/_rates.html")
def rectification_rates(user, year):
    """Rectification rate (closed on time ÷ due) per department, for readers of the ledger."""
    from core.roles import P

    from .. import selectors

    if not (user.has_perm(P.READ_ALL_RECTIFICATION) or user.has_perm(P.READ_OWN_RECTIFICATION)):
        return {"show": False}
    rates = selectors.rectification_rates(user=user, year=year)
    return {"show": bool(rates), "rates": rates, "year": year}


@register.inclusion_tag("rectification/_public_counts.html")
def rectification_public_counts(year):
    """Counts of items raised and closed, only where the year's setting discloses them."""
    from .. import selectors

    if not selectors.discloses(year=year):
        return {"show": False}
    return {"show": True, "year": year, "counts": selectors.closed_counts(year=year)}
