"""The only way a surface gets a case or one of its sealed values.

A case opens for its team only: the assigned attorney, the coordinators of the case's group, and the people the
attorney added (CaseMember). Anyone else — other roles of the same group included — gets the same 404 as for a case
that does not exist. Every open and every reveal of sealed fields is written to the audit trail.

Attorneys of a group also see the group's *unassigned* cases in a list (state and date, nothing sealed) so one can
take a case; taking it (services.assign_attorney) is what lets them open it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.http import Http404

from vigil.accounts.access import AnyUser, audit, group_ids
from vigil.accounts.models import Group, Role
from vigil.cases import services
from vigil.cases.models import Case, CaseMember, CaseState, Deadline, FamilyContact, Hearing
from vigil.hotline.access import incident_for
from vigil.hotline.models import Incident
from vigil.vault import unseal


def team_cases(user: AnyUser) -> QuerySet[Case]:
    """Every case `user` may open (empty for strangers)."""
    if not user.is_authenticated:
        return Case.objects.none()
    coordinated = group_ids(user, [Role.COORDINATOR])
    member_of = CaseMember.objects.filter(user_id=user.pk).values_list("case_id", flat=True)
    return Case.objects.filter(Q(attorney_id=user.pk) | Q(group_id__in=coordinated) | Q(pk__in=member_of))


def unassigned_cases(user: AnyUser) -> QuerySet[Case]:
    """Open cases without an attorney in the groups where `user` is an attorney (for the list only)."""
    groups = group_ids(user, [Role.ATTORNEY])
    if not groups:
        return Case.objects.none()
    return Case.objects.filter(group_id__in=groups, attorney__isnull=True).exclude(state=CaseState.CLOSED)


def needing_attorney(user: AnyUser) -> QuerySet[Case]:
    """Accepted cases without an attorney in the groups `user` coordinates: the desk's list, with Case.unpaged."""
    groups = group_ids(user, [Role.COORDINATOR]) if user.is_authenticated else []
    if not groups:
        return Case.objects.none()
    return Case.objects.filter(group_id__in=groups, state=CaseState.ACCEPTED, attorney__isnull=True)


def _key(pk: object) -> int:
    try:
        return int(str(pk))
    except ValueError:
        raise Http404 from None


def case_for(user: AnyUser, pk: object) -> Case:
    """The case `pk` if `user` is on its team; else 404 (also when it does not exist). The open is audited."""
    case = team_cases(user).select_related("group", "attorney", "incident", "facility").filter(pk=_key(pk)).first()
    if case is None:
        raise Http404
    audit(user, "case.open", object_type="cases.Case", object_id=case.pk)
    return case


def case_to_take(user: AnyUser, pk: object) -> Case:
    """An unassigned case of a group where `user` is an attorney; else 404."""
    case = unassigned_cases(user).filter(pk=_key(pk)).first()
    if case is None:
        raise Http404
    return case


def incident_for_detention(user: AnyUser, pk: object) -> Incident:
    """An incident on which `user` may record a person detained: its dispatchers and coordinators, and the observers
    dispatched to it. Else 404."""
    from vigil.network.models import Dispatch

    try:
        return incident_for(user, pk, [Role.DISPATCHER, Role.COORDINATOR])
    except Http404:
        pass
    incident = Incident.objects.filter(pk=_key(pk)).select_related("zone").first()
    if (
        incident is None
        or not user.is_authenticated
        or not Dispatch.objects.filter(incident=incident, observer__user=user).exists()
    ):
        raise Http404
    return incident


def group_for_opening(user: AnyUser, roles: list[Role]) -> Group:
    """The group a case opened by `user` (holding one of `roles`) belongs to: their first such group; else 404."""
    ids = group_ids(user, roles)
    group = Group.objects.filter(pk__in=ids).order_by("pk").first()
    if group is None:
        raise Http404
    return group


def hearing_for(user: AnyUser, pk: object) -> Hearing:
    found = Hearing.objects.filter(case__in=team_cases(user), pk=_key(pk)).select_related("case").first()
    if found is None:
        raise Http404
    return found


def deadline_for(user: AnyUser, pk: object) -> Deadline:
    found = Deadline.objects.filter(case__in=team_cases(user), pk=_key(pk)).select_related("case").first()
    if found is None:
        raise Http404
    return found


@dataclass(frozen=True)
class Contact:
    name: str
    phone: str
    relationship: str
    language: str


@dataclass(frozen=True)
class Person:
    """The detained person's sealed details, opened for one reader (the edit form)."""

    name: str
    aliases: list[str]
    a_number: str
    birth_date: dt.date | None
    country_of_birth: str
    needs: str
    language: str


@dataclass(frozen=True)
class Identity:
    """What the case holds sealed, opened for one reader."""

    name: str
    aliases: list[str]
    a_number: str
    birth_date: dt.date | None
    country_of_birth: str
    needs: str
    language: str
    family: list[Contact]
    notes: list[tuple[dt.datetime, str, str]]  # (when, author, text)


def _open(blob: bytes | memoryview, purpose: str) -> str:
    return unseal(blob, purpose=purpose) if bytes(blob) else ""


def _person(case: Case) -> Person:
    person = case.person
    birth = _open(person.birth_date_sealed, services.P_BIRTH)
    return Person(
        name=_open(person.name_sealed, services.P_NAME),
        aliases=[_open(a.name_sealed, services.P_ALIAS) for a in person.aliases.order_by("pk")],
        a_number=_open(person.a_number_sealed, services.P_A_NUMBER),
        birth_date=dt.date.fromisoformat(birth) if birth else None,
        country_of_birth=_open(person.country_of_birth_sealed, services.P_COUNTRY),
        needs=_open(person.needs_sealed, services.P_NEEDS),
        language=person.language,
    )


def person_details(user: AnyUser, case: Case) -> Person:
    """Unseal the detained person's details (not family, not notes) for a team member; audited as a reveal."""
    if not team_cases(user).filter(pk=case.pk).exists():
        raise Http404
    found = _person(case)
    audit(user, "case.reveal", object_type="cases.Case", object_id=case.pk, fields=["person"])
    return found


def _contact(found: FamilyContact) -> Contact:
    return Contact(
        name=_open(found.name_sealed, services.P_FAMILY_NAME),
        phone=_open(found.phone_sealed, services.P_FAMILY_PHONE),
        relationship=found.relationship,
        language=found.language,
    )


def family_contact_for(user: AnyUser, case: Case, pk: object) -> FamilyContact:
    """Family contact `pk` of `case` if `user` is on the case's team; else 404 (also when it is another case's)."""
    found = FamilyContact.objects.filter(case__in=team_cases(user), case_id=case.pk, pk=_key(pk)).first()
    if found is None:
        raise Http404
    return found


def family_details(user: AnyUser, case: Case) -> list[tuple[int, Contact]]:
    """Unseal the case's family contacts, (id, contact) oldest first, for a team member; audited as a reveal."""
    if not team_cases(user).filter(pk=case.pk).exists():
        raise Http404
    found = [(f.pk, _contact(f)) for f in case.family.order_by("pk")]
    audit(user, "case.reveal", object_type="cases.Case", object_id=case.pk, fields=["family"])
    return found


def family_contact_details(user: AnyUser, contact: FamilyContact) -> Contact:
    """Unseal one family contact (the correction form) for a team member of its case; audited as a reveal."""
    if not team_cases(user).filter(pk=contact.case_id).exists():
        raise Http404
    found = _contact(contact)
    audit(user, "case.reveal", object_type="cases.Case", object_id=contact.case_id, fields=["family"],
          contact=contact.pk)  # fmt: skip
    return found


def reveal(user: AnyUser, case: Case) -> Identity:
    """Unseal the case's identifying values for a team member (who got `case` from case_for); audited."""
    if not team_cases(user).filter(pk=case.pk).exists():
        raise Http404
    person = _person(case)
    identity = Identity(
        name=person.name,
        aliases=person.aliases,
        a_number=person.a_number,
        birth_date=person.birth_date,
        country_of_birth=person.country_of_birth,
        needs=person.needs,
        language=person.language,
        family=[_contact(f) for f in case.family.order_by("pk")],
        notes=[
            (n.created_at, n.author.get_username() if n.author else "", _open(n.text_sealed, services.P_NOTE))
            for n in case.notes.select_related("author").order_by("created_at", "pk")
        ],
    )
    audit(user, "case.reveal", object_type="cases.Case", object_id=case.pk, fields=["person", "family", "notes"])
    return identity
