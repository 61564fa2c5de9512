from django.urls import path

from . import views

app_name = "rectification"

urlpatterns = [
    path("", views.ItemListView.as_view(), name="item_list"),
    path("export/", views.ItemExportView.as_view(), name="item_export"),
    path("new/", views.ItemCreateView.as_view(), name="item_create"),
    path("new/<slug:source>/<int:source_id>/", views.ItemCreateFromView.as_view(), name="item_create_from"),
    path("<int:pk>/", views.ItemDetailView.as_view(), name="item_detail"),
    path("<int:pk>/progress/", views.ItemProgressView.as_view(), name="item_progress"),
    path("<int:pk>/evidence/", views.ItemEvidenceView.as_view(), name="item_evidence"),
    path("<int:pk>/evidence/<int:evidence_id>/", views.EvidenceDownloadView.as_view(), name="evidence_download"),
    path("<int:pk>/submit/", views.ItemSubmitView.as_view(), name="item_submit"),
    path("<int:pk>/close/", views.ItemCloseView.as_view(), name="item_close"),
    path("<int:pk>/reject/", views.ItemRejectView.as_view(), name="item_reject"),
]
