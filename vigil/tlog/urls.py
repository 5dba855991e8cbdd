from django.urls import path

from vigil.tlog import views

app_name = "tlog"
urlpatterns = [
    path("checkpoint", views.checkpoint, name="checkpoint"),
    path("checkpoints/<int:size>", views.checkpoint_at, name="checkpoint_at"),
    path("key", views.key, name="key"),
    path("proof/inclusion", views.inclusion, name="inclusion"),
    path("proof/consistency", views.consistency, name="consistency"),
]
