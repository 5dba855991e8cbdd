from allauth.account import views as allauth_views
from django.urls import path

from vigil.accounts import views

# Sign-in and sign-out are allauth's views (password, then a second factor); the rest of allauth's pages
# (second factors under 2fa/, password reset, re-authentication) are included after these in vigil/urls.py.
app_name = "accounts"
urlpatterns = [
    path("login/", allauth_views.login, name="login"),
    path("logout/", allauth_views.logout, name="logout"),
    path("second-factor/", views.second_factor, name="second_factor"),
    path("sessions/", views.my_sessions, name="sessions"),
]
