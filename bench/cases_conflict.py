#!/usr/bin/env python
"""Conflict-check latency over sealed people: 100,000 detained people (with aliases and family) sealed by the vault
and indexed by keyed blind digests; 1,000 conflict checks of a new intake (a name, an alias, a family contact).

    python bench/cases_conflict.py                  # SQLite in a throwaway data folder
    python bench/cases_conflict.py --people 20000   # a smaller table
    scripts/with-postgres.sh python bench/cases_conflict.py   # PostgreSQL (DATABASE_URL)

Each run seeds a throwaway database (names from fictional word lists; a third of the people have an alias, half a
family contact), then times `vigil.cases.selectors.conflicts_for` for 1,000 intakes: a third are people already in
the table, a third are the same names written differently (accents, word order, sound-alike spelling), a third are
new. The reference measured in the same run is the floor any conflict check pays: one indexed lookup of a single
digest (`NameIndex.objects.filter(digest=...).exists()`). Prints p50/p90/p99/max in ms for both and their ratio.
Target: conflict check p99 < 50 ms.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import tempfile
import time
from pathlib import Path

from keys_apart import use_keys_apart

ROOT = Path(__file__).resolve().parents[1]
FIRST = [
    "Maria",
    "José",
    "Ana",
    "Luis",
    "Carmen",
    "Juan",
    "Rosa",
    "Pedro",
    "Lucía",
    "Miguel",
    "Sofía",
    "Diego",
    "Elena",
    "Jorge",
    "Paula",
    "Andrés",
    "Valeria",
    "Tomás",
    "Isabel",
    "Raúl",
    "Jon",
    "Stephen",
    "Katherine",
    "Mohammed",
    "Nguyen",
    "Amara",
    "Kwame",
    "Yusuf",
    "Olga",
    "Dmitri",
]
LAST = [
    "García",
    "Hernández",
    "López",
    "Martínez",
    "González",
    "Pérez",
    "Rodríguez",
    "Sánchez",
    "Ramírez",
    "Torres",
    "Flores",
    "Rivera",
    "Gómez",
    "Díaz",
    "Cruz",
    "Morales",
    "Ortiz",
    "Gutiérrez",
    "Chávez",
    "Ramos",
    "Smyth",
    "Thompson",
    "Okafor",
    "Mensah",
    "Haddad",
    "Tran",
    "Kowalski",
    "Ivanova",
    "Castillo",
    "Vargas",
]
SOUND_ALIKE = {
    "José": "Hose",
    "Stephen": "Steven",
    "Katherine": "Kathryn",
    "Smyth": "Smith",
    "Jon": "John",
    "Mohammed": "Muhammad",
    "Lucía": "Lusia",
}


def _name(rng: random.Random) -> str:
    parts = [rng.choice(FIRST), rng.choice(FIRST) if rng.random() < 0.3 else "", rng.choice(LAST), rng.choice(LAST)]
    return " ".join(p for p in parts if p) + f" {rng.randrange(10**6):06d}"  # a suffix keeps most names distinct


def _variant(name: str, rng: random.Random) -> str:
    words = name.split()
    words = [SOUND_ALIKE.get(w, w) for w in words]
    if rng.random() < 0.5:
        words = list(reversed(words))
    text = " ".join(words)
    import unicodedata

    stripped = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return stripped.upper() if rng.random() < 0.5 else stripped + ","


def run(people: int, checks: int, seed: int) -> dict[str, object]:
    os.environ.setdefault("VIGIL_DATA_DIR", tempfile.mkdtemp(prefix="vigil-bench-cases-"))
    use_keys_apart()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vigil.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection, transaction

    from vigil.accounts.models import Group
    from vigil.cases import blind, services
    from vigil.cases.models import Alias, Case, DetainedPerson, FamilyContact, IndexKind, NameIndex
    from vigil.cases.selectors import conflicts_for
    from vigil.vault import seal
    from vigil.vault.keyfile import write_master_key

    write_master_key(Path(settings.VIGIL_MASTER_KEY_FILE))
    call_command("migrate", verbosity=0, interactive=False)
    rng = random.Random(seed)
    started = time.perf_counter()
    group = Group.objects.create(name="Bench group (fictional)", slug="bench-cases")
    names: list[str] = []
    batch = 2000
    for start in range(0, people, batch):
        size = min(batch, people - start)
        with transaction.atomic():
            cases = Case.objects.bulk_create(Case(group=group, source="attorney") for _ in range(size))
            rows: list[NameIndex] = []
            persons = []
            aliases: list[tuple[int, str]] = []
            family = []
            for i, case in enumerate(cases):
                name = _name(rng)
                names.append(name)
                persons.append(DetainedPerson(case=case, name_sealed=seal(name, purpose=services.P_NAME)))
                rows += [
                    NameIndex(case=case, kind=IndexKind.PERSON, form=f, digest=d)
                    for f, d in blind.name_digests(name).items()
                ]
                if rng.random() < 1 / 3:
                    alias = _name(rng)
                    aliases.append((i, alias))
                    rows += [
                        NameIndex(case=case, kind=IndexKind.ALIAS, form=f, digest=d)
                        for f, d in blind.name_digests(alias).items()
                    ]
                if rng.random() < 0.5:
                    relative = _name(rng)
                    family.append(FamilyContact(case=case, name_sealed=seal(relative, purpose=services.P_FAMILY_NAME)))
                    rows += [
                        NameIndex(case=case, kind=IndexKind.FAMILY, form=f, digest=d)
                        for f, d in blind.name_digests(relative).items()
                    ]
            placed = DetainedPerson.objects.bulk_create(persons)
            Alias.objects.bulk_create(
                Alias(person=placed[i], name_sealed=seal(a, purpose=services.P_ALIAS)) for i, a in aliases
            )
            FamilyContact.objects.bulk_create(family)
            NameIndex.objects.bulk_create(rows, batch_size=5000)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    seeded = time.perf_counter() - started
    index_rows = NameIndex.objects.count()

    intakes: list[list[str]] = []
    for i in range(checks + 50):
        kind = i % 3
        if kind == 0:
            person = rng.choice(names)
        elif kind == 1:
            person = _variant(rng.choice(names), rng)
        else:
            person = _name(rng)
        intakes.append([person, _name(rng), _name(rng)])  # the person, an alias, a family contact
    digests = [next(iter(blind.name_digests(n[0]).values())) for n in intakes]

    for intake in intakes[:50]:
        conflicts_for(intake)

    def timed(fn: object) -> list[float]:
        out = []
        for i in range(50, len(intakes)):
            t = time.perf_counter()
            fn(i)  # type: ignore[operator]
            out.append((time.perf_counter() - t) * 1000)
        return sorted(out)

    hits = 0

    def check(i: int) -> None:
        nonlocal hits
        hits += bool(conflicts_for(intakes[i]))

    conflict_ms = timed(check)
    reference_ms = timed(lambda i: NameIndex.objects.filter(digest=digests[i]).exists())

    def pct(values: list[float], p: float) -> float:
        return values[min(len(values) - 1, round(p / 100 * len(values)) - 1)]

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            version = f"PostgreSQL {cursor.fetchone()[0].split()[0]}"  # type: ignore[index]
    else:
        import sqlite3

        version = f"SQLite {sqlite3.sqlite_version}"
    return {
        "database": version,
        "people": people,
        "index_rows": index_rows,
        "checks": checks,
        "checks_with_a_hit": hits,
        "seed_seconds": round(seeded, 1),
        "conflict_p50_ms": round(pct(conflict_ms, 50), 2),
        "conflict_p90_ms": round(pct(conflict_ms, 90), 2),
        "conflict_p99_ms": round(pct(conflict_ms, 99), 2),
        "conflict_max_ms": round(conflict_ms[-1], 2),
        "reference_p50_ms": round(pct(reference_ms, 50), 3),
        "reference_p99_ms": round(pct(reference_ms, 99), 3),
        "ratio_p99": round(pct(conflict_ms, 99) / pct(reference_ms, 99), 1),
        "load_average": round(os.getloadavg()[0], 1),
        "target_p99_ms": 50,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--checks", type=int, default=1_000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    result = run(args.people, args.checks, args.seed)
    print(json.dumps(result, indent=2))
    verdict = "meets" if float(result["conflict_p99_ms"]) < 50 else "MISSES"  # type: ignore[arg-type]
    print(
        f"conflict check p99 {result['conflict_p99_ms']} ms over {result['people']} sealed people "
        f"({result['index_rows']} digests): {verdict} the 50 ms target; "
        f"{result['ratio_p99']}x one indexed digest lookup (p99 {result['reference_p99_ms']} ms)"
    )


if __name__ == "__main__":
    main()
