"""The language tests drive every platform's real endpoints: the Teams harness and its fake connector live beside
the Teams tests (``tests/teams``), which pytest puts on the import path only when it collects that folder, so it is
put there for this folder too (as for ``tests/replay``)."""

from __future__ import annotations

import sys
from pathlib import Path

TEAMS_TESTS = str(Path(__file__).resolve().parents[1] / "teams")
if TEAMS_TESTS not in sys.path:
    sys.path.append(TEAMS_TESTS)
