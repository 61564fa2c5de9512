from rest_framework.routers import SimpleRouter

from . import appraisals, department, key_evaluations, library, reallocations, recommendations, sheets, views

router = SimpleRouter()
router.register("budget-projects", views.BudgetProjectViewSet, basename="budget-project")
router.register("budget-targets", views.BudgetTargetViewSet, basename="budget-target")
router.register("budget-spending", views.SpendingViewSet, basename="budget-spending")
router.register("budget-tranches", views.TrancheViewSet, basename="budget-tranche")
router.register("budget-evaluations", views.EvaluationViewSet, basename="budget-evaluation")
router.register("budget-recommendations", recommendations.RecommendationViewSet, basename="budget-recommendation")
router.register("budget-work-packages", appraisals.WorkPackageViewSet, basename="budget-work-package")
router.register("budget-exante-assessments", appraisals.ExAnteViewSet, basename="budget-exante")
router.register("budget-key-evaluations", key_evaluations.KeyEvaluationViewSet, basename="budget-key-evaluation")
router.register("budget-policies", recommendations.PolicyViewSet, basename="budget-policy")
router.register("department-sheets", department.DepartmentSheetViewSet, basename="department-sheet")
router.register("department-targets", department.DepartmentTargetViewSet, basename="department-target")
router.register("department-evaluations", department.DepartmentEvaluationViewSet, basename="department-evaluation")
router.register("department-policies", department.DepartmentPolicyViewSet, basename="department-policy")
router.register("budget-disclosures", department.DisclosureViewSet, basename="budget-disclosure")

router.register("budget-target-revisions", sheets.AdjustmentViewSet, basename="budget-target-revision")
router.register("budget-library-indicators", library.LibraryIndicatorViewSet, basename="budget-library-indicator")
router.register("budget-sheet-reviews", sheets.SheetReviewViewSet, basename="budget-sheet-review")
router.register("budget-reallocations", reallocations.ReallocationViewSet, basename="budget-reallocation")

urlpatterns = router.urls
