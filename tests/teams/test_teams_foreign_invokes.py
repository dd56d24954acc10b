"""Invokes that are not Cobot's: a dialog opened from another app's card (``task/fetch`` whose data is none of
Cobot's forms) says politely that Cobot doesn't know it and what to do instead, where it used to say only "?";
an invoke of a feature Cobot's manifest does not declare (a message extension's query) is answered 200, not with
the SDK's 501 that Teams shows as an error."""

from __future__ import annotations

from typing import Any

from teams_harness import ANNA, TeamsScenario


def invoke(teams: TeamsScenario, name: str, value: dict[str, Any]) -> Any:
    activity = teams._envelope(user=ANNA, conversation=ANNA.personal, kind="invoke", name=name, value=value)
    return teams.post(activity)


def test_a_dialog_that_is_not_cobots_says_so_and_what_to_do(teams: TeamsScenario) -> None:
    teams.install_personal(ANNA)

    response = invoke(teams, "task/fetch", {"data": {"hiddenKey": "from another app"}, "context": {"theme": "dark"}})

    assert response.status == 200
    task = response.json()["task"]
    assert task["type"] == "message"
    assert task["value"] != "?"
    assert "don't know this dialog" in task["value"]
    assert "help" in task["value"], "it says what to do instead"


def test_submitting_a_dialog_that_is_not_cobots_gets_the_same_polite_answer(teams: TeamsScenario) -> None:
    teams.install_personal(ANNA)

    response = invoke(teams, "task/submit", {"data": {"key": "value"}, "context": {"theme": "default"}})

    assert response.status == 200
    assert "don't know this dialog" in response.json()["task"]["value"]


def test_an_invoke_of_a_feature_cobot_does_not_have_is_answered_200(teams: TeamsScenario) -> None:
    teams.install_personal(ANNA)

    query = invoke(teams, "composeExtension/query", {"commandId": "search", "parameters": [{"name": "q"}]})
    fetch_task = invoke(teams, "composeExtension/fetchTask", {"commandId": "create", "commandContext": "compose"})

    assert query.status == 200
    assert fetch_task.status == 200
    assert "don't know this dialog" in fetch_task.json()["task"]["value"]
