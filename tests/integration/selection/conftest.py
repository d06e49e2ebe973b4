from __future__ import annotations

from collections.abc import Iterator

import pytest

from workflow.clock import FixedClock


@pytest.fixture(autouse=True)
def restore_clock(clock: FixedClock) -> Iterator[None]:
    """Selection tests move the shared clock by days; put it back for the tests that follow."""
    before = clock.now()
    yield
    clock.set(before)
