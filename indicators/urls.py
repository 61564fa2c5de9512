from django.urls import path

from . import views
from .models import Rule

app_name = "indicators"

urlpatterns = [
    path("", views.LibraryListView.as_view(), name="library_list"),
    path("<int:year>/", views.LibraryDetailView.as_view(), name="library_detail"),
    path("<int:year>/indicators/new/", views.LibraryObjectEditView.as_view(), name="indicator_create"),
    path("<int:year>/indicators/<int:pk>/", views.IndicatorDetailView.as_view(), name="indicator_detail"),
    path("<int:year>/indicators/<int:pk>/edit/", views.LibraryObjectEditView.as_view(), name="indicator_edit"),
    path("<int:year>/indicators/<int:pk>/retire/", views.RetireView.as_view(), name="indicator_retire"),
    path("<int:year>/categories/new/", views.CategoryEditView.as_view(), name="category_create"),
    path("<int:year>/categories/<int:pk>/edit/", views.CategoryEditView.as_view(), name="category_edit"),
    path("<int:year>/rules/new/", views.RuleEditView.as_view(), name="rule_create"),
    path("<int:year>/rules/<int:pk>/edit/", views.RuleEditView.as_view(), name="rule_edit"),
    path("<int:year>/rules/<int:pk>/retire/", views.RetireView.as_view(model=Rule), name="rule_retire"),
    path("<int:year>/grades/new/", views.GradeBandEditView.as_view(), name="grade_create"),
    path("<int:year>/grades/<int:pk>/edit/", views.GradeBandEditView.as_view(), name="grade_edit"),
]
