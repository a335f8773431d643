"""What the test helpers that need something from the machine (Chromium, PostgreSQL, fonts) share."""
from __future__ import annotations

import os
import socket

import pytest


def skip_or_fail(reason: str) -> None:
    """Skip when the machine lacks what a test needs; under CI (CI=true) the lack is a failure."""
    if os.environ.get("CI") == "true":
        pytest.fail(reason, pytrace=False)
    pytest.skip(reason)


def free_port() -> int:
    """A TCP port free on 127.0.0.1 (servers started by the tests bind there only)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
