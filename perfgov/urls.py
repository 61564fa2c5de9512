from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from organizations import auth_views as login_views
from portal import views as portal_views

api_v1 = [
    path("", include("organizations.api.urls")),
    path("", include("indicators.api.urls")),
    path("", include("assessments.api.urls")),
    path("", include("budgets.api.urls")),
    path("", include("monitoring.api.urls")),
    path("", include("rectification.api.urls")),
    path("", include("satisfaction.api.urls")),
    path("", include("notifications.api.urls")),
]

urlpatterns = [
    path("", portal_views.home, name="home"),
    path("accounts/login/", login_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password/", login_views.PasswordChangeView.as_view(), name="password_change"),
    path("accounts/2fa/", login_views.OtpVerifyView.as_view(), name="otp_verify"),
    path("accounts/2fa/setup/", login_views.OtpSetupView.as_view(), name="otp_setup"),
    # The admin site has no login of its own: everyone passes the same lockout and second factor.
    path("admin/login/", login_views.admin_login, name="admin-login"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("admin/", admin.site.urls),
    path("org/", include("organizations.urls")),
    path("library/", include("indicators.urls")),
    path("assessments/", include("assessments.urls")),
    path("budgets/", include("budgets.urls")),
    path("monitoring/", include("monitoring.urls")),
    path("rectification/", include("rectification.urls")),
    path("satisfaction/", include("satisfaction.urls")),
    path("notifications/", include("notifications.urls")),
    path("audit/", include("audit.urls")),
    path("dashboards/", include("dashboards.urls")),
    path("public/", include("dashboards.public_urls")),
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
