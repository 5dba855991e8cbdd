"""What the hotline tells the apps above it, so that they react without the hotline importing them.

Both are sent inside the triage transaction, so a receiver's writes commit or roll back with the triage change.

- `incident_merging(source, target, actor)`: once per source incident being folded into `target`. A receiver moves
  its own work on `source` (the network: observers sent) to `target` and returns `{kind: [ids moved]}`; the merge
  records those ids in both incidents' events, and work carried over moves a new target to "verifying".
- `verdict_recorded(incident, actor)`: after a verdict is given or changed. The network withdraws offers nobody has
  answered yet.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from django.dispatch import Signal

from vigil.accounts.access import AnyUser
from vigil.hotline.models import Incident

incident_merging = Signal()
verdict_recorded = Signal()


def carry_over(*, source: Incident, target: Incident, actor: AnyUser) -> dict[str, list[int]]:
    """Send `incident_merging` and gather what the receivers moved, by kind."""
    moved: dict[str, list[int]] = {}
    for _receiver, answer in incident_merging.send(sender=Incident, source=source, target=target, actor=actor):
        if isinstance(answer, Mapping):
            for kind, ids in answer.items():
                if isinstance(ids, Sequence):
                    moved.setdefault(str(kind), []).extend(int(i) for i in ids)
    return moved
