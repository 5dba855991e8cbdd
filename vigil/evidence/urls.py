from django.urls import path

from vigil.evidence import views

app_name = "evidence"
urlpatterns = [
    path("", views.index, name="index"),
    path("dispatch/<int:dispatch_id>/upload", views.upload_page, name="upload"),
    path("dispatch/<int:dispatch_id>/uploads", views.upload_start, name="upload_start"),
    path("dispatch/<int:dispatch_id>/upload-form", views.upload_form, name="upload_form"),
    path("dispatch/<int:dispatch_id>/notes", views.note_add, name="note_add"),
    path("uploads/<str:upload_id>", views.upload_chunk, name="upload_chunk"),
    path("uploads/<str:upload_id>/abandon", views.upload_abandon, name="upload_abandon"),
    path("incident/<int:incident_id>/", views.incident_evidence, name="incident"),
    path("incident/<int:incident_id>/export", views.incident_export, name="export"),
    path("items/<str:item_id>/", views.item_detail, name="item"),
    path("items/<str:item_id>/original", views.item_original, name="original"),
    path("items/<str:item_id>/boxes", views.box_add, name="box_add"),
    path("boxes/<int:box_id>/remove", views.box_remove, name="box_remove"),
    path("items/<str:item_id>/derivatives", views.derivative_make, name="derivative_make"),
    path("derivatives/<str:derivative_id>", views.derivative_file, name="derivative"),
]
