from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("budget-projects", views.BudgetProjectViewSet, basename="budget-project")
router.register("budget-targets", views.BudgetTargetViewSet, basename="budget-target")
router.register("budget-spending", views.SpendingViewSet, basename="budget-spending")
router.register("budget-tranches", views.TrancheViewSet, basename="budget-tranche")
router.register("budget-evaluations", views.EvaluationViewSet, basename="budget-evaluation")
router.register("budget-recommendations", views.RecommendationViewSet, basename="budget-recommendation")
router.register("budget-policies", views.PolicyViewSet, basename="budget-policy")

urlpatterns = router.urls
