from django.urls import path

from . import views
from .views import department as dw

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
    path("policy/", views.PolicyListView.as_view(), name="policy_list"),
    path("policy/<int:year>/", views.PolicyEditView.as_view(), name="policy_edit"),
    path("department-wide/", dw.DepartmentSheetListView.as_view(), name="department_list"),
    path("department-wide/policy/<int:year>/", dw.DepartmentPolicyView.as_view(), name="department_policy"),
    path("department-wide/new/", dw.DepartmentSheetCreateView.as_view(), name="department_create"),
    path("department-wide/<int:pk>/", dw.DepartmentSheetDetailView.as_view(), name="department_detail"),
    *[
        path(f"department-wide/<int:pk>/{route}/", dw.DepartmentSheetActionView.as_view(step=step), name=name)
        for route, step, name in (
            ("submit", "submit", "department_submit"),
            ("return", "return", "department_return"),
            ("approve", "approve", "department_approve"),
            ("targets/new", "target_create", "department_target_create"),
            ("targets/<int:tid>/delete", "target_delete", "department_target_delete"),
            ("actuals", "actuals", "department_actuals"),
            ("evaluate", "evaluate", "department_evaluate"),
            ("evaluations/<int:number>/confirm", "confirm", "department_evaluation_confirm"),
            ("evaluations/<int:number>/publish", "publish", "department_evaluation_publish"),
            ("disclosure", "disclosure", "department_disclosure"),
        )
    ],
    path("disclosure/", dw.DisclosureListView.as_view(), name="disclosure_list"),
]
