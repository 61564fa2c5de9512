from django.urls import path

from .views import answering, builder, results

app_name = "satisfaction"

urlpatterns = [
    path("", builder.SurveyListView.as_view(), name="survey_list"),
    path("new/", builder.SurveyEditView.as_view(), name="survey_create"),
    path("interview/", answering.InterviewStartView.as_view(), name="interview_start"),
    path("<int:pk>/", builder.SurveyDetailView.as_view(), name="survey_detail"),
    path("<int:pk>/edit/", builder.SurveyEditView.as_view(), name="survey_edit"),
    path("<int:pk>/open/", builder.SurveyStatusView.as_view(action="open"), name="survey_open"),
    path("<int:pk>/close/", builder.SurveyStatusView.as_view(action="close"), name="survey_close"),
    path("<int:pk>/areas/new/", builder.AreaEditView.as_view(), name="area_create"),
    path("<int:pk>/areas/standard/", builder.AreaStandardView.as_view(), name="area_standard"),
    path("<int:pk>/areas/<int:area_id>/edit/", builder.AreaEditView.as_view(), name="area_edit"),
    path("<int:pk>/areas/<int:area_id>/delete/", builder.AreaDeleteView.as_view(), name="area_delete"),
    path("<int:pk>/questions/new/", builder.QuestionEditView.as_view(), name="question_create"),
    path("<int:pk>/questions/<int:question_id>/edit/", builder.QuestionEditView.as_view(), name="question_edit"),
    path("<int:pk>/questions/<int:question_id>/delete/", builder.QuestionDeleteView.as_view(), name="question_delete"),
    path("<int:pk>/questions/<int:question_id>/texts/", builder.TextAnswersView.as_view(), name="text_answers"),
    path("<int:pk>/quotas/", builder.QuotaView.as_view(), name="quotas"),
    path("<int:pk>/regions/<int:sr_id>/toggle/", builder.RegionToggleView.as_view(), name="region_toggle"),
    path("<int:pk>/codes/", builder.CodesView.as_view(), name="codes"),
    path("<int:pk>/codes/<int:batch_id>/void/", builder.BatchVoidView.as_view(), name="batch_void"),
    path("<int:pk>/quota/", builder.QuotaBoardView.as_view(), name="quota_board"),
    path("<int:pk>/quota/live/", builder.QuotaBoardView.as_view(fragment=True), name="quota_board_live"),
    path("<int:pk>/interview/", answering.InterviewView.as_view(), name="interview"),
    path("<int:pk>/results/", results.ResultsView.as_view(), name="results"),
    path("<int:pk>/results.xlsx", results.ResultsExportView.as_view(), name="results_export"),
    # Public pages (no login).
    path("s/<str:key>/", answering.PublicSurveyView.as_view(), name="public_survey"),
    path("s/<str:key>/thanks/", answering.PublicThanksView.as_view(), name="public_thanks"),
    path("s/<str:key>/<str:code>/", answering.PublicSurveyView.as_view(), name="public_code"),
]
