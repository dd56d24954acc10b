"""User text on its way out: special mentions typed into a title, brief, draft or feedback never ping anyone; Danish
letters, emoji and typographic quotes survive the round trip; the biggest request Cobot accepts still makes a card
Slack accepts, and anything bigger is refused politely before anything is written.
"""

from __future__ import annotations

import json
from typing import Any

import sqlalchemy as sa
from sqlmodel import col, select

from fake_slack import Call, block_errors
from harness import SlackScenario, message_text
from storage.models import Draft, RequestPart

OWNER = "U0OWNER"
ANNA = "U0ANNA"
FORBIDDEN = ("<!channel", "<!here", "<!everyone", "<!subteam", "<@U0BO>")
DANISH = "æøå ÆØÅ 🎉 “citat”"


def row_counts(slack: SlackScenario) -> dict[str, int]:
    tables = sa.inspect(slack.engine).get_table_names()
    with slack.engine.connect() as connection:
        return {
            table: connection.execute(sa.select(sa.func.count()).select_from(sa.table(table))).scalar_one()
            for table in tables
        }


def outgoing(call: Call) -> str:
    """Everything of a Web API call that a person could see: its text and its blocks, as JSON."""
    return json.dumps({"text": call.params.get("text"), "blocks": call.params.get("blocks")}, ensure_ascii=False)


def ack_json(slack: SlackScenario, text: str, *, user: str) -> dict[str, Any]:
    response = slack.command(text, user=user)
    assert response.status == 200, response
    body: dict[str, Any] = response.json()
    return body


def card_header(card: dict[str, Any]) -> str:
    return str(next(b for b in card["blocks"] if b["type"] == "header")["text"]["text"])


def test_special_mentions_in_user_text_never_reach_slack_as_mentions(slack: SlackScenario) -> None:
    # Slack sends a picked @channel as ``<!channel>`` and the same characters typed literally as ``&lt;!channel&gt;``;
    # both must arrive at readers as text, never as markup that pings people.
    title = "<!channel> hi & <@U0BO> <!subteam^S123|@team>"
    acks = [
        ack_json(slack, f'new {title} due:2026-12-10 brief:"<!here> read &amp; share &lt;!everyone&gt;"', user=OWNER),
        ack_json(slack, "volunteer 1", user=ANNA),
        ack_json(slack, "submit 1 <!here> first go &lt;!channel&gt; <https://docs.example.com/a>", user=ANNA),
    ]
    slack.settle()
    acks.append(ack_json(slack, "changes 1 <@U0ANNA> <!channel> please fix &amp; ask &lt;@U0BO&gt;", user=OWNER))
    acks.append(ack_json(slack, "submit 1 <!subteam^S123|@team> second go", user=ANNA))
    slack.settle()
    acks.append(ack_json(slack, "approve 1 <@U0ANNA>", user=OWNER))
    acks += [ack_json(slack, text, user=OWNER) for text in ("show 1", "list", "mine", "<!channel>", "show <!here>")]
    slack.settle()

    sent = [c for c in slack.fake.calls if c.method in ("chat.postMessage", "chat.update", "chat.postEphemeral")]
    channels = {str(c.params.get("channel")) for c in sent}
    assert {"C0MARKETING", OWNER, ANNA} <= channels  # the card, and DMs to the owner and the volunteer
    for call in sent:
        assert all(bad not in outgoing(call) for bad in FORBIDDEN), outgoing(call)
        assert not call.params.get("link_names")
    for ack in acks:
        shown = json.dumps(ack, ensure_ascii=False)
        assert all(bad not in shown for bad in FORBIDDEN), shown

    request = slack.request(1)
    assert (request.title, request.brief) == ("@channel hi & @U0BO @team", "@here read & share <!everyone>")
    card = slack.card(1)
    assert card_header(card) == "#1 @channel hi & @U0BO @team"
    assert "@here read &amp; share &lt;!everyone&gt;" in message_text(card)
    anna_dms = "\n".join(message_text(m) for m in slack.fake.messages(ANNA))
    assert "@channel please fix &amp; ask &lt;@U0BO&gt;" in anna_dms
    owner_dms = "\n".join(message_text(m) for m in slack.fake.messages(OWNER))
    assert "@here first go &lt;!channel&gt;" in owner_dms
    assert "@channel hi &amp; @U0BO @team" in owner_dms
    assert "Approved <@U0ANNA>'s draft" in message_text(acks[5])


def test_danish_letters_emoji_and_quotes_round_trip(slack: SlackScenario) -> None:
    reply = slack.command_reply(
        f'new {DANISH} due:2026-12-10 brief:"Skriv {DANISH}" parts:"Del {DANISH}; Anden del"', user=OWNER
    )
    assert f"*{DANISH}*" in reply
    slack.settle()
    assert DANISH in slack.command_reply("volunteer 1 1", user=ANNA)
    assert "Got it: version 1" in slack.command_reply(f"submit 1 Udkast {DANISH}", user=ANNA)
    slack.settle()
    slack.thread_reply(1, user=ANNA, text=f"Ny version {DANISH} <https://docs.example.com/udkast>")
    slack.settle()

    request = slack.request(1)
    assert (request.title, request.brief) == (DANISH, f"Skriv {DANISH}")
    with slack.session() as session:
        parts = session.exec(select(RequestPart).order_by(col(RequestPart.position))).all()
        drafts = session.exec(select(Draft).order_by(col(Draft.version))).all()
    assert [p.name for p in parts] == [f"Del {DANISH}", "Anden del"]
    assert [d.text for d in drafts] == [f"Udkast {DANISH}", f"Ny version {DANISH} https://docs.example.com/udkast"]

    card = slack.card(1)
    assert card_header(card) == f"#1 {DANISH}"
    assert f"Skriv {DANISH}" in message_text(card)
    assert f"*Del {DANISH}*" in message_text(card)
    options = [
        o["text"]["text"]
        for b in card["blocks"]
        if b["type"] == "actions"
        for e in b["elements"]
        for o in e.get("options", [])
    ]
    assert options[0].startswith(f"1. Del {DANISH}")
    owner_dms = [message_text(m) for m in slack.fake.messages(OWNER)]
    assert any(f"> Udkast {DANISH}" in text for text in owner_dms)
    assert any(f"> Ny version {DANISH}" in text for text in owner_dms)


def test_biggest_request_still_makes_a_card_slack_accepts(slack: SlackScenario) -> None:
    people = [f"U0V{i:02d}" for i in range(1, 46)]
    for user in people:
        slack.fake.add_user(user, name=user.lower(), real_name=f"Frivillig {user}")
    brief = " ".join(["Søgeord & strategi for 2027, kapitel for kapitel."] * 60)[:2499] + "!"
    assert len(brief) == 2500
    names = [f"Kapitel {i:02d}: " + ("Æbler og pærer i e-mail-marketing " * 3)[: 70 - 12] for i in range(1, 41)]
    assert all(len(n) == 70 for n in names)
    reply = slack.command_reply(
        f'new Den store e-bog due:2026-12-10 brief:"{brief}" parts:"{"; ".join(names)}"', user=OWNER
    )
    assert "Posted request #1" in reply
    slack.settle()

    for position, user in enumerate(people[:20], start=1):
        assert "Thank you" in slack.command_reply(f"volunteer 1 {position}", user=user)
    for user in people[20:]:
        assert "in line" in slack.command_reply("volunteer 1 1", user=user)
    slack.settle()

    card_calls = [
        c
        for c in slack.fake.calls
        if c.method in ("chat.postMessage", "chat.update") and c.params.get("channel") == "C0MARKETING"
    ]
    assert card_calls
    assert all(c.ok for c in card_calls), [c.method for c in card_calls if not c.ok]
    assert len(slack.fake.calls_to("chat.update")) >= 1
    card = slack.card(1)
    assert len(card["blocks"]) <= 50
    text = message_text(card)
    assert brief.replace("&", "&amp;") in text
    assert "*Volunteers* 20/40" in text
    assert "*Waiting* 25" in text
    assert f"<@{people[-1]}>" in text  # the last one in line is still shown
    # Slack refuses messages with much more than ~13k characters of blocks: the card keeps to 12k of JSON,
    # summarises the parts it has no room for, and the part menu still offers every one of them.
    assert len(json.dumps(card["blocks"], ensure_ascii=False)) <= 12_000
    shown_parts = sum(1 for name in names if name.replace("&", "&amp;") in text)
    assert shown_parts >= 20
    if shown_parts < len(names):
        assert f"…and {len(names) - shown_parts} more parts" in text
    [menu] = [
        e for b in card["blocks"] if b["type"] == "actions" for e in b["elements"] if e["type"] == "static_select"
    ]
    assert [o["value"] for o in menu["options"]] == [f"1:{i}" for i in range(1, 41)]
    shown = slack.command("show 1", user=OWNER).json()
    assert block_errors(shown["blocks"], limit=50) == []


def test_too_big_requests_are_refused_politely_and_write_nothing(slack: SlackScenario) -> None:
    before = row_counts(slack)
    cases = [
        (f"new {'T' * 121} due:2026-12-10", "That title is 121 characters long; please keep it under 120."),
        (
            f'new Big due:2026-12-10 brief:"{"b" * 2501}"',
            "That brief is 2501 characters long; please keep it under 2500.",
        ),
        (f'new Big due:2026-12-10 parts:"{"; ".join(f"Del {i}" for i in range(41))}"', "at most 40 parts; you gave 41"),
        (f'new Big due:2026-12-10 parts:"{"p" * 71}; Kort"', "Part names can be at most 70 characters long."),
    ]
    for command, expected in cases:
        reply = slack.command_reply(command, user=OWNER)
        assert expected in reply
        assert len(reply) < 200

    assert row_counts(slack) == before
    slack.fake.assert_no_call("chat.postMessage", within=0.2)
    assert [c.method for c in slack.fake.calls if c.method != "auth.test"] == []  # nothing sent, nobody looked up
