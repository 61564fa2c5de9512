from django.contrib import admin

from .models import MonitoringSchedule


@admin.register(MonitoringSchedule)
class MonitoringScheduleAdmin(admin.ModelAdmin):
    list_display = ("year", "gap_points", "updated_at")
