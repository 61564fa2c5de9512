from django.urls import path

from . import views

app_name = "organizations"

urlpatterns = [
    path("departments/", views.DepartmentListView.as_view(), name="department_list"),
    path("tokens/", views.TokenListView.as_view(), name="token_list"),
    path("tokens/<int:pk>/revoke/", views.TokenRevokeView.as_view(), name="token_revoke"),
]
