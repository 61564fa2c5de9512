from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("surveys", views.SurveyViewSet, basename="survey")
router.register("survey-questions", views.QuestionViewSet, basename="survey-question")

urlpatterns = router.urls
