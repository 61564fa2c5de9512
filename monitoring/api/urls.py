from django.urls import path

from . import views

urlpatterns = [
    path("monitoring/execution/", views.ExecutionMonitoringView.as_view(), name="monitoring-execution"),
]
