"""The shape of a survey as respondents see it, and the checking of submitted answers.

Used by the public page, the interview entry page and the services alike, so every channel
refuses the same input with the same field-level messages. Pure: no database access.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

SCALE_OPTIONS = [
    (5, gettext_lazy("Very satisfied")),
    (4, gettext_lazy("Satisfied")),
    (3, gettext_lazy("Neutral")),
    (2, gettext_lazy("Dissatisfied")),
    (1, gettext_lazy("Very dissatisfied")),
]
UNKNOWN = 0
UNKNOWN_LABEL = gettext_lazy("Don't know")
YESNO_OPTIONS = [(1, gettext_lazy("Yes")), (0, gettext_lazy("No"))]

# Codes: 10 characters without look-alikes (0/O, 1/I/L), about 50 bits; shown as XXXXX-XXXXX.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 10
_NOT_CODE = re.compile(r"[^0-9A-Z]")


@dataclass
class QuestionSpec:
    id: int
    number: int
    text: str
    help_text: str
    kind: str
    required: bool
    allow_unknown: bool
    area_id: int | None
    department_id: int | None
    options: list[tuple[int, str]] = field(default_factory=list)

    @property
    def name(self) -> str:
        return f"q{self.id}"

    @property
    def is_scale(self) -> bool:
        return self.kind == "scale"


@dataclass
class Group:
    """Questions shown together on one step of the public page (an area, or the rest)."""

    key: str
    title: str
    questions: list[QuestionSpec]


@dataclass
class Structure:
    survey: object
    groups: list[Group]
    regions: list  # SurveyRegion with region loaded

    @property
    def questions(self) -> list[QuestionSpec]:
        return [q for g in self.groups for q in g.questions]


@dataclass
class Cleaned:
    """Checked answers: (question, int value) for closed questions, (question, text) for text."""

    values: list[tuple[QuestionSpec, int]]
    texts: list[tuple[QuestionSpec, str]]
    survey_region: object | None = None
    phone_hash: str | None = None


def options_for(kind: str, allow_unknown: bool, choices: list[tuple[int, str]]) -> list[tuple[int, str]]:
    if kind == "scale":
        return SCALE_OPTIONS + ([(UNKNOWN, UNKNOWN_LABEL)] if allow_unknown else [])
    if kind == "yesno":
        return YESNO_OPTIONS
    if kind == "choice":
        return choices
    return []


def normalise_code(raw: str) -> str:
    return _NOT_CODE.sub("", (raw or "").upper())


def format_code(code: str) -> str:
    half = len(code) // 2
    return f"{code[:half]}-{code[half:]}"


def code_hash(raw: str) -> str:
    """SHA-256 of the normalised code: codes carry ~50 random bits, so no key is needed."""
    return hashlib.sha256(normalise_code(raw).encode()).hexdigest()


def normalise_phone(raw: str) -> str | None:
    """Digits of a phone number without the +86 prefix; None if it does not look like one."""
    digits = re.sub(r"[\s\-()]", "", raw or "")
    if digits.startswith("+"):
        digits = digits[1:]
    if not digits.isdigit():
        return None
    if digits.startswith("86") and len(digits) == 13:
        digits = digits[2:]
    if not 7 <= len(digits) <= 15:
        return None
    return digits


def phone_hash(raw: str) -> str | None:
    """Keyed hash (HMAC-SHA256) of a phone number: refuses duplicates without keeping the number."""
    digits = normalise_phone(raw)
    if digits is None:
        return None
    key = settings.SATISFACTION_PHONE_HASH_KEY or ("perfgov.satisfaction.phone:" + settings.SECRET_KEY)
    return hmac.new(key.encode(), b"phone:" + digits.encode(), hashlib.sha256).hexdigest()


def clean_answers(
    structure: Structure,
    data: Mapping,
    *,
    need_region: bool = False,
    need_phone: bool = False,
) -> tuple[Cleaned, dict[str, list[str]]]:
    """Check submitted form data (``q<id>`` → value) against the survey.

    Returns the cleaned answers and field errors (empty when all is well). ``need_region``:
    the respondent chooses the region (public link, interview); ``need_phone``: a phone number
    is required to refuse duplicates.
    """
    errors: dict[str, list[str]] = {}
    values: list[tuple[QuestionSpec, int]] = []
    texts: list[tuple[QuestionSpec, str]] = []
    max_text = settings.SATISFACTION_MAX_TEXT_LENGTH
    for q in structure.questions:
        raw = data.get(q.name, "")
        raw = raw.strip() if isinstance(raw, str) else str(raw)
        if q.kind == "text":
            if not raw:
                if q.required:
                    errors[q.name] = [_("Please answer this question.")]
                continue
            if len(raw) > max_text:
                errors[q.name] = [_("Please write at most %(n)d characters.") % {"n": max_text}]
                continue
            texts.append((q, raw))
            continue
        if raw == "":
            if q.required:
                errors[q.name] = [_("Please choose an answer.")]
            continue
        allowed = {v for v, _label in q.options}
        try:
            value = int(raw)
        except ValueError:
            value = None
        if value is None or value not in allowed:
            errors[q.name] = [_("Please choose one of the answers offered.")]
            continue
        values.append((q, value))
    cleaned = Cleaned(values=values, texts=texts)
    if need_region:
        raw = str(data.get("region", "")).strip()
        by_id = {str(r.pk): r for r in structure.regions}
        if not raw:
            errors["region"] = [_("Please choose your district or county.")]
        elif raw not in by_id:
            errors["region"] = [_("Please choose one of the districts offered.")]
        else:
            cleaned.survey_region = by_id[raw]
    if need_phone:
        raw = str(data.get("phone", "")).strip()
        if not raw:
            errors["phone"] = [_("Please give your phone number.")]
        else:
            cleaned.phone_hash = phone_hash(raw)
            if cleaned.phone_hash is None:
                errors["phone"] = [_("Please give a valid phone number (digits only).")]
    if not errors and not values and not texts:
        errors["__all__"] = [_("Please answer at least one question.")]
    return cleaned, errors
