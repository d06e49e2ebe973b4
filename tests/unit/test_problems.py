"""Problem details for framework errors that are not ours."""

from __future__ import annotations

import logging

import pytest
from litestar.exceptions import InternalServerException

from api.problems import CLIENT_GONE, from_http


def test_a_client_that_hangs_up_is_no_incident(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.ERROR, logger="yide.api"):
        problem = from_http(InternalServerException(CLIENT_GONE))
    assert problem.status_code == 400 and problem.type_ == "urn:yide:problem:client-disconnected"
    assert not caplog.records
    with caplog.at_level(logging.ERROR, logger="yide.api"):
        real = from_http(InternalServerException("boom"))
    assert real.status_code == 500 and caplog.records
