"""Fixtures for the Teams tests: the whole Teams endpoint over real HTTP, on SQLite, with the fake Bot Framework
connector (and, for the authentication tests, the fake Bot Framework identity) on loopback."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from teams_harness import TeamsScenario, start_teams


@pytest.fixture
def teams(sqlite_url: str) -> Iterator[TeamsScenario]:
    scenario = start_teams(sqlite_url)
    yield scenario
    scenario.close()


@pytest.fixture
def make_teams(sqlite_url: str) -> Iterator[Callable[..., TeamsScenario]]:
    """Like ``teams``, with app.yaml behaviour, authentication or another database of the test's choosing."""
    started: list[TeamsScenario] = []

    def make(**kwargs: Any) -> TeamsScenario:
        kwargs.setdefault("database_url", sqlite_url)
        scenario = start_teams(kwargs.pop("database_url"), **kwargs)
        started.append(scenario)
        return scenario

    yield make
    for scenario in started:
        scenario.close()
