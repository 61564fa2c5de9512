from django.urls import path

from .views import crosscheck, plan, printouts, reports, review, scores

app_name = "assessments"

urlpatterns = [
    path("", reports.DashboardView.as_view(), name="dashboard"),
    path("report/<int:year>/<int:number>/", reports.ReportOpenView.as_view(), name="report_open"),
    path("reports/<int:pk>/", reports.ReportDetailView.as_view(), name="report_detail"),
    path("reports/<int:pk>/entries/<int:entry_pk>/", reports.EntrySaveView.as_view(), name="entry_save"),
    path(
        "reports/<int:pk>/entries/<int:entry_pk>/evidence/",
        reports.EvidenceUploadView.as_view(),
        name="evidence_upload",
    ),
    path("reports/<int:pk>/entries/<int:entry_pk>/review/", review.EntryReviewView.as_view(), name="entry_review"),
    path("reports/<int:pk>/print/", printouts.ReportPrintView.as_view(), name="report_print"),
    path("reports/<int:pk>/submit/", reports.ReportSubmitView.as_view(), name="report_submit"),
    path("reports/<int:pk>/withdraw/", reports.ReportWithdrawView.as_view(), name="report_withdraw"),
    path("reports/<int:pk>/signoff/", reports.ReportSignoffView.as_view(), name="report_signoff"),
    path("reports/<int:pk>/decision/", review.ReportDecisionView.as_view(), name="report_decision"),
    path("reports/<int:pk>/revisions/<int:number>/", reports.RevisionView.as_view(), name="revision"),
    path("evidence/<int:pk>/", reports.EvidenceDownloadView.as_view(), name="evidence_download"),
    path("evidence/<int:pk>/remove/", reports.EvidenceRemoveView.as_view(), name="evidence_remove"),
    path("review/", review.ReviewQueueView.as_view(), name="review_queue"),
    path("health/", review.HealthView.as_view(), name="health"),
    path("health/urge/", review.HealthUrgeView.as_view(), name="health_urge"),
    path("plans/", plan.PlanListView.as_view(), name="plan_list"),
    path("plans/<int:year>/", plan.PlanDetailView.as_view(), name="plan_detail"),
    path("plans/<int:year>/assignments/<int:pk>/", plan.AssignmentEditView.as_view(), name="assignment_edit"),
    path("quarters/<int:pk>/reopen/", review.QuarterReopenView.as_view(), name="quarter_reopen"),
]

urlpatterns += [
    path("scores/", scores.ScoresListView.as_view(), name="scores"),
    path("scores/<int:year>/actions/", scores.ScoresActionView.as_view(), name="scores_action"),
    path("scores/<int:year>/publish/", scores.PublishView.as_view(), name="scores_publish"),
    path("scores/<int:year>/notice/", printouts.NoticeView.as_view(), name="notice"),
    path("scores/<int:year>/recompute-status/", scores.RecomputeStatusView.as_view(), name="recompute_status"),
    path("exemptions/", scores.ExemptionView.as_view(), name="exemptions"),
    path("scores/<slug:code>/<int:year>/<str:period>/", scores.ScoreDetailView.as_view(), name="score_detail"),
    path("scores/<slug:code>/<int:year>/<str:period>/print/", printouts.ScorePrintView.as_view(), name="score_print"),
    path("scores/<slug:code>/<int:year>/<str:period>/appeal/", scores.AppealFileView.as_view(), name="appeal_file"),
    path("appeals/", scores.AppealListView.as_view(), name="appeals"),
    path("appeals/<int:pk>/", scores.AppealDetailView.as_view(), name="appeal_detail"),
    path("appeals/<int:pk>/evidence/", scores.AppealEvidenceView.as_view(), name="appeal_evidence"),
    path("events/", scores.EventListView.as_view(), name="events"),
    path("events/<int:pk>/evidence/", scores.EventEvidenceView.as_view(), name="event_evidence"),
    path("grades/", scores.GradesView.as_view(), name="grades"),
    path("crosscheck/", crosscheck.CrosscheckView.as_view(), name="crosscheck"),
]
