from django.urls import path

from vigil.coordinate import views

app_name = "coordinate"
urlpatterns = [
    path("", views.home, name="home"),
    path("settings/", views.network_settings, name="settings"),
    path("groups/<int:group_id>/members/", views.members, name="members"),
    path("members/<int:membership_id>/remove/", views.remove_role, name="remove_role"),
    path("groups/<int:group_id>/zones/", views.zones, name="zones"),
    path("zones/<int:zone_id>/", views.zone, name="zone"),
    path("zones/<int:zone_id>/delete/", views.zone_delete, name="zone_delete"),
    path("zones/<int:zone_id>/map.json", views.zone_map, name="zone_map"),
    path("zones/<int:zone_id>/export.geojson", views.zone_export, name="zone_export"),
    path("zones/<int:zone_id>/toggle-cell/", views.zone_toggle_cell, name="zone_toggle_cell"),
    path("groups/<int:group_id>/observers/", views.observers, name="observers"),
    path("observers/<int:observer_id>/", views.observer, name="observer"),
    path("groups/<int:group_id>/shifts/", views.shifts, name="shifts"),
    path("shifts/<int:shift_id>/", views.shift, name="shift"),
    path("shifts/<int:shift_id>/delete/", views.shift_delete, name="shift_delete"),
    path("groups/<int:group_id>/volunteers/", views.volunteers, name="volunteers"),
    path("volunteers/<int:volunteer_id>/", views.volunteer, name="volunteer"),
    path("groups/<int:group_id>/trainings/", views.trainings, name="trainings"),
    path("trainings/<int:training_id>/", views.training, name="training"),
    path("registrations/<int:registration_id>/attendance/", views.attendance, name="attendance"),
]
