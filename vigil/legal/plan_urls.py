from django.urls import path

from vigil.legal import plan_views

app_name = "plan"
urlpatterns = [
    path("", plan_views.start, name="start"),
    path("mine/", plan_views.mine, name="mine"),
    path("mine/upload/", plan_views.upload, name="upload"),
    path("mine/document/<int:doc_pk>/", plan_views.document, name="document"),
    path("mine/document/<int:doc_pk>/delete/", plan_views.delete_document, name="delete_document"),
    path("mine/delete/", plan_views.delete, name="delete"),
    path("mine/close/", plan_views.close, name="close"),
]
