"""What a geocoder answers: one ranked match with its coordinates, confidence and the words that matched."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Match:
    label: str  # how the place is written in the gazetteer, e.g. "Lake St & 5th Ave"
    kind: str  # "address" | "intersection" | "estimated crossing" | "place" | "street"
    lat: float
    lon: float
    confidence: float
    neighbourhood: str = ""

    @property
    def kind_label(self) -> str:
        return str(KIND_LABELS.get(self.kind, self.kind))


KIND_LABELS = {
    "address": _("address"),
    "intersection": _("crossing"),
    "estimated crossing": _("crossing estimated from house numbers"),
    "place": _("landmark"),
    "street": _("street"),
}
