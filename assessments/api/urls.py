from django.urls import path
from rest_framework.routers import SimpleRouter

from . import publication, reports, scores

router = SimpleRouter()
router.register("plans", reports.PlanViewSet, basename="plan")
router.register("assignments", reports.AssignmentViewSet, basename="assignment")
router.register("reports", reports.ReportViewSet, basename="report")
router.register("entries", reports.EntryViewSet, basename="entry")
router.register("events", scores.EventViewSet, basename="event")
router.register("appeals", scores.AppealViewSet, basename="appeal")
router.register("publications", publication.PublicationViewSet, basename="publication")
router.register("exemptions", publication.ExemptionViewSet, basename="exemption")

score_list = scores.ScoreViewSet.as_view({"get": "list"})
score_detail = scores.ScoreViewSet.as_view({"get": "score"})

urlpatterns = [
    path("scores/", score_list, name="score-list"),
    path("scores/<slug:code>/<int:year>/<str:period>/", score_detail, name="score-detail"),
    path("publications/checklist/", publication.PublicationChecklistView.as_view(), name="publication-checklist"),
    path("reporting-health/", reports.ReportingHealthView.as_view(), name="reporting-health"),
    *router.urls,
]
