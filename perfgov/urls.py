from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from core import views as core_views
from organizations.forms import LoginForm

api_v1 = [
    path("", include("organizations.api.urls")),
    path("", include("indicators.api.urls")),
    path("", include("assessments.api.urls")),
    path("", include("budgets.api.urls")),
    path("", include("satisfaction.api.urls")),
    path("", include("notifications.api.urls")),
]

urlpatterns = [
    path("", core_views.home, name="home"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True, authentication_form=LoginForm),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("admin/", admin.site.urls),
    path("org/", include("organizations.urls")),
    path("library/", include("indicators.urls")),
    path("assessments/", include("assessments.urls")),
    path("budgets/", include("budgets.urls")),
    path("satisfaction/", include("satisfaction.urls")),
    path("notifications/", include("notifications.urls")),
    path("api/v1/", include(api_v1)),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
]

handler400 = "core.views.error_400"
handler403 = "core.views.error_403"
handler404 = "core.views.error_404"
handler500 = "core.views.error_500"

admin.site.site_header = admin.site.site_title = "perfgov"
if settings.DEBUG:
    admin.site.site_url = "/"
