from django.urls import path

app_name = "tlog"
urlpatterns: list[object] = []
