from django.urls import path

from . import auth_views, views

app_name = "organizations"

urlpatterns = [
    path("departments/", views.DepartmentListView.as_view(), name="department_list"),
    path("tokens/", views.TokenListView.as_view(), name="token_list"),
    path("tokens/<int:pk>/revoke/", views.TokenRevokeView.as_view(), name="token_revoke"),
    path("account/", views.AccountView.as_view(), name="account"),
    path("account/2fa/remove/", auth_views.OtpRemoveView.as_view(), name="otp_remove"),
    path("security/", views.SecurityView.as_view(), name="security"),
    path("security/unlock/", views.UnlockView.as_view(), name="unlock"),
    path("security/users/<int:pk>/reset-2fa/", views.OtpResetView.as_view(), name="otp_reset"),
    path("security/users/<int:pk>/enrolment-code/", views.OtpEnrolmentIssueView.as_view(), name="otp_enrolment_issue"),
]
