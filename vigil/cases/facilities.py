"""The facility table and its importer (docs/legal-help.md gives the CSV layout).

Rows are keyed by `code`: importing the same file twice changes nothing, a changed row updates its facility, and a
bad row is reported with its line number and skipped — the good rows of the file are still imported, each row in its
own savepoint so a failure never leaves a row half-written.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from django.db import transaction

from vigil.cases.models import Facility

COLUMNS = ("code", "name", "address", "phone", "field_office", "immigration_court", "federal_district")
REQUIRED = ("code", "name")
LIMITS = {
    "code": 40,
    "name": 200,
    "address": 300,
    "phone": 40,
    "field_office": 120,
    "immigration_court": 120,
    "federal_district": 120,
}


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)  # (line number, what is wrong)


def _check(row: Mapping[str, str | None]) -> tuple[dict[str, str], str]:
    values = {c: (row.get(c) or "").strip() for c in COLUMNS}
    for name in REQUIRED:
        if not values[name]:
            return values, f"{name} is empty"
    for name, limit in LIMITS.items():
        if len(values[name]) > limit:
            return values, f"{name} is longer than {limit} characters"
    if not values["immigration_court"] and not values["federal_district"]:
        return values, "neither immigration_court nor federal_district is given"
    return values, ""


def import_rows(lines: Iterable[str]) -> ImportResult:
    """Import facilities from CSV text lines with a header row naming (at least) the required columns."""
    reader = csv.DictReader(lines)
    result = ImportResult()
    header = [h.strip() for h in (reader.fieldnames or [])]
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        result.errors.append((1, f"the header lacks {', '.join(missing)} (expected: {', '.join(COLUMNS)})"))
        return result
    reader.fieldnames = header
    seen: set[str] = set()
    for row in reader:
        line = reader.line_num
        if None in row:
            result.errors.append((line, "more fields than the header has"))
            continue
        values, problem = _check(row)
        if not problem and values["code"] in seen:
            problem = f"code {values['code']} appears twice in the file"
        if problem:
            result.errors.append((line, problem))
            continue
        seen.add(values["code"])
        with transaction.atomic():
            current = Facility.objects.filter(code=values["code"]).first()
            if current is None:
                Facility.objects.create(**values)
                result.created += 1
            elif all(getattr(current, k) == v for k, v in values.items()):
                result.unchanged += 1
            else:
                for k, v in values.items():
                    setattr(current, k, v)
                current.save()
                result.updated += 1
    return result


def import_text(text: str) -> ImportResult:
    return import_rows(io.StringIO(text.lstrip("\ufeff")))
