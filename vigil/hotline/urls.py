from django.urls import path

from vigil.hotline import views

app_name = "hotline"
urlpatterns = [
    path("", views.landing, name="landing"),
    path("report", views.report, name="report"),
    path("operator/", views.operator, name="operator"),
]
