"""Forms of the dispatcher console: queue filters and the triage and dispatch actions."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from vigil.accounts.models import User
from vigil.console import selectors
from vigil.hotline import triage
from vigil.hotline.models import Incident, IncidentState, Verdict
from vigil.network import dispatch as network_dispatch


def _state_choices() -> list[tuple[str, Any]]:
    return [
        ("", gettext_lazy("Open first, then the last 24 hours")),
        ("open", gettext_lazy("Open (new and verifying)")),
        *IncidentState.choices,
    ]


class QueueFilterForm(forms.Form):
    state = forms.ChoiceField(label=gettext_lazy("State"), required=False)
    zone = forms.ChoiceField(label=gettext_lazy("Zone"), required=False)
    q = forms.CharField(
        label=gettext_lazy("Search: words or a receipt code"), required=False, max_length=100, strip=True
    )
    since = forms.DateTimeField(
        label=gettext_lazy("Reports from"), required=False, widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    until = forms.DateTimeField(
        label=gettext_lazy("until"), required=False, widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    # "Show all": every row instead of the first page (selectors.QUEUE_PAGE).
    all = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, data: Mapping[str, Any] | None, *, user: User) -> None:
        super().__init__(data)
        state = self.fields["state"]
        zone = self.fields["zone"]
        assert isinstance(state, forms.ChoiceField) and isinstance(zone, forms.ChoiceField)  # noqa: S101
        state.choices = _state_choices()
        zones = selectors.filter_zones(user)
        self.zone_ids = [z.pk for z in zones]  # the user's console zones, read once for the queue too
        zone.choices = [
            ("", gettext_lazy("All my zones")),
            (selectors.UNZONED, gettext_lazy("Outside every zone")),
            *[(str(z.pk), z.name) for z in zones],
        ]


class VerdictForm(forms.Form):
    verdict = forms.ChoiceField(label=gettext_lazy("Verdict"), choices=Verdict.choices, widget=forms.RadioSelect)
    note = forms.CharField(
        label=gettext_lazy("Note (what was seen, how it was verified)"),
        required=False,
        max_length=triage.MAX_NOTE_CHARS,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class IncidentIdsField(forms.Field):
    """Incident numbers from checkboxes: positive integers (whether the user may merge them is checked later)."""

    widget = forms.CheckboxSelectMultiple

    def to_python(self, value: Any) -> list[int]:
        values = value if isinstance(value, list | tuple) else ([value] if value else [])
        ids = []
        for v in values:
            text = str(v).strip()
            if not text.isdigit() or not 0 < int(text) < 2**62:
                raise forms.ValidationError(_("“%(value)s” is not an incident number.") % {"value": text[:20]})
            ids.append(int(text))
        return ids


class MergeForm(forms.Form):
    sources = IncidentIdsField(label=gettext_lazy("Nearby open incidents"), required=False)
    other = forms.IntegerField(
        label=gettext_lazy("Or an incident number"), required=False, min_value=1, max_value=2**62
    )

    def __init__(self, data: Mapping[str, Any] | None = None, *, candidates: list[tuple[Incident, int]]) -> None:
        super().__init__(data)
        widget = self.fields["sources"].widget
        assert isinstance(widget, forms.CheckboxSelectMultiple)  # noqa: S101
        widget.choices = [
            (
                i.pk,
                ngettext(
                    "#%(id)s — %(state)s, %(count)s report, %(meters)s m away, last report %(age)s ago",
                    "#%(id)s — %(state)s, %(count)s reports, %(meters)s m away, last report %(age)s ago",
                    i.report_count,
                )
                % {
                    "id": i.pk,
                    "state": i.get_state_display(),
                    "count": i.report_count,
                    "meters": meters,
                    "age": selectors.human_age(timezone.now() - i.last_report_at),
                },
            )
            for i, meters in candidates
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        ids = list(data.get("sources") or [])
        if data.get("other"):
            ids.append(data["other"])
        if not ids and not self.errors:
            raise forms.ValidationError(_("Choose at least one incident to merge into this one."))
        data["ids"] = sorted(set(ids))
        return data


class SplitForm(forms.Form):
    reports = forms.TypedMultipleChoiceField(coerce=int, required=True)

    def __init__(self, data: Mapping[str, Any] | None = None, *, report_ids: list[int]) -> None:
        super().__init__(data)
        field = self.fields["reports"]
        assert isinstance(field, forms.ChoiceField)  # noqa: S101
        field.choices = [(pk, str(pk)) for pk in report_ids]
        field.error_messages["required"] = _("Choose the reports that belong to another incident.")
        field.error_messages["invalid_choice"] = _("Report %(value)s is not part of this incident.")


class ObserverIdsField(forms.Field):
    """Observer ids from checkboxes (whether they may be sent is checked by the dispatch service)."""

    widget = forms.CheckboxSelectMultiple

    def to_python(self, value: Any) -> list[int]:
        values = value if isinstance(value, list | tuple) else ([value] if value else [])
        ids = []
        for v in values:
            text = str(v).strip()
            if not text.isdigit() or not 0 < int(text) < 2**62:
                raise forms.ValidationError(_("Choose observers from the list."))
            ids.append(int(text))
        if len(ids) > network_dispatch.MAX_DISPATCH_COUNT:
            raise forms.ValidationError(
                _("Send between 1 and %(max)s observers.") % {"max": network_dispatch.MAX_DISPATCH_COUNT}
            )
        return ids


class DispatchForm(forms.Form):
    count = forms.IntegerField(
        label=gettext_lazy("How many observers"),
        required=False,
        min_value=1,
        max_value=network_dispatch.MAX_DISPATCH_COUNT,
    )
    observers = ObserverIdsField(label=gettext_lazy("Or send exactly these observers"), required=False)


class ReopenForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("Why"), required=False, max_length=triage.MAX_NOTE_CHARS)


# --- helpers ----------------------------------------------------------------------------------------------------
