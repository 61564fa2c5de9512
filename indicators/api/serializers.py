from rest_framework import serializers

from organizations.models import Department

from ..models import Category, GradeBand, Indicator, Library, Rule


class LibrarySerializer(serializers.ModelSerializer):
    cloned_from = serializers.SlugRelatedField(slug_field="year", read_only=True, allow_null=True)

    class Meta:
        model = Library
        fields = ["year", "name", "status", "cloned_from", "cloned_at"]
        read_only_fields = ["cloned_from", "cloned_at"]


class YearField(serializers.SlugRelatedField):
    def __init__(self, **kwargs):
        super().__init__(slug_field="year", queryset=Library.objects.all(), **kwargs)


class CategorySerializer(serializers.ModelSerializer):
    year = YearField(source="library")
    parent = serializers.SlugRelatedField(
        slug_field="code", queryset=Category.objects.all(), allow_null=True, required=False
    )

    class Meta:
        model = Category
        fields = ["id", "year", "code", "name", "parent", "points", "order", "description"]

    def to_internal_value(self, data):
        # Parent codes are unique per year only: resolve them within the given year.
        library = Library.objects.filter(year=data.get("year")).first() if hasattr(data, "get") else None
        if library is None and self.instance is not None:
            library = self.instance.library
        if library is not None:
            self.fields["parent"].queryset = Category.objects.filter(library=library)
        return super().to_internal_value(data)


class IndicatorSerializer(serializers.ModelSerializer):
    year = YearField(source="library")
    category = serializers.SlugRelatedField(slug_field="code", queryset=Category.objects.all())
    departments = serializers.SlugRelatedField(
        slug_field="code", many=True, required=False, queryset=Department.objects.all()
    )
    params = serializers.JSONField(required=False)

    class Meta:
        model = Indicator
        fields = [
            "id",
            "year",
            "code",
            "name",
            "description",
            "category",
            "kind",
            "unit",
            "value_type",
            "direction",
            "basic_target",
            "challenge_target",
            "range_upper",
            "points",
            "method",
            "params",
            "data_source",
            "evidence_required",
            "applicability",
            "departments",
            "budget_dimension",
            "budget_subdimension",
            "order",
            "is_active",
            "version",
        ]
        read_only_fields = ["is_active", "version"]

    def to_internal_value(self, data):
        library = Library.objects.filter(year=data.get("year")).first() if hasattr(data, "get") else None
        if library is None and self.instance is not None:
            library = self.instance.library
        if library is not None:
            self.fields["category"].queryset = Category.objects.filter(library=library)
        return super().to_internal_value(data)


class RuleSerializer(serializers.ModelSerializer):
    year = YearField(source="library")
    indicator = serializers.SlugRelatedField(
        slug_field="code", queryset=Indicator.objects.all(), allow_null=True, required=False
    )

    class Meta:
        model = Rule
        fields = [
            "id",
            "year",
            "code",
            "name",
            "description",
            "kind",
            "scope",
            "indicator",
            "effect",
            "points",
            "cap",
            "evidence_required",
            "order",
            "is_active",
            "version",
        ]
        read_only_fields = ["is_active", "version"]

    def to_internal_value(self, data):
        library = Library.objects.filter(year=data.get("year")).first() if hasattr(data, "get") else None
        if library is None and self.instance is not None:
            library = self.instance.library
        if library is not None:
            self.fields["indicator"].queryset = Indicator.objects.filter(library=library)
        return super().to_internal_value(data)


class GradeBandSerializer(serializers.ModelSerializer):
    year = YearField(source="library")

    class Meta:
        model = GradeBand
        fields = ["id", "year", "code", "label", "min_score"]
