"""Answer pages: the public survey page (no login) and the surveyor's interview entry.

The public page shows all question groups in one form; static/js/satisfaction.js turns it
into one group at a time with progress (without script every group shows and it still works).
One POST stores the whole response, in a few queries with bulk inserts.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.csrf import csrf_protect

from core.errors import ApplicationError
from core.roles import P
from core.views_mixins import PermMixin

from .. import selectors, services, throttle
from ..answers import Structure, clean_answers, format_code, normalise_code
from ..models import AccessCode, Channel, Survey

PUBLIC_LANGUAGES = {"zh-hans", "en"}


def form_groups(structure: Structure, data=None, errors=None, *, steps_before: int = 0) -> list[dict]:
    """Groups of questions ready for the template: options with their checked state and errors.

    ``steps_before``: steps shown before the questions (the "about you" step of the open link).
    """
    data = data or {}
    errors = errors or {}
    groups = []
    total = len(structure.groups) + steps_before
    for index, group in enumerate(structure.groups, start=1 + steps_before):
        items = []
        for q in group.questions:
            value = str(data.get(q.name, "")).strip()
            items.append(
                {
                    "q": q,
                    "value": value,
                    "errors": errors.get(q.name, []),
                    "options": [(v, label, value == str(v)) for v, label in q.options],
                }
            )
        groups.append(
            {
                "key": group.key,
                "title": group.title,
                "index": index,
                "total": total,
                "percent": round(index * 100 / total) if total else 100,
                "items": items,
                "has_error": any(i["errors"] for i in items),
            }
        )
    return groups


class PublicView(View):
    """Base of the public pages: Chinese unless the visitor chose English, no login."""

    def dispatch(self, request, *args, **kwargs):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        with translation.override(chosen if chosen in PUBLIC_LANGUAGES else "zh-hans"):
            response = super().dispatch(request, *args, **kwargs)
            response.headers.setdefault("Cache-Control", "no-store")
            return response

    def message(self, request, survey, title, text, status=200):
        return render(
            request,
            "satisfaction/public/message.html",
            {"survey": survey, "title": title, "text": text},
            status=status,
        )

    def too_many(self, request, survey):
        return self.message(
            request,
            survey,
            _("Too many attempts"),
            _("Too many attempts from this network or with this code. Please try again later."),
            status=429,
        )


# The open link's blank form per (survey version, language, address, regions); see blank_form.
_BLANK_FORMS: dict[tuple, str] = {}
_BLANK_FORMS_SIZE = 32
_TOKEN_SLOT = "csrf-token-slot-" + "0" * 48


@method_decorator(csrf_protect, name="dispatch")
class PublicSurveyView(PublicView):
    """``s/<key>/``: the open link, or the code entry of a survey answered with codes.
    ``s/<key>/<code>/``: the link of a one-time code."""

    def setup_survey(self, request, key, code):
        survey, regions = selectors.public_survey(key=key)
        state = {"survey": survey, "code": None, "region": None, "regions": regions}
        reason = services.accepting_error(survey)
        if reason:
            early = survey.status == Survey.Status.OPEN and timezone.localdate() < survey.opens_on
            status = 200 if early else 410
            return state, self.message(request, survey, _("Survey not open"), reason, status=status)
        if survey.access == Survey.Access.OPEN:
            if code is not None:
                raise Http404
            return state, None
        if code is None:
            return state, None
        if throttle.bad_codes_exceeded(request) or not throttle.allow_code_attempt(normalise_code(code)):
            return state, self.too_many(request, survey)
        ac = selectors.code_lookup(raw=code)
        if ac is None or ac.survey_id != survey.pk:
            throttle.record_bad_code(request)
            return state, self.message(
                request,
                survey,
                _("Code not recognised"),
                _("This survey code is not valid. Please check the code in your message or letter."),
                status=404,
            )
        if ac.state == AccessCode.State.USED:
            return state, self.message(
                request,
                survey,
                _("Code already used"),
                _("This code has already been used. Each code can answer the survey once. Thank you."),
                status=409,
            )
        if ac.state == AccessCode.State.VOID:
            return state, self.message(
                request, survey, _("Code no longer valid"), _("This code has been withdrawn."), status=410
            )
        sr = ac.survey_region
        if not sr.accepting:
            return state, self.message(
                request, survey, _("Quota reached"), services.region_full_message(sr), status=409
            )
        state.update(code=ac, region=sr)
        return state, None

    def render_form(self, request, state, structure, data=None, errors=None, status=200):
        survey = state["survey"]
        open_link = survey.access == Survey.Access.OPEN
        if open_link and data is None and errors is None and status == 200:
            return self.blank_form(request, state, structure)
        return self.render_page(request, state, structure, data, errors, status)

    def blank_form(self, request, state, structure):
        """The open link's empty form, the same for every visitor but its CSRF token: rendered once
        per survey version, language, address and regions, then served with the visitor's token."""
        survey = state["survey"]
        key = (
            survey.pk,
            survey.public_key,
            survey.version,
            survey.title,
            survey.intro,
            survey.ask_phone,
            translation.get_language(),
            request.get_full_path(),
            tuple((sr.pk, sr.region.name) for sr in structure.regions),
        )
        page = _BLANK_FORMS.get(key)
        if page is None:
            response = self.render_page(request, state, structure, csrf_token=_TOKEN_SLOT)
            page = response.content.decode(response.charset)
            if len(_BLANK_FORMS) >= _BLANK_FORMS_SIZE:
                _BLANK_FORMS.pop(next(iter(_BLANK_FORMS)))
            _BLANK_FORMS[key] = page
        return HttpResponse(page.replace(_TOKEN_SLOT, get_token(request)))

    def render_page(self, request, state, structure, data=None, errors=None, status=200, csrf_token=None):
        survey = state["survey"]
        open_link = survey.access == Survey.Access.OPEN
        extra = {} if csrf_token is None else {"csrf_token": csrf_token}
        return render(
            request,
            "satisfaction/public/survey.html",
            {
                **extra,
                "survey": survey,
                "groups": form_groups(structure, data, errors, steps_before=1 if open_link else 0),
                "step_total": len(structure.groups) + 1,
                "first_percent": round(100 / (len(structure.groups) + 1)),
                "max_text": settings.SATISFACTION_MAX_TEXT_LENGTH,
                "errors": errors or {},
                "data": data or {},
                "region": state["region"],
                "regions": [r for r in structure.regions if open_link],
                "ask_region": open_link,
                "ask_phone": open_link and survey.ask_phone,
                "display_code": format_code(normalise_code(state["code_raw"])) if state.get("code_raw") else "",
                "error_count": sum(len(v) for v in (errors or {}).values()),
                "general_errors": (errors or {}).get("__all__", []),
            },
            status=status,
        )

    def get(self, request, key, code=None):
        state, refusal = self.setup_survey(request, key, code)
        if refusal:
            return refusal
        survey = state["survey"]
        if survey.access == Survey.Access.CODE and code is None:
            raw = request.GET.get("code", "")
            if raw:
                return redirect("satisfaction:public_code", key=key, code=format_code(normalise_code(raw)))
            return render(request, "satisfaction/public/code_entry.html", {"survey": survey})
        state["code_raw"] = code
        return self.render_form(request, state, selectors.survey_structure(survey=survey, regions=state["regions"]))

    def post(self, request, key, code=None):
        if not throttle.allow_submit(request):
            survey = selectors.survey_by_key(key=key)
            return self.too_many(request, survey)
        state, refusal = self.setup_survey(request, key, code)
        if refusal:
            return refusal
        survey = state["survey"]
        if survey.access == Survey.Access.CODE and code is None:
            raise Http404
        state["code_raw"] = code
        structure = selectors.survey_structure(survey=survey, regions=state["regions"])
        open_link = survey.access == Survey.Access.OPEN
        cleaned, errors = clean_answers(
            structure, request.POST, need_region=open_link, need_phone=open_link and survey.ask_phone
        )
        region = state["region"] or cleaned.survey_region
        if not errors and region is not None and not region.accepting:
            return self.message(request, survey, _("Quota reached"), services.region_full_message(region), status=409)
        if errors:
            return self.render_form(request, state, structure, request.POST, errors, status=400)
        try:
            services.response_submit(
                survey=survey,
                survey_region=region,
                cleaned=cleaned,
                channel=Channel.CODE if state["code"] else Channel.OPEN,
                code=state["code"],
            )
        except ApplicationError as exc:
            if exc.errors:
                return self.render_form(request, state, structure, request.POST, exc.errors, status=400)
            titles = {
                "code_used": _("Code already used"),
                "quota_full": _("Quota reached"),
                "not_accepting": _("Survey not open"),
            }
            return self.message(request, survey, titles.get(exc.code, _("Not accepted")), exc.message, status=409)
        return redirect("satisfaction:public_thanks", key=survey.public_key)


class PublicThanksView(PublicView):
    def get(self, request, key):
        survey = selectors.survey_by_key(key=key)
        return render(request, "satisfaction/public/thanks.html", {"survey": survey})


class InterviewStartView(PermMixin, View):
    """Choose the survey to enter interview answers for (surveyor)."""

    perm = P.ENTER_ANSWERS

    def get(self, request):
        surveys = selectors.surveys_for_user(user=request.user).filter(status=Survey.Status.OPEN)
        return render(request, "satisfaction/interview_start.html", {"surveys": surveys})


class InterviewView(PermMixin, View):
    """Enter the answers of an interview (paper or phone) for a region (surveyor)."""

    perm = P.ENTER_ANSWERS

    def _render(self, request, survey, structure, data=None, errors=None, status=200):
        return render(
            request,
            "satisfaction/interview.html",
            {
                "survey": survey,
                "groups": form_groups(structure, data, errors),
                "regions": structure.regions,
                "errors": errors or {},
                "data": data or {},
                "not_accepting": services.accepting_error(survey),
                "error_count": sum(len(v) for v in (errors or {}).values()),
                "general_errors": (errors or {}).get("__all__", []),
            },
            status=status,
        )

    def get(self, request, pk):
        survey = selectors.survey_get_for_user(user=request.user, pk=pk)
        structure = selectors.survey_structure(survey=survey)
        data = {"region": request.GET.get("region", "")}
        return self._render(request, survey, structure, data)

    def post(self, request, pk):
        survey = selectors.survey_get_for_user(user=request.user, pk=pk)
        structure = selectors.survey_structure(survey=survey)
        cleaned, errors = clean_answers(structure, request.POST, need_region=True, need_phone=survey.ask_phone)
        if not errors:
            try:
                services.response_submit(
                    survey=survey,
                    survey_region=cleaned.survey_region,
                    cleaned=cleaned,
                    channel=Channel.INTERVIEW,
                    actor=request.user,
                )
            except ApplicationError as exc:
                errors = exc.errors or {"__all__": [exc.message]}
            else:
                messages.success(
                    request,
                    _("Interview saved for %(region)s. Enter the next one.") % {"region": cleaned.survey_region.region},
                )
                url = reverse("satisfaction:interview", args=[survey.pk])
                return redirect(f"{url}?region={cleaned.survey_region.pk}")
        return self._render(request, survey, structure, request.POST, errors, status=400)
