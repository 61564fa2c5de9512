from django.contrib import admin

from . import services
from .models import CalendarDay, MonitoringSchedule


@admin.register(MonitoringSchedule)
class MonitoringScheduleAdmin(admin.ModelAdmin):
    list_display = ("year", "gap_points", "response_days", "updated_at")


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin):
    """The working calendar: official holidays and make-up working days (调休), kept per year.

    Saved and removed through monitoring.services, as the API does: the same checks, audited."""

    list_display = ("date", "kind", "name")
    list_filter = ("kind",)
    date_hierarchy = "date"
    search_fields = ("name",)
    exclude = ("version",)

    def save_model(self, request, obj, form, change):
        saved = services.calendar_day_save(
            actor=request.user,
            day=obj if change else None,
            date=obj.date,
            kind=obj.kind,
            name=obj.name,
        )
        obj.pk, obj.version = saved.pk, saved.version

    def delete_model(self, request, obj):
        services.calendar_day_delete(actor=request.user, day=obj)

    def delete_queryset(self, request, queryset):
        for day in queryset.order_by("date"):
            services.calendar_day_delete(actor=request.user, day=day)
