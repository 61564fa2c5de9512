from django.urls import path
from rest_framework.routers import SimpleRouter

from . import calendar, views

router = SimpleRouter()
router.register("monitoring/warnings", views.WarningViewSet, basename="monitoring-warning")
router.register("monitoring/calendar", calendar.CalendarDayViewSet, basename="monitoring-calendar")

urlpatterns = [
    path("monitoring/execution/", views.ExecutionMonitoringView.as_view(), name="monitoring-execution"),
    *router.urls,
]
