"""Survey API serializers. Fields are listed explicitly; status, counts and keys are read-only."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _
from rest_framework import serializers

from organizations.models import Department

from ..models import Area, Question, Survey, SurveyRegion


class AreaSerializer(serializers.ModelSerializer):
    class Meta:
        model = Area
        fields = ["code", "name", "order"]


class SurveyRegionSerializer(serializers.ModelSerializer):
    code = serializers.CharField(source="region.code")
    name = serializers.CharField(source="region.name")
    population = serializers.IntegerField(source="region.population", allow_null=True)

    class Meta:
        model = SurveyRegion
        fields = ["code", "name", "population", "quota", "received", "is_closed"]


class SurveySerializer(serializers.ModelSerializer):
    areas = AreaSerializer(many=True, read_only=True)
    regions = SurveyRegionSerializer(many=True, read_only=True)
    public_url = serializers.SerializerMethodField()

    class Meta:
        model = Survey
        fields = [
            "code",
            "year",
            "title",
            "intro",
            "access",
            "ask_phone",
            "opens_on",
            "closes_on",
            "status",
            "public_url",
            "areas",
            "regions",
            "created_at",
            "closed_at",
            "version",
        ]
        read_only_fields = ["status", "public_url", "areas", "regions", "created_at", "closed_at", "version"]

    def get_public_url(self, obj) -> str | None:
        if obj.is_draft:
            return None
        path = reverse("satisfaction:public_survey", args=[obj.public_key])
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request else path


class AreaCodeField(serializers.CharField):
    """An area by its code within the question's survey (resolved in ``validate``)."""

    def get_attribute(self, instance):
        return instance.area.code if instance.area_id else None


class ChoiceLabelsField(serializers.ListField):
    def get_attribute(self, instance):
        return [c.label for c in instance.choices.all()]


class QuestionSerializer(serializers.ModelSerializer):
    survey = serializers.SlugRelatedField(slug_field="code", queryset=Survey.objects.all())
    area = AreaCodeField(allow_null=True, required=False, help_text="Area code within the survey")
    department = serializers.SlugRelatedField(
        slug_field="code", queryset=Department.objects.all(), allow_null=True, required=False
    )
    choices = ChoiceLabelsField(
        child=serializers.CharField(max_length=200),
        required=False,
        max_length=20,
        help_text="Single-choice questions: the choices in order (values 1, 2, …)",
    )

    class Meta:
        model = Question
        fields = [
            "id",
            "survey",
            "area",
            "department",
            "order",
            "text",
            "help_text",
            "kind",
            "required",
            "allow_unknown",
            "choices",
        ]

    def validate(self, attrs):
        survey = attrs.get("survey") or (self.instance.survey if self.instance else None)
        if self.instance is not None and "survey" in attrs and attrs["survey"] != self.instance.survey:
            raise serializers.ValidationError({"survey": [_("A question stays in its survey.")]})
        if "area" in attrs:
            code = attrs["area"]
            if code in (None, ""):
                attrs["area"] = None
            else:
                area = Area.objects.filter(survey=survey, code=code).first()
                if area is None:
                    raise serializers.ValidationError({"area": [_("No area with this code in the survey.")]})
                attrs["area"] = area
        return attrs


class EstimateSerializer(serializers.Serializer):
    n = serializers.IntegerField(help_text="respondents (not answers)")
    rate = serializers.DecimalField(max_digits=5, decimal_places=2, allow_null=True, help_text="percent")
    rate_low = serializers.DecimalField(max_digits=5, decimal_places=2, allow_null=True)
    rate_high = serializers.DecimalField(max_digits=5, decimal_places=2, allow_null=True)
    score = serializers.DecimalField(max_digits=5, decimal_places=2, allow_null=True, help_text="0–100")
    score_low = serializers.DecimalField(max_digits=5, decimal_places=2, allow_null=True)
    score_high = serializers.DecimalField(max_digits=5, decimal_places=2, allow_null=True)


class ResultRowSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField(source="label")
    hidden = serializers.BooleanField(help_text="Published results below the minimum group size: nothing shown")
    insufficient = serializers.BooleanField(
        help_text="Fewer respondents than min_group_size (样本不足): no rate or score, and no indicator score"
    )
    status = serializers.SerializerMethodField(help_text="“sample_too_small” or “ok”")

    def get_status(self, row) -> str:
        return "sample_too_small" if row.insufficient else "ok"

    estimate = EstimateSerializer()
    weighted = EstimateSerializer(allow_null=True)


class ResultsSerializer(serializers.Serializer):
    survey = serializers.CharField()
    by = serializers.CharField()
    weighted = serializers.BooleanField()
    published = serializers.BooleanField()
    min_group_size = serializers.IntegerField()
    results = ResultRowSerializer(many=True)


class QuotaRowSerializer(serializers.Serializer):
    code = serializers.CharField(source="region.code")
    name = serializers.CharField(source="region.name")
    quota = serializers.IntegerField(source="survey_region.quota")
    received = serializers.IntegerField(source="survey_region.received")
    fulfilment = serializers.DecimalField(max_digits=6, decimal_places=1, help_text="percent")
    is_closed = serializers.BooleanField(source="survey_region.is_closed")
    status = serializers.ChoiceField(choices=["open", "full", "closed"])
    codes_issued = serializers.IntegerField()
    codes_used = serializers.IntegerField()


class QuotaSerializer(serializers.Serializer):
    survey = serializers.CharField()
    status = serializers.CharField()
    quota_total = serializers.IntegerField()
    received_total = serializers.IntegerField()
    regions = QuotaRowSerializer(many=True)


class CodeRequestSerializer(serializers.Serializer):
    region = serializers.CharField(help_text="Region code")
    count = serializers.IntegerField(min_value=1)


class CodeBatchSerializer(serializers.Serializer):
    batch = serializers.IntegerField()
    region = serializers.CharField()
    count = serializers.IntegerField()
    codes = serializers.ListField(child=serializers.CharField(), help_text="Shown this once only")
    links = serializers.ListField(child=serializers.CharField())
