"""The Teams harness lives with the Teams tests; ``test_teams_operations`` uses it as they do."""

from __future__ import annotations

import sys
from pathlib import Path

TEAMS_TESTS = str(Path(__file__).parent.parent / "teams")
if TEAMS_TESTS not in sys.path:
    sys.path.append(TEAMS_TESTS)
