from django.urls import path

from vigil.volunteer import views

app_name = "volunteer"
urlpatterns = [
    path("volunteer/", views.sign_up, name="sign_up"),
    path("volunteer/welcome/<uidb64>/<token>/", views.Welcome.as_view(), name="welcome"),
    path("volunteer/welcome/done/", views.welcome_done, name="welcome_done"),
    path("trainings/", views.trainings, name="trainings"),
    path("trainings/feed.ics", views.feed, name="feed"),
    path("trainings/<int:training_id>/register/", views.register, name="register"),
    path("trainings/<int:training_id>/door/<str:token>/", views.door, name="door"),
]
