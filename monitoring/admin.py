from django.contrib import admin

from .models import CalendarDay, MonitoringSchedule


@admin.register(MonitoringSchedule)
class MonitoringScheduleAdmin(admin.ModelAdmin):
    list_display = ("year", "gap_points", "response_days", "updated_at")


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin):
    """The working calendar: official holidays and make-up working days (调休), kept per year."""

    list_display = ("date", "kind", "name")
    list_filter = ("kind",)
    date_hierarchy = "date"
    search_fields = ("name",)
