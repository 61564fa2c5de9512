"""Serializers of the rectification ledger's API."""

from __future__ import annotations

from rest_framework import serializers

from ..models import MAX_TEXT, Item, ItemEvidence, Source, Step


class RectificationEvidenceSerializer(serializers.ModelSerializer):
    uploaded_by = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = ItemEvidence
        fields = ["id", "original_name", "content_type", "size", "sha256", "uploaded_by", "uploaded_at"]


class RectificationStepSerializer(serializers.ModelSerializer):
    actor = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = Step
        fields = ["action", "note", "actor", "at"]


class RectificationItemSerializer(serializers.ModelSerializer):
    department = serializers.CharField(source="department.code", read_only=True)
    department_name = serializers.CharField(source="department.name", read_only=True)
    overdue = serializers.SerializerMethodField()

    class Meta:
        model = Item
        fields = [
            "id",
            "year",
            "source",
            "source_id",
            "source_label",
            "source_url",
            "department",
            "department_name",
            "title",
            "description",
            "measures_required",
            "deadline",
            "issuer",
            "status",
            "overdue",
            "measures_taken",
            "progress",
            "submitted_at",
            "closed_at",
            "closed_on_time",
            "rejections",
            "created_at",
            "version",
        ]
        read_only_fields = fields

    def get_overdue(self, obj) -> bool:
        return obj.is_overdue()


class RectificationItemDetailSerializer(RectificationItemSerializer):
    evidence = RectificationEvidenceSerializer(many=True, read_only=True)
    steps = RectificationStepSerializer(many=True, read_only=True)

    class Meta(RectificationItemSerializer.Meta):
        fields = [*RectificationItemSerializer.Meta.fields, "evidence", "steps"]
        read_only_fields = fields


class RectificationItemCreateSerializer(serializers.Serializer):
    department = serializers.CharField(
        help_text="Department code (taken from the source when it names one)", required=False
    )
    title = serializers.CharField(max_length=200, required=False, help_text="Pre-filled from the source if left out")
    description = serializers.CharField(max_length=MAX_TEXT, required=False)
    measures_required = serializers.CharField(max_length=MAX_TEXT, required=False)
    deadline = serializers.DateField(required=False, help_text="Last day, inclusive (Asia/Shanghai)")
    source = serializers.ChoiceField(choices=Source.choices, default=Source.MANUAL)
    source_id = serializers.IntegerField(required=False, help_text="The source object's id (not for manual items)")
    source_label = serializers.CharField(max_length=300, required=False, allow_blank=True)


class RectificationVersionSerializer(serializers.Serializer):
    version = serializers.IntegerField(required=False, help_text="The version you read; a stale one gives 409.")


class RectificationProgressSerializer(RectificationVersionSerializer):
    measures_taken = serializers.CharField(max_length=MAX_TEXT)
    progress = serializers.IntegerField(min_value=0, max_value=100)


class RectificationCloseSerializer(RectificationVersionSerializer):
    note = serializers.CharField(max_length=MAX_TEXT, required=False, allow_blank=True)


class RectificationRejectSerializer(RectificationVersionSerializer):
    reason = serializers.CharField(max_length=MAX_TEXT)


class RectificationEvidenceUploadSerializer(serializers.Serializer):
    file = serializers.FileField()
