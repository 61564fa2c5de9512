from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("libraries", views.LibraryViewSet, basename="library")
router.register("categories", views.CategoryViewSet, basename="category")
router.register("indicators", views.IndicatorViewSet, basename="indicator")
router.register("rules", views.RuleViewSet, basename="rule")
router.register("grade-bands", views.GradeBandViewSet, basename="grade-band")

urlpatterns = router.urls
