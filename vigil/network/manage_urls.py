from django.urls import path

from vigil.hotline import views

app_name = "manage"
urlpatterns = [
    path("", views.landing, name="home"),
]
