from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from vigil.public.topics import TOPICS
from vigil.safety import publication
from vigil.safety.validators import guard_text


def _language_name(code: str) -> str:
    return str(dict(settings.LANGUAGES).get(code, code))


class DebunkForm(forms.Form):
    """One action: a short statement (in one or more languages) and the neighbourhood's name."""

    area = forms.CharField(
        label=_("Neighbourhood (a name, never an address)"),
        max_length=publication.MAX_AREA_CHARS,
        validators=[guard_text],
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for code, _name in settings.LANGUAGES:
            self.fields[f"statement_{code}"] = forms.CharField(
                label=_("Statement in %(language)s") % {"language": _language_name(code)},
                max_length=publication.MAX_STATEMENT_CHARS,
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
                validators=[guard_text],
            )

    def statements(self) -> dict[str, str]:
        return {
            code: self.cleaned_data.get(f"statement_{code}", "") or ""
            for code, _name in settings.LANGUAGES
            if self.cleaned_data.get(f"statement_{code}")
        }

    def statement_fields(self) -> list[forms.BoundField]:
        return [self[f"statement_{code}"] for code, _name in settings.LANGUAGES]


class RightsPageForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=120)
    body = forms.CharField(
        label=_("Text (Markdown)"), widget=forms.Textarea(attrs={"rows": 18}), max_length=20000, validators=[guard_text]
    )


def topic_label(topic: str) -> str:
    return str(TOPICS[topic])
