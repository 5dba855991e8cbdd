from django.urls import path

from vigil.intake import views

app_name = "intake"
urlpatterns = [
    path("report", views.report, name="report"),
    path("report/places", views.report_places, name="report_places"),
    path("operator/", views.operator, name="operator"),
    path("operator/queue", views.operator_queue, name="operator_queue"),
    path("operator/report/<int:pk>/place", views.place, name="place"),
    path("operator/report/<int:pk>/contact", views.reveal_contact, name="contact"),
    path("operator/review/", views.review_queue, name="review_queue"),
    path("operator/review/<int:pk>", views.review, name="review"),
    path("hooks/sms", views.sms_hook, name="sms_hook"),
]
