"""Departments from Slack profiles, through the whole app: signed requests in, the fake Slack Web API answering
``users.info``, ``team.profile.get`` and ``users.profile.get`` as Slack documents them, the database checked.
The custom field is found by its label and read by its id; the title pattern stands in when the field is empty;
a ``user_change`` event reads a known person's profile again; a person's own choice still wins."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from harness import SlackScenario, start_scenario

FIELD = "Xf06054BBB"  # Slack's ids for custom profile fields look like this
PROFILES = {"profiles": {"department_field": "Department", "title_pattern": r"^(?P<department>[^,]+),"}}


@pytest.fixture
def slack(sqlite_url: str) -> Iterator[SlackScenario]:
    scenario = start_scenario(sqlite_url, behaviour=PROFILES)
    scenario.fake.add_profile_field("Xf06054AAA", "Phone extension")
    scenario.fake.add_profile_field(FIELD, "Department")
    yield scenario
    scenario.close()


def meet(slack: SlackScenario, user_id: str) -> None:
    """Cobot meets the person (their profile is asked for right after this first answer)."""
    slack.command_reply("help", user=user_id)


def user_change(slack: SlackScenario, user_id: str, *, name: str, title: str, fields: dict[str, str]) -> None:
    slack.fake.add_user(user_id, name=name, title=title, fields=fields)
    user = {
        "id": user_id,
        "team_id": "T0001",
        "name": name,
        "is_bot": False,
        "profile": {"title": title, "display_name": name, "real_name": name},
    }
    response = slack.event({"type": "user_change", "user": user, "event_ts": "1700000000.000200"})
    assert response.status == 200


def test_the_department_comes_from_the_custom_field_by_its_id(slack: SlackScenario) -> None:
    slack.fake.add_user("U0ANNA", name="anna", title="Content Lead", fields={FIELD: "Marketing", "Xf06054AAA": "42"})
    meet(slack, "U0ANNA")
    reply = slack.command_reply("whoami", user="U0ANNA")
    assert "Name: anna" in reply
    assert "Department: Marketing (from your Slack profile)" in reply
    assert "Title: Content Lead" in reply
    anna = slack.member("U0ANNA")
    assert (anna.department, anna.department_source, anna.title) == ("Marketing", "profile", "Content Lead")
    # The field's id was looked up once, by its label; the value was read for Anna.
    assert len(slack.fake.calls_to("team.profile.get")) == 1
    assert [call.params.get("user") for call in slack.fake.calls_to("users.profile.get")] == ["U0ANNA"]


def test_the_title_pattern_stands_in_when_the_field_is_empty(slack: SlackScenario) -> None:
    slack.fake.add_user("U0BO", name="bo", title="Sales, Key Account Manager")
    meet(slack, "U0BO")
    bo = slack.member("U0BO")
    assert (bo.department, bo.department_source, bo.title) == ("Sales", "profile", "Sales, Key Account Manager")


def test_a_profile_change_is_read_again_for_someone_cobot_knows(slack: SlackScenario) -> None:
    slack.fake.add_user("U0ANNA", name="anna", title="Content Lead", fields={FIELD: "Marketing"})
    meet(slack, "U0ANNA")
    user_change(slack, "U0ANNA", name="anna", title="Team Lead", fields={FIELD: "Customer Service"})
    anna = slack.member("U0ANNA")
    assert (anna.department, anna.title) == ("Customer Service", "Team Lead")

    # Someone Cobot never met is not stored, and Slack is not asked about them.
    asked = len(slack.fake.calls_to("users.profile.get"))
    user_change(slack, "U0STRANGER", name="x", title="Sales, Rep", fields={FIELD: "Sales"})
    assert len(slack.fake.calls_to("users.profile.get")) == asked
    with pytest.raises(Exception, match="No row was found"):
        slack.member("U0STRANGER")


def test_your_own_choice_wins_over_the_profile_until_you_clear_it(slack: SlackScenario) -> None:
    slack.fake.add_user("U0ANNA", name="anna", title="Content Lead", fields={FIELD: "Marketing"})
    meet(slack, "U0ANNA")
    assert "Your department is now “Web”" in slack.command_reply("department Web", user="U0ANNA")
    user_change(slack, "U0ANNA", name="anna", title="Content Lead", fields={FIELD: "Sales"})
    anna = slack.member("U0ANNA")
    assert (anna.department, anna.department_source, anna.department_profile) == ("Web", "self", "Sales")
    reply = slack.command_reply("department clear", user="U0ANNA")
    assert "it is now “Sales”, from your Slack profile" in reply
    assert slack.member("U0ANNA").department == "Sales"


def test_a_too_long_name_is_refused_and_nothing_changes(slack: SlackScenario) -> None:
    slack.fake.add_user("U0ANNA", name="anna", fields={FIELD: "Marketing"})
    meet(slack, "U0ANNA")
    reply = slack.command_reply("department " + "y" * 150, user="U0ANNA")
    assert "at most 100 characters, and that one has 150" in reply
    anna = slack.member("U0ANNA")
    assert (anna.department, anna.department_self) == ("Marketing", None)


def test_without_the_setting_slack_is_not_asked_for_profile_fields(sqlite_url: str) -> None:
    slack = start_scenario(sqlite_url)
    try:
        slack.fake.add_user("U0ANNA", name="anna", title="Sales, Rep", fields={FIELD: "Marketing"})
        meet(slack, "U0ANNA")
        assert "Department: none" in slack.command_reply("whoami", user="U0ANNA")
        user_change(slack, "U0ANNA", name="anna", title="Sales, Rep", fields={FIELD: "Marketing"})
        assert slack.fake.calls_to("users.profile.get") == [] and slack.fake.calls_to("team.profile.get") == []
        assert (slack.member("U0ANNA").department, slack.member("U0ANNA").title) == (None, "Sales, Rep")
    finally:
        slack.close()


def test_a_profile_looked_up_later_through_the_outbox_brings_the_department_too(slack: SlackScenario) -> None:
    slack.fake.add_user("U0CARL", name="carl", title="Support, Agent", fields={FIELD: "Customer Service"})
    slack.fake.fail_next("users.info", status=500)  # Slack does not answer before the first reply: queued
    meet(slack, "U0CARL")
    slack.settle()
    carl = slack.member("U0CARL")
    assert (carl.department, carl.department_source, carl.title) == ("Customer Service", "profile", "Support, Agent")
    assert [call.ok for call in slack.fake.calls_to("users.info")] == [False, True]  # the second: the outbox's
