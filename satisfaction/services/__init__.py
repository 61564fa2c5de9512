"""Writes of the satisfaction app. Each is atomic, validated and, where it matters, audited.

One module per concern: surveys and their structure, distribution (regions, quotas, codes),
responses, and the periodic quota check.
"""

from .distribution import batch_void, codes_exported, codes_generate, quotas_set, region_set_closed, results_exported
from .quota_check import quota_check
from .responses import _insert_answers, accepting_error, region_full_message, response_submit
from .surveys import (
    SURVEY_FIELDS,
    area_delete,
    area_save,
    areas_add_standard,
    parse_choices,
    question_delete,
    question_save,
    survey_close,
    survey_create,
    survey_open,
    survey_update,
)

__all__ = [
    "SURVEY_FIELDS",
    "_insert_answers",
    "accepting_error",
    "area_delete",
    "area_save",
    "areas_add_standard",
    "batch_void",
    "codes_exported",
    "codes_generate",
    "parse_choices",
    "question_delete",
    "question_save",
    "quota_check",
    "quotas_set",
    "region_full_message",
    "region_set_closed",
    "response_submit",
    "results_exported",
    "survey_close",
    "survey_create",
    "survey_open",
    "survey_update",
]
