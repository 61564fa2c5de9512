from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("rectification-items", views.ItemViewSet, basename="rectification-item")

urlpatterns = router.urls
