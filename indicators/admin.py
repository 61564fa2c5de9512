from django.contrib import admin

from core.admin import SpreadsheetAdmin

from .models import Category, ChangeRecord, GradeBand, Indicator, Library, Rule
from .resources import CategoryResource, IndicatorResource, RuleResource


class GradeBandInline(admin.TabularInline):
    model = GradeBand
    extra = 0


@admin.register(Library)
class LibraryAdmin(admin.ModelAdmin):
    list_display = ["year", "name", "status", "cloned_from"]
    inlines = [GradeBandInline]
    readonly_fields = ["cloned_from", "cloned_at"]


@admin.register(Category)
class CategoryAdmin(SpreadsheetAdmin):
    resource_classes = [CategoryResource]
    list_display = ["code", "name", "library", "parent", "points", "order"]
    list_filter = ["library"]
    search_fields = ["code", "name"]


@admin.register(Indicator)
class IndicatorAdmin(SpreadsheetAdmin):
    resource_classes = [IndicatorResource]
    list_display = ["code", "name", "library", "category", "method", "points", "applicability", "is_active"]
    list_filter = ["library", "method", "kind", "applicability", "is_active"]
    search_fields = ["code", "name"]
    filter_horizontal = ["departments"]
    readonly_fields = ["source", "version"]


@admin.register(Rule)
class RuleAdmin(SpreadsheetAdmin):
    resource_classes = [RuleResource]
    list_display = ["code", "name", "library", "kind", "scope", "indicator", "effect", "points", "cap", "is_active"]
    list_filter = ["library", "kind", "scope", "effect"]
    search_fields = ["code", "name"]
    readonly_fields = ["source", "version"]


@admin.register(ChangeRecord)
class ChangeRecordAdmin(admin.ModelAdmin):
    list_display = ["at", "library", "object_kind", "object_code", "action", "actor"]
    list_filter = ["library", "object_kind", "action"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
