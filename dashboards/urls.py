from django.urls import path

from .views import dashboard, reports

app_name = "dashboards"

urlpatterns = [
    path("", dashboard.LeaderDashboardView.as_view(), name="leader"),
    path("export/<slug:key>.<slug:fmt>", dashboard.LeaderExportView.as_view(), name="export"),
    path("department/", dashboard.DepartmentHomeView.as_view(), name="department_home"),
    path("department/<slug:code>/", dashboard.DepartmentDashboardView.as_view(), name="department"),
    path(
        "department/<slug:code>/export/<slug:key>.<slug:fmt>",
        dashboard.DepartmentExportView.as_view(),
        name="department_export",
    ),
    path("reports/", reports.ReportIndexView.as_view(), name="report_index"),
    path("reports/<int:year>/", reports.CityReportView.as_view(), name="city_report"),
    path("reports/<int:year>/<slug:code>/", reports.DepartmentReportView.as_view(), name="department_report"),
]
