from rest_framework.routers import SimpleRouter

from . import sheets, views

router = SimpleRouter()
router.register("budget-projects", views.BudgetProjectViewSet, basename="budget-project")
router.register("budget-targets", views.BudgetTargetViewSet, basename="budget-target")
router.register("budget-spending", views.SpendingViewSet, basename="budget-spending")
router.register("budget-tranches", views.TrancheViewSet, basename="budget-tranche")
router.register("budget-evaluations", views.EvaluationViewSet, basename="budget-evaluation")
router.register("budget-recommendations", views.RecommendationViewSet, basename="budget-recommendation")
router.register("budget-policies", views.PolicyViewSet, basename="budget-policy")

router.register("budget-target-revisions", sheets.AdjustmentViewSet, basename="budget-target-revision")
router.register("budget-library-indicators", sheets.LibraryIndicatorViewSet, basename="budget-library-indicator")
router.register("budget-sheet-reviews", sheets.SheetReviewViewSet, basename="budget-sheet-review")

urlpatterns = router.urls
