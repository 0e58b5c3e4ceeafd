"""Fuzzing the parsers of what the public sends (issue 17): lab sample and result files, venue-scan files, GeoJSON
areas, resident ID numbers and legal case files. Arbitrary bytes, and valid files mutated, must each give a value
or the project's own refusal naming the field (`InvalidInput`, `RowError` with its row) — never another exception,
which the API would answer with a 500."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from fangkong.errors import InvalidInput, RowError
from fangkong.policy import load_policy
from fangkong.rules.pooling import check_pool_size
from fangkong.rules.resident_id import check_digit, check_resident_id
from fangkong.services.areas.shapes import AreaFeature, _geometry
from fangkong.services.calendar import local_day
from fangkong.services.cases import load_case_file
from fangkong.services.file_imports.rows import instant_of, records, text_of
from fangkong.services.lab.files import read_results, read_samples

NOW = datetime(2022, 11, 17, 0, 0, tzinfo=UTC)
POLICY = load_policy()
FUZZ = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large]
)

SAMPLES = (
    "barcode,pool_size,sampling_point,collected_at,members\n"
    "P-1,10,Point 3,2022-11-16T07:00:00+08:00,"
    + ";".join(f"11010519850101{i:03d}X" for i in range(10))
    + "\nS-1,1,Point 3,2022-11-16 07:00,110105198501011234\n"
)
RESULTS = (
    "barcode,lab,reported_at,ct_orf1ab,ct_n\n"
    "P-1,City lab,2022-11-16T08:00:00+08:00,30.5,31\n"
    "S-1,City lab,2022-11-16T08:00:00+08:00,,\n"
)
SCANS = "document_number,venue_code,scanned_at\n110105198501011234,V-1,2022-11-16T08:00:00+08:00\n"
TRICKY = [
    b"",
    b"\xef\xbb\xbf",
    b"\x00",
    b"\xff\xfe",
    b"\n\n\n",
    b'"',
    b"[" * 50_000,  # nested past the JSON parser's recursion
    b'[{"ct_orf1ab": ' + b"9" * 5000 + b"}]",  # past Python's digits limit for an int
    b'[{"ct_orf1ab": 1' + b"0" * 400 + b"}]",  # an int too large for a float
    b'[{"reported_at": "0001-01-01T00:00:00+14:00"}]',
    b'[{"reported_at": "0001-01-01T00:00:00"}]',
    # past the csv module's field limit (128 KiB)
    b"barcode,lab,reported_at,ct_orf1ab,ct_n\nS-1,City lab," + b"x" * 200_000 + b",,\n",
    b"barcode,pool_size,sampling_point,collected_at,members\nS-1,1," + b"x" * 200_000 + b",,\n",
    b"document_number,venue_code,scanned_at\n" + b"x" * 200_000 + b",V-1,\n",
    b'{"rows": {"a": 1}}',
    b"[1, 2, 3]",
    b'[{"barcode": ["a"], "lab": {"x": 1}, "reported_at": 5, "ct_orf1ab": true, "ct_n": []}]',
]


def size_checker(size: int, at: datetime) -> None:
    check_pool_size(size, POLICY.at(local_day(at)))


def mutated(base: str) -> st.SearchStrategy[bytes]:
    """The file with a slice replaced by arbitrary text or bytes, or cut short, or repeated."""
    data = base.encode()

    @st.composite
    def one(draw: st.DrawFn) -> bytes:
        i = draw(st.integers(0, len(data)))
        j = draw(st.integers(i, len(data)))
        insert = draw(st.one_of(st.binary(max_size=40), st.text(max_size=40).map(str.encode)))
        return data[:i] + insert + data[j:] * draw(st.integers(1, 2))

    return one()


def files(base: str) -> st.SearchStrategy[bytes]:
    return st.one_of(st.sampled_from(TRICKY), st.binary(max_size=300), mutated(base))


def refused_properly(exc: InvalidInput) -> None:
    assert exc.field and exc.message, exc
    if isinstance(exc, RowError):
        assert exc.row >= 1 and str(exc).startswith(f"{exc.field}: row {exc.row}: "), exc


@pytest.mark.parametrize("fmt", ["csv", "json"])
@FUZZ
@given(data=files(RESULTS))
def test_a_results_file_is_read_or_refused_naming_the_field(fmt: Any, data: bytes) -> None:
    try:
        read_results(data, fmt, NOW)
    except InvalidInput as exc:
        refused_properly(exc)


@pytest.mark.parametrize("fmt", ["csv", "json"])
@FUZZ
@given(data=files(SAMPLES))
def test_a_samples_file_is_read_or_refused_naming_the_field(fmt: Any, data: bytes) -> None:
    try:
        read_samples(data, fmt, NOW, size_checker)
    except InvalidInput as exc:
        refused_properly(exc)


def scan_rows(data: bytes, fmt: Any) -> list[tuple[int, str, str, datetime]]:
    """A scans file's rows as `tracing.venues.import_scans` reads them before it looks anyone up."""
    return [
        (
            n,
            text_of(n, raw, "document_number", max_len=64).upper(),
            text_of(n, raw, "venue_code", max_len=64),
            instant_of(n, raw, "scanned_at", NOW),
        )
        for n, raw in records(data, fmt, ("document_number", "venue_code", "scanned_at"))
    ]


@pytest.mark.parametrize("fmt", ["csv", "json"])
@FUZZ
@given(data=files(SCANS))
def test_a_scans_file_is_read_or_refused_naming_the_field(fmt: Any, data: bytes) -> None:
    try:
        scan_rows(data, fmt)
    except InvalidInput as exc:
        refused_properly(exc)


# --- GeoJSON ------------------------------------------------------------------------------------------------------


def _nested(inner: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.one_of(st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=5), inner, max_size=3))


json_values = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=5)), _nested, max_leaves=20
)
numbers = st.one_of(st.floats(allow_nan=True, allow_infinity=True), st.integers(-(10**400), 10**400))
points = st.lists(numbers, min_size=0, max_size=4)
rings = st.lists(points, max_size=6)
geometries = st.fixed_dictionaries(
    {
        "type": st.sampled_from(["Polygon", "MultiPolygon", "Point", "polygon", ""]),
        "coordinates": st.one_of(
            st.lists(rings, max_size=3), st.lists(st.lists(rings, max_size=2), max_size=2), json_values
        ),
    }
)


@FUZZ
@given(raw=st.one_of(geometries, st.dictionaries(st.text(max_size=12), json_values, max_size=4)))
@example(raw={"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 0]], [[1e400, 0]]]})
@example(raw={"type": "Polygon", "coordinates": [[[0, 0], [10**400, 0], [1, 1], [0, 0]]]})
@example(raw={"type": "Polygon", "coordinates": "abc"})
@example(raw={"type": "MultiPolygon", "coordinates": [[[["a", "b"]]]]})
def test_a_geojson_geometry_is_read_or_refused_naming_the_field(raw: dict[str, Any]) -> None:
    try:
        _geometry(raw, "features[0].geometry")
    except InvalidInput as exc:
        assert exc.field == "features[0].geometry", exc


@FUZZ
@given(properties=st.dictionaries(st.sampled_from(["code", "name", "level", "parent_code", "label"]), json_values))
def test_a_geojson_feature_s_properties_validate_or_refuse(properties: dict[str, Any]) -> None:
    try:
        AreaFeature.model_validate(properties)
    except ValidationError as exc:
        assert exc.errors()  # import_areas names the feature, and the property from the first


# --- resident ID numbers (GB 11643) -------------------------------------------------------------------------------

DIGITS_OF_ALL_KINDS = "0123456789X" + "０１２３４５６７８９" + "²³¹" + "٠١٢٣٤٥٦٧٨٩" + "xß "


@FUZZ
@given(value=st.one_of(st.text(max_size=25), st.text(alphabet=DIGITS_OF_ALL_KINDS, min_size=15, max_size=19)))
@example(value="11010519900101²23X")
@example(value="110105199001011²3X")
@example(value="１１0105199001011234")
def test_a_resident_id_is_valid_or_says_why_not(value: str) -> None:
    checked = check_resident_id(value)
    assert checked.valid or checked.problems
    if checked.valid:
        raw = value.strip().upper()
        assert raw.isascii() and raw[17] == check_digit(raw[:17])


# --- legal case files ---------------------------------------------------------------------------------------------

CASE = """cases:
  - id: contact-day-1
    ask: close_contact_plan
    given: {exposure_date: 2022-11-10, today: 2022-11-12}
    expect: {category: close_contact}
"""


@FUZZ
@given(data=st.one_of(files(CASE), st.text(max_size=200).map(str.encode)))
@example(data=b"cases: [\xff]")
@example(data=b"cases: " + b"[" * 5000)
@example(data=b"a: &a [*a]")
def test_a_case_file_is_read_or_refused_naming_the_place(tmp_path_factory: pytest.TempPathFactory, data: bytes) -> None:
    path: Path = tmp_path_factory.mktemp("cases") / "cases.yaml"
    path.write_bytes(data)
    try:
        load_case_file(path)
    except InvalidInput as exc:
        assert exc.field.startswith(str(path)), exc


def test_the_fuzzed_files_are_the_ones_the_importers_accept() -> None:
    """The mutations start from files that are read whole (so a fuzzed refusal is the mutation's doing)."""
    assert read_results(RESULTS.encode(), "csv", NOW).height == 2
    assert len(read_samples(SAMPLES.encode(), "csv", NOW, size_checker)) == 2
    assert len(scan_rows(SCANS.encode(), "csv")) == 1
    assert json.dumps(CASE)
