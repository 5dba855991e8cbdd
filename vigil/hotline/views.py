from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def landing(request: HttpRequest) -> HttpResponse:
    return render(request, "hotline/landing.html")


def report(request: HttpRequest) -> HttpResponse:
    return render(request, "hotline/landing.html")


def operator(request: HttpRequest) -> HttpResponse:
    return render(request, "hotline/landing.html")
