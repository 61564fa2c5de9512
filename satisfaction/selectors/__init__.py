"""Reads of surveys and their results. Results are SQL aggregates, never loops over answers.

Surveys are not department data: survey managers (surveyor, supervision office) see every
survey including drafts; readers of results (finance, leaders, API clients) see opened and
closed surveys only, with groups below the minimum size hidden.

One module per concern: surveys, results, and the link to scoring.
"""

from .results import (
    ResultRow,
    min_group_size,
    question_distribution,
    results_chart,
    survey_results,
    survey_results_all,
    text_answers,
)
from .scoring import (
    NO_SURVEY,
    SatisfactionInput,
    department_estimates,
    department_rating,
    indicator_input,
    indicator_inputs,
    indicator_value,
    indicator_values,
)
from .surveys import (
    DIMENSIONS,
    QuotaRow,
    code_lookup,
    public_survey,
    quota_status,
    survey_by_key,
    survey_get_for_user,
    survey_structure,
    surveys_for_user,
)


def clear_caches() -> None:
    """Empty the in-process caches of survey structures and histograms (the benchmark's cold runs)."""
    from . import results, scoring, surveys

    for cache in (surveys._GROUPS_CACHE, results._HISTS_CACHE, scoring._SCOPES_CACHE):
        cache.clear()


__all__ = [
    "clear_caches",
    "DIMENSIONS",
    "NO_SURVEY",
    "QuotaRow",
    "ResultRow",
    "SatisfactionInput",
    "code_lookup",
    "department_estimates",
    "department_rating",
    "indicator_input",
    "indicator_inputs",
    "indicator_value",
    "indicator_values",
    "min_group_size",
    "public_survey",
    "question_distribution",
    "quota_status",
    "results_chart",
    "survey_by_key",
    "survey_get_for_user",
    "survey_results",
    "survey_results_all",
    "survey_structure",
    "surveys_for_user",
    "text_answers",
]
