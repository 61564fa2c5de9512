"""Forms of the survey builder. Answer forms are checked by ``answers.clean_answers``."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from core.forms import StyledForm, StyledModelForm, VersionField
from organizations.models import Department

from .models import Area, Question, Survey, SurveyRegion


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class SurveyForm(StyledModelForm):
    version = VersionField()

    class Meta:
        model = Survey
        fields = ["year", "code", "title", "access", "ask_phone", "opens_on", "closes_on", "intro"]
        widgets = {
            "opens_on": DateInput(),
            "closes_on": DateInput(),
            "intro": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version
            if not self.instance.is_draft:
                for name in ("year", "code", "access", "ask_phone", "opens_on"):
                    self.fields[name].disabled = True


class AreaForm(StyledModelForm):
    class Meta:
        model = Area
        fields = ["code", "name", "order"]

    def __init__(self, *args, survey: Survey, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.survey = survey


class QuestionForm(StyledModelForm):
    choices = forms.CharField(
        label=_("Choices"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Single-choice questions only: one choice per line, in the order shown."),
    )

    class Meta:
        model = Question
        fields = ["area", "department", "order", "text", "help_text", "kind", "required", "allow_unknown"]
        widgets = {"text": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, survey: Survey, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.survey = survey
        self.fields["area"].queryset = Area.objects.filter(survey=survey)
        self.fields["department"].queryset = Department.objects.filter(is_active=True)
        if self.instance.pk and self.instance.kind == Question.Kind.CHOICE:
            self.fields["choices"].initial = "\n".join(self.instance.choices.values_list("label", flat=True))


class QuotaForm(StyledForm):
    """One quota field per region of the city; empty means the region is not sampled."""

    def __init__(self, *args, regions, current: dict[int, SurveyRegion], **kwargs):
        super().__init__(*args, **kwargs)
        self.regions = list(regions)
        for region in self.regions:
            sr = current.get(region.pk)
            self.fields[f"quota_{region.pk}"] = forms.IntegerField(
                label=region.name,
                required=False,
                min_value=1,
                max_value=1_000_000,
                initial=sr.quota if sr else None,
                widget=forms.NumberInput(attrs={"class": "form-control form-control-sm num", "inputmode": "numeric"}),
            )

    def rows(self):
        return [(region, self[f"quota_{region.pk}"]) for region in self.regions]

    def quotas(self) -> dict[int, int | None]:
        return {region.pk: self.cleaned_data.get(f"quota_{region.pk}") for region in self.regions}


class DistributeForm(StyledForm):
    total = forms.IntegerField(
        label=_("Total sample"),
        min_value=1,
        max_value=1_000_000,
        help_text=_("Shared among all regions in proportion to their population."),
    )


class CodeGenerateForm(StyledForm):
    survey_region = forms.ModelChoiceField(label=_("Region"), queryset=SurveyRegion.objects.select_related("region"))
    count = forms.IntegerField(label=_("Number of codes"), min_value=1)

    def __init__(self, *args, survey: Survey, **kwargs):
        # The styled form validates while it initialises: the survey must be known by then.
        self.survey = survey
        super().__init__(*args, **kwargs)
        self.fields["survey_region"].queryset = SurveyRegion.objects.filter(survey=survey).select_related("region")
        self.fields["survey_region"].label_from_instance = lambda sr: sr.region.name

    def clean_survey_region(self):
        sr = self.cleaned_data["survey_region"]
        if sr.survey_id != self.survey.pk:
            raise forms.ValidationError(_("Choose a region of this survey."))
        return sr
        self.fields["count"].widget.attrs["max"] = settings.SATISFACTION_MAX_CODES_PER_BATCH

    def clean_count(self):
        count = self.cleaned_data["count"]
        limit = settings.SATISFACTION_MAX_CODES_PER_BATCH
        if count > limit:
            raise forms.ValidationError(_("Generate at most %(n)d codes at a time.") % {"n": limit})
        return count


class CodeEntryForm(forms.Form):
    code = forms.CharField(label=_("Survey code"), max_length=30)
