"""Survey builder pages for the survey firm and the supervision office (P.MANAGE_SURVEY)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import F
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from core.errors import ApplicationError
from core.roles import P
from core.views_mixins import PermMixin, apply_error
from organizations.selectors import regions_list

from .. import exports, selectors, services
from ..forms import AreaForm, CodeGenerateForm, DistributeForm, QuestionForm, QuotaForm, SurveyForm
from ..models import Area, CodeBatch, Question, Survey, SurveyRegion


def survey_for(request, pk: int) -> Survey:
    return selectors.survey_get_for_user(user=request.user, pk=pk)


class SurveyListView(PermMixin, View):
    perm = P.READ_SURVEY_RESULTS

    def get(self, request):
        year = request.GET.get("year", "")
        qs = selectors.surveys_for_user(user=request.user)
        if year.isdigit():
            qs = qs.filter(year=int(year))
        return render(
            request,
            "satisfaction/survey_list.html",
            {
                "surveys": qs,
                "year": year,
                "years": sorted(set(selectors.surveys_for_user(user=request.user).values_list("year", flat=True))),
                "can_manage": request.user.has_perm(P.MANAGE_SURVEY),
                "can_interview": request.user.has_perm(P.ENTER_ANSWERS),
            },
        )


class SurveyEditView(PermMixin, View):
    """Create a survey, or change its basics."""

    perm = P.MANAGE_SURVEY

    def _render(self, request, form, survey):
        title = _("Edit survey") if survey else _("New survey")
        return render(request, "satisfaction/survey_form.html", {"form": form, "survey": survey, "title": title})

    def get(self, request, pk=None):
        survey = survey_for(request, pk) if pk else None
        return self._render(request, SurveyForm(instance=survey), survey)

    def post(self, request, pk=None):
        survey = survey_for(request, pk) if pk else None
        form = SurveyForm(request.POST, instance=survey)
        if form.is_valid():
            data = {f: form.cleaned_data[f] for f in form._meta.fields if f in form.cleaned_data}
            try:
                if survey is None:
                    saved = services.survey_create(data=data, actor=request.user)
                else:
                    saved = services.survey_update(
                        survey=survey, data=data, actor=request.user, expected_version=form.cleaned_data.get("version")
                    )
            except (ApplicationError, ValidationError) as exc:
                apply_error(form, exc)
            else:
                messages.success(request, _("Saved: %(obj)s") % {"obj": saved})
                return redirect("satisfaction:survey_detail", pk=saved.pk)
        return self._render(request, form, survey)


class SurveyDetailView(PermMixin, View):
    """The builder: basics, status, areas, questions, regions and quotas, links."""

    perm = P.MANAGE_SURVEY

    def get(self, request, pk):
        survey = survey_for(request, pk)
        structure = selectors.survey_structure(survey=survey)
        questions = (
            Question.objects.filter(survey=survey)
            .select_related("area", "department")
            .prefetch_related("choices")
            .order_by(F("area__order").asc(nulls_last=True), "area_id", "order", "id")
        )
        public_url = request.build_absolute_uri(reverse("satisfaction:public_survey", args=[survey.public_key]))
        return render(
            request,
            "satisfaction/survey_detail.html",
            {
                "survey": survey,
                "areas": Area.objects.filter(survey=survey).prefetch_related("questions"),
                "questions": questions,
                "regions": structure.regions,
                "quota_total": sum(r.quota for r in structure.regions),
                "received_total": sum(r.received for r in structure.regions),
                "public_url": public_url,
            },
        )


class SurveyStatusView(PermMixin, View):
    """Open a draft survey, or close an open one (audited)."""

    perm = P.MANAGE_SURVEY
    action = "open"

    def post(self, request, pk):
        survey = survey_for(request, pk)
        try:
            if self.action == "open":
                services.survey_open(survey=survey, actor=request.user)
                messages.success(request, _("The survey is open for answers."))
            else:
                services.survey_close(survey=survey, actor=request.user)
                messages.success(request, _("The survey is closed. No more answers are accepted."))
        except ApplicationError as exc:
            messages.error(request, exc.message)
        return redirect("satisfaction:survey_detail", pk=survey.pk)


class AreaEditView(PermMixin, View):
    perm = P.MANAGE_SURVEY

    def _area(self, survey, area_id):
        return get_object_or_404(Area, survey=survey, pk=area_id) if area_id else None

    def _render(self, request, survey, form, area):
        title = _("Edit area") if area else _("New area")
        return render(
            request,
            "satisfaction/object_form.html",
            {
                "survey": survey,
                "form": form,
                "object": area,
                "title": title,
                "anchor": "areas",
                "frozen": not survey.is_draft,
            },
        )

    def get(self, request, pk, area_id=None):
        survey = survey_for(request, pk)
        area = self._area(survey, area_id)
        return self._render(request, survey, AreaForm(instance=area, survey=survey), area)

    def post(self, request, pk, area_id=None):
        survey = survey_for(request, pk)
        area = self._area(survey, area_id)
        form = AreaForm(request.POST, instance=area, survey=survey)
        if form.is_valid():
            try:
                services.area_save(survey=survey, area=area, data=form.cleaned_data, actor=request.user)
            except (ApplicationError, ValidationError) as exc:
                apply_error(form, exc)
            else:
                return redirect(reverse("satisfaction:survey_detail", args=[survey.pk]) + "#areas")
        return self._render(request, survey, form, area)


class AreaStandardView(PermMixin, View):
    perm = P.MANAGE_SURVEY

    def post(self, request, pk):
        survey = survey_for(request, pk)
        try:
            n = services.areas_add_standard(survey=survey, actor=request.user)
        except ApplicationError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("%(n)d areas added.") % {"n": n})
        return redirect(reverse("satisfaction:survey_detail", args=[survey.pk]) + "#areas")


class AreaDeleteView(PermMixin, View):
    perm = P.MANAGE_SURVEY

    def post(self, request, pk, area_id):
        survey = survey_for(request, pk)
        area = get_object_or_404(Area, survey=survey, pk=area_id)
        try:
            services.area_delete(area=area, actor=request.user)
        except ApplicationError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Deleted: %(obj)s") % {"obj": area.name})
        return redirect(reverse("satisfaction:survey_detail", args=[survey.pk]) + "#areas")


class QuestionEditView(PermMixin, View):
    perm = P.MANAGE_SURVEY

    def _question(self, survey, question_id):
        return get_object_or_404(Question, survey=survey, pk=question_id) if question_id else None

    def _render(self, request, survey, form, question):
        title = _("Edit question") if question else _("New question")
        return render(
            request,
            "satisfaction/object_form.html",
            {
                "survey": survey,
                "form": form,
                "object": question,
                "title": title,
                "anchor": "questions",
                "frozen": not survey.is_draft,
            },
        )

    def get(self, request, pk, question_id=None):
        survey = survey_for(request, pk)
        question = self._question(survey, question_id)
        initial = {}
        if question is None and request.GET.get("area", "").isdigit():
            initial["area"] = int(request.GET["area"])
        return self._render(request, survey, QuestionForm(instance=question, survey=survey, initial=initial), question)

    def post(self, request, pk, question_id=None):
        survey = survey_for(request, pk)
        question = self._question(survey, question_id)
        form = QuestionForm(request.POST, instance=question, survey=survey)
        if form.is_valid():
            data = {f: form.cleaned_data[f] for f in form._meta.fields}
            try:
                services.question_save(
                    survey=survey,
                    question=question,
                    data=data,
                    choices=services.parse_choices(form.cleaned_data.get("choices", "")),
                    actor=request.user,
                )
            except (ApplicationError, ValidationError) as exc:
                apply_error(form, exc)
            else:
                return redirect(reverse("satisfaction:survey_detail", args=[survey.pk]) + "#questions")
        return self._render(request, survey, form, question)


class QuestionDeleteView(PermMixin, View):
    perm = P.MANAGE_SURVEY

    def post(self, request, pk, question_id):
        survey = survey_for(request, pk)
        question = get_object_or_404(Question, survey=survey, pk=question_id)
        try:
            services.question_delete(question=question, actor=request.user)
        except ApplicationError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("The question was deleted."))
        return redirect(reverse("satisfaction:survey_detail", args=[survey.pk]) + "#questions")


class QuotaView(PermMixin, View):
    """The sampling plan: a quota per region, or a total shared by population."""

    perm = P.MANAGE_SURVEY

    def _forms(self, survey, data=None, distribute=None):
        current = {sr.region_id: sr for sr in SurveyRegion.objects.filter(survey=survey)}
        regions = regions_list()
        return QuotaForm(data, regions=regions, current=current), distribute or DistributeForm(prefix="dist")

    def _render(self, request, survey, form, dist):
        return render(request, "satisfaction/quotas.html", {"survey": survey, "form": form, "dist_form": dist})

    def get(self, request, pk):
        survey = survey_for(request, pk)
        form, dist = self._forms(survey)
        return self._render(request, survey, form, dist)

    def post(self, request, pk):
        survey = survey_for(request, pk)
        if "distribute" in request.POST:
            dist = DistributeForm(request.POST, prefix="dist")
            form, _dist = self._forms(survey)
            if dist.is_valid():
                proposal = exports.distribute_by_population(list(regions_list()), dist.cleaned_data["total"])
                if proposal is None:
                    dist.add_error("total", _("Every region needs a population to share the sample by it."))
                else:
                    form = QuotaForm(
                        initial={f"quota_{k}": v for k, v in proposal.items()},
                        regions=regions_list(),
                        current={},
                    )
                    messages.info(request, _("Proposed quotas below: check them, then save."))
            return self._render(request, survey, form, dist)
        form, dist = self._forms(survey, request.POST)
        if form.is_valid():
            try:
                services.quotas_set(survey=survey, quotas=form.quotas(), actor=request.user)
            except ApplicationError as exc:
                apply_error(form, exc)
            else:
                messages.success(request, _("The quotas were saved."))
                return redirect(reverse("satisfaction:survey_detail", args=[survey.pk]) + "#regions")
        return self._render(request, survey, form, dist)


class RegionToggleView(PermMixin, View):
    """Close a region's quota early, or reopen it."""

    perm = P.MANAGE_SURVEY

    def post(self, request, pk, sr_id):
        survey = survey_for(request, pk)
        sr = get_object_or_404(SurveyRegion.objects.select_related("region"), survey=survey, pk=sr_id)
        try:
            sr = services.region_set_closed(survey_region=sr, closed=not sr.is_closed, actor=request.user)
        except ApplicationError as exc:
            messages.error(request, exc.message)
        else:
            if sr.is_closed:
                messages.success(request, _("%(region)s takes no more answers.") % {"region": sr.region.name})
            else:
                messages.success(request, _("%(region)s takes answers again.") % {"region": sr.region.name})
        target = request.POST.get("next", "")
        if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
            target = reverse("satisfaction:survey_detail", args=[survey.pk])
        return redirect(target)


class CodesView(PermMixin, View):
    """Code batches of a survey; generating a batch downloads its codes (the only time shown)."""

    perm = P.MANAGE_SURVEY

    def _render(self, request, survey, form, status=200):
        batches = CodeBatch.objects.filter(survey=survey).select_related("survey_region__region", "created_by")
        return render(
            request,
            "satisfaction/codes.html",
            {"survey": survey, "form": form, "batches": batches, "quota": selectors.quota_status(survey=survey)},
            status=status,
        )

    def get(self, request, pk):
        survey = survey_for(request, pk)
        return self._render(request, survey, CodeGenerateForm(survey=survey))

    def post(self, request, pk):
        survey = survey_for(request, pk)
        form = CodeGenerateForm(request.POST, survey=survey)
        if form.is_valid():
            try:
                batch, codes = services.codes_generate(
                    survey_region=form.cleaned_data["survey_region"],
                    count=form.cleaned_data["count"],
                    actor=request.user,
                )
            except ApplicationError as exc:
                apply_error(form, exc)
            else:
                base = request.build_absolute_uri(reverse("satisfaction:public_survey", args=[survey.public_key]))
                content = exports.codes_xlsx(survey=survey, batch=batch, codes=codes, base_url=base)
                services.codes_exported(batch=batch, actor=request.user)
                response = HttpResponse(content, content_type=exports.XLSX)
                filename = f"survey-{survey.code}-{batch.survey_region.region.code}-codes-{batch.pk}.xlsx"
                response["Content-Disposition"] = f'attachment; filename="{filename}"'
                response["Cache-Control"] = "no-store"
                return response
        return self._render(request, survey, form, status=400)


class BatchVoidView(PermMixin, View):
    perm = P.MANAGE_SURVEY

    def post(self, request, pk, batch_id):
        survey = survey_for(request, pk)
        batch = get_object_or_404(CodeBatch, survey=survey, pk=batch_id)
        n = services.batch_void(batch=batch, actor=request.user)
        messages.success(request, _("%(n)d unused codes were voided.") % {"n": n})
        return redirect("satisfaction:codes", pk=survey.pk)


class QuotaBoardView(PermMixin, View):
    """The live quota board; the table refreshes itself (htmx polling)."""

    perm = P.MANAGE_SURVEY
    fragment = False
    title = gettext_lazy("Quota board")

    def get(self, request, pk):
        survey = survey_for(request, pk)
        rows = selectors.quota_status(survey=survey)
        context = {
            "survey": survey,
            "rows": rows,
            "quota_total": sum(r.survey_region.quota for r in rows),
            "received_total": sum(r.survey_region.received for r in rows),
            "codes_issued": sum(r.codes_issued for r in rows),
            "codes_used": sum(r.codes_used for r in rows),
        }
        template = "satisfaction/_quota_table.html" if self.fragment else "satisfaction/quota_board.html"
        return render(request, template, context)


class TextAnswersView(PermMixin, View):
    """The latest free-text answers of a question (survey managers only)."""

    perm = P.MANAGE_SURVEY

    def get(self, request, pk, question_id):
        survey = survey_for(request, pk)
        question = get_object_or_404(Question, survey=survey, pk=question_id, kind=Question.Kind.TEXT)
        return render(
            request,
            "satisfaction/text_answers.html",
            {
                "survey": survey,
                "question": question,
                "texts": selectors.text_answers(survey=survey, question_id=question.pk),
            },
        )
