"""Forms of the coordinators' pages: they check shapes and ranges; the services check everything that needs the DB."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django import forms
from django.conf import settings
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from vigil.accounts.models import Group, Role, User
from vigil.lib.errors import VigilError
from vigil.network.models import Observer, Shift, TrainingKind
from vigil.network.observers import NOTIFY_CHANNELS, normalise_languages
from vigil.places import geometry as zone_geometry
from vigil.places.settings_table import SETTINGS

if TYPE_CHECKING:
    pass

_DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"]


class DateTimeLocalInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%dT%H:%M")


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%d")


class AddMemberForm(forms.Form):
    username = forms.CharField(label=_("Username of an existing account"), max_length=150)
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)

    def clean_username(self) -> User:
        username = self.cleaned_data["username"].strip()
        user = User.objects.filter(username__iexact=username, is_active=True).first()
        if user is None:
            raise forms.ValidationError(_("No active account has this username."))
        return user


class VolunteerForm(forms.Form):
    username = forms.CharField(
        label=_("Username"),
        max_length=150,
        validators=[UnicodeUsernameValidator()],
        help_text=_("Letters, digits and @ . + - _ only."),
    )
    first_name = forms.CharField(label=_("First name"), max_length=150, required=False)
    last_name = forms.CharField(label=_("Last name"), max_length=150, required=False)
    email = forms.EmailField(
        label=_("Email"), help_text=_("The invitation goes here: a one-time link to choose a password.")
    )
    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES, initial="en")
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices, initial=Role.OBSERVER)

    def clean_username(self) -> str:
        username = str(self.cleaned_data["username"]).strip()
        if User.objects.filter(username__iexact=username).exists():
            raise forms.ValidationError(_("This username is taken."))
        return username


class ZoneNameForm(forms.Form):
    name = forms.CharField(label=_("Zone name"), max_length=120)


class GeoJSONForm(forms.Form):
    geojson_file = forms.FileField(label=_("GeoJSON file"), required=False)
    geojson_text = forms.CharField(
        label=_("…or paste GeoJSON"), required=False, widget=forms.Textarea(attrs={"rows": 6, "spellcheck": "false"})
    )
    replace = forms.BooleanField(
        label=_("Replace the zone's cells (untick to add to them)"), required=False, initial=True
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        upload = data.get("geojson_file")
        text = data.get("geojson_text") or ""
        if isinstance(upload, UploadedFile):
            if upload.size is not None and upload.size > zone_geometry.MAX_GEOJSON_BYTES:
                raise forms.ValidationError(_("The GeoJSON is larger than 2 MB. Simplify the shape first."))
            raw: bytes | str = upload.read(zone_geometry.MAX_GEOJSON_BYTES + 1)
        elif text.strip():
            raw = text
        else:
            raise forms.ValidationError(_("Choose a GeoJSON file or paste GeoJSON."))
        try:
            data["cells"] = zone_geometry.cells_from_geojson(raw)
        except zone_geometry.ZoneShapeError as exc:
            raise forms.ValidationError(str(exc)) from None
        return data


class CellListForm(forms.Form):
    cells = forms.CharField(
        label=_("H3 cells (resolution 8), separated by spaces, commas or lines"),
        widget=forms.Textarea(attrs={"rows": 4, "spellcheck": "false"}),
        max_length=zone_geometry.MAX_ZONE_CELLS * 17,
    )
    replace = forms.BooleanField(label=_("Replace the zone's cells (untick to add to them)"), required=False)

    def clean_cells(self) -> set[str]:
        try:
            return zone_geometry.cells_from_list(self.cleaned_data["cells"])
        except zone_geometry.ZoneShapeError as exc:
            raise forms.ValidationError(str(exc)) from None


class CircleForm(forms.Form):
    lat = forms.FloatField(label=_("Centre latitude"), min_value=-90, max_value=90)
    lon = forms.FloatField(label=_("Centre longitude"), min_value=-180, max_value=180)
    radius_m = forms.IntegerField(
        label=_("Radius in metres"), min_value=0, max_value=zone_geometry.MAX_RADIUS_METERS, initial=1000
    )
    replace = forms.BooleanField(label=_("Replace the zone's cells (untick to add to them)"), required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.errors:
            return data
        try:
            data["cells"] = zone_geometry.cells_around(data["lat"], data["lon"], data["radius_m"])
        except zone_geometry.ZoneShapeError as exc:
            raise forms.ValidationError(str(exc)) from None
        return data


class MapCellForm(forms.Form):
    """A tap on the zone map: the cell under the point is added or removed."""

    lat = forms.FloatField(min_value=-90, max_value=90)
    lon = forms.FloatField(min_value=-180, max_value=180)


class ObserverForm(forms.Form):
    trained_on = forms.DateField(label=_("Trained on"), required=False, widget=DateInput())
    training_expires_on = forms.DateField(label=_("Training expires on"), required=False, widget=DateInput())
    languages = forms.CharField(
        label=_("Languages"),
        required=False,
        max_length=200,
        help_text=_("Language codes separated by commas, e.g. en, es, so"),
    )
    code_accepted = forms.BooleanField(label=_("Has accepted the observer code of conduct"), required=False)
    active = forms.BooleanField(label=_("Active (can be put on shift and dispatched)"), required=False)
    notify_by = forms.MultipleChoiceField(
        label=_("Send dispatches by"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=[("inbox", _("In-app inbox")), ("email", _("Email")), ("sms", _("SMS"))],
    )
    new_phone = forms.CharField(
        label=_("New phone number for SMS"),
        required=False,
        max_length=32,
        help_text=_("With country code, e.g. +1 612 555 0100. Leave empty to keep the current one."),
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
    )
    clear_phone = forms.BooleanField(label=_("Delete the phone number on file"), required=False)

    @classmethod
    def for_observer(cls, observer: Observer) -> ObserverForm:
        return cls(
            initial={
                "trained_on": observer.trained_on,
                "training_expires_on": observer.training_expires_on,
                "languages": ", ".join(observer.languages or []),
                "code_accepted": observer.code_accepted_at is not None,
                "active": observer.active,
                "notify_by": [c for c in observer.notify_by or [] if c in NOTIFY_CHANNELS],
            }
        )

    def clean_languages(self) -> list[str]:
        try:
            return normalise_languages(str(self.cleaned_data["languages"]).split(","))
        except VigilError as exc:
            raise forms.ValidationError(str(exc)) from None

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        trained, expires = data.get("trained_on"), data.get("training_expires_on")
        if trained and expires and expires < trained:
            self.add_error("training_expires_on", _("Training cannot expire before it took place."))
        if trained and trained > timezone.localdate():
            self.add_error("trained_on", _("The training date is in the future."))
        return data


class ObserverChoiceField(forms.ModelChoiceField[Observer]):
    def label_from_instance(self, obj: Observer) -> str:
        return obj.user.get_full_name() or obj.user.get_username()


class ShiftForm(forms.Form):
    observer = ObserverChoiceField(label=_("Observer"), queryset=Observer.objects.none())
    starts_at = forms.DateTimeField(label=_("Starts"), widget=DateTimeLocalInput(), input_formats=_DATETIME_FORMATS)
    ends_at = forms.DateTimeField(label=_("Ends"), widget=DateTimeLocalInput(), input_formats=_DATETIME_FORMATS)

    def __init__(self, *args: Any, group: Group, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["observer"]
        if isinstance(field, ObserverChoiceField):
            field.queryset = (
                Observer.objects.filter(group=group, active=True).select_related("user").order_by("user__username")
            )

    @classmethod
    def for_shift(cls, shift: Shift, *, group: Group) -> ShiftForm:
        return cls(
            group=group,
            initial={
                "observer": shift.observer_id,
                "starts_at": timezone.localtime(shift.starts_at),
                "ends_at": timezone.localtime(shift.ends_at),
            },
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        starts, ends = data.get("starts_at"), data.get("ends_at")
        if isinstance(starts, dt.datetime) and isinstance(ends, dt.datetime) and ends <= starts:
            self.add_error("ends_at", _("A shift must end after it starts."))
        return data


class NetworkSettingsForm(forms.Form):
    """One whole-number field per operational setting, with the label and range of vigil.places.settings_table."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for setting in SETTINGS:
            self.fields[setting.name] = forms.IntegerField(
                label=setting.label, min_value=setting.low, max_value=setting.high
            )


class ContactVolunteerForm(forms.Form):
    subject = forms.CharField(label=_("Subject"), max_length=200, required=False)
    body = forms.CharField(label=_("Message"), widget=forms.Textarea(attrs={"rows": 4}), max_length=1000)


class TrainingForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=TrainingKind.choices)
    title = forms.CharField(label=_("Title"), max_length=120, required=False)
    starts_at = forms.DateTimeField(
        label=_("Starts"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
    )
    ends_at = forms.DateTimeField(
        label=_("Ends"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
    )
    online = forms.BooleanField(label=_("Online"), required=False)
    place = forms.CharField(
        label=_("Place"),
        help_text=_("A public venue, or the meeting link (shown to registrants only)"),
        max_length=200,
        required=False,
    )
    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES, initial="en")
    capacity = forms.IntegerField(label=_("Capacity"), min_value=1, max_value=10000, initial=30)
