"""The network's operational settings, each declared once: name, default, range, unit and what it does.

Everything else reads this table: the environment loader in `vigil/settings.py` (each setting's default can be set
with `VIGIL_<NAME>`, checked against the same range), the `NetworkSettings` model's columns, the coordinators'
settings form and the running configuration (`vigil.places.config`). Nothing here imports a model, so the settings
module can read it before Django starts.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _

from vigil.lib.env import envint

if TYPE_CHECKING:
    from django_stubs_ext import StrPromise


@dataclass(frozen=True)
class Setting:
    name: str
    default: int
    low: int
    high: int
    label: StrPromise

    @property
    def env(self) -> str:
        """The environment variable that sets its default for an install."""
        return f"VIGIL_{self.name.upper()}"


SETTINGS: tuple[Setting, ...] = (
    Setting("cluster_meters", 750, 50, 5000, _("Join reports into one incident within (metres)")),
    Setting("cluster_minutes", 90, 5, 720, _("…and within (minutes)")),
    Setting("dispatch_pair_size", 2, 1, 6, _("Observers sent per dispatch")),
    Setting("dispatch_accept_seconds", 180, 30, 1800, _("Seconds to accept before escalating to the next observers")),
    Setting("checkin_minutes", 20, 5, 180, _("Observers on scene check in every (minutes)")),
    Setting("contact_retention_days", 14, 1, 90, _("Delete reporters' call-back contacts after (days)")),
    # The public side (vigil.safety.publication): never under an hour, never a map cell of one or two incidents.
    Setting("publication_delay_hours", 6, 1, 168, _("Publish confirmed incidents after (hours)")),
    Setting("publication_min_count", 3, 2, 50, _("Show a public map cell only with at least (confirmed incidents)")),
    # The console's flood warning (vigil.hotline.floods): intake in a zone far above its usual hourly rate.
    Setting("flood_window_minutes", 60, 10, 720, _("Flood warning: look at the reports of the last (minutes)")),
    Setting("flood_ratio", 5, 2, 100, _("…warn above this many times the zone's usual rate")),
    Setting("flood_min_reports", 20, 3, 1000, _("…and only from this many reports")),
    Setting("flood_baseline_days", 14, 1, 90, _("…the usual rate is the median hour of the past (days)")),
)

BY_NAME: dict[str, Setting] = {s.name: s for s in SETTINGS}


def defaults_from_environment() -> dict[str, int]:
    """Each setting's default for this install: VIGIL_<NAME> when set (within the range), else the table's."""
    return {s.name: envint(s.env, s.default, minimum=s.low, maximum=s.high) for s in SETTINGS}


def out_of_range(name: str, value: object) -> bool:
    setting = BY_NAME[name]
    return not isinstance(value, int) or isinstance(value, bool) or not setting.low <= value <= setting.high
