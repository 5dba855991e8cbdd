from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from vigil.cases.facilities import import_text
from vigil.cases.models import Facility

DEMO = Path(__file__).resolve().parents[2] / "vigil" / "cases" / "data" / "facilities-demo.csv"
HEADER = "code,name,address,phone,field_office,immigration_court,federal_district\n"


@pytest.mark.django_db
def test_the_demo_table_imports_and_a_second_import_changes_nothing() -> None:
    out = StringIO()
    call_command("import_facilities", str(DEMO), stdout=out)
    assert "3 created, 0 updated, 0 unchanged, 0 skipped" in out.getvalue()
    out = StringIO()
    call_command("import_facilities", str(DEMO), stdout=out)
    assert "0 created, 0 updated, 3 unchanged, 0 skipped" in out.getvalue()
    assert Facility.objects.count() == 3


@pytest.mark.django_db
def test_bad_rows_are_reported_with_their_line_and_skipped() -> None:
    text = HEADER + (
        "A1,Good One (fictional),,,,Court A (fictional),\n"
        ",No Code (fictional),,,,Court A,\n"
        "A2,,,,,Court A,\n"
        "A3,No Jurisdiction (fictional),,,,,\n"
        "A1,Twice (fictional),,,,Court A,\n"
        "A4,Too,Many,Fields,x,y,z,w\n"
        "A5,Good Two (fictional),,,,,District B (fictional)\n"
    )
    result = import_text(text)
    assert (result.created, result.updated) == (2, 0)
    assert [line for line, _ in result.errors] == [3, 4, 5, 6, 7]
    assert "code is empty" in result.errors[0][1] and "twice" in result.errors[3][1]
    assert set(Facility.objects.values_list("code", flat=True)) == {"A1", "A5"}


@pytest.mark.django_db
def test_a_changed_row_updates_its_facility() -> None:
    import_text(HEADER + "A1,Old Name (fictional),,,,Court A,\n")
    result = import_text(HEADER + "A1,New Name (fictional),,+1 555 0100,,Court A,\n")
    assert result.updated == 1
    assert Facility.objects.get(code="A1").name == "New Name (fictional)"


@pytest.mark.django_db
def test_a_header_without_the_required_columns_imports_nothing() -> None:
    result = import_text("name,address\nX,Y\n")
    assert result.errors and "code" in result.errors[0][1] and not Facility.objects.exists()


def test_a_missing_file_is_a_command_error(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="cannot read"):
        call_command("import_facilities", str(tmp_path / "absent.csv"))
