"""The coordinators' dashboard: charts of response times, shift coverage and intake, each with its CSV."""

from __future__ import annotations

import csv

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_safe

from vigil.accounts.access import signed_in_user
from vigil.public import access, dashboard

PERIODS = (7, 30, 90)


def _span(request: HttpRequest) -> dashboard.Window:
    try:
        days = int(request.GET.get("days", dashboard.DEFAULT_DAYS))
    except ValueError:
        days = dashboard.DEFAULT_DAYS
    return dashboard.window(days if days in PERIODS else dashboard.DEFAULT_DAYS)


@login_required
@require_safe
def index(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    access.require_editor(user)
    span = _span(request)
    found = dashboard.tables(user, span)
    charts = [
        {"slug": t.slug, "title": t.title, "columns": t.columns, "rows": t.rows, "data_id": f"chart-{t.slug}"}
        for t in found
    ]
    response = render(request, "site/dashboard.html", {"charts": charts, "span": span, "periods": PERIODS})
    add_never_cache_headers(response)
    return response


@login_required
@require_safe
def table_csv(request: HttpRequest, slug: str) -> HttpResponse:
    user = signed_in_user(request)
    access.require_editor(user)
    span = _span(request)
    table = next((t for t in dashboard.tables(user, span) if t.slug == slug), None)
    if table is None:
        raise Http404
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="vigil-{slug}-{span.days}d.csv"'
    writer = csv.writer(response)
    writer.writerow(table.columns)
    writer.writerows(["" if v is None else v for v in row] for row in table.rows)
    add_never_cache_headers(response)
    return response
