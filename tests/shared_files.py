"""Where the recorded third-party payloads and published schemas are: the team's shared folder, next to the
repository (``../shared``) or wherever ``COBOT_SHARED`` points. They are read from there, never copied in; a test
that needs one skips, saying where it looked, on a machine without them."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("COBOT_SHARED") or ROOT.parent / "shared")


def shared(*parts: str) -> Path:
    return SHARED.joinpath(*parts)


def require(path: Path) -> Path:
    """``path``, or a skip naming it when the shared folder (or that file) is not on this machine."""
    if not path.exists():
        pytest.skip(f"{path} is not here (the shared folder is not next to the repo; set COBOT_SHARED to it)")
    return path
