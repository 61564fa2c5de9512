"""The public disclosure pages: no login."""

from django.urls import path

from .views import disclosure, public

app_name = "public"

urlpatterns = [
    path("", public.PublicIndexView.as_view(), name="index"),
    path("<int:year>/", public.PublicIndexView.as_view(), name="year"),
    path("<int:year>/download/<slug:key>.<slug:fmt>", public.PublicDownloadView.as_view(), name="download"),
    path("<int:year>/method/", public.PublicMethodView.as_view(), name="method"),
    path("<int:year>/disclosure/<slug:page>/", disclosure.DisclosureView.as_view(), name="disclosure"),
    path(
        "<int:year>/disclosure/<slug:page>.xlsx",
        disclosure.DisclosureDownloadView.as_view(),
        name="disclosure_download",
    ),
    path("<int:year>/<slug:code>/", public.PublicDepartmentView.as_view(), name="department"),
    path(
        "<int:year>/<slug:code>/download/<slug:key>.<slug:fmt>",
        public.PublicDownloadView.as_view(),
        name="department_download",
    ),
]
