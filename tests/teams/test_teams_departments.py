"""Departments on Teams from Microsoft Graph, through the whole Teams endpoint: a person Cobot meets has their
profile looked up through the outbox, which asks a loopback fake Graph (client-credentials token, then
``/v1.0/users/{id}?$select=department,jobTitle``). A 403 (no permission) and a 5xx leave things as they were,
the 403 said once at INFO; a person's own `department` still wins over Graph's."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator

import pytest
from fake_graph import FakeGraph

from teams_harness import ANNA, APP_ID, TENANT, TeamsScenario

GRAPH_LOG = "bot.teams.graph"


@pytest.fixture
def graph() -> Iterator[FakeGraph]:
    fake = FakeGraph(client_id=APP_ID, client_secret="test-client-secret").start()
    yield fake
    fake.stop()


@pytest.fixture
def teams(make_teams: Callable[..., TeamsScenario], graph: FakeGraph) -> TeamsScenario:
    return make_teams(authenticated=True, environment={"graph_api_url": graph.url, "graph_login_url": graph.url})


def meet(teams: TeamsScenario) -> None:
    teams.install_personal(ANNA)
    teams.command("help", user=ANNA)
    teams.settle()


def test_the_department_and_title_come_from_graph(teams: TeamsScenario, graph: FakeGraph) -> None:
    graph.add_user(ANNA.aad, department="Marketing", job_title="Content Lead")
    meet(teams)
    anna = teams.member(ANNA)
    assert (anna.department, anna.department_source, anna.title) == ("Marketing", "graph", "Content Lead")
    [token] = [call for call in graph.calls if call.method == "POST"]
    assert token.path == f"/{TENANT}/oauth2/v2.0/token" and token.form["grant_type"] == "client_credentials"
    [lookup] = graph.user_calls()
    assert lookup.query == {"$select": "department,jobTitle"}
    answer = teams.command("whoami", user=ANNA)
    assert "Department: Marketing (from your Microsoft 365 profile)" in answer
    assert "Title: Content Lead" in answer

    # Her own choice wins; clearing it goes back to Graph's.
    teams.command("department Web", user=ANNA)
    assert (teams.member(ANNA).department, teams.member(ANNA).department_source) == ("Web", "self")
    assert "from your Microsoft 365 profile" in teams.command("department clear", user=ANNA)
    assert teams.member(ANNA).department == "Marketing"


def test_without_the_permission_cobot_goes_on_and_says_so_once(
    teams: TeamsScenario, graph: FakeGraph, caplog: pytest.LogCaptureFixture
) -> None:
    graph.answer = "forbidden"
    caplog.set_level(logging.INFO, logger=GRAPH_LOG)
    meet(teams)
    anna = teams.member(ANNA)
    assert (anna.department, anna.title, anna.display_name) == (None, None, ANNA.name)
    said = [r for r in caplog.records if r.name == GRAPH_LOG]
    assert len(said) == 1 and said[0].levelno == logging.INFO and "User.Read.All" in said[0].getMessage()
    # Asked again soon after (someone else's look-up), Graph is not bothered, and nothing more is logged.
    directory = teams.service.sender.transports["teams"].graph  # type: ignore[attr-defined]
    assert directory.profile(tenant=TENANT, user_id=ANNA.aad) is None
    assert len(graph.user_calls()) == 1
    assert len([r for r in caplog.records if r.name == GRAPH_LOG]) == 1


def test_graph_down_leaves_what_cobot_knows(teams: TeamsScenario, graph: FakeGraph) -> None:
    graph.add_user(ANNA.aad, department="Marketing", job_title="Content Lead")
    meet(teams)
    graph.answer = "unavailable"
    directory = teams.service.sender.transports["teams"].graph  # type: ignore[attr-defined]
    assert directory.profile(tenant=TENANT, user_id=ANNA.aad) is None
    graph.answer = "ok"
    graph.add_user(ANNA.aad, department="Sales", job_title=None)
    found = directory.profile(tenant=TENANT, user_id=ANNA.aad)
    assert (found.department, found.title) == ("Sales", "")  # Graph's null job title: none
    assert teams.member(ANNA).department == "Marketing"  # a failed look-up changed nothing
