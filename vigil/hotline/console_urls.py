from django.urls import path

from vigil.hotline import views

app_name = "console"
urlpatterns = [
    path("", views.landing, name="queue"),
]
