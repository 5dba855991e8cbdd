from allauth.account.decorators import secure_admin_login
from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from vigil.api import api
from vigil.home import views as home_views
from vigil.places import views as places_views

# The Django admin signs in through allauth too (password, then the second factor), never through its own form.
admin.site.login = secure_admin_login(admin.site.login)  # type: ignore[method-assign]

urlpatterns = [
    path("healthz", home_views.healthz, name="healthz"),
    path("basemap/city.pmtiles", places_views.pmtiles, name="basemap"),
    # Browsers ask for /favicon.ico on pages without an icon link (the log's plain-text pages).
    path("favicon.ico", RedirectView.as_view(url=f"{settings.STATIC_URL}vigil/favicon.svg", permanent=True)),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("accounts/", include("vigil.accounts.urls")),
    path("accounts/", include("allauth.urls")),
    path("home/", home_views.home, name="home"),
    path("home/read", home_views.mark_notifications_read, name="notifications_read"),
    path("", include("vigil.site.urls")),
    path("", include("vigil.intake.urls")),
    path("", include("vigil.volunteer.urls")),
    path("console/", include("vigil.console.urls")),
    path("observer/", include("vigil.observer.urls")),
    path("network/", include("vigil.coordinate.urls")),
    path("evidence/", include("vigil.evidence.urls")),
    path("cases/", include("vigil.legal.urls")),
    path("plan/", include("vigil.legal.plan_urls")),
    path("log/", include("vigil.tlog.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
]
