"""Read-only admin views of surveys (the builder pages are where surveys are edited)."""

from django.contrib import admin

from .models import Area, Question, Survey, SurveyRegion


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class AreaInline(ReadOnlyInline):
    model = Area
    fields = ["code", "name", "order"]


class RegionInline(ReadOnlyInline):
    model = SurveyRegion
    fields = ["region", "quota", "received", "is_closed"]


@admin.register(Survey)
class SurveyAdmin(admin.ModelAdmin):
    list_display = ["year", "code", "title", "status", "access", "opens_on", "closes_on"]
    list_filter = ["year", "status", "access"]
    search_fields = ["code", "title"]
    inlines = [AreaInline, RegionInline]
    readonly_fields = [f.name for f in Survey._meta.concrete_fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Question)
class QuestionAdmin(admin.ModelAdmin):
    list_display = ["survey", "area", "order", "text", "kind", "department"]
    list_filter = ["survey", "kind"]
    readonly_fields = [f.name for f in Question._meta.concrete_fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
