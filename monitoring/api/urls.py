from django.urls import path
from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("monitoring/warnings", views.WarningViewSet, basename="monitoring-warning")

urlpatterns = [
    path("monitoring/execution/", views.ExecutionMonitoringView.as_view(), name="monitoring-execution"),
    *router.urls,
]
