"""Writes to cases. Each function is one transaction, takes keyword-only arguments and raises VigilError.

Event kinds written here: opened, screening, accepted, referred, declined, closed, attorney_assigned, member_added,
note_added, person_corrected, family_added, family_corrected, family_removed; oncall.py, locator.py, calendar.py and
plans.py add theirs through `record_event` (docs/legal-help.md lists them all). Event data never holds a sealed value
(only ids, states, field names, reasons the text guard passed).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from vigil.accounts.access import AnyUser, audit
from vigil.accounts.models import Group, Membership, Role, User
from vigil.cases import blind
from vigil.cases.models import (
    TRANSITIONS,
    Alias,
    Case,
    CaseEvent,
    CaseMember,
    CaseNote,
    CaseSource,
    CaseState,
    DetainedPerson,
    FamilyContact,
    IndexKind,
    NameIndex,
)
from vigil.hotline.models import Incident
from vigil.lib.errors import VigilError
from vigil.safety.validators import guard_text
from vigil.vault import seal, unseal

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

# Vault purposes, one per field: a blob sealed for one cannot be opened as another.
P_NAME = "case-person-name"
P_ALIAS = "case-person-alias"
P_A_NUMBER = "case-person-a-number"
P_BIRTH = "case-person-birth-date"
P_COUNTRY = "case-person-country"
P_NEEDS = "case-person-needs"
P_FAMILY_NAME = "case-family-name"
P_FAMILY_PHONE = "case-family-phone"
P_NOTE = "case-note"

MAX_NAME = 200
MAX_TEXT = 4000
MAX_RELATIONSHIP = 40
_A_NUMBER_JUNK = re.compile(r"[\s\-.]")
PHONE = re.compile(r"\+?[0-9 ()\-.]{7,20}")


@dataclass(frozen=True)
class FamilyInput:
    name: str
    phone: str = ""
    relationship: str = ""
    language: str = ""


@dataclass(frozen=True)
class PersonInput:
    name: str
    aliases: Sequence[str] = ()
    a_number: str = ""
    birth_date: dt.date | None = None
    country_of_birth: str = ""
    language: str = ""
    needs: str = ""
    family: Sequence[FamilyInput] = field(default_factory=tuple)


def clean_a_number(raw: str) -> str:
    """An A-number as its digits ("A-123-456-789" → "123456789"); VigilError unless it is 8 or 9 digits."""
    text = _A_NUMBER_JUNK.sub("", raw.strip())
    if text[:1] in ("A", "a"):
        text = text[1:]
    if not re.fullmatch(r"[0-9]{8,9}", text):
        raise VigilError(
            _("An A-number has 8 or 9 digits (for example A-123-456-789)."),
            code="invalid",
            fields={"a_number": [ValidationError(_("An A-number has 8 or 9 digits."), code="a_number")]},
        )
    return text


def _validate(person: PersonInput) -> dict[str, list[ValidationError]]:
    errors: dict[str, list[ValidationError]] = {}

    def add(name: str, message: StrOrPromise | ValidationError) -> None:
        item = message if isinstance(message, ValidationError) else ValidationError(str(message))
        errors.setdefault(name, []).append(item)

    if not person.name.strip():
        add("name", _("The name of the person detained is needed (as they would give it)."))
    if len(person.name) > MAX_NAME or any(len(a) > MAX_NAME for a in person.aliases):
        add("name", _("A name is at most 200 characters."))
    if person.birth_date is not None and person.birth_date > timezone.localdate():
        add("birth_date", _("A date of birth cannot be in the future."))
    if person.a_number.strip():
        try:
            clean_a_number(person.a_number)
        except VigilError as e:
            for item in e.fields.get("a_number", []):
                add("a_number", item)
    if len(person.needs) > MAX_TEXT:
        add("needs", _("At most 4000 characters."))
    for name, text in (("needs", person.needs), ("country_of_birth", person.country_of_birth)):
        if text.strip():
            try:
                guard_text(text)
            except ValidationError as e:
                add(name, e)
    for contact in person.family:
        for items in _validate_contact(contact).values():
            errors.setdefault("family", []).extend(items)
    return errors


def _validate_contact(contact: FamilyInput) -> dict[str, list[ValidationError]]:
    """What is wrong with one family contact, by field (name, phone, relationship): the same rules at opening and
    when a contact is added or corrected later."""
    errors: dict[str, list[ValidationError]] = {}

    def add(name: str, message: StrOrPromise | ValidationError) -> None:
        item = message if isinstance(message, ValidationError) else ValidationError(str(message))
        errors.setdefault(name, []).append(item)

    if not contact.name.strip():
        add("name", _("A family contact needs a name."))
    if len(contact.name.strip()) > MAX_NAME:
        add("name", _("A name is at most 200 characters."))
    if contact.phone.strip() and not PHONE.fullmatch(contact.phone.strip()):
        add("phone", _("A phone number has 7 to 20 digits, spaces or dashes."))
    relationship = contact.relationship.strip()
    if len(relationship) > MAX_RELATIONSHIP:
        add("relationship", _("At most 40 characters."))
    elif relationship:
        try:
            guard_text(relationship)
        except ValidationError as e:
            add("relationship", e)
    return errors


def _is_attorney(user: User, group_id: int) -> bool:
    return Membership.objects.filter(user=user, group_id=group_id, role=Role.ATTORNEY).exists()


def _index(case: Case, kind: str, value: str) -> list[NameIndex]:
    return [NameIndex(case=case, kind=kind, form=form, digest=d) for form, d in blind.name_digests(value).items()]


def record_event(case: Case, kind: str, actor: AnyUser | None, **data: object) -> CaseEvent:
    """Append one event to `case`'s history. Call inside the transaction that makes the change."""
    return _event(case, kind, actor, **data)


def _event(case: Case, kind: str, actor: AnyUser | None, **data: object) -> CaseEvent:
    return CaseEvent.objects.create(
        case=case,
        actor_id=actor.pk if actor is not None and actor.is_authenticated else None,
        kind=kind,
        data=dict(data),
        at=timezone.now(),
    )


def open_case(
    *,
    group: Group,
    opened_by: User,
    source: str,
    person: PersonInput,
    incident: Incident | None = None,
    jurisdiction: str = "",
    attorney: User | None = None,
) -> Case:
    """Open a case in intake with its detained person, aliases and family, all sealed and indexed; one transaction."""
    if source not in CaseSource.values:
        raise VigilError(_("Unknown source of the case."), code="invalid")
    errors = _validate(person)
    if errors:
        raise VigilError.invalid(errors)
    a_number = clean_a_number(person.a_number) if person.a_number.strip() else ""
    if attorney is not None and not _is_attorney(attorney, group.pk):
        raise VigilError(_("Only an attorney of the case's group can take the case."), code="not_attorney")
    with transaction.atomic():
        case = Case.objects.create(
            group=group,
            source=source,
            incident=incident,
            opened_by=opened_by,
            jurisdiction=jurisdiction.strip(),
            attorney=attorney,
            next_locator_check_at=timezone.now(),
        )
        detained = DetainedPerson.objects.create(
            case=case,
            name_sealed=seal(person.name.strip(), purpose=P_NAME),
            a_number_sealed=seal(a_number, purpose=P_A_NUMBER) if a_number else b"",
            birth_date_sealed=seal(person.birth_date.isoformat(), purpose=P_BIRTH) if person.birth_date else b"",
            country_of_birth_sealed=(
                seal(person.country_of_birth.strip(), purpose=P_COUNTRY) if person.country_of_birth.strip() else b""
            ),
            needs_sealed=seal(person.needs.strip(), purpose=P_NEEDS) if person.needs.strip() else b"",
            language=person.language[:8],
        )
        rows = _index(case, IndexKind.PERSON, person.name)
        aliases = [a.strip() for a in person.aliases if a.strip()]
        Alias.objects.bulk_create(Alias(person=detained, name_sealed=seal(a, purpose=P_ALIAS)) for a in aliases)
        for alias in aliases:
            rows += _index(case, IndexKind.ALIAS, alias)
        for contact in person.family:
            FamilyContact.objects.create(
                case=case,
                name_sealed=seal(contact.name.strip(), purpose=P_FAMILY_NAME),
                phone_sealed=seal(contact.phone.strip(), purpose=P_FAMILY_PHONE) if contact.phone.strip() else b"",
                relationship=contact.relationship.strip(),
                language=contact.language[:8],
            )
            rows += _index(case, IndexKind.FAMILY, contact.name)
        if a_number:
            digest = blind.a_number_digest(a_number)
            rows.append(NameIndex(case=case, kind=IndexKind.A_NUMBER, form="exact", digest=digest))
        NameIndex.objects.bulk_create(rows)
        _event(case, "opened", opened_by, source=source, incident=incident.pk if incident else None)
        if attorney is not None:
            _event(case, "attorney_assigned", opened_by, attorney=attorney.pk)
    return case


def open_from_incident(*, incident: Incident, actor: User, person: PersonInput) -> Case:
    """Record "person detained" on a confirmed incident: a case in intake, linked to the incident and its evidence."""
    from vigil.hotline import events
    from vigil.hotline.models import Verdict

    if incident.verdict != Verdict.CONFIRMED:
        raise VigilError(_("Only a confirmed incident can record a person detained."), code="not_confirmed", status=409)
    group = incident.zone.group if incident.zone is not None else None
    if group is None:
        membership = Membership.objects.filter(user=actor).select_related("group").order_by("pk").first()
        if membership is None:
            raise VigilError(_("You hold no role in any group."), code="no_group", status=403)
        group = membership.group
    with transaction.atomic():
        case = open_case(group=group, opened_by=actor, source=CaseSource.INCIDENT, person=person, incident=incident)
        events.record(incident, "person_detained", actor=actor, case=case.pk)
    return case


def move_case(case: Case, to: str, actor: AnyUser, reason: str = "") -> Case:
    with transaction.atomic():
        locked = Case.objects.select_for_update().get(pk=case.pk)
        if to not in TRANSITIONS[locked.state]:
            raise VigilError(
                _("A case in %(state)s cannot become %(to)s.")
                % {"state": CaseState(locked.state).label, "to": CaseState(to).label},
                code="illegal_transition",
                status=409,
            )
        locked.state = to
        if reason:
            locked.reason = reason
        locked.save(update_fields=["state", "reason", "updated_at"])
        _event(locked, to, actor, reason=reason)
    return locked


def start_screening(*, case: Case, actor: AnyUser) -> Case:
    return move_case(case, CaseState.SCREENING, actor)


def close_case(*, case: Case, actor: AnyUser, reason: str) -> Case:
    """Close a case (from intake or after a decision) with a reason the text guard passed."""
    reason = reason.strip()
    if not reason:
        raise VigilError(_("Give the reason for the decision."), code="invalid")
    try:
        guard_text(reason)
    except ValidationError as e:
        raise VigilError.invalid({"reason": [e]}) from None
    return move_case(case, CaseState.CLOSED, actor, reason[:MAX_TEXT])


def assign_attorney(*, case: Case, attorney: User, actor: AnyUser) -> Case:
    """Make `attorney` (an attorney of the case's group) the case's attorney."""
    if not _is_attorney(attorney, case.group_id):
        raise VigilError(_("Only an attorney of the case's group can take the case."), code="not_attorney")
    with transaction.atomic():
        Case.objects.filter(pk=case.pk).update(attorney=attorney, unpaged="", updated_at=timezone.now())
        case.attorney, case.unpaged = attorney, ""
        _event(case, "attorney_assigned", actor, attorney=attorney.pk)
    return case


def add_member(*, case: Case, user: User, actor: AnyUser) -> CaseMember:
    """The case's attorney adds a colleague of the group to the case team."""
    if actor.pk != case.attorney_id:
        raise VigilError(_("Only the case's attorney adds people to the case team."), code="forbidden", status=403)
    if not Membership.objects.filter(user=user, group_id=case.group_id).exists():
        raise VigilError(_("Only members of the case's group can join its team."), code="not_member")
    with transaction.atomic():
        member, _created = CaseMember.objects.get_or_create(case=case, user=user, defaults={"added_by_id": actor.pk})
        _event(case, "member_added", actor, user=user.pk)
    return member


def _open(blob: bytes | memoryview, purpose: str) -> str:
    return unseal(blob, purpose=purpose) if bytes(blob) else ""


def _seal_or_empty(text: str, purpose: str) -> bytes:
    return seal(text, purpose=purpose) if text else b""


def update_person(*, case: Case, actor: AnyUser, person: PersonInput) -> list[str]:
    """Correct the detained person's details after the case opened; returns the names of the fields that changed.

    Validated as at opening (nothing is written when anything is refused); what changed is sealed again, the aliases
    added or removed are added or removed, and the person's, aliases' and A-number's blind indexes are recomputed, so
    the conflict check finds the new names and no longer the old ones. One `person_corrected` event and one audit
    entry name the fields that changed, never their values. Family contacts are not touched here.
    """
    errors = _validate(person)
    if errors:
        raise VigilError.invalid(errors)
    a_number = clean_a_number(person.a_number) if person.a_number.strip() else ""
    new = {
        "name": person.name.strip(),
        "a_number": a_number,
        "birth_date": person.birth_date.isoformat() if person.birth_date else "",
        "country_of_birth": person.country_of_birth.strip(),
        "needs": person.needs.strip(),
    }
    purposes = {"name": P_NAME, "a_number": P_A_NUMBER, "birth_date": P_BIRTH, "country_of_birth": P_COUNTRY,
                "needs": P_NEEDS}  # fmt: skip
    wanted: list[str] = []
    for alias in person.aliases:
        alias = alias.strip()
        if alias and blind.exact_form(alias) not in {blind.exact_form(a) for a in wanted}:
            wanted.append(alias)
    with transaction.atomic():
        locked = Case.objects.select_for_update().get(pk=case.pk)
        if locked.state == CaseState.CLOSED:
            raise VigilError(_("The case is closed."), code="closed", status=409)
        detained = DetainedPerson.objects.select_for_update().get(case=locked)
        changed = []
        for name, purpose in purposes.items():
            if _open(getattr(detained, f"{name}_sealed"), purpose) != new[name]:
                setattr(detained, f"{name}_sealed", _seal_or_empty(new[name], purpose))
                changed.append(name)
        if detained.language != person.language[:8]:
            detained.language = person.language[:8]
            changed.append("language")
        current = {a.pk: _open(a.name_sealed, P_ALIAS) for a in detained.aliases.all()}
        kept = {blind.exact_form(a) for a in wanted}
        removed = [pk for pk, alias in current.items() if blind.exact_form(alias) not in kept]
        known = {blind.exact_form(a) for a in current.values()}
        added = [a for a in wanted if blind.exact_form(a) not in known]
        if not changed and not removed and not added:
            return []
        detained.save()
        Alias.objects.filter(pk__in=removed).delete()
        Alias.objects.bulk_create(Alias(person=detained, name_sealed=seal(a, purpose=P_ALIAS)) for a in added)
        if removed or added:
            changed.append("aliases")
        NameIndex.objects.filter(case=locked, kind__in=[IndexKind.PERSON, IndexKind.ALIAS, IndexKind.A_NUMBER]).delete()
        rows = _index(locked, IndexKind.PERSON, new["name"])
        for alias in wanted:
            rows += _index(locked, IndexKind.ALIAS, alias)
        if a_number:
            rows.append(
                NameIndex(case=locked, kind=IndexKind.A_NUMBER, form="exact", digest=blind.a_number_digest(a_number))
            )
        NameIndex.objects.bulk_create(rows)
        locked.save(update_fields=["updated_at"])
        _event(locked, "person_corrected", actor, fields=changed, aliases_added=len(added),
               aliases_removed=len(removed))  # fmt: skip
        audit(actor, "case.correct", object_type="cases.Case", object_id=locked.pk, fields=changed)
    return changed


def _editable(case: Case) -> Case:
    """`case` locked for a change of its details (inside a transaction); VigilError (409) when it is closed."""
    locked = Case.objects.select_for_update().get(pk=case.pk)
    if locked.state == CaseState.CLOSED:
        raise VigilError(_("The case is closed."), code="closed", status=409)
    return locked


def _family_contact(case: Case, contact_id: int) -> FamilyContact:
    found = FamilyContact.objects.select_for_update().filter(case=case, pk=contact_id).first()
    if found is None:
        raise VigilError(_("This case has no such family contact."), code="not_found", status=404)
    return found


def _reindex_family(case: Case) -> None:
    """Recompute the family's blind indexes from the contacts the case has now (call inside the change's
    transaction), so the conflict check finds a new name and no longer a removed or corrected one."""
    NameIndex.objects.filter(case=case, kind=IndexKind.FAMILY).delete()
    rows: list[NameIndex] = []
    for blob in FamilyContact.objects.filter(case=case).order_by("pk").values_list("name_sealed", flat=True):
        rows += _index(case, IndexKind.FAMILY, _open(blob, P_FAMILY_NAME))
    NameIndex.objects.bulk_create(rows)


def _checked(contact: FamilyInput) -> dict[str, str]:
    errors = _validate_contact(contact)
    if errors:
        raise VigilError.invalid(errors)
    return {
        "name": contact.name.strip(),
        "phone": contact.phone.strip(),
        "relationship": contact.relationship.strip(),
        "language": contact.language.strip()[:8],
    }


def add_family_contact(*, case: Case, actor: AnyUser, contact: FamilyInput) -> FamilyContact:
    """Add a family contact to an open case: validated as at opening, sealed, indexed; one `family_added` event and
    one `case.family_added` audit entry (ids only)."""
    new = _checked(contact)
    with transaction.atomic():
        locked = _editable(case)
        added = FamilyContact.objects.create(
            case=locked,
            name_sealed=seal(new["name"], purpose=P_FAMILY_NAME),
            phone_sealed=_seal_or_empty(new["phone"], P_FAMILY_PHONE),
            relationship=new["relationship"],
            language=new["language"],
        )
        NameIndex.objects.bulk_create(_index(locked, IndexKind.FAMILY, new["name"]))
        locked.save(update_fields=["updated_at"])
        _event(locked, "family_added", actor, contact=added.pk)
        audit(actor, "case.family_added", object_type="cases.Case", object_id=locked.pk, contact=added.pk)
    return added


def update_family_contact(*, case: Case, actor: AnyUser, contact_id: int, contact: FamilyInput) -> list[str]:
    """Correct one family contact of an open case; returns the names of the fields that changed (name, phone,
    relationship, language).

    Validated as at opening (nothing is written when anything is refused); what changed is sealed again and, when
    the name changed, the family's blind indexes are recomputed. One `family_corrected` event and one
    `case.family_corrected` audit entry name the contact and the fields that changed, never their values.
    """
    new = _checked(contact)
    with transaction.atomic():
        locked = _editable(case)
        found = _family_contact(locked, contact_id)
        changed = []
        for name, purpose in (("name", P_FAMILY_NAME), ("phone", P_FAMILY_PHONE)):
            if _open(getattr(found, f"{name}_sealed"), purpose) != new[name]:
                setattr(found, f"{name}_sealed", _seal_or_empty(new[name], purpose))
                changed.append(name)
        for name in ("relationship", "language"):
            if getattr(found, name) != new[name]:
                setattr(found, name, new[name])
                changed.append(name)
        if not changed:
            return []
        found.save()
        if "name" in changed:
            _reindex_family(locked)
        locked.save(update_fields=["updated_at"])
        _event(locked, "family_corrected", actor, contact=found.pk, fields=changed)
        audit(actor, "case.family_corrected", object_type="cases.Case", object_id=locked.pk, contact=found.pk,
              fields=changed)  # fmt: skip
    return changed


def remove_family_contact(*, case: Case, actor: AnyUser, contact_id: int) -> None:
    """Remove one family contact of an open case: its sealed row and its blind indexes go (no SMS reaches it any
    more); one `family_removed` event and one `case.family_removed` audit entry (ids only)."""
    with transaction.atomic():
        locked = _editable(case)
        found = _family_contact(locked, contact_id)
        pk = found.pk
        found.delete()
        _reindex_family(locked)
        locked.save(update_fields=["updated_at"])
        _event(locked, "family_removed", actor, contact=pk)
        audit(actor, "case.family_removed", object_type="cases.Case", object_id=locked.pk, contact=pk)


def add_note(*, case: Case, author: User, text: str) -> CaseNote:
    text = text.strip()
    if not text:
        raise VigilError(_("The note is empty."), code="invalid")
    if len(text) > MAX_TEXT:
        raise VigilError(_("At most 4000 characters."), code="invalid")
    try:
        guard_text(text)
    except ValidationError as e:
        raise VigilError.invalid({"text": [e]}) from None
    with transaction.atomic():
        note = CaseNote.objects.create(case=case, author=author, text_sealed=seal(text, purpose=P_NOTE))
        _event(case, "note_added", author, note=note.pk)
    return note
