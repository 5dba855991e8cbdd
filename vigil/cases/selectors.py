"""Reads of cases: the conflict check over blind indexes, lists for the case team."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from vigil.cases import blind
from vigil.cases.models import Case, IndexKind, NameIndex

# How strong a hit is, best first: the same A-number, the same name as typed, the same words, the same sounds.
FORM_RANK = {"a_number": 0, blind.EXACT: 1, blind.NORM: 2, blind.SOUND: 3}


@dataclass(frozen=True)
class Conflict:
    case_id: int
    kind: str  # what matched in the other case: person, alias, family, a_number
    form: str  # exact, norm, sound (a_number: exact)


def conflicts_for(names: Iterable[str], *, a_number: str = "", exclude_case: int | None = None) -> list[Conflict]:
    """Cases whose people, aliases, family or A-number match any of `names` / `a_number`, best match per case first.

    Works on digests only: the query's names are reduced and hashed the way the stored ones were.
    """
    wanted: dict[str, str] = {}
    for name in names:
        for form, d in blind.name_digests(name).items():
            wanted.setdefault(d, form)
    if a_number:
        wanted[blind.a_number_digest(a_number)] = "a_number"
    if not wanted:
        return []
    rows = NameIndex.objects.filter(digest__in=list(wanted))
    if exclude_case is not None:
        rows = rows.exclude(case_id=exclude_case)
    best: dict[tuple[int, str], Conflict] = {}
    for case_id, kind, d in rows.values_list("case_id", "kind", "digest"):
        form = "a_number" if kind == IndexKind.A_NUMBER else wanted[d]
        key = (case_id, kind)
        current = best.get(key)
        if current is None or FORM_RANK[form] < FORM_RANK[current.form]:
            best[key] = Conflict(case_id=case_id, kind=kind, form=form)
    return sorted(best.values(), key=lambda c: (FORM_RANK[c.form], c.case_id, c.kind))


def conflicts_of_case(case: Case) -> list[Conflict]:
    """Other cases that share any digest with `case` (its person, aliases, family, A-number): nothing is unsealed.

    A digest covers its form, so equal digests mean the same form matched.
    """
    mine = NameIndex.objects.filter(case=case).values("digest")
    best: dict[tuple[int, str], Conflict] = {}
    rows = NameIndex.objects.filter(digest__in=mine).exclude(case=case)  # one query: the digests as a subquery
    for case_id, kind, form in rows.values_list("case_id", "kind", "form"):
        form = "a_number" if kind == IndexKind.A_NUMBER else form
        key = (case_id, kind)
        current = best.get(key)
        if current is None or FORM_RANK[form] < FORM_RANK[current.form]:
            best[key] = Conflict(case_id=case_id, kind=kind, form=form)
    return sorted(best.values(), key=lambda c: (FORM_RANK[c.form], c.case_id, c.kind))
