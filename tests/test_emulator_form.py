"""The ``put_objects`` form read as a stream: bounds hold as the bytes arrive.

Issue 20: a body of ``[{},{},...]`` just under 16 MiB was parsed whole before
its records were counted (about 500 MB per request); a boundary of 257 bytes
was a 500; a number written as JSON went through a float.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable
from decimal import Decimal
from typing import Any
from urllib.parse import quote

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from scale_query.emulator import Emulator
from scale_query.emulator._form import FormReader, objects_field
from scale_query.emulator._jsonscan import Scan
from scale_query.emulator._limits import (
    MAX_BODY_BYTES,
    MAX_BOUNDARY_BYTES,
    MAX_JSON_VALUES,
    MAX_RECORDS_PER_WRITE,
    InputError,
)

_MULTIPART = b"multipart/form-data; boundary=B"
_URLENCODED = b"application/x-www-form-urlencoded"


def _multipart(value: bytes, name: bytes = b"objects") -> bytes:
    return (
        b'--B\r\nContent-Disposition: form-data; name="'
        + name
        + b'"\r\n\r\n'
        + value
        + b"\r\n--B--\r\n"
    )


def _pieces(body: bytes, cuts: list[int]) -> list[bytes]:
    points = sorted({0, len(body), *(c % (len(body) + 1) for c in cuts)})
    return [body[a:b] for a, b in itertools.pairwise(points)]


def _read(content_type: bytes, pieces: list[bytes]) -> str | None:
    reader = FormReader(content_type)
    for piece in pieces:
        reader.write(piece)
    return reader.close()


_JSON = st.recursive(
    st.none() | st.integers() | st.text(alphabet='ab,[]{}"\\\n\u00e9\U0001f600'),
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(st.text(alphabet='k,[]"\\', max_size=3), inner, max_size=3)
    ),
    max_leaves=12,
)


@given(
    st.lists(_JSON, max_size=5),
    st.lists(st.integers(min_value=0), max_size=8),
    st.booleans(),
)
def test_a_form_read_in_pieces_is_the_form_read_whole(
    records: list[Any], cuts: list[int], urlencoded: bool
) -> None:
    text = json.dumps(records, ensure_ascii=False)
    if urlencoded:
        body = b"a=1&objects=" + quote(text, safe="").encode() + b"&b=%41"
        content_type = _URLENCODED
    else:
        body = _multipart(b"x", b"a")[: -len(b"--B--\r\n")] + _multipart(text.encode())
        content_type = _MULTIPART
    assert _read(content_type, _pieces(body, cuts)) == text


@given(st.lists(_JSON, max_size=6), st.lists(st.integers(min_value=0), max_size=8))
def test_the_scan_counts_the_records_whatever_the_pieces(
    records: list[Any], cuts: list[int]
) -> None:
    data = json.dumps(records).encode()
    scan = Scan()
    for piece in _pieces(data, cuts):
        scan.feed(piece)
    assert scan.records == len(records) and scan.depth == 0


@pytest.mark.parametrize("content_type", [_MULTIPART, _URLENCODED])
@pytest.mark.parametrize(
    ("item", "words"),
    [
        (b"{},", f"more than {MAX_RECORDS_PER_WRITE:,} records"),
        (b"1,", f"more than {MAX_RECORDS_PER_WRITE:,} records"),
    ],
)
def test_too_many_records_are_refused_as_they_arrive(
    content_type: bytes, item: bytes, words: str
) -> None:
    # 16 MiB of records sent in 64 KiB pieces: refused within the first piece or two.
    piece = item * (65536 // len(item))
    reader = FormReader(content_type)
    head = _multipart(b"[")[: -len(b"\r\n--B--\r\n")]
    reader.write(head if content_type == _MULTIPART else b"objects=[")
    written = _write_until_refused(reader.write, piece, MAX_BODY_BYTES // len(piece), words)
    # Refused in the piece that holds record 10,001: nothing past it was read.
    assert written == (MAX_RECORDS_PER_WRITE * len(item)) // len(piece)


def _write_until_refused(
    write: Callable[[bytes], None], piece: bytes, times: int, words: str
) -> int:
    """How many pieces ``write`` took before it refused one with ``words``."""
    for written in range(times):
        try:
            write(piece)
        except InputError as error:
            assert words in str(error)
            return written
    raise AssertionError(f"{times} pieces taken, none refused")


def test_too_many_values_in_one_record_are_refused_as_they_arrive() -> None:
    scan = Scan()
    scan.feed(b'[{"id": 0, "data": {"x": [')
    words = f"more than {MAX_JSON_VALUES:,} values"
    # Each piece holds 1,000 values: the piece holding value 1,000,001 is refused.
    written = _write_until_refused(scan.feed, b"1," * 1000, MAX_JSON_VALUES, words)
    assert written == MAX_JSON_VALUES // 1000 - 1


@pytest.mark.parametrize("length", [MAX_BOUNDARY_BYTES + 1, 257, 5000])
def test_a_long_boundary_is_a_400_not_a_500(scale_emulator: Emulator, length: int) -> None:
    boundary = "b" * length
    part = 'Content-Disposition: form-data; name="objects"\r\n\r\n[]'
    body = f"--{boundary}\r\n{part}\r\n--{boundary}--\r\n"
    response = httpx.post(
        f"{scale_emulator.instance_url}/put_objects/products",
        headers={
            "Authorization": f"Bearer {scale_emulator.token}",
            "Content-Type": f"multipart/form-data; boundary={boundary}",
        },
        content=body.encode(),
    )
    assert response.status_code == 400, response.text
    assert "boundary" in response.json()["message"]


def test_a_body_of_empty_records_just_under_the_cap_is_a_400(scale_emulator: Emulator) -> None:
    text = "[" + "{}," * ((MAX_BODY_BYTES - 1000) // 3) + "{}]"
    response = httpx.post(
        f"{scale_emulator.instance_url}/put_objects/products",
        headers={"Authorization": f"Bearer {scale_emulator.token}"},
        files={"objects": (None, text)},
        timeout=60,
    )
    assert response.status_code == 400
    assert f"more than {MAX_RECORDS_PER_WRITE:,} records" in response.json()["message"]


@pytest.mark.parametrize(
    ("written", "stored"),
    [
        ("9007199254740993.0", "9007199254740993.0"),
        ("0.1", "0.1"),
        ("12.50", "12.50"),
        ("123456789012345678901234567890.5", "123456789012345678901234567890.5"),
    ],
)
def test_a_json_number_is_stored_exactly(
    scale_emulator: Emulator, written: str, stored: str
) -> None:
    body = '[{"id": 0, "data": {"Nom": ' + written + "}}]"
    response = httpx.post(
        f"{scale_emulator.instance_url}/put_objects/products",
        headers={"Authorization": f"Bearer {scale_emulator.token}"},
        files={"objects": (None, body)},
    )
    (result,) = response.json()["objects"]
    assert result["status"] == "OK" and result["data"]["Nom"] == stored
    read = httpx.get(
        f"{scale_emulator.instance_url}/get_objects/products",
        params={"filter": f"id_products $eq {result['id']}", "fields": "Nom"},
        headers={"Authorization": f"Bearer {scale_emulator.token}"},
    )
    assert read.json()["objects"][0]["data"]["Nom"] == stored
    assert Decimal(stored) == Decimal(written)


@pytest.mark.parametrize("number", ["1e999999999", "-1e-999999999"])
def test_a_number_too_long_to_write_out_is_a_400(scale_emulator: Emulator, number: str) -> None:
    response = httpx.post(
        f"{scale_emulator.instance_url}/put_objects/products",
        headers={"Authorization": f"Bearer {scale_emulator.token}"},
        files={"objects": (None, '[{"id": 0, "data": {"Prix": ' + number + "}}]")},
    )
    assert response.status_code == 400 and "too long" in response.json()["message"]


def test_objects_field_reads_a_whole_body() -> None:
    assert objects_field(_MULTIPART, _multipart(b"[1]")) == "[1]"
    assert objects_field(_URLENCODED, b"objects=%5B1%5D&objects=%5B2%5D") == "[2]"
    assert objects_field(b"text/plain", b"objects=[]") is None


@pytest.mark.parametrize("boundary", [b"a\rb", b"a\x1bb", b'"a<b"'])
def test_a_boundary_outside_rfc_2046_is_refused(boundary: bytes) -> None:
    # A CR in the boundary made the parser read a body differently depending on
    # where it was cut (found by the form fuzz harness).
    with pytest.raises(InputError, match="boundary"):
        FormReader(b"multipart/form-data; boundary=" + boundary)


def test_a_backslash_cut_from_its_pair_is_paired_across_pieces() -> None:
    # Found by the form fuzz harness: outside a string (JSON that is not valid)
    # too, a backslash ending one piece pairs with the next piece's first byte.
    text = b'[{"a":\\"}, ' + b"[" * 9 + b"]" * 9 + b"]"
    whole, cut = Scan(), Scan()
    with pytest.raises(InputError, match="deeper"):
        whole.feed(text)
    cut.feed(text[:7])
    with pytest.raises(InputError, match="deeper"):
        cut.feed(text[7:])
