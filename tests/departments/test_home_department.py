"""The department on App Home: shown with where it came from, a field to type one's own (Enter sets it, as a
``plain_text_input`` with ``dispatch_action``), a button back to the profile's, and a bad name refused politely
with nothing changed. Through the whole app, against the fake Slack, which checks every view it is given."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from bot.slack import ids
from fake_slack import view_errors
from harness import SlackScenario, message_text, start_scenario

FIELD = "Xf06054BBB"
ANNA = "U0ANNA"


@pytest.fixture
def slack(sqlite_url: str) -> Iterator[SlackScenario]:
    scenario = start_scenario(sqlite_url, behaviour={"profiles": {"department_field": "Department"}})
    scenario.fake.add_profile_field(FIELD, "Department")
    scenario.fake.add_user(ANNA, name="anna", fields={FIELD: "Marketing"})
    yield scenario
    scenario.close()


def home(slack: SlackScenario) -> dict[str, Any]:
    slack.settle()
    views = [c.params["view"] for c in slack.fake.calls_to("views.publish") if c.ok and c.params["user_id"] == ANNA]
    assert views and view_errors(views[-1]) == []
    return dict(views[-1])


def open_home(slack: SlackScenario) -> dict[str, Any]:
    event = {"type": "app_home_opened", "user": ANNA, "channel": "D0HOME", "tab": "home", "event_ts": "1700000000.1"}
    assert slack.event(event).status == 200
    return home(slack)


def typed(slack: SlackScenario, text: str) -> str:
    assert slack.click(ids.SET_DEPARTMENT, text, user=ANNA, channel="D0HOME").status == 200
    slack.settle()
    return message_text(slack.fake.calls_to("response_url")[-1].params)


def test_the_department_is_set_and_cleared_from_home(slack: SlackScenario) -> None:
    slack.command_reply("help", user=ANNA)  # Cobot meets Anna and reads her profile
    view = open_home(slack)
    blocks = json.dumps(view["blocks"], ensure_ascii=False)
    assert "*Your department:* Marketing (from your Slack profile)" in blocks
    [field] = [b for b in view["blocks"] if b["type"] == "input" and b["element"]["action_id"] == ids.SET_DEPARTMENT]
    assert field["dispatch_action"] is True and field["element"]["max_length"] == 100

    assert "Your department is now “Web &amp; Digital”" in typed(slack, "Web & Digital")  # escaped for Slack
    assert (slack.member(ANNA).department, slack.member(ANNA).department_source) == ("Web & Digital", "self")
    view = home(slack)
    assert "*Your department:* Web &amp; Digital (from your own choice)" in json.dumps(view["blocks"])
    [clear] = [b["accessory"] for b in view["blocks"] if b.get("accessory", {}).get("action_id") == ids.SET_DEPARTMENT]
    assert clear["value"] == "clear"

    assert "it is now “Marketing”, from your Slack profile" in typed(slack, "clear")
    assert slack.member(ANNA).department == "Marketing"
    assert not [b for b in home(slack)["blocks"] if b.get("accessory", {}).get("action_id") == ids.SET_DEPARTMENT]


def test_a_too_long_name_typed_on_home_is_refused_and_nothing_changes(slack: SlackScenario) -> None:
    slack.command_reply("help", user=ANNA)
    open_home(slack)
    assert "at most 100 characters, and that one has 120" in typed(slack, "z" * 120)
    assert (slack.member(ANNA).department, slack.member(ANNA).department_self) == ("Marketing", None)
