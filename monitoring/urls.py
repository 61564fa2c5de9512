from django.urls import path

from . import views

app_name = "monitoring"

urlpatterns = [
    path("execution/", views.ExecutionMonitoringView.as_view(), name="execution"),
]
