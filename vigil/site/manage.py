"""Coordinators edit the know-your-rights pages: one page per topic and language, with a preview and the history
of versions. Saving goes through vigil.public.services.save_rights_page, which sanitises the Markdown."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from vigil.accounts.access import signed_in_user
from vigil.lib.errors import VigilError
from vigil.public import access, markdown, selectors, services
from vigil.public.models import RightsPage
from vigil.public.topics import TOPICS
from vigil.site.forms import RightsPageForm


@login_required
def index(request: HttpRequest) -> HttpResponse:
    access.require_editor(signed_in_user(request))
    pages = {(p.topic, p.language): p for p in RightsPage.objects.all()}
    rows = [
        (slug, label, [(code, name, pages.get((slug, code))) for code, name in settings.LANGUAGES])
        for slug, label in TOPICS.items()
    ]
    return render(request, "site/rights_manage.html", {"rows": rows})


@login_required
@require_http_methods(["GET", "POST"])
def edit(request: HttpRequest, topic: str, language: str) -> HttpResponse:
    user = signed_in_user(request)
    access.require_editor(user)
    if topic not in TOPICS or language not in dict(settings.LANGUAGES):
        raise Http404
    page = RightsPage.objects.filter(topic=topic, language=language).first()
    preview = None
    if request.method == "POST":
        form = RightsPageForm(request.POST)
        if form.is_valid():
            if "preview" in request.POST:
                preview = markdown.render(form.cleaned_data["body"])
            else:
                try:
                    services.save_rights_page(
                        topic=topic,
                        language=language,
                        title=form.cleaned_data["title"],
                        body=form.cleaned_data["body"],
                        actor=user,
                    )
                except VigilError as refused:
                    form.add_error(None, refused.message)
                else:
                    messages.success(request, _("Saved. The public page shows this version now."))
                    return redirect(request.path)
    else:
        source = page or selectors.rights_page(topic, settings.LANGUAGE_CODE)
        form = RightsPageForm(initial={"title": source.title, "body": source.body} if source else None)
    ctx = {
        "topic": topic,
        "topic_label": TOPICS[topic],
        "language": language,
        "language_name": dict(settings.LANGUAGES)[language],
        "page": page,
        "form": form,
        "preview": preview,
        "versions": list(page.versions.all()[:20]) if page else [],
    }
    return render(request, "site/rights_edit.html", ctx, status=400 if form.errors else 200)
