"""Forms of the observer phone view. Free text goes through the text guard; locations are coarsened at once."""

from __future__ import annotations

import datetime as dt
from typing import Any

import h3
from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from vigil.hotline.models import Verdict
from vigil.lib.errors import VigilError
from vigil.network.models import Observation, Observer
from vigil.network.shifts import MAX_SHIFT_HOURS, coarse_cell
from vigil.places.models import Zone


def guard(value: str) -> str:
    """Refuse text that ties a person to private details or threatens anyone (vigil.safety's text guard)."""
    from vigil.safety.validators import guard_text

    if value:
        guard_text(value)
    return value


def _text(max_length: int, label: str | Any, *, required: bool = False, area: bool = False) -> forms.CharField:
    widget = forms.Textarea(attrs={"rows": 3}) if area else forms.TextInput()
    return forms.CharField(max_length=max_length, required=required, label=label, widget=widget)


class CodeOfConductForm(forms.Form):
    accept = forms.BooleanField(
        required=True,
        label=_("I have read the code of conduct and I will follow it on every dispatch."),
        error_messages={"required": _("Tick the box to accept the code of conduct.")},
    )


class AcceptForm(forms.Form):
    code_acknowledged = forms.BooleanField(
        required=True,
        label=_("I will keep my distance, not touch or obstruct anyone, and never follow or identify officers."),
        error_messages={"required": _("Confirm that you will follow the code of conduct to accept.")},
    )


class ShiftForm(forms.Form):
    """Going on shift: a coarse place (from the phone's location, or a zone picked from the list) and a length.

    The phone's coordinates, when sent, are turned into an H3 cell here and dropped: only the cell is stored.
    """

    lat = forms.FloatField(required=False, min_value=-90, max_value=90, widget=forms.HiddenInput)
    lon = forms.FloatField(required=False, min_value=-180, max_value=180, widget=forms.HiddenInput)
    zone = forms.ModelChoiceField(
        queryset=Zone.objects.none(),
        required=False,
        label=_("Where are you?"),
        empty_label=_("— choose your area —"),
        help_text=_("Only a rough area (about 1 km across) is kept, and only while you are on shift."),
    )
    hours = forms.TypedChoiceField(
        coerce=int,
        choices=lambda: [
            (h, ngettext("%(hours)s hour", "%(hours)s hours", h) % {"hours": h})
            for h in (1, 2, 3, 4, 6, 8, MAX_SHIFT_HOURS)
        ],
        initial=4,
        label=_("For how long?"),
        help_text=_("Used only when no shift was scheduled for you now."),
    )

    def __init__(self, *args: Any, observer: Observer, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        zone_field = self.fields["zone"]
        if isinstance(zone_field, forms.ModelChoiceField):
            zone_field.queryset = Zone.objects.filter(group_id=observer.group_id).order_by("name")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if "lat" in self.errors or "lon" in self.errors:
            # Hidden fields the script fills: say it in words the observer can act on.
            self.errors.pop("lat", None)
            self.errors.pop("lon", None)
            raise forms.ValidationError(
                _("The location your phone sent is not valid: pick your area from the list."), code="bad_location"
            )
        lat, lon, zone = data.pop("lat", None), data.pop("lon", None), data.get("zone")
        if lat is not None and lon is not None:
            try:
                data["cell"] = coarse_cell(lat, lon)
            except VigilError as error:
                raise forms.ValidationError(error.message, code=error.code) from None
        elif zone is not None:
            cell = zone_centre_cell(zone)
            if cell is None:
                raise forms.ValidationError(_("That zone has no area yet; pick another."), code="empty_zone")
            data["cell"] = cell
        elif not self.errors:
            raise forms.ValidationError(
                _("Share your phone's location or pick the zone you are in."), code="no_location"
            )
        return data


def zone_centre_cell(zone: Zone) -> str | None:
    """The zone's cell nearest to the average of its cells' centres."""
    cells = list(zone.cells.values_list("cell", flat=True))
    if not cells:
        return None
    points = [h3.cell_to_latlng(c) for c in cells]
    lat = sum(p[0] for p in points) / len(points)
    lon = sum(p[1] for p in points) / len(points)
    middle = h3.latlng_to_cell(lat, lon, settings.VIGIL_H3_RES_ZONE)
    if middle in cells:
        return str(middle)
    return min(cells, key=lambda c: (h3.great_circle_distance(h3.cell_to_latlng(c), (lat, lon)), c))


class DeviceTimeField(forms.Field):
    """The phone's clock as ISO 8601 with an offset (filled by the page's script); empty without JavaScript."""

    widget = forms.HiddenInput

    def to_python(self, value: Any) -> dt.datetime | None:
        text = str(value or "").strip()
        if not text:
            return None
        parsed = parse_datetime(text) if len(text) <= 40 else None
        if parsed is None or parsed.tzinfo is None:
            raise forms.ValidationError(_("The device time is not a valid time."), code="bad_device_time")
        return parsed


class ObservationForm(forms.Form):
    """One SALUTE observation: Size, Activity, Location, Uniform, Time, Equipment, and a note."""

    size = _text(Observation._meta.get_field("size").max_length or 200, _("Size: how many officers, vehicles?"))
    activity = _text(settings.VIGIL_MAX_TEXT_CHARS, _("Activity: what is happening?"), area=True)
    location = _text(300, _("Location: where exactly (corner, building, entrance)?"))
    uniform = _text(300, _("Uniform: markings, agency names, clothing"))
    time_seen = forms.DateTimeField(
        required=False,
        label=_("Time seen (leave empty for now)"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"],
    )
    equipment = _text(300, _("Equipment: vehicles, weapons, tools"))
    note = _text(settings.VIGIL_MAX_TEXT_CHARS, _("Anything else"), area=True)
    device_time = DeviceTimeField(required=False)

    def clean_time_seen(self) -> dt.datetime | None:
        value: dt.datetime | None = self.cleaned_data.get("time_seen")
        if value is not None and value > timezone.now() + dt.timedelta(minutes=10):
            raise forms.ValidationError(_("The time seen cannot be in the future."), code="future")
        return value

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for name in ("size", "activity", "location", "uniform", "equipment", "note"):
            if data.get(name):
                try:
                    guard(data[name])
                except forms.ValidationError as error:
                    self.add_error(name, error)
        texts = [data.get(n, "") for n in ("size", "activity", "location", "uniform", "equipment", "note")]
        if not self.errors and not any(t.strip() for t in texts):
            raise forms.ValidationError(_("Write at least one thing you observed."), code="empty_observation")
        return data


class VerdictForm(forms.Form):
    verdict = forms.ChoiceField(choices=Verdict.choices, label=_("What was it?"), widget=forms.RadioSelect)
    note = _text(settings.VIGIL_MAX_TEXT_CHARS, _("What you saw that makes you say so"), required=True, area=True)

    def clean_note(self) -> str:
        return guard(self.cleaned_data["note"])
