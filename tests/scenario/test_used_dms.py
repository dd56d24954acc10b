"""Scenario tests for DMs whose buttons were used: the owner's review DM, the "time to publish" DM with its Book
button, a request for more time and an invitation are updated in place (``chat.update`` on the same message) to say
what was done and by whom, their buttons gone, whether a button or a command did it.
"""

from __future__ import annotations

from typing import Any

from bot.slack import ids
from harness import SlackScenario, message_text

OWNER = "U0OWNER"
ANNA = "U0ANNA"
BO = "U0BO"


def dm_with_button(slack: SlackScenario, user: str, action_id: str) -> dict[str, Any]:
    """The one DM to ``user`` that carries (or carried) a button with ``action_id``: found by its ts, so a DM
    that lost its buttons in an update is still the same message."""
    for message in slack.fake.messages(user):
        for block in message.get("blocks") or []:
            if block["type"] == "actions" and any(e["action_id"] == action_id for e in block["elements"]):
                return message
    raise AssertionError(f"no DM to {user} with a {action_id} button")


def same_message(slack: SlackScenario, user: str, ts: str) -> dict[str, Any]:
    [message] = [m for m in slack.fake.messages(user) if m["ts"] == ts]
    return message


def button_ids(message: dict[str, Any]) -> list[str]:
    return [e["action_id"] for b in message.get("blocks") or [] if b["type"] == "actions" for e in b["elements"]]


def settled_line(message: dict[str, Any]) -> str:
    [line] = [e["text"] for b in message["blocks"] if b["type"] == "context" for e in b["elements"]]
    return str(line)


def hand_in(slack: SlackScenario, number: int, link: str = "https://docs.example.com/v1") -> None:
    slack.command_reply(f"submit {number} {link}", user=ANNA)
    slack.settle()


def test_approving_by_button_turns_the_review_dm_into_a_record_of_who_approved(slack: SlackScenario) -> None:
    number = slack.create("Ten SEO tips", due="2026-12-10")
    slack.command_reply(f"volunteer {number}", user=ANNA)
    hand_in(slack, number)
    dm = dm_with_button(slack, OWNER, ids.APPROVE_DRAFT)
    assert button_ids(dm) == [ids.APPROVE_DRAFT, ids.REQUEST_CHANGES]
    draft_id = next(e["value"] for b in dm["blocks"] if b["type"] == "actions" for e in b["elements"])

    response = slack.click(ids.APPROVE_DRAFT, draft_id, user=OWNER, channel=dm["channel"], message_ts=dm["ts"])
    assert response.status == 200
    slack.settle()

    updated = same_message(slack, OWNER, dm["ts"])
    assert "edited" in updated
    assert button_ids(updated) == []
    assert settled_line(updated) == f"✅ Approved by <@{OWNER}>."
    # The text of the DM is what it was: who handed in what.
    assert message_text(updated).startswith(message_text(dm).split("\n")[0])
    assert "docs.example.com/v1" in message_text(updated)


def test_a_command_settles_the_dm_too_and_a_newer_version_settles_the_older_one(slack: SlackScenario) -> None:
    number = slack.create("Ten SEO tips", due="2026-12-10")
    slack.command_reply(f"volunteer {number}", user=ANNA)
    hand_in(slack, number)
    first = dm_with_button(slack, OWNER, ids.APPROVE_DRAFT)

    slack.command_reply(f"changes {number} <@{ANNA}> Shorter, please.", user=OWNER)
    slack.settle()
    assert button_ids(same_message(slack, OWNER, first["ts"])) == []
    assert settled_line(same_message(slack, OWNER, first["ts"])) == f"✏️ <@{OWNER}> asked for changes."

    hand_in(slack, number, "https://docs.example.com/v2")
    second = dm_with_button(slack, OWNER, ids.APPROVE_DRAFT)
    hand_in(slack, number, "https://docs.example.com/v3")
    assert button_ids(same_message(slack, OWNER, second["ts"])) == []
    assert settled_line(same_message(slack, OWNER, second["ts"])) == (
        "A newer version (version 3) has come in; it is in the message below."
    )
    # The first DM keeps saying what happened to version 1.
    assert settled_line(same_message(slack, OWNER, first["ts"])) == f"✏️ <@{OWNER}> asked for changes."
    latest = dm_with_button(slack, OWNER, ids.APPROVE_DRAFT)
    assert "docs.example.com/v3" in message_text(latest)


def test_booking_settles_the_time_to_publish_dm_each_time_the_slot_changes(slack: SlackScenario) -> None:
    number = slack.create("Ten SEO tips", due="2026-12-10")
    slack.command_reply("slot add Newsletter 2026-12-01 10:00", user=OWNER)
    slack.command_reply("slot add Blog 2026-12-03 09:00", user=OWNER)
    slack.command_reply(f"volunteer {number}", user=ANNA)
    hand_in(slack, number)
    slack.command_reply(f"approve {number} <@{ANNA}>", user=OWNER)
    slack.settle()
    publish = dm_with_button(slack, OWNER, ids.SHOW_FREE_SLOTS)

    slack.command_reply(f"book {number} Newsletter 2026-12-01", user=OWNER)
    slack.settle()
    updated = same_message(slack, OWNER, publish["ts"])
    assert button_ids(updated) == []
    # Slack shows the moment in each reader's own time zone; the fallback is UTC.
    assert settled_line(updated).startswith(f"📅 Booked by <@{OWNER}>: Newsletter, <!date^")
    assert settled_line(updated).endswith("|2026-12-01 09:00 UTC>.")

    slack.command_reply(f"book {number} Blog 2026-12-03", user=OWNER)
    slack.settle()
    again = settled_line(same_message(slack, OWNER, publish["ts"]))
    assert again.startswith(f"📅 Booked by <@{OWNER}>: Blog, ") and again.endswith("|2026-12-03 08:00 UTC>.")


def test_a_danish_owner_reads_the_outcome_in_danish(slack: SlackScenario) -> None:
    number = slack.create("Ti SEO-råd", due="2026-12-10")
    slack.command_reply("language da", user=OWNER)
    slack.command_reply(f"volunteer {number}", user=ANNA)
    hand_in(slack, number)
    dm = dm_with_button(slack, OWNER, ids.APPROVE_DRAFT)
    slack.command_reply(f"approve {number} <@{ANNA}>", user=OWNER)
    slack.settle()
    assert settled_line(same_message(slack, OWNER, dm["ts"])) == f"✅ Godkendt af <@{OWNER}>."


def test_a_refused_press_leaves_the_dm_as_it_was(slack: SlackScenario) -> None:
    number = slack.create("Ten SEO tips", due="2026-12-10")
    slack.command_reply(f"volunteer {number}", user=ANNA)
    hand_in(slack, number)
    dm = dm_with_button(slack, OWNER, ids.APPROVE_DRAFT)
    draft_id = next(e["value"] for b in dm["blocks"] if b["type"] == "actions" for e in b["elements"])

    slack.click(ids.APPROVE_DRAFT, draft_id, user=BO, channel=dm["channel"], message_ts=dm["ts"])  # not the owner
    slack.settle()
    unchanged = same_message(slack, OWNER, dm["ts"])
    assert "edited" not in unchanged
    assert button_ids(unchanged) == [ids.APPROVE_DRAFT, ids.REQUEST_CHANGES]
    assert not slack.fake.calls_to("chat.update") or all(
        c.params.get("ts") != dm["ts"] for c in slack.fake.calls_to("chat.update")
    )


def test_a_dm_settled_before_it_went_out_is_updated_once_it_has(slack: SlackScenario) -> None:
    number = slack.create("Ten SEO tips", due="2026-12-10")
    slack.command_reply(f"volunteer {number}", user=ANNA)
    slack.settle()
    # Slack holds every post for a second: the owner approves by command before their review DM is out.
    slack.fake.fail_next("chat.postMessage", times=3, retry_after=1)
    slack.command_reply(f"submit {number} https://docs.example.com/v1", user=ANNA)
    slack.command_reply(f"approve {number} <@{ANNA}>", user=OWNER)
    slack.settle()

    dm = next(m for m in slack.fake.messages(OWNER) if "handed in version 1" in message_text(m))
    assert button_ids(dm) == []
    assert settled_line(dm) == f"✅ Approved by <@{OWNER}>."


def test_deciding_a_request_for_more_time_settles_the_owners_dm(slack: SlackScenario) -> None:
    number = slack.create("Ten SEO tips", due="2026-12-10")
    slack.command_reply(f"volunteer {number}", user=ANNA)
    slack.command_reply(f"extend {number} 2026-12-14", user=ANNA)
    slack.settle()
    dm = dm_with_button(slack, OWNER, ids.ACCEPT_EXTENSION)
    extension_id = next(e["value"] for b in dm["blocks"] if b["type"] == "actions" for e in b["elements"])

    slack.click(ids.ACCEPT_EXTENSION, extension_id, user=OWNER, channel=dm["channel"], message_ts=dm["ts"])
    slack.settle()
    updated = same_message(slack, OWNER, dm["ts"])
    assert button_ids(updated) == []
    assert settled_line(updated).startswith(f"✅ <@{OWNER}> gave more time, until <!date^")
    assert settled_line(updated).endswith("|2026-12-14>.")
