"""Forms of the public volunteer pages. They shape input; the rules live in vigil.network.volunteers/trainings."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import get_language_info
from django.utils.translation import gettext_lazy as _

from vigil.accounts.models import Group
from vigil.network.volunteers import AVAILABILITY, NAME_MAX, NEIGHBOURHOOD_MAX, NOTE_MAX


class SignUpForm(forms.Form):
    group = forms.ModelChoiceField(
        label=_("Group you would like to join"), queryset=Group.objects.order_by("name"), empty_label=None
    )
    name = forms.CharField(
        label=_("Your name"), help_text=_("A first name or the name you go by is enough."), max_length=NAME_MAX
    )
    contact = forms.CharField(
        label=_("E-mail or phone"),
        help_text=_("Stored encrypted; only your group's coordinators use it, to invite you to a training."),
        max_length=200,
    )
    language = forms.ChoiceField(
        label=_("Write to me in"),
        choices=[(code, get_language_info(code)["name_local"].capitalize()) for code, _name in settings.LANGUAGES],
    )
    languages = forms.CharField(
        label=_("Languages you speak"), help_text=_("Codes separated by commas, e.g. en, es, so."), required=False
    )
    neighbourhood = forms.CharField(
        label=_("Neighbourhood"),
        help_text=_("A district or area only — never a street address."),
        max_length=NEIGHBOURHOOD_MAX,
        required=False,
    )
    availability = forms.MultipleChoiceField(
        label=_("When could you observe?"),
        choices=AVAILABILITY,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    note = forms.CharField(
        label=_("Anything else we should know?"),
        help_text=_("Do not write anyone's name, home address or phone number."),
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": str(NOTE_MAX)}),
        required=False,
    )
    consent = forms.BooleanField(label=_("I have read the observer code of conduct and agree to follow it."))

    def language_list(self) -> list[str]:
        return [part for part in str(self.cleaned_data.get("languages", "")).split(",") if part.strip()]
