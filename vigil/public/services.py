"""Writes of the public side: publishing and withdrawing debunks, saving know-your-rights pages.

Each is one transaction; the public pages' cache key changes once it commits (vigil.public.freshness). Events:
- incident event "debunk_published" (debunk id) and "debunk_withdrawn", so the incident's history shows them;
- audit actions "public.debunk_published", "public.debunk_withdrawn", "public.rights_saved".
"""

from __future__ import annotations

from collections.abc import Mapping

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from vigil.accounts.access import AnyUser, audit
from vigil.hotline import events
from vigil.hotline.models import Incident
from vigil.lib.errors import VigilError
from vigil.public import freshness, markdown
from vigil.public.models import Debunk, RightsPage, RightsVersion
from vigil.public.topics import TOPICS
from vigil.safety import publication
from vigil.safety.textguard import check


def _changed() -> None:
    # Now (this process, and tests that never commit) and again once the change is visible to other readers, in
    # case one of them kept the page in between.
    freshness.bump()
    transaction.on_commit(freshness.bump)


def language_codes() -> list[str]:
    return [code for code, _name in settings.LANGUAGES]


@transaction.atomic
def publish_debunk(*, incident: Incident, actor: AnyUser, area: str, statements: Mapping[str, str]) -> Debunk:
    """Publish at once that the incident's rumour was a false alarm (or not immigration), for `area`, to the hour."""
    locked = Incident.objects.select_for_update().get(pk=incident.pk)
    if Debunk.objects.filter(incident=locked, withdrawn_at__isnull=True).exists():
        raise VigilError(_("A debunk of this incident is already published."), code="already_published")
    unknown = set(statements) - set(language_codes())
    if unknown:
        raise VigilError(_("Unknown language."), code="invalid")
    notice = publication.debunk(verdict=locked.verdict, area=area, at=locked.first_report_at, statement=statements)
    found = Debunk.objects.create(
        incident=locked,
        verdict=notice.verdict,
        area=notice.area,
        hour=notice.hour,
        statements=dict(notice.statement),
        published_at=timezone.now(),
        published_by_id=actor.pk if actor.is_authenticated else None,
    )
    events.record(locked, "debunk_published", actor=actor, debunk=found.pk)
    audit(actor, "public.debunk_published", object_type="debunk", object_id=found.pk, incident=locked.pk)
    _changed()
    transaction.on_commit(lambda: _alert_subscribers(found.pk))
    return found


def _alert_subscribers(debunk_id: int) -> None:
    from vigil.public.tasks import send_debunk_alerts

    send_debunk_alerts.enqueue(debunk_id)


@transaction.atomic
def withdraw_debunk(*, debunk: Debunk, actor: AnyUser) -> Debunk:
    found = Debunk.objects.select_for_update().get(pk=debunk.pk)
    if found.withdrawn_at is not None:
        raise VigilError(_("This debunk is already withdrawn."), code="already_withdrawn")
    found.withdrawn_at = timezone.now()
    found.save(update_fields=["withdrawn_at"])
    if found.incident is not None:
        events.record(found.incident, "debunk_withdrawn", actor=actor, debunk=found.pk)
    audit(actor, "public.debunk_withdrawn", object_type="debunk", object_id=found.pk)
    _changed()
    return found


@transaction.atomic
def save_rights_page(*, topic: str, language: str, title: str, body: str, actor: AnyUser | None) -> RightsPage:
    """Save a new version of a know-your-rights page (creating it for a new language); the old ones stay."""
    if topic not in TOPICS:
        raise VigilError(_("Unknown topic."), code="invalid", status=404)
    if language not in language_codes():
        raise VigilError(_("Unknown language."), code="invalid")
    title, body = " ".join(title.split()), body.strip()
    if not title or not body:
        raise VigilError(_("A page needs a title and a text."), code="invalid")
    guarded = check(body)
    if not guarded.ok:
        raise VigilError(guarded.message, code="text_guard")
    now = timezone.now()
    actor_id = actor.pk if actor is not None and actor.is_authenticated else None
    page = RightsPage.objects.select_for_update().filter(topic=topic, language=language).first()
    if page is None:
        page = RightsPage(topic=topic, language=language, version=0)
    page.title, page.body, page.body_html = title, body, markdown.render(body)
    page.version += 1
    page.updated_at, page.updated_by_id = now, actor_id
    page.save()
    RightsVersion.objects.create(
        page=page, number=page.version, title=title, body=body, saved_at=now, saved_by_id=actor_id
    )
    audit(actor, "public.rights_saved", object_type="rights_page", object_id=page.pk, version=page.version)
    _changed()
    return page
