from django.urls import path
from rest_framework.routers import SimpleRouter

from . import publication, views

router = SimpleRouter()
router.register("plans", views.PlanViewSet, basename="plan")
router.register("assignments", views.AssignmentViewSet, basename="assignment")
router.register("reports", views.ReportViewSet, basename="report")
router.register("entries", views.EntryViewSet, basename="entry")
router.register("events", views.EventViewSet, basename="event")
router.register("appeals", views.AppealViewSet, basename="appeal")
router.register("publications", publication.PublicationViewSet, basename="publication")
router.register("exemptions", publication.ExemptionViewSet, basename="exemption")

scores = views.ScoreViewSet.as_view({"get": "list"})
score = views.ScoreViewSet.as_view({"get": "score"})

urlpatterns = [
    path("scores/", scores, name="score-list"),
    path("scores/<slug:code>/<int:year>/<str:period>/", score, name="score-detail"),
    path("publications/checklist/", publication.PublicationChecklistView.as_view(), name="publication-checklist"),
    path("reporting-health/", views.ReportingHealthView.as_view(), name="reporting-health"),
    *router.urls,
]
