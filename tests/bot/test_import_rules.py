"""One core for every surface: the Slack, Teams and console adapters reach the database only through the core.

Every module under ``bot/slack``, ``bot/teams`` and ``bot/console`` is read with ``ast`` (imports inside functions
included) and may not import the storage layer's sessions, queries, engine or migrations, SQLModel or SQLAlchemy,
nor a ``Session`` from anywhere; it may take the enums of ``storage.models`` (a card shows a request's status), not
its tables. Nor may it reach for ``cobot.engine`` or ``cobot.transaction()`` to write rows itself: it runs
handlers through ``Cobot.act`` (or reads through ``Cobot.snapshot``). Only the composition roots below, which
build the services, may hand the engine on.
"""

from __future__ import annotations

import ast
import enum
import importlib
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ADAPTERS = ("bot/slack", "bot/teams", "bot/console")

# Modules no adapter may import (nor anything inside them).
FORBIDDEN_MODULES = ("storage.queries", "storage.db", "storage.migrate", "sqlmodel", "sqlalchemy")
# Attributes of the core that mean "I open the database myself".
FORBIDDEN_ATTRIBUTES = frozenset({"engine", "transaction"})

# Composition roots: the functions that build an adapter's service from a Cobot may pass its engine to the parts
# they assemble (the outbox transport). Nothing else in these modules handles rows.
COMPOSITION_ROOTS = {
    "bot.slack.app",  # build_slack_service: Bolt app, transport, sender and scheduler for one Cobot
    "bot.teams.app",  # build_teams_service: Agents SDK adapter, transport, sender and scheduler for one Cobot
}

# Modules still being moved behind the core (none now). An entry that no longer breaks a rule fails below, so none
# lingers.
PENDING: set[str] = set()


@dataclass(frozen=True)
class Breach:
    module: str
    line: int
    what: str

    def __str__(self) -> str:
        return f"{self.module}:{self.line}: {self.what}"


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def adapter_modules() -> dict[str, Path]:
    return {
        _module_name(path): path
        for folder in ADAPTERS
        for path in sorted((ROOT / folder).rglob("*.py"))
        if "__pycache__" not in path.parts
    }


def _forbidden(module: str) -> bool:
    return any(module == banned or module.startswith(banned + ".") for banned in FORBIDDEN_MODULES)


def _is_table(name: str) -> bool:
    """Whether ``storage.models.<name>`` is anything but an enum (a table, or something unknown)."""
    value = getattr(importlib.import_module("storage.models"), name, None)
    return not (isinstance(value, type) and issubclass(value, enum.Enum))


def _absolute(node: ast.ImportFrom, module: str, *, is_package: bool) -> str:
    if not node.level:
        return node.module or ""
    base = module.split(".") if is_package else module.split(".")[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join([*base, node.module] if node.module else base)


def breaches(source: str, *, module: str, is_package: bool = False) -> list[Breach]:
    """Every way ``source`` (the text of ``module``) reaches the database past the core."""
    found: list[Breach] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if _forbidden(alias.name) or alias.name in ("storage.models", "storage"):
                    found.append(Breach(module, node.lineno, f"import {alias.name}"))
        elif isinstance(node, ast.ImportFrom):
            source_module = _absolute(node, module, is_package=is_package)
            for alias in node.names:
                full = f"{source_module}.{alias.name}"
                statement = f"from {source_module} import {alias.name}"
                whole_module = source_module == "storage" and (_forbidden(full) or alias.name == "models")
                if _forbidden(source_module) or alias.name == "Session" or whole_module:
                    found.append(Breach(module, node.lineno, statement))
                elif source_module == "storage.models" and (alias.name == "*" or _is_table(alias.name)):
                    found.append(Breach(module, node.lineno, f"{statement} (a table; only its enums may be used)"))
        elif isinstance(node, ast.Attribute) and node.attr in FORBIDDEN_ATTRIBUTES:
            found.append(Breach(module, node.lineno, f".{node.attr} (the core's database; use Cobot.act)"))
    return sorted(found, key=lambda breach: breach.line)


def _breaches_of(module: str, path: Path) -> list[Breach]:
    return breaches(path.read_text(encoding="utf-8"), module=module, is_package=path.name == "__init__.py")


def test_no_adapter_module_reaches_the_database_past_the_core() -> None:
    found = [
        str(breach)
        for module, path in adapter_modules().items()
        if module not in COMPOSITION_ROOTS | PENDING
        for breach in _breaches_of(module, path)
    ]
    assert not found, "adapters must go through the core (handlers via Cobot.act):\n" + "\n".join(found)


def test_every_exception_is_a_module_that_exists_and_pending_ones_still_need_it() -> None:
    modules = adapter_modules()
    assert not (COMPOSITION_ROOTS | PENDING) - modules.keys(), "an exception names a module that does not exist"
    done = sorted(module for module in PENDING if not _breaches_of(module, modules[module]))
    assert not done, f"these no longer reach the database past the core; remove them from PENDING: {done}"


@pytest.mark.parametrize(
    ("source", "what"),
    [
        ("from sqlmodel import Session, select", "from sqlmodel import Session"),
        ("def f():\n    from storage import queries", "from storage import queries"),
        ("import sqlalchemy as sa", "import sqlalchemy"),
        ("from sqlalchemy.exc import IntegrityError", "from sqlalchemy.exc import IntegrityError"),
        ("from storage.db import transaction", "from storage.db import transaction"),
        ("from storage.models import Member", "from storage.models import Member"),
        ("from storage.migrate import upgrade_to_head", "from storage.migrate import upgrade_to_head"),
        ("def f(cobot):\n    with cobot.transaction() as s:\n        pass", ".transaction"),
        ("def f(cobot):\n    return cobot.engine", ".engine"),
    ],
)
def test_the_rule_catches_each_way_in(source: str, what: str) -> None:
    [breach] = [b for b in breaches(source, module="bot.slack.listeners.example") if b.what.startswith(what)]
    assert breach.module == "bot.slack.listeners.example"


def test_the_rule_lets_enums_and_the_core_through() -> None:
    source = (
        "from storage.models import RequestStatus, ReviewState\n"
        "from storage.clock import utcnow\n"
        "from bot.runtime.cobot import Cobot\n"
        "def f(cobot):\n    return cobot.act\n"
    )
    assert breaches(source, module="bot.slack.blocks") == []
