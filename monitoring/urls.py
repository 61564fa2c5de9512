from django.urls import path

from . import views

app_name = "monitoring"

urlpatterns = [
    path("execution/", views.ExecutionMonitoringView.as_view(), name="execution"),
    path("warnings/", views.WarningListView.as_view(), name="warning_list"),
    path("warnings/<int:pk>/", views.WarningDetailView.as_view(), name="warning_detail"),
    path("warnings/<int:pk>/respond/", views.WarningRespondView.as_view(), name="warning_respond"),
    path("warnings/<int:pk>/lift/", views.PauseLiftView.as_view(), name="pause_lift"),
    path("warnings/<int:pk>/reallocation/", views.WarningReallocationView.as_view(), name="warning_reallocation"),
]
