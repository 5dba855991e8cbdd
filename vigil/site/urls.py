from django.urls import path

from vigil.site import alerts, dashboard, debunk, manage, views

app_name = "site"
urlpatterns = [
    path("", views.home, name="home"),
    path("rumours/", views.rumours, name="rumours"),
    path("rumours/feed.atom", views.rumours_atom, name="rumours_atom"),
    path("rumours/feed.json", views.rumours_json, name="rumours_json"),
    path("rumours/alerts/", alerts.alerts_page, name="alerts"),
    path("rumours/alerts/push", alerts.push_subscription, name="push"),
    path("sw.js", alerts.service_worker, name="service_worker"),
    path("rumours/incident/<int:pk>/debunk", debunk.publish, name="debunk"),
    path("rumours/debunk/<int:pk>/withdraw", debunk.withdraw, name="withdraw"),
    path("map/", views.map_page, name="map"),
    path("map/cells.json", views.map_cells, name="map_cells"),
    path("stats/", views.stats, name="stats"),
    path("stats/manage/", dashboard.index, name="dashboard"),
    path("stats/manage/<slug:slug>.csv", dashboard.table_csv, name="dashboard_csv"),
    path("rights/", views.rights_index, name="rights"),
    path("rights/card.pdf", views.rights_card, name="rights_card"),
    path("rights/poster.pdf", views.rights_poster, name="rights_poster"),
    path("rights/manage/", manage.index, name="rights_manage"),
    path("rights/manage/<str:topic>/<str:language>/", manage.edit, name="rights_edit"),
    path("rights/<str:topic>/", views.rights_topic, name="rights_topic"),
]
