"""Text in and out of Teams: Teams' HTML-ish message text and mention entities become the shared grammar's
Slack-style input, and Cobot's neutral texts become Teams markdown in which nothing a person typed can format,
link or mention. Unit level (no HTTP), except the last test, which sends a hostile title through the endpoint."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, date, datetime

from sqlmodel import select

from bot.runtime.i18n import translator
from bot.teams.cards import CARD_JSON_BUDGET, notice_card, reply_message, request_card
from bot.teams.inbound import MentionRef, command_text
from bot.teams.render import Person, TeamsRenderer, escape
from handlers import texts
from handlers.commands import Approve, Changes, parse_command, plain
from handlers.results import BookingView, CardView, Day, Holder, Notice, PartView, Reply, UserRef, t
from storage.models import ContentRequest, RequestStatus, ReviewState
from teams_harness import OWNER, TeamsScenario, card_text, visible_text

BOT = "28:bot"
COBOT = MentionRef("<at>Cobot</at>", BOT, "Cobot", None)
ANNA = MentionRef("<at>Anna Bæk</at>", "29:anna", "Anna Bæk", None)


def test_mentions_become_person_tokens_and_the_bots_own_mention_disappears() -> None:
    text, mentioned = command_text(
        "<at>Cobot</at> approve 12 <at>Anna Bæk</at>", [COBOT, ANNA], bot_id=BOT, users={"29:anna": "aad-anna"}
    )
    assert (text, mentioned) == ("approve 12 <@aad-anna|Anna>", True)
    assert parse_command(text, today=date(2026, 11, 23)) == Approve(12, "<@aad-anna|Anna>")


def test_html_is_read_as_text_and_escaped_the_way_slack_escapes_it() -> None:
    text, mentioned = command_text(
        "<p>changes 3 <at>Anna Bæk</at> Use &quot;R&amp;D&quot; &lt;not&gt; &amp;amp;<br>and more</p>",
        [ANNA],
        bot_id=BOT,
        users={"29:anna": "aad-anna"},
    )
    assert not mentioned
    assert text == 'changes 3 <@aad-anna|Anna> Use "R&amp;D" &lt;not&gt; &amp;amp;\nand more'
    command = parse_command(text, today=date(2026, 11, 23))
    assert command == Changes(3, "<@aad-anna|Anna>", 'Use "R&D" <not> &amp;\nand more')


def test_typed_tokens_never_become_mentions() -> None:
    for typed in ("<@aad-anna> hi", "&lt;@aad-anna&gt; hi", "<!channel> hi"):
        text, _ = command_text(f"submit 1 {typed}", [], bot_id=BOT, users={})
        assert "<@" not in text and "<!" not in text, text
        assert plain(text).startswith("submit 1 <")


def test_a_mention_of_someone_unknown_is_plain_at_name() -> None:
    text, _ = command_text("approve 2 <at>Anna Bæk</at>", [ANNA], bot_id=BOT, users={})
    assert text == "approve 2 @Anna Bæk"


def renderer(prefix: str = "") -> TeamsRenderer:
    names = {"u-anna": Person("29:anna", "Anna Bæk"), "u-owner": Person("29:owner", "Mette Ørsted")}
    return TeamsRenderer(people=names.get, command_prefix=prefix)


def test_templates_become_teams_markdown_with_the_command_prefix_of_the_conversation() -> None:
    text = t(texts.NOT_A_VOLUNTEER, number=4)
    assert renderer().render(text, "message").text == "You're not on #4. `volunteer 4` to join."
    assert renderer("@Cobot ").render(text).text == "You're not on #4. “@Cobot volunteer 4” to join."
    created = renderer().render(t(texts.REQUEST_CREATED, number=1, title="*x*", deadline=Day(date(2026, 12, 4))))
    assert created.text == "Posted request #1 **\\*x\\*** here. Draft deadline: {{DATE(2026-12-04T12:00:00Z, SHORT)}}."


def test_people_become_mentions_with_entities() -> None:
    rendered = renderer().render(t(texts.DRAFT_IN_THREAD, user=UserRef("u-anna"), version=2, owner=UserRef("u-owner")))
    assert (
        rendered.text
        == "Thanks <at>Anna Bæk</at>! Version 2 of your draft is saved; <at>Mette Ørsted</at> will review it."
    )
    assert [m["mentioned"]["id"] for m in rendered.mentions] == ["29:anna", "29:owner"]
    unknown = renderer().render(t(texts.DRAFT_IN_THREAD, user=UserRef("u-x"), version=1, owner=UserRef("u-owner")))
    assert unknown.text.startswith("Thanks @u-x!")


def test_untrusted_text_cannot_format_link_or_mention() -> None:
    hostile = "[click](https://evil.example) *bold* <at>Everyone</at> {{DATE(x)}}"
    shown = escape(hostile)
    assert "\\[click\\](https://evil.example)" in shown and "\\*bold\\*" in shown
    assert "<at>" not in shown and "{{" not in shown
    assert escape("a < b & c", "message") == "a &lt; b &amp; c"
    card = notice_card(
        Notice(t(texts.CHANGES_NOTICE, owner=UserRef("u-owner"), number=1, title=hostile), quote=hostile), renderer()
    )
    assert [m["mentioned"]["id"] for m in card["msteams"]["entities"]] == ["29:owner"]


def test_a_request_with_hundreds_of_parts_stays_within_teams_message_size() -> None:
    parts = tuple(
        PartView(
            position=i,
            name=f"Chapter {i}: " + "x" * 150,
            capacity=2,
            holders=(Holder("u-anna", ReviewState.SUBMITTED),),
            waiting=(),
        )
        for i in range(1, 201)
    )
    view = CardView(
        number=9,
        title="T" * 500,
        brief="B" * 10_000,
        format="e-book",
        skills=("seo",) * 300,
        deadline=date(2026, 12, 18),
        status=RequestStatus.OPEN,
        owner="u-owner",
        needed=1,
        holders=(),
        waiting=(),
        parts=parts,
    )
    card = request_card(view, renderer())
    size = len(json.dumps(card, ensure_ascii=False).encode())
    assert size < 28_000 and len(json.dumps(card, ensure_ascii=False)) < CARD_JSON_BUDGET + 8_000
    shown = "\n".join(b.get("text", "") for b in card["body"])
    assert "more parts" in shown
    [menu] = [b for b in card["body"] if b["type"] == "Input.ChoiceSet"]
    assert len(menu["choices"]) == 100


def test_a_booked_then_published_card_shows_its_slot_then_a_safe_link_to_where_it_went_live() -> None:
    approved = CardView(3, "Title", "", None, (), date(2026, 12, 1), RequestStatus.APPROVED, "u-owner", 1, (), (), ())
    booked = replace(approved, booking=BookingView("LinkedIn *loud*", datetime(2026, 12, 1, 9, 0, tzinfo=UTC)))
    shown = card_text(request_card(booked, renderer()))
    assert "**Status** booked" in shown
    when = "{{DATE(2026-12-01T09:00:00Z, SHORT)}} {{TIME(2026-12-01T09:00:00Z)}}"
    assert f"**Publishing slot** LinkedIn \\*loud\\*, {when}" in shown
    assert "approved" not in shown
    danish = card_text(request_card(booked, TeamsRenderer(translate=translator("da"))))
    assert "**Status** booket" in danish
    assert f"**Publiceringsplads** LinkedIn \\*loud\\*, {when}" in danish

    published = replace(
        booked, status=RequestStatus.PUBLISHED, published_url="https://blog.example.com/a_(b)*c*<at>x</at>{{DATE(x)}}"
    )
    card = request_card(published, renderer())
    shown = card_text(card)
    assert "**Status** published" in shown
    assert (
        "**Published** [https://blog.example.com/a\\_(b)\\*c\\*<\u200bat>x<\u200b/at>{\u200b{DATE(x)}}]"
        "(https://blog.example.com/a_%28b%29*c*%3Cat%3Ex%3C/at%3E%7B%7BDATE%28x%29%7D%7D)"
    ) in shown
    assert "Publishing slot" not in shown
    assert [m["mentioned"]["id"] for m in card["msteams"]["entities"]] == ["29:owner"]


def test_text_only_answers_are_messages_and_answers_with_a_card_are_cards() -> None:
    text_only = reply_message(Reply.of(t(texts.WITHDRAWN, number=3)), renderer())
    assert text_only["textFormat"] == "markdown" and "attachments" not in text_only
    view = CardView(3, "Title", "", None, (), date(2026, 12, 1), RequestStatus.OPEN, "u-owner", 1, (), (), ())
    with_card = reply_message(Reply.of(t(texts.WITHDRAWN, number=3), card=view), renderer())
    assert with_card["attachments"][0]["contentType"] == "application/vnd.microsoft.card.adaptive"
    assert with_card["summary"].startswith("You've stepped back from #3")


def test_a_hostile_title_is_stored_as_typed_and_shown_inert(teams: TeamsScenario) -> None:
    teams.install_in_team()
    typed = "[click](https://evil.example) &lt;at&gt;Everyone&lt;/at&gt; **loud** due:2026-12-10"
    teams.command(f"new {typed}", user=OWNER, in_channel=True)
    teams.settle()
    with teams.session() as session:
        [request] = session.exec(select(ContentRequest)).all()
    assert request.title == "[click](https://evil.example) <at>Everyone</at> **loud**"
    card = teams.card(1)
    heading = visible_text(card).splitlines()[0]
    assert heading == "#1 \\[click\\](https://evil.example) <\u200bat>Everyone<\u200b/at> \\*\\*loud\\*\\*"
    assert [m["mentioned"]["id"] for m in card.card["msteams"]["entities"]] == [OWNER.teams_id]  # type: ignore[index]
