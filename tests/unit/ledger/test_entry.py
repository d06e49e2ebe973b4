"""Entry bytes: one canonical spelling, checked quickly and exactly as RFC 8785 defines it."""

from __future__ import annotations

import json

import msgspec
import pytest
import rfc8785
from hypothesis import given
from hypothesis import strategies as st

from workflow.errors import InvalidInput
from workflow.ledger.entry import Entry

BASE = Entry(
    "campaign-1", 3, "org:unit:created", "account:1", "2026-01-01T08:00:00.000Z", {"名称": "协和医院"}
)


def test_encoded_entries_decode_to_themselves() -> None:
    body = BASE.encode()
    assert body == rfc8785.dumps(BASE.as_json())
    assert Entry.decode(body) == BASE


@pytest.mark.parametrize(
    "body",
    [
        BASE.encode().replace(b'{"actor"', b'{ "actor"'),  # whitespace
        json.dumps(
            BASE.as_json(), ensure_ascii=True, sort_keys=True, separators=(",", ":")
        ).encode(),  # \\u escapes
        json.dumps(BASE.as_json(), ensure_ascii=False, separators=(",", ":")).encode(),  # key order
        BASE.encode().replace(b'"index":3', b'"index":3.0'),  # float index
        BASE.encode().replace(b'"index":3', b'"index":true'),
        BASE.encode()[:-1] + b',"actor":"account:2"}',  # duplicate key
        BASE.encode().replace(b"entry/v1", b"entry/v2"),
        BASE.encode().replace(b'"type"', b'"kind"'),
        b"[1, 2]",
        b"\xff\xfe",
        BASE.encode().replace('"协和医院"'.encode(), b"NaN"),
    ],
)
def test_anything_but_the_canonical_bytes_is_refused(body: bytes) -> None:
    with pytest.raises(InvalidInput):
        Entry.decode(body)


def test_payload_floats_and_unsafe_integers_are_refused_on_both_sides() -> None:
    for payload in ({"score": 0.5}, {"n": 2**53}, {"deep": [{"x": 1.0}]}):
        with pytest.raises(InvalidInput):
            Entry("c-1", 0, "a:b:c", "x", "t", payload).encode()
        body = msgspec.json.encode(Entry("c-1", 0, "a:b:c", "x", "t", payload).as_json(), order="sorted")
        with pytest.raises(InvalidInput):
            Entry.decode(body)


def test_keys_beyond_u_e000_sort_by_utf16_as_rfc_8785_demands() -> None:
    entry = Entry("c-1", 0, "a:b:c", "x", "t", {"\ue000": 1, "\U0001f600": 2, "中": 3})
    canonical = entry.encode()
    assert Entry.decode(canonical) == entry
    by_code_point = msgspec.json.encode(entry.as_json(), order="sorted")
    assert by_code_point != canonical
    with pytest.raises(InvalidInput, match="canonical"):
        Entry.decode(by_code_point)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**53) + 1, 2**53 - 1) | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=4), inner, max_size=4),
    max_leaves=12,
)


@given(payload=st.dictionaries(st.text(max_size=6), json_values, max_size=5))
def test_the_fast_check_agrees_with_rfc_8785(payload: dict[str, object]) -> None:
    entry = Entry("campaign-1", 0, "a:b:c", "account:1", "t", payload)
    assert Entry.decode(entry.encode()) == entry
    other = msgspec.json.encode(entry.as_json(), order="sorted")
    if other != entry.encode():
        with pytest.raises(InvalidInput):
            Entry.decode(other)


keys = st.text(alphabet=st.sampled_from("ab中\ue000\uffee\U0001f600\U00010000"), max_size=3)
payloads = st.dictionaries(keys, json_values | st.dictionaries(keys, json_values, max_size=3), max_size=5)


@given(payload=payloads)
def test_encoding_is_exactly_rfc_8785(payload: dict[str, object]) -> None:
    entry = Entry("campaign-1", 7, "a:b:c", "account:1", "t", payload)
    assert entry.encode() == rfc8785.dumps(entry.as_json())
    assert Entry.decode(entry.encode()) == entry
