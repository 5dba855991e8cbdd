from django.urls import path

from vigil.observer import app, views

app_name = "observer"
urlpatterns = [
    path("", views.home, name="home"),
    path("inbox/", views.inbox, name="inbox"),
    path("inbox/<int:pk>/read", views.notification_read, name="notification_read"),
    path("code-of-conduct/", views.code_of_conduct, name="code"),
    path("rights/", views.rights, name="rights"),
    path("shift/on", views.shift_on, name="shift_on"),
    path("shift/off", views.shift_off, name="shift_off"),
    path("dispatch/<int:pk>/", views.dispatch_detail, name="dispatch"),
    path("dispatch/<int:pk>/accept", views.accept, name="accept"),
    path("dispatch/<int:pk>/decline", views.decline, name="decline"),
    path("dispatch/<int:pk>/arrive", views.arrive, name="arrive"),
    path("dispatch/<int:pk>/check-in", views.check_in, name="check_in"),
    path("dispatch/<int:pk>/observe", views.observe, name="observe"),
    path("dispatch/<int:pk>/propose", views.propose, name="propose"),
    path("dispatch/<int:pk>/check-out", views.check_out, name="check_out"),
    path("manifest.webmanifest", app.manifest, name="manifest"),
    path("sw.js", app.service_worker, name="service_worker"),
    path("offline/", app.offline_page, name="offline"),
    path("sync", app.sync, name="sync"),
    path("push/key", app.push_key, name="push_key"),
    path("push/subscribe", app.push_subscribe, name="push_subscribe"),
    path("push/unsubscribe", app.push_unsubscribe, name="push_unsubscribe"),
]
