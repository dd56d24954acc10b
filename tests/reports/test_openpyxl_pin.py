"""The fast row writer (``bot.exports.excel.fastrows``) leans on openpyxl's private write-only internals, so openpyxl
is pinned to the releases it was verified with. These tests fail, naming the versions, when pyproject.toml and the
module disagree about that range or when the installed openpyxl is outside it; and they check that the internals
it uses are still there (a new release that moved them would otherwise fail deep inside an export)."""

from __future__ import annotations

import tomllib
from importlib.metadata import version
from pathlib import Path

from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from packaging.requirements import Requirement
from packaging.version import Version

from bot.exports.excel.fastrows import VERIFIED_OPENPYXL

PYPROJECT = Path(__file__).resolve().parents[2] / "pyproject.toml"


def _pinned() -> Requirement:
    dependencies = tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))["project"]["dependencies"]
    found = [Requirement(d) for d in dependencies if Requirement(d).name == "openpyxl"]
    assert len(found) == 1, "pyproject.toml should name openpyxl once in [project] dependencies"
    return found[0]


def test_pyproject_pins_openpyxl_to_the_releases_fastrows_was_verified_with() -> None:
    pinned = _pinned()
    assert str(pinned.specifier) == str(Requirement(f"openpyxl{VERIFIED_OPENPYXL}").specifier), (
        f"pyproject.toml pins {pinned}, but bot/exports/excel/fastrows.py was verified with openpyxl"
        f"{VERIFIED_OPENPYXL}: verify the new release (tests/reports, bench/bench_export.py) and change both"
    )


def test_the_installed_openpyxl_is_one_fastrows_was_verified_with() -> None:
    installed = Version(version("openpyxl"))
    assert _pinned().specifier.contains(installed), (
        f"openpyxl {installed} is installed, but the report's fast row writer (bot/exports/excel/fastrows.py) "
        f"relies on openpyxl's private write-only internals and was verified with openpyxl{VERIFIED_OPENPYXL} only: "
        "install a release in that range (pip install -e .) or verify this one and widen the pin"
    )


def test_the_private_internals_fastrows_uses_are_there() -> None:
    for name in ("_write_rows", "_values_to_row", "_get_writer", "close"):
        assert callable(getattr(WriteOnlyWorksheet, name, None)), f"openpyxl's WriteOnlyWorksheet lost {name}"
