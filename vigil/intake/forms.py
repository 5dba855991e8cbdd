"""Forms of the intake pages. They only shape input; every rule lives in services.clean_report."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import get_language_info
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

from vigil.hotline.services import CONTACT_MAX_CHARS, SHORT_FIELDS


def _text(label: StrOrPromise, help_text: StrOrPromise, max_length: int, *, rows: int = 0) -> forms.CharField:
    widget: forms.Widget = forms.Textarea(attrs={"rows": rows}) if rows else forms.TextInput()
    # max_length is enforced by the service (with a clear message); the browser hint is the same number.
    widget.attrs["maxlength"] = str(max_length)
    return forms.CharField(label=label, help_text=help_text, required=False, widget=widget, strip=False)


# A coordinate as a browser's number field sends it: ASCII digits, an optional sign and one decimal point. Python's
# float() also takes "1_0" (10.0), full-width and other scripts' digits, "1e1", "infinity"; none of them is a plain
# decimal a reporter typed, and each has been used to put a report somewhere it was not meant to go.
_PLAIN_DECIMAL = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)", re.ASCII)


class PlainDecimalField(forms.FloatField):
    def to_python(self, value: Any) -> float | None:  # type: ignore[override]
        if isinstance(value, str) and value.strip() and not _PLAIN_DECIMAL.fullmatch(value.strip()):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        result: float | None = super().to_python(value)
        return result


class ReportForm(forms.Form):
    """SALUTE, in plain words. Location: a map tap or the phone's position fill lat/lon; words work without either."""

    language = forms.ChoiceField(
        label=_("Your language"),
        # Each language in its own name, so a reader finds theirs whatever language the page is in.
        choices=[(code, get_language_info(code)["name_local"].capitalize()) for code, _name in settings.LANGUAGES],
        help_text=_("We answer and call back in this language."),
    )
    size = _text(
        _("How many?"), _("Officers, agents, cars or vans you can see. A guess is fine."), SHORT_FIELDS["size"]
    )
    activity = _text(
        _("What are they doing?"),
        _("For example: stopping cars, knocking on doors, taking someone away."),
        settings.VIGIL_MAX_TEXT_CHARS,
        rows=3,
    )
    location_text = _text(
        _("Where? Address or cross-streets"),
        _("For example: Lake St and 5th Ave, in front of the laundromat."),
        SHORT_FIELDS["location_text"],
    )
    lat = PlainDecimalField(label=_("Latitude"), required=False, widget=forms.NumberInput(attrs={"step": "any"}))
    lon = PlainDecimalField(label=_("Longitude"), required=False, widget=forms.NumberInput(attrs={"step": "any"}))
    uniform = _text(
        _("What do they wear?"),
        _("Words on vests or jackets (ICE, POLICE, HSI, Border Patrol), uniforms, plain clothes."),
        SHORT_FIELDS["uniform"],
    )
    seen_at = forms.DateTimeField(
        label=_("When did you see it?"),
        help_text=_("Leave as it is if it is happening now."),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    equipment = _text(
        _("Vehicles and equipment"),
        _("Kind and colour of vehicles, weapons, cameras."),
        SHORT_FIELDS["equipment"],
    )
    text = _text(
        _("Anything else?"),
        _("Do not write anyone's name, home address or phone number."),
        settings.VIGIL_MAX_TEXT_CHARS,
        rows=3,
    )
    contact = forms.CharField(
        label=_("Call-back phone or email (optional)"),
        help_text=_(
            "Only if you want a call back. It is stored encrypted, only the dispatcher handling your report can see "
            "it, and it is deleted after %(days)s days. Leave it empty to stay anonymous."
        ),
        required=False,
        max_length=CONTACT_MAX_CHARS,
    )

    def __init__(self, *args: Any, retention_days: int = 14, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["contact"].help_text = str(self.fields["contact"].help_text) % {"days": retention_days}
        if not self.is_bound:
            self.initial.setdefault("seen_at", timezone.localtime().replace(second=0, microsecond=0))

    def add_service_errors(self, error: ValidationError) -> None:
        """Show the service's errors beside the fields they concern (others at the top)."""
        for name, errors in error.error_dict.items() if hasattr(error, "error_dict") else [(None, error.error_list)]:
            field = name if name in self.fields else None
            for item in errors:
                self.add_error(field, item)


class OperatorReportForm(ReportForm):
    """What an operator types while on the phone; the caller's language picks the script beside each field."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["language"].label = _("Caller's language")
        self.fields["contact"].label = _("Call-back number (only if the caller wants one)")


class PlaceForm(forms.Form):
    lat = PlainDecimalField(label=_("Latitude"), widget=forms.NumberInput(attrs={"step": "any"}))
    lon = PlainDecimalField(label=_("Longitude"), widget=forms.NumberInput(attrs={"step": "any"}))
    # The gazetteer's label of the suggestion picked (a hidden field of each suggestion's button), if one was.
    match = forms.CharField(required=False, max_length=200, widget=forms.HiddenInput)


class PlaceSearchForm(forms.Form):
    q = forms.CharField(label=_("Search the city's streets and places"), required=False, max_length=200)


class ReceiptForm(forms.Form):
    receipt = forms.CharField(label=_("Receipt code"), max_length=20)


class ReviewForm(forms.Form):
    """An operator's decision on a held report. Redacting edits the held fields; the service guards them again."""

    outcome = forms.ChoiceField(
        label=_("Decision"),
        choices=[
            ("approved", _("Approve: show it as it is")),
            ("redacted", _("Redact: show my edited text")),
            ("refused", _("Refuse: remove the held text, keep the report")),
        ],
        widget=forms.RadioSelect,
    )

    def __init__(self, *args: Any, held: dict[str, str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        labels = {
            "size": _("Size"), "activity": _("Activity"), "location_text": _("Location"),
            "uniform": _("Uniform"), "equipment": _("Equipment"), "text": _("Other details"),
        }  # fmt: skip
        for name, value in held.items():
            limit = SHORT_FIELDS.get(name, settings.VIGIL_MAX_TEXT_CHARS)
            self.fields[name] = forms.CharField(
                label=labels[name], initial=value, required=False, max_length=limit, widget=forms.Textarea({"rows": 3})
            )
