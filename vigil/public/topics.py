"""The know-your-rights topics, in the order the site lists them. Their text lives in the database (RightsPage)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django_stubs_ext import StrPromise

# slug → the topic's name in menus; "card" is the short text of the printable wallet card.
TOPICS: dict[str, StrPromise] = {
    "door": _("If an agent comes to your door"),
    "street": _("If you are stopped in the street"),
    "car": _("If you are stopped in a car"),
    "work": _("If agents come to your work"),
    "detained": _("If someone is detained"),
    "card": _("Wallet card"),
}
PAGES = tuple(slug for slug in TOPICS if slug != "card")
