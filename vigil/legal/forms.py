from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from vigil.accounts.models import Group, Role, User
from vigil.cases.models import CaseState, Facility, HearingKind, HearingOutcome, LocatorResult, Trigger
from vigil.cases.plans import Contact as PlanContact
from vigil.cases.plans import PlanContent
from vigil.cases.services import FamilyInput, PersonInput
from vigil.safety.validators import guard_text


class PersonForm(forms.Form):
    """What is known of the person detained, and one family contact. Validation of substance is in the service."""

    name = forms.CharField(label=_("Name of the person detained"), max_length=200)
    aliases = forms.CharField(
        label=_("Other names or spellings (one per line)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
    )
    a_number = forms.CharField(label=_("A-number, if known (8 or 9 digits)"), required=False, max_length=20)
    birth_date = forms.DateField(
        label=_("Date of birth, if known"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    country_of_birth = forms.CharField(label=_("Country of birth"), required=False, max_length=100)
    language = forms.ChoiceField(
        label=_("Language they speak"),
        required=False,
        choices=[("", "—"), *settings.LANGUAGES, ("other", _("Other"))],
    )
    needs = forms.CharField(
        label=_("Needs (medication, children left without care, …)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=4000,
        validators=[guard_text],
    )
    family_name = forms.CharField(label=_("Family contact: name"), required=False, max_length=200)
    family_phone = forms.CharField(label=_("Family contact: phone"), required=False, max_length=20)
    family_relationship = forms.CharField(label=_("Family contact: relationship"), required=False, max_length=40)

    def person(self) -> PersonInput:
        data = self.cleaned_data
        family = []
        if data["family_name"].strip():
            family.append(
                FamilyInput(
                    name=data["family_name"],
                    phone=data["family_phone"],
                    relationship=data["family_relationship"],
                    language=data["language"],
                )
            )
        return dataclasses.replace(EditPersonForm.person_of(data), family=family)


class EditPersonForm(forms.Form):
    """Corrections to the person detained after the case opened (family contacts are not edited here)."""

    name = PersonForm.base_fields["name"]
    aliases = PersonForm.base_fields["aliases"]
    a_number = PersonForm.base_fields["a_number"]
    birth_date = PersonForm.base_fields["birth_date"]
    country_of_birth = PersonForm.base_fields["country_of_birth"]
    language = PersonForm.base_fields["language"]
    needs = PersonForm.base_fields["needs"]

    @staticmethod
    def person_of(data: Mapping[str, Any]) -> PersonInput:
        return PersonInput(
            name=data["name"],
            aliases=[line for line in data["aliases"].splitlines() if line.strip()],
            a_number=data["a_number"],
            birth_date=data["birth_date"],
            country_of_birth=data["country_of_birth"],
            language=data["language"],
            needs=data["needs"],
        )


class FamilyContactForm(forms.Form):
    """One family contact of a case, added or corrected after it opened. Validation of substance is in the service."""

    name = forms.CharField(label=_("Family contact: name"), max_length=200)
    phone = forms.CharField(label=_("Family contact: phone"), required=False, max_length=20)
    relationship = forms.CharField(label=_("Family contact: relationship"), required=False, max_length=40)
    language = forms.ChoiceField(
        label=_("Language they speak"),
        required=False,
        choices=[("", "—"), *settings.LANGUAGES, ("other", _("Other"))],
    )

    @staticmethod
    def contact_of(data: Mapping[str, Any]) -> FamilyInput:
        return FamilyInput(
            name=data["name"], phone=data["phone"], relationship=data["relationship"], language=data["language"]
        )


class CloseForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=4000, widget=forms.Textarea(attrs={"rows": 2}))


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[
            (CaseState.ACCEPTED, _("Accept")),
            (CaseState.REFERRED, _("Refer")),
            (CaseState.DECLINED, _("Decline")),
        ],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}), max_length=4000)


class NoteForm(forms.Form):
    text = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 3}), max_length=4000)


class MemberForm(forms.Form):
    username = forms.CharField(label=_("Username of a colleague in the group"), max_length=150)


class AssignForm(forms.Form):
    username = forms.CharField(label=_("Username of an attorney of the group"), max_length=150)


class OnCallForm(forms.Form):
    group = forms.ModelChoiceField(label=_("Group"), queryset=Group.objects.none())
    attorney = forms.ModelChoiceField(label=_("Attorney"), queryset=User.objects.none())
    jurisdiction = forms.CharField(label=_("Jurisdiction (immigration court or federal district)"), max_length=120)
    starts_at = forms.DateTimeField(label=_("Starts"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    ends_at = forms.DateTimeField(label=_("Ends"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    order = forms.IntegerField(label=_("Order (lowest is paged first)"), min_value=0, max_value=99, required=False)

    def __init__(self, data: Mapping[str, Any] | None, *, groups: list[Group]) -> None:
        super().__init__(data)
        group = self.fields["group"]
        attorney = self.fields["attorney"]
        assert isinstance(group, forms.ModelChoiceField) and isinstance(attorney, forms.ModelChoiceField)  # noqa: S101
        group.queryset = Group.objects.filter(pk__in=[g.pk for g in groups])
        attorney.queryset = User.objects.filter(
            memberships__group__in=groups, memberships__role=Role.ATTORNEY
        ).distinct()


class LocatorForm(forms.Form):
    result = forms.ChoiceField(label=_("Result"), choices=LocatorResult.choices, widget=forms.RadioSelect)
    facility = forms.CharField(label=_("Facility (when found)"), required=False, max_length=40)
    checked_on = forms.DateField(label=_("Checked on"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, data: Mapping[str, Any] | None = None, **kwargs: Any) -> None:
        super().__init__(data, **kwargs)
        choices = [("", "—"), *Facility.objects.order_by("name").values_list("code", "name")]
        self.fields["facility"].widget = forms.Select(choices=choices)


class HearingForm(forms.Form):
    kind = forms.ChoiceField(label=_("Hearing"), choices=HearingKind.choices)
    court = forms.CharField(label=_("Court"), max_length=120)
    judge = forms.CharField(label=_("Judge"), max_length=120, required=False)
    starts_at = forms.DateTimeField(
        label=_("Date and time"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )


class ResultForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=HearingOutcome.choices)
    result = forms.CharField(label=_("Result"), max_length=4000, widget=forms.Textarea(attrs={"rows": 2}))


class TriggerForm(forms.Form):
    trigger = forms.ChoiceField(label=_("What happened"), choices=Trigger.choices)
    occurred_on = forms.DateField(label=_("On"), widget=forms.DateInput(attrs={"type": "date"}))


class RuleForm(forms.Form):
    rule = forms.IntegerField(required=False, widget=forms.HiddenInput)
    trigger = forms.ChoiceField(label=_("Trigger"), choices=Trigger.choices)
    title = forms.CharField(label=_("Deadline"), max_length=200)
    days = forms.IntegerField(label=_("Days after the trigger"), min_value=1, max_value=3650)
    source = forms.CharField(label=_("Source (statute, regulation, order)"), max_length=300)
    active = forms.BooleanField(label=_("In use"), required=False, initial=True)


class PlanForm(forms.Form):
    """The family preparedness plan (public, phone-first). Phones go in phone fields; the text guard does not read a
    plan (see vigil.cases.plans._validate)."""

    contact1_name = forms.CharField(label=_("Emergency contact 1: name"), required=False, max_length=200)
    contact1_phone = forms.CharField(label=_("Emergency contact 1: phone"), required=False, max_length=20)
    contact1_relationship = forms.CharField(label=_("Emergency contact 1: relationship"), required=False, max_length=60)
    contact2_name = forms.CharField(label=_("Emergency contact 2: name"), required=False, max_length=200)
    contact2_phone = forms.CharField(label=_("Emergency contact 2: phone"), required=False, max_length=20)
    contact2_relationship = forms.CharField(label=_("Emergency contact 2: relationship"), required=False, max_length=60)
    caregiver_name = forms.CharField(
        label=_("Who cares for the children if you are detained"), required=False, max_length=200
    )
    caregiver_phone = forms.CharField(label=_("Caregiver's phone"), required=False, max_length=20)
    children = forms.CharField(
        label=_("Children (first names, ages, school pick-up)"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    medical = forms.CharField(
        label=_("Medical needs (medicines, doses, doctors)"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    wishes = forms.CharField(
        label=_("What you want done"), required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 4})
    )
    notify_phone = forms.CharField(
        label=_("Phone to tell when a legal team opens this plan"), required=False, max_length=20
    )

    def content(self) -> PlanContent:
        d = self.cleaned_data
        contacts = [
            PlanContact(
                name=d[f"contact{i}_name"], phone=d[f"contact{i}_phone"], relationship=d[f"contact{i}_relationship"]
            )
            for i in (1, 2)
            if d[f"contact{i}_name"].strip() or d[f"contact{i}_phone"].strip()
        ]
        return PlanContent(
            contacts=contacts,
            notify_phone=d["notify_phone"],
            caregiver_name=d["caregiver_name"],
            caregiver_phone=d["caregiver_phone"],
            children=d["children"],
            medical=d["medical"],
            wishes=d["wishes"],
        )

    @classmethod
    def initial_from(cls, content: PlanContent) -> dict[str, str]:
        data = {
            "notify_phone": content.notify_phone,
            "caregiver_name": content.caregiver_name,
            "caregiver_phone": content.caregiver_phone,
            "children": content.children,
            "medical": content.medical,
            "wishes": content.wishes,
        }
        for i, c in enumerate(content.contacts[:2], start=1):
            data[f"contact{i}_name"], data[f"contact{i}_phone"] = c.name, c.phone
            data[f"contact{i}_relationship"] = c.relationship
        return data


class PlanOpenForm(forms.Form):
    code = forms.CharField(
        label=_("Plan code"),
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
    )
    passphrase = forms.CharField(label=_("Passphrase"), max_length=100, widget=forms.PasswordInput)


class PlanDocumentForm(forms.Form):
    file = forms.FileField(label=_("Document (PDF or photo)"))


class PlanLinkForm(forms.Form):
    code = forms.CharField(label=_("The family's plan code"), max_length=20)
