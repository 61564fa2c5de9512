from rest_framework.routers import SimpleRouter

from . import department, views

router = SimpleRouter()
router.register("budget-projects", views.BudgetProjectViewSet, basename="budget-project")
router.register("budget-targets", views.BudgetTargetViewSet, basename="budget-target")
router.register("budget-spending", views.SpendingViewSet, basename="budget-spending")
router.register("budget-tranches", views.TrancheViewSet, basename="budget-tranche")
router.register("budget-evaluations", views.EvaluationViewSet, basename="budget-evaluation")
router.register("budget-recommendations", views.RecommendationViewSet, basename="budget-recommendation")
router.register("budget-policies", views.PolicyViewSet, basename="budget-policy")
router.register("department-sheets", department.DepartmentSheetViewSet, basename="department-sheet")
router.register("department-targets", department.DepartmentTargetViewSet, basename="department-target")
router.register("department-evaluations", department.DepartmentEvaluationViewSet, basename="department-evaluation")
router.register("department-policies", department.DepartmentPolicyViewSet, basename="department-policy")
router.register("budget-disclosures", department.DisclosureViewSet, basename="budget-disclosure")

urlpatterns = router.urls
