"""The replay tests drive both platforms' real endpoints: the Teams harness and its fake connector live beside the
Teams tests (``tests/teams``), which pytest puts on the import path only when it collects that folder, so it is
put there for this folder too. Both replays check the log of every payload (``records``)."""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from log_records import Records

TEAMS_TESTS = str(Path(__file__).resolve().parents[1] / "teams")
if TEAMS_TESTS not in sys.path:
    sys.path.append(TEAMS_TESTS)


@pytest.fixture
def records() -> Iterator[Records]:
    handler = Records()
    root = logging.getLogger()
    old_level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    try:
        yield handler
    finally:
        root.removeHandler(handler)
        root.setLevel(old_level)
