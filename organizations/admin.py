from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _
from import_export import fields, resources, widgets

from core.admin import SpreadsheetAdmin
from core.spreadsheets import SafeExportMixin

from .forms import AdminPasswordResetForm
from .models import ApiToken, Department, RankingGroup, Region, User


class DepartmentResource(SafeExportMixin, resources.ModelResource):
    group = fields.Field(attribute="group", column_name="group", widget=widgets.ForeignKeyWidget(RankingGroup, "code"))
    region = fields.Field(attribute="region", column_name="region", widget=widgets.ForeignKeyWidget(Region, "code"))

    class Meta:
        model = Department
        fields = ("code", "name", "short_name", "group", "region", "order", "is_active")
        import_id_fields = ("code",)
        clean_model_instances = True


@admin.register(Department)
class DepartmentAdmin(SpreadsheetAdmin):
    resource_classes = [DepartmentResource]
    list_display = ["code", "name", "group", "region", "order", "is_active"]
    list_filter = ["group", "is_active"]
    search_fields = ["code", "name"]

    def has_delete_permission(self, request, obj=None):
        # Results depend on departments: deactivate instead (docs/security.md, No data loss).
        return False


@admin.register(RankingGroup)
class RankingGroupAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "order"]


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "population", "order"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "get_full_name", "role", "department", "is_active", "last_login"]
    list_filter = ["role", "department", "is_active"]
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Personal info"), {"fields": ("last_name", "first_name", "email", "phone")}),
        (_("Role"), {"fields": ("role", "department", "is_active", "must_change_password")}),
        (_("Important dates"), {"fields": ("last_login", "date_joined", "password_changed_at")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("username", "role", "department", "password1", "password2")}),
    )
    readonly_fields = ["last_login", "date_joined", "password_changed_at"]
    # Setting another user's password is a reset: audited, and changed by the user at next login.
    change_password_form = AdminPasswordResetForm

    def save_model(self, request, obj, form, change):
        from audit.services import audit_log, snapshot

        before = snapshot(User.objects.get(pk=obj.pk), fields=["role", "department", "is_active"]) if change else None
        if not change:
            obj.must_change_password = True  # an account created by an admin changes its password first
        super().save_model(request, obj, form, change)
        after = snapshot(obj, fields=["role", "department", "is_active"])
        if before != after:
            audit_log(
                "organizations.user.role_changed" if change else "organizations.user.created",
                obj=obj,
                before=before,
                after=after,
            )

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["user", "name", "prefix", "created_at", "last_used_at", "revoked_at"]
    readonly_fields = [f.name for f in ApiToken._meta.fields]

    def has_add_permission(self, request):
        return False
