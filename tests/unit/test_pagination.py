from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from workflow.errors import InvalidInput
from workflow.pagination import decode_cursor, encode_cursor, page_of


@given(st.integers(min_value=0, max_value=2**53))
def test_cursor_round_trips(n: int) -> None:
    assert decode_cursor(encode_cursor(n)) == n


@pytest.mark.parametrize("cursor", ["!!", "aWQ6", "eDox", "aWQ6LTE"])
def test_malformed_cursors_are_invalid_input(cursor: str) -> None:
    with pytest.raises(InvalidInput):
        decode_cursor(cursor)


def test_page_of_uses_the_extra_row_to_signal_more() -> None:
    page = page_of([1, 2, 3], 2, key=lambda x: x)
    assert page.items == [1, 2] and decode_cursor(page.next_cursor) == 2
    assert page_of([1, 2], 2, key=lambda x: x).next_cursor is None


def test_a_cursor_beyond_any_id_is_malformed() -> None:
    import base64

    import pytest

    from workflow.errors import InvalidInput
    from workflow.pagination import decode_cursor

    for number in ("9" * 19, "١٢"):  # past 64 bits; a non-ASCII digit
        cursor = base64.urlsafe_b64encode(f"id:{number}".encode()).decode()
        with pytest.raises(InvalidInput):
            decode_cursor(cursor)
