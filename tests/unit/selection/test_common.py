from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from workflow.errors import InvalidInput
from workflow.selection.common import b64u_decode, b64u_encode, canonical_json, china_day, utc_iso


@pytest.mark.parametrize("data", [b"", b"\x00", b"\xff\xfe", bytes(range(32)), bytes(64)])
def test_b64u_round_trip(data: bytes) -> None:
    assert b64u_decode(b64u_encode(data)) == data


@pytest.mark.parametrize("text", ["AA==", "A", "AB+/", "AB c", "AB", "AAB"])
def test_b64u_refuses_padding_alphabet_and_non_canonical_bits(text: str) -> None:
    # "AB" encodes 0x00 with stray low bits; the canonical spelling of that byte is "AA".
    with pytest.raises(InvalidInput):
        b64u_decode(text)


def test_b64u_size_is_enforced() -> None:
    with pytest.raises(InvalidInput):
        b64u_decode(b64u_encode(bytes(31)), size=32)


def test_canonical_json_sorts_keys_and_keeps_utf8() -> None:
    assert canonical_json({"b": ["医德"], "a": 1}) == '{"a":1,"b":["医德"]}'.encode()


def test_china_day_uses_utc_plus_8() -> None:
    assert china_day(datetime(2025, 7, 1, 16, 0, tzinfo=UTC)) == date(2025, 7, 2)
    assert china_day(datetime(2025, 7, 1, 15, 59, tzinfo=UTC)) == date(2025, 7, 1)
    assert china_day(datetime(2025, 7, 2, 0, 0, tzinfo=timezone(timedelta(hours=8)))) == date(2025, 7, 2)


def test_naive_times_are_refused() -> None:
    with pytest.raises(InvalidInput):
        china_day(datetime(2025, 7, 1))
    with pytest.raises(InvalidInput):
        utc_iso(datetime(2025, 7, 1))


def test_utc_iso_form() -> None:
    assert (
        utc_iso(datetime(2025, 7, 1, 8, tzinfo=timezone(timedelta(hours=8)))) == "2025-07-01T00:00:00.000000Z"
    )
