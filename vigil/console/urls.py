from django.urls import path

from vigil.console import views

app_name = "console"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("queue/rows", views.queue_rows, name="queue_rows"),
    path("queue/map.json", views.queue_map, name="queue_map"),
    path("queue/export.csv", views.queue_export, name="queue_export"),
    path("incident/<int:pk>/", views.incident, name="incident"),
    path("incident/<int:pk>/live", views.incident_live, name="incident_live"),
    path("incident/<int:pk>/dispatch", views.dispatch, name="dispatch"),
    path("incident/<int:pk>/verify", views.start_verifying, name="verify"),
    path("incident/<int:pk>/merge", views.merge, name="merge"),
    path("incident/<int:pk>/split", views.split, name="split"),
    path("incident/<int:pk>/verdict", views.verdict, name="verdict"),
    path("incident/<int:pk>/close", views.close, name="close"),
    path("incident/<int:pk>/reopen", views.reopen, name="reopen"),
    path("incident/<int:pk>/report/<int:report_pk>/contact", views.reveal_contact, name="contact"),
]
