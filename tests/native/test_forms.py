"""The new-request form on Slack: `/cocreate new` and `/cocreate derive <id>` without arguments, the Derive button
and the message shortcut open it (pre-filled where there is something to start from); its submission posts the
request or shows every problem beside its field."""

from __future__ import annotations

import json
import time
import urllib.parse
from typing import Any

from bot.slack import ids
from fake_slack import view_errors
from harness import CHANNEL, SlackScenario, message_text, payload

BLOCKS = ids.NEW_REQUEST_BLOCKS
OWNER = "U0OWNER"


def opened_form(slack: SlackScenario, count: int = 1) -> dict[str, Any]:
    calls = slack.fake.wait_for("views.open", lambda c: c.ok, count=count)
    view: dict[str, Any] = calls[-1].params["view"]
    assert view["callback_id"] == ids.NEW_REQUEST_VIEW
    assert view_errors(view) == []  # Slack would accept it
    return view


def block(view: dict[str, Any], name: str) -> dict[str, Any]:
    return next(b for b in view["blocks"] if b.get("block_id") == BLOCKS[name])


def submit(slack: SlackScenario, view: dict[str, Any], user: str = OWNER, **fields: Any) -> Any:
    """Submits the form as Slack would, with the given field values (unset fields left empty)."""
    values: dict[str, Any] = {}
    simple = {
        "title": "value",
        "brief": "value",
        "parts": "value",
        "needs": "value",
        "deadline": "selected_date",
        "channel": "selected_conversation",
    }
    for name, value in fields.items():
        if name in simple:
            values[BLOCKS[name]] = {ids.INPUT: {simple[name]: value}}
        elif name in ("format", "target"):
            values[BLOCKS[name]] = {ids.INPUT: {"selected_option": {"value": value}}}
        elif name == "skills":
            values[BLOCKS[name]] = {ids.INPUT: {"selected_options": [{"value": v} for v in value]}}
    data = payload("view_submission")
    data["user"].update(id=user, username=user.lower(), name=user.lower())
    data["view"].update(
        callback_id=ids.NEW_REQUEST_VIEW,
        private_metadata=view["private_metadata"],
        state={"values": values},
        id=f"V{time.time_ns()}",
    )
    body = urllib.parse.urlencode({"payload": json.dumps(data)}).encode()
    response = slack.post(body, content_type="application/x-www-form-urlencoded")
    assert response.status == 200
    return response.json()


def test_new_without_arguments_opens_the_form_and_a_valid_submission_posts_the_request(slack: SlackScenario) -> None:
    response = slack.command("new", user=OWNER)
    assert response.status == 200
    assert response.text == ""  # no usage hint: the form is the answer
    view = opened_form(slack)
    assert block(view, "channel")["element"]["initial_conversation"] == CHANNEL
    assert block(view, "deadline")["element"]["type"] == "datepicker"
    formats = [o["value"] for o in block(view, "format")["element"]["options"]]
    assert "e-book" in formats

    answer = submit(
        slack,
        view,
        title="Ti tips til søgeord",
        brief="Til kunder & partnere",
        format="blog",
        parts="Intro\nTips\n\n",
        needs="2",
        deadline="2026-12-10",
        channel="C0CONTENT",
    )
    assert answer is None  # the modal closes

    slack.settle()
    request = slack.request(1)
    assert (request.title, request.format, request.channel_id) == ("Ti tips til søgeord", "blog", "C0CONTENT")
    assert request.brief == "Til kunder & partnere"
    card = message_text(slack.card(1))
    assert "1. *Intro*" in card and "2. *Tips*" in card
    [dm] = [m for m in slack.fake.messages(OWNER) if "Posted request #1" in message_text(m)]
    assert "<#C0CONTENT>" in message_text(dm)


def test_every_problem_is_shown_beside_its_field_and_nothing_is_written(slack: SlackScenario) -> None:
    slack.command("new", user=OWNER)
    view = opened_form(slack)
    answer = submit(
        slack, view, title="", brief="x" * 2501, parts="\n".join(f"Del {i}" for i in range(41)), deadline="2020-01-01"
    )
    assert answer["response_action"] == "errors"
    errors = answer["errors"]
    assert set(errors) == {BLOCKS["title"], BLOCKS["brief"], BLOCKS["parts"], BLOCKS["deadline"], BLOCKS["channel"]}
    assert errors[BLOCKS["deadline"]].startswith("The deadline 2020-01-01 has already passed.")
    assert "channel" in errors[BLOCKS["channel"]]
    slack.fake.assert_no_call("chat.postMessage", lambda c: c.params.get("channel") == CHANNEL)


def test_derive_opens_the_form_filled_from_the_original(slack: SlackScenario) -> None:
    number = slack.create("Kundecase: Jensen", extra='format:case skills:sales,writing brief:"Tal og et citat"')
    assert slack.command("derive 1", user=OWNER).text == ""
    view = opened_form(slack)
    assert block(view, "title")["element"]["initial_value"] == "Kundecase: Jensen"
    assert block(view, "brief")["element"]["initial_value"] == "Tal og et citat"
    assert [o["value"] for o in block(view, "skills")["element"]["initial_options"]] == ["sales", "writing"]
    assert "Derived from #1" in json.dumps(view["blocks"])

    submit(
        slack,
        view,
        title="Video: Jensen fortæller",
        format="video",
        deadline="2026-12-20",
        channel=CHANNEL,
        skills=["sales", "writing"],
        brief="Tal og et citat",
    )
    slack.settle()
    derived = slack.request(2)
    assert derived.derived_from_id == slack.request(number).id
    assert "Derived from #1" in message_text(slack.card(2))


def test_the_derive_button_opens_the_same_form(slack: SlackScenario) -> None:
    slack.create("Kundecase: Jensen")
    assert slack.click(ids.DERIVE, "1", user=OWNER).status == 200
    view = opened_form(slack)
    assert block(view, "title")["element"]["initial_value"] == "Kundecase: Jensen"


def test_the_message_shortcut_turns_a_conversation_into_a_request(slack: SlackScenario) -> None:
    data = {
        "type": "message_action",
        "callback_id": ids.FROM_MESSAGE_SHORTCUT,
        "trigger_id": "trigger-shortcut",
        "team": {"id": "T0001", "domain": "cobot-test"},
        "user": {"id": "U0ANNA", "username": "anna", "name": "anna", "team_id": "T0001"},
        "channel": {"id": "C0SUPPORT", "name": "support"},
        "message_ts": "1700000000.000900",
        "message": {
            "type": "message",
            "user": "U0BO",
            "ts": "1700000000.000900",
            "text": "Kunderne spørger tit om fragt til Grønland\nKan vi skrive en FAQ om det?",
        },
        "response_url": slack.fake.response_url(),
        "token": "legacy",
        "api_app_id": "A0COBOT",
    }
    body = urllib.parse.urlencode({"payload": json.dumps(data)}).encode()
    assert slack.post(body, content_type="application/x-www-form-urlencoded").status == 200
    view = opened_form(slack)
    assert block(view, "title")["element"]["initial_value"] == "Kunderne spørger tit om fragt til Grønland"
    brief = block(view, "brief")["element"]["initial_value"]
    assert "Kan vi skrive en FAQ om det?" in brief
    assert "https://fake.slack/archives/C0SUPPORT/p1700000000000900" in brief  # the link back to the conversation
    assert block(view, "channel")["element"]["initial_conversation"] == "C0SUPPORT"


def test_the_manifest_offers_the_shortcut() -> None:
    from bot.slack.manifest import build_manifest

    manifest = build_manifest(request_url=None, socket_mode=True)
    assert manifest["features"]["shortcuts"][0]["callback_id"] == ids.FROM_MESSAGE_SHORTCUT
