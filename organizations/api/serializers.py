from rest_framework import serializers

from ..models import ApiToken, Department, RankingGroup, Region, User


class RankingGroupSerializer(serializers.ModelSerializer):
    class Meta:
        model = RankingGroup
        fields = ["code", "name", "order"]


class RegionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Region
        fields = ["code", "name", "population", "order"]


class DepartmentSerializer(serializers.ModelSerializer):
    group = serializers.SlugRelatedField(slug_field="code", read_only=True)
    group_name = serializers.CharField(source="group.name", read_only=True, default=None)
    region = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = Department
        fields = ["code", "name", "short_name", "group", "group_name", "region", "is_active"]


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=256, style={"input_type": "password"}, trim_whitespace=False)
    otp = serializers.RegexField(
        r"^[0-9]{6,8}$",
        required=False,
        help_text=(
            "The current TOTP code of the user's authenticator. Required for users who enrolled in two-factor "
            "login and for roles that require it (OTP_REQUIRED_ROLES)."
        ),
    )


class TokenResponseSerializer(serializers.Serializer):
    token = serializers.CharField()


class ApiTokenSerializer(serializers.ModelSerializer):
    user = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = ApiToken
        fields = ["id", "user", "name", "prefix", "created_at", "expires_at", "last_used_at", "revoked_at"]
        read_only_fields = fields


class ApiTokenCreateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=100)


class ApiTokenCreatedSerializer(ApiTokenSerializer):
    token = serializers.CharField(read_only=True)

    class Meta(ApiTokenSerializer.Meta):
        fields = [*ApiTokenSerializer.Meta.fields, "token"]
        read_only_fields = fields


class MeSerializer(serializers.ModelSerializer):
    department = DepartmentSerializer(read_only=True, allow_null=True)
    role_label = serializers.CharField(source="get_role_display", read_only=True)

    class Meta:
        model = User
        fields = ["username", "first_name", "last_name", "role", "role_label", "department"]
        read_only_fields = fields


class TokenErrorSerializer(serializers.Serializer):
    """The error body of docs/api.md: a message, a code, and messages by field."""

    detail = serializers.CharField()
    code = serializers.CharField()
    errors = serializers.DictField(child=serializers.ListField(child=serializers.CharField()), required=False)
