from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from vigil.accounts import views as accounts_views
from vigil.api import api

urlpatterns = [
    path("healthz", accounts_views.healthz, name="healthz"),
    # Browsers ask for /favicon.ico on pages without an icon link (the log's plain-text pages).
    path("favicon.ico", RedirectView.as_view(url=f"{settings.STATIC_URL}vigil/favicon.svg", permanent=True)),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("accounts/", include("vigil.accounts.urls")),
    path("home/", accounts_views.home, name="home"),
    path("home/read", accounts_views.mark_notifications_read, name="notifications_read"),
    path("", include("vigil.hotline.urls")),
    path("console/", include("vigil.hotline.console_urls")),
    path("observer/", include("vigil.network.observer_urls")),
    path("network/", include("vigil.network.manage_urls")),
    path("evidence/", include("vigil.evidence.urls")),
    path("log/", include("vigil.tlog.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
]
