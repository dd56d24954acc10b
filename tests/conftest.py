"""Shared fixtures: a migrated database per test (SQLite file, or a fresh PostgreSQL schema), a fixed clock.

PostgreSQL tests use ``COBOT_TEST_POSTGRES_URL`` (default: the local server, database ``test``). Where no server
answers they are skipped with the reason printed; with ``CI=true`` they are required and fail instead.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import sqlalchemy as sa
from smtp_server import smtp_server  # noqa: F401  (the fixture, for every test folder)
from sqlalchemy import Engine

from harness import SlackScenario, start_scenario
from storage.db import make_engine
from storage.migrate import upgrade_to_head

POSTGRES_URL = os.environ.get("COBOT_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
IN_CI = os.environ.get("CI", "").lower() == "true"


def _postgres_unreachable_reason() -> str | None:
    try:
        engine = sa.create_engine(POSTGRES_URL, connect_args={"connect_timeout": 3})
        with engine.connect() as connection:
            connection.execute(sa.text("select 1"))
        engine.dispose()
    except Exception as error:  # any failure to connect means "not reachable" here
        return f"PostgreSQL not reachable at {POSTGRES_URL}: {type(error).__name__}: {str(error).splitlines()[0]}"
    return None


_PG_REASON: str | bool | None = False  # False: not checked yet


def postgres_skip_reason() -> str | None:
    global _PG_REASON
    if _PG_REASON is False:
        _PG_REASON = _postgres_unreachable_reason()
    return _PG_REASON if isinstance(_PG_REASON, str) else None


def pytest_report_header(config: pytest.Config) -> str:
    reason = postgres_skip_reason()
    if reason is None:
        return f"postgres: {POSTGRES_URL} (reachable)"
    return f"postgres: SKIPPING postgres tests: {reason}" + (" — but CI=true requires it" if IN_CI else "")


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A URL whose connections work in a fresh, empty schema of the test PostgreSQL database."""
    reason = postgres_skip_reason()
    if reason is not None:
        if IN_CI:
            pytest.fail(f"CI=true requires PostgreSQL: {reason}")
        pytest.skip(reason)
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    separator = "&" if "?" in POSTGRES_URL else "?"
    try:
        yield f"{POSTGRES_URL}{separator}options=-csearch_path%3D{schema}"
    finally:
        with admin.connect() as connection:
            connection.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture
def sqlite_url(tmp_path: object) -> str:
    return f"sqlite:///{tmp_path}/cobot.db"


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def any_database_url(request: pytest.FixtureRequest) -> str:
    """Runs a test once on SQLite and once on PostgreSQL."""
    name = "sqlite_url" if request.param == "sqlite" else "postgres_url"
    return str(request.getfixturevalue(name))


@pytest.fixture
def engine(sqlite_url: str) -> Iterator[Engine]:
    """A migrated SQLite database in a temporary file."""
    engine = make_engine(sqlite_url)
    upgrade_to_head(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def any_engine(any_database_url: str) -> Iterator[Engine]:
    """A migrated database, once SQLite and once PostgreSQL."""
    engine = make_engine(any_database_url)
    upgrade_to_head(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def slack(sqlite_url: str) -> Iterator[SlackScenario]:
    """The whole Slack app over real HTTP, on SQLite, with the fake Slack Web API behind it."""
    scenario = start_scenario(sqlite_url)
    yield scenario
    scenario.close()


@pytest.fixture
def make_slack(sqlite_url: str) -> Iterator[Callable[..., SlackScenario]]:
    """Like ``slack``, with ``app.yaml`` behaviour settings of the test's choosing (``make_slack(behaviour={…})``),
    and environment settings (``environment={"smtp_url": …}``)."""
    started: list[SlackScenario] = []

    def make(
        *,
        behaviour: dict[str, Any] | None = None,
        database_url: str | None = None,
        environment: dict[str, str] | None = None,
    ) -> SlackScenario:
        scenario = start_scenario(database_url or sqlite_url, behaviour=behaviour, environment=environment)
        started.append(scenario)
        return scenario

    yield make
    for scenario in started:
        scenario.close()
