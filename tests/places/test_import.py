"""import_places: OpenAddresses CSV and GeoJSON, streamed, skipped rows counted with their reasons, re-import
replacing the old rows in one transaction."""

from __future__ import annotations

import json
import tracemalloc
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tests.places import city
from vigil.places import gazetteer as importer
from vigil.places.gazetteer import ImportSummary, import_file
from vigil.places.geocoder import geocode
from vigil.places.models import AddressPoint, GazetteerName, GazetteerSource, Intersection, NamedPlace

HEADER = "LON,LAT,NUMBER,STREET,UNIT,CITY,DISTRICT,REGION,POSTCODE,ID,HASH\n"


def write_csv(path: Path, rows: list[str]) -> Path:
    path.write_text(HEADER + "".join(r + "\n" for r in rows), encoding="utf-8")
    return path


@pytest.mark.django_db
def test_it_imports_openaddresses_csv_and_says_what_it_skipped(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "oa.csv",
        [
            "-93.3,45.0,100,Lake St,,Testville,Northside,MN,55401,,a1",
            "-93.3,45.0,102,Lake St,,Testville,Northside,MN,55401",  # malformed: too few columns
            "-93.3,200,104,Lake St,,Testville,Northside,MN,55401,,a3",  # latitude out of range
            "west,north,106,Lake St,,Testville,Northside,MN,55401,,a4",  # not numbers
            "0,0,108,Lake St,,Testville,Northside,MN,55401,,a5",  # a failed fix
            "-93.3,45.0,,Lake St,,Testville,Northside,MN,55401,,a6",  # no number
            '-93.2996,45.0,"110",Avenida 5,,Testville,Northside,MN,55401,,a7',
        ],
    )
    summary = import_file(path)
    assert summary.read == 7
    assert summary.addresses == 2
    assert dict(summary.skipped) == {
        "malformed row (wrong number of columns)": 1,
        "coordinates out of range": 1,
        "coordinates are not numbers": 1,
        "coordinates are 0, 0": 1,
        "no number or street": 1,
    }
    assert summary.examples["coordinates out of range"] == [4]
    point = AddressPoint.objects.get(number="110")
    assert (point.street, point.street_key, point.neighbourhood) == ("Avenida 5", "5", "Northside")
    assert set(GazetteerName.objects.values_list("key", flat=True)) == {"lake", "5"}


@pytest.mark.django_db
def test_the_command_prints_progress_and_the_summary(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(importer, "PROGRESS_EVERY", 1000)
    monkeypatch.setattr(importer, "BATCH", 700)
    rows = [f"-93.3,45.0,{n},Lake St,,,,,,," for n in range(1, 2_501)] + ["-93.3,91,1,Lake St,,,,,,,"]
    call_command("import_places", str(write_csv(tmp_path / "big.csv", rows)))
    out = capsys.readouterr().out
    assert "1,000 rows read" in out and "2,000 rows read" in out
    assert "imported 2,500 addresses" in out
    assert "skipped 1: coordinates out of range (e.g. rows 2502)" in out


@pytest.mark.django_db
def test_the_command_refuses_what_it_cannot_read(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="no such file"):
        call_command("import_places", str(tmp_path / "missing.csv"))
    bad = tmp_path / "bad.csv"
    bad.write_text("a,b,c\n1,2,3\n")
    with pytest.raises(CommandError, match="LON and LAT"):
        call_command("import_places", str(bad))
    notjson = tmp_path / "bad.geojson"
    notjson.write_text("[1, 2]")
    with pytest.raises(CommandError, match="not GeoJSON"):
        call_command("import_places", str(notjson), "--format", "geojson")


@pytest.mark.django_db
def test_it_reads_geojson_one_feature_per_line(tmp_path: Path) -> None:
    path = tmp_path / "city.geojsonl"
    lines = [json.dumps(f) for f in city.features()]
    lines.insert(3, '{"type": "Feature", "properties": {"name": "Nowhere"}, "geometry": {"type": "Polygon"}}')
    path.write_text("\n".join(lines) + "\n")
    summary = import_file(path)
    assert summary.places == 3 and summary.intersections == 5
    assert dict(summary.skipped) == {"unsupported geometry": 1}


@pytest.mark.django_db
def test_geojson_features_with_bad_coordinates_are_skipped(tmp_path: Path) -> None:
    extra = [
        {
            "type": "Feature",
            "properties": {"number": "1", "street": "Lake St"},
            "geometry": {"type": "Point", "coordinates": [-200, 45]},
        },
        {
            "type": "Feature",
            "properties": {"name": "Oak St"},
            "geometry": {"type": "LineString", "coordinates": [[-93.3, 45]]},
        },
        {"type": "Feature", "properties": {}, "geometry": {"type": "Point", "coordinates": [-93.3, 45]}},
        ["not", "a", "feature"],
    ]
    summary = import_file(city.write(tmp_path / "city.geojson", extra))  # type: ignore[arg-type]
    assert dict(summary.skipped) == {
        "coordinates out of range": 1,
        "line with fewer than two points": 1,
        "point without number and street or name": 1,
        "not a Feature": 1,
    }


@pytest.mark.django_db
def test_re_import_replaces_the_old_rows(tmp_path: Path, gazetteer: ImportSummary) -> None:
    path = tmp_path / "city.geojson"
    before = (AddressPoint.objects.count(), Intersection.objects.count(), GazetteerName.objects.count())
    import_file(path)
    assert (AddressPoint.objects.count(), Intersection.objects.count(), GazetteerName.objects.count()) == before
    assert GazetteerSource.objects.count() == 1
    # The city renames its school: the old name is gone from the index, the new one is found.
    features = city.features()
    for feature in features:
        if feature["properties"].get("name") == "Roosevelt High School":
            feature["properties"] = {"name": "Eleanor Academy", "amenity": "school"}
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    import_file(path)
    assert geocode("Eleanor Academy").matches[0].label == "Eleanor Academy"
    assert not geocode("Roosevelt High School").matches
    assert NamedPlace.objects.count() == 3


@pytest.mark.django_db
def test_a_failed_re_import_leaves_the_old_data(
    tmp_path: Path, gazetteer: ImportSummary, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = AddressPoint.objects.count()

    def broken(*args: object) -> list[object]:
        raise RuntimeError("disk full")

    monkeypatch.setattr(importer, "_intersections", broken)
    with pytest.raises(RuntimeError):
        import_file(tmp_path / "city.geojson")
    monkeypatch.undo()
    assert AddressPoint.objects.count() == before
    assert geocode("Lake & 5th").confident is not None


def _big_csv(path: Path, megabytes: int) -> Path:
    row = "-93.30{i:06d},45.00{i:06d},{i},Lake St,,Testville,Northside,MN,55401,,{i:016x}\n"
    with path.open("w") as handle:
        handle.write(HEADER)
        i = 0
        while handle.tell() < megabytes << 20:
            handle.write("".join(row.format(i=i + k) for k in range(1000)))
            i += 1000
    return path


def _big_geojson(path: Path, megabytes: int) -> Path:
    feature = (
        '{{"type":"Feature","properties":{{"number":"{i}","street":"Lake St"}},'
        '"geometry":{{"type":"Point","coordinates":[-93.3,45.0]}}}}'
    )
    with path.open("w") as handle:
        handle.write('{"type": "FeatureCollection", "name": "big", "features": [\n')
        i = 0
        while handle.tell() < megabytes << 20:
            handle.write(",\n".join(feature.format(i=i + k) for k in range(1000)) + ",\n")
            i += 1000
        handle.write(feature.format(i=i) + "\n]}\n")
    return path


@pytest.mark.parametrize(("maker", "fmt"), [(_big_csv, "csv"), (_big_geojson, "geojson")])
def test_a_large_file_is_read_as_a_stream(tmp_path: Path, maker: object, fmt: str) -> None:
    """Reading a 3 MB file holds well under 1 MB at any moment (bench/import_places.py imports 100 MB)."""
    path = maker(tmp_path / f"big.{fmt}", 3)  # type: ignore[operator]
    summary = ImportSummary(source="big")
    tracemalloc.start()
    try:
        with path.open("r", encoding="utf-8-sig", newline="") as handle:
            reader = importer._csv_items if fmt == "csv" else importer._geojson_items
            count = sum(1 for _item in reader(handle, summary))
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert count > 25_000 and not summary.skipped
    assert peak < 1 << 20, f"peak {peak:,} bytes"
