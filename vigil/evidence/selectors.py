"""Reads of the evidence app."""

from __future__ import annotations

from django.db.models import Count, Max, QuerySet

from vigil.accounts.models import User
from vigil.evidence.models import CustodyEvent, EvidenceItem
from vigil.hotline.models import Incident
from vigil.network.models import Dispatch


def items_of_incident(incident: Incident) -> QuerySet[EvidenceItem]:
    return (
        EvidenceItem.objects.filter(incident=incident)
        .select_related("uploaded_by", "dispatch")
        .prefetch_related("derivatives")
        .order_by("received_at", "leaf_index")
    )


def items_of_dispatch(dispatch: Dispatch, user: User) -> QuerySet[EvidenceItem]:
    return EvidenceItem.objects.filter(dispatch=dispatch, uploaded_by=user).order_by("-received_at")


def custody_of_items(items: list[EvidenceItem]) -> QuerySet[CustodyEvent]:
    return CustodyEvent.objects.filter(item__in=items).select_related("actor", "item").order_by("leaf_index")


def exportable_items(incident: Incident) -> list[EvidenceItem]:
    """Items whose originals still exist (a deleted original cannot go into a bundle; its record stays)."""
    return list(items_of_incident(incident).filter(deleted_at__isnull=True))


def incidents_with_evidence(incidents: QuerySet[Incident]) -> QuerySet[Incident]:
    """Of `incidents`, those holding evidence, newest evidence first, annotated with item counts."""
    return (
        incidents.annotate(item_count=Count("evidence"), last_item_at=Max("evidence__received_at"))
        .filter(item_count__gt=0)
        .order_by("-last_item_at")
    )
