from django.urls import path

from . import views

app_name = "budgets"

urlpatterns = [
    path("projects/", views.ProjectListView.as_view(), name="project_list"),
    path("projects/new/", views.ProjectCreateView.as_view(), name="project_create"),
    path("review/", views.ReviewQueueView.as_view(), name="review_queue"),
    path("import/", views.ImportView.as_view(), name="import"),
    path("import/template/", views.ImportTemplateView.as_view(), name="import_template"),
    path("projects/<int:pk>/", views.ProjectDetailView.as_view(), name="project_detail"),
    path("projects/<int:pk>/edit/", views.ProjectEditView.as_view(), name="project_edit"),
    path("projects/<int:pk>/submit/", views.ProjectSubmitView.as_view(), name="project_submit"),
    path("projects/<int:pk>/return/", views.ProjectReturnView.as_view(), name="project_return"),
    path("projects/<int:pk>/approve/", views.ProjectApproveView.as_view(), name="project_approve"),
    path("projects/<int:pk>/targets/new/", views.TargetEditView.as_view(), name="target_create"),
    path("projects/<int:pk>/targets/<int:tid>/edit/", views.TargetEditView.as_view(), name="target_edit"),
    path("projects/<int:pk>/targets/<int:tid>/delete/", views.TargetDeleteView.as_view(), name="target_delete"),
    path("projects/<int:pk>/revisions/<int:number>/", views.RevisionDetailView.as_view(), name="revision_detail"),
    path("projects/<int:pk>/spending/", views.SpendingCreateView.as_view(), name="spending_create"),
    path("projects/<int:pk>/tranches/new/", views.TrancheCreateView.as_view(), name="tranche_create"),
    path("projects/<int:pk>/tranches/<int:tid>/release/", views.TrancheReleaseView.as_view(), name="tranche_release"),
    path("projects/<int:pk>/actuals/", views.ActualsView.as_view(), name="actuals"),
    path("projects/<int:pk>/evaluate/", views.EvaluateView.as_view(), name="evaluate"),
    path(
        "projects/<int:pk>/evaluations/<int:number>/confirm/",
        views.EvaluationStepView.as_view(step="confirm"),
        name="evaluation_confirm",
    ),
    path(
        "projects/<int:pk>/evaluations/<int:number>/publish/",
        views.EvaluationStepView.as_view(step="publish"),
        name="evaluation_publish",
    ),
    path("evaluations/", views.EvaluationListView.as_view(), name="evaluation_list"),
    path("recommendations/", views.RecommendationListView.as_view(), name="recommendation_list"),
    path("recommendations/generate/", views.RecommendationGenerateView.as_view(), name="recommendation_generate"),
    path("recommendations/export/", views.RecommendationExportView.as_view(), name="recommendation_export"),
    path("recommendations/<int:pk>/decide/", views.RecommendationDecideView.as_view(), name="recommendation_decide"),
    path("projects/<int:pk>/revise/", views.AdjustmentCreateView.as_view(), name="adjustment_create"),
    path(
        "projects/<int:pk>/target-revisions/<int:number>/",
        views.AdjustmentDetailView.as_view(),
        name="adjustment_detail",
    ),
    path(
        "projects/<int:pk>/target-revisions/<int:number>/approve/",
        views.AdjustmentApproveView.as_view(),
        name="adjustment_approve",
    ),
    path(
        "projects/<int:pk>/target-revisions/<int:number>/return/",
        views.AdjustmentReturnView.as_view(),
        name="adjustment_return",
    ),
    path("projects/<int:pk>/versions/", views.VersionsView.as_view(), name="versions"),
    path("projects/<int:pk>/quality/", views.SheetQualityView.as_view(), name="sheet_quality"),
    path("library/", views.LibraryListView.as_view(), name="library"),
    path("library/<int:pk>/", views.LibraryDetailView.as_view(), name="library_detail"),
    path("policy/", views.PolicyListView.as_view(), name="policy_list"),
    path("policy/<int:year>/", views.PolicyEditView.as_view(), name="policy_edit"),
]
