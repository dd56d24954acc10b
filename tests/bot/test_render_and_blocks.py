"""Turning neutral texts and card snapshots into Slack mrkdwn and Block Kit: user text is escaped so it can never
ping a channel or break markup, markup appears only for typed values, and even extreme cards stay within the
limits Slack enforces (checked with the fake Slack's own validator)."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from typing import Any

import pytest

from bot.runtime.i18n import translator
from bot.slack.blocks import card_fallback, notice_message, request_card
from bot.slack.render import date_token, escape, render
from fake_slack import MAX_MESSAGE_BLOCKS, block_errors
from handlers import texts
from handlers.results import BookingView, CardView, Day, Holder, Link, Notice, PartView, Text, UserRef, t
from storage.models import RequestStatus, ReviewState

NASTY = "<!channel> & <@U0EVIL> <https://evil.example|click> &amp; "
ENTITY = re.compile(r"&(amp|lt|gt);")
# Markup Cobot itself adds: mentions, date and moment tokens, links and the bold/italic of its own templates.
OWN_MARKUP = re.compile(
    r"<(@U[A-Z0-9]+|!date\^\d+\^\{date_short_pretty\}( \{time\})?\|\d{4}-\d{2}-\d{2}( \d\d:\d\d UTC)?"
    r"|https?://[^<>|]+)>"
)


def assert_safe_mrkdwn(text: str) -> None:
    """No angle bracket that Cobot did not mean, and no ampersand that is not a whole entity."""
    without_markup = OWN_MARKUP.sub("", text)
    assert "<" not in without_markup, text
    assert ">" not in without_markup, text
    assert "&" not in ENTITY.sub("", without_markup), f"broken or unescaped entity in {text[-80:]!r}"


# --- render -------------------------------------------------------------------------------------------------


def test_user_text_in_parameters_is_escaped_so_it_pings_nobody() -> None:
    shown = render(t(texts.REQUEST_CLOSED_NOTICE, owner=UserRef("U0OWNER"), number=7, title=NASTY))
    assert shown == (
        "<@U0OWNER> closed #7 *&lt;!channel&gt; &amp; &lt;@U0EVIL&gt; &lt;https://evil.example|click&gt; "
        "&amp;amp; *. Thank you for your help!"
    )


def test_templates_are_escaped_too_so_a_translation_cannot_inject_markup() -> None:
    danish = {texts.LIST_HEADER: "*Åbne forespørgsler & <!here>* ({count})"}
    shown = render(t(texts.LIST_HEADER, count=3), lambda msgid: danish.get(msgid, msgid))
    assert shown == "*Åbne forespørgsler &amp; &lt;!here&gt;* (3)"


def test_mentions_and_dates_come_only_from_typed_values() -> None:
    day = date(2026, 12, 1)
    shown = render(
        Text("{a} {b} {c} {d}", {"a": UserRef("U0ANNA"), "b": "<@U0ANNA>", "c": Day(day), "d": "2026-12-01"})
    )
    noon = int(datetime(2026, 12, 1, 12, 0, tzinfo=UTC).timestamp())
    assert shown == (f"<@U0ANNA> &lt;@U0ANNA&gt; <!date^{noon}^{{date_short_pretty}}|2026-12-01> 2026-12-01")
    assert date_token(Day(day)).endswith("|2026-12-01>")


def test_nested_texts_are_rendered_and_escaped_exactly_once() -> None:
    assert render(t(texts.ALREADY_CLOSED, number=3, status=t(texts.STATUS_CLOSED))) == "Request #3 is already closed."
    nested = Text("outer {inner}", {"inner": Text("inner {x} {who}", {"x": "<b>&", "who": UserRef("U1")})})
    assert render(nested) == "outer inner &lt;b&gt;&amp; <@U1>"


def test_braces_in_user_text_are_shown_not_filled_in() -> None:
    assert render(Text("{title}", {"title": "{title} {number}"})) == "{title} {number}"


def test_the_card_fallback_escapes_the_title() -> None:
    fallback = card_fallback(card(title="Tips <!channel> & tricks"))
    assert fallback.startswith("#12 Tips &lt;!channel&gt; &amp; tricks — ")
    assert_safe_mrkdwn(fallback)


# --- request cards ------------------------------------------------------------------------------------------


def card(**changes: Any) -> CardView:
    fields: dict[str, Any] = {
        "number": 12,
        "title": "Ten SEO tips",
        "brief": "Write for beginners.",
        "format": "blog",
        "skills": ("SEO",),
        "deadline": date(2026, 12, 10),
        "status": RequestStatus.OPEN,
        "owner": "U0OWNER",
        "needed": 2,
        "holders": (Holder("U0ANNA", ReviewState.SUBMITTED),),
        "waiting": (),
        "parts": (),
    }
    fields.update(changes)
    return CardView(**fields)


def user(i: int) -> str:
    return f"U{i:010d}"


def extreme_card(*, parts: int = 40, holders_per_part: int = 12) -> CardView:
    """The largest card Cobot's own limits allow, with user text that grows fivefold when escaped."""
    states = list(ReviewState)
    return card(
        number=99999,
        title=("&<>" * 40)[:120],
        brief=("<b>&amp;</b> " * 300)[:2500],
        format="&" * 40,
        skills=tuple("&<>" * 10 for _ in range(30)),
        needed=50,
        holders=(),
        parts=tuple(
            PartView(
                position=p,
                name=(f"{p}. " + "&<>" * 30)[:70],
                capacity=holders_per_part,
                holders=tuple(Holder(user(p * 100 + h), states[h % len(states)]) for h in range(holders_per_part)),
                waiting=tuple(user(p * 100 + 50 + w) for w in range(10)),
            )
            for p in range(1, parts + 1)
        ),
        publish_target="<!here> " * 12,
        derived_from=99998,
    )


def mrkdwn_texts(blocks: list[dict[str, Any]]) -> list[str]:
    found: list[str] = []
    for block in blocks:
        if block["type"] == "section":
            if "text" in block:
                found.append(block["text"]["text"])
            found.extend(f["text"] for f in block.get("fields", []))
        elif block["type"] == "context":
            found.extend(e["text"] for e in block["elements"] if e["type"] == "mrkdwn")
    return found


def labels(blocks: list[dict[str, Any]]) -> list[str]:
    found: list[str] = []
    for block in blocks:
        for element in block.get("elements", []):
            if element.get("type") == "button":
                found.append(element["text"]["text"])
            for option in element.get("options", []):
                found.append(option["text"]["text"])
    return found


@pytest.mark.parametrize(
    "view",
    [
        pytest.param(extreme_card(), id="40 long parts, many holders"),
        pytest.param(extreme_card(parts=40, holders_per_part=1), id="40 parts, one holder each"),
        pytest.param(extreme_card(parts=1, holders_per_part=50), id="one part, 50 holders"),
        pytest.param(
            card(
                brief="&" * 2500,
                title="<" * 120,
                holders=tuple(Holder(user(i), ReviewState.NO_DRAFT) for i in range(50)),
                waiting=tuple(user(100 + i) for i in range(50)),
                needed=50,
            ),
            id="no parts, full and long line",
        ),
    ],
)
def test_an_extreme_card_stays_within_what_slack_accepts(view: CardView) -> None:
    blocks = request_card(view)
    assert block_errors(blocks, limit=MAX_MESSAGE_BLOCKS) == []
    assert len(blocks) <= 50
    header = blocks[0]
    assert header["type"] == "header"
    assert len(header["text"]["text"]) <= 150
    for text in mrkdwn_texts(blocks):
        assert len(text) <= 3000
        assert_safe_mrkdwn(text)
    assert all(len(label) <= 75 for label in labels(blocks))
    selects = [e for b in blocks for e in b.get("elements", []) if e.get("type") == "static_select"]
    assert all(len(s["options"]) <= 100 for s in selects)


def test_a_brief_that_grows_when_escaped_is_shortened_whole_and_says_so() -> None:
    brief = ("if a<b && b>c: " * 200)[:2500]  # 2,500 characters, about 4,700 once escaped
    section = request_card(card(brief=brief))[1]["text"]["text"]
    assert len(section) <= 3000
    assert section.startswith("if a&lt;b &amp;&amp; b&gt;c: ")
    assert section.endswith("\n" + texts.BRIEF_TRUNCATED), "the reader is told the brief goes on"
    assert_safe_mrkdwn(section)


def test_a_brief_that_fits_once_escaped_is_shown_in_full() -> None:
    brief = ("Tips & tricks <for> beginners. " * 80)[:2200]  # about 2,900 characters once escaped
    assert request_card(card(brief=brief))[1]["text"]["text"] == escape(brief)


def test_parts_that_do_not_fit_are_summarised_with_a_pointer_to_all_of_them() -> None:
    shown = "\n".join(mrkdwn_texts(request_card(extreme_card())))
    match = re.search(r"…and (\d+) more parts \(the part menu lists every one\)\.", shown)
    assert match is not None
    listed = len(re.findall(r"^\d+\. \*", shown, flags=re.MULTILINE))
    assert listed + int(match.group(1)) == 40


def test_a_card_shows_holders_with_their_state_and_who_waits() -> None:
    view = card(
        holders=(Holder("U0ANNA", ReviewState.APPROVED), Holder("U0BO", ReviewState.CHANGES_REQUESTED)),
        waiting=("U0CARL",),
    )
    shown = "\n".join(mrkdwn_texts(request_card(view)))
    assert "<@U0ANNA> ✅ <@U0BO> ✏️  ·  ⌛ <@U0CARL>" in shown
    assert "*Volunteers* 2/2" in shown
    assert "*Waiting* 1" in shown


SLOT_START = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)  # Tuesday 10:00 in Copenhagen
SLOT_TOKEN = f"<!date^{int(SLOT_START.timestamp())}^{{date_short_pretty}} {{time}}|2026-12-01 09:00 UTC>"


def test_a_booked_card_says_booked_and_shows_its_slot_and_time_in_english_and_danish() -> None:
    view = card(status=RequestStatus.APPROVED, booking=BookingView("LinkedIn <!here>", SLOT_START))
    shown = mrkdwn_texts(request_card(view))
    assert "*Status* booked" in shown
    assert f"*Publishing slot* LinkedIn &lt;!here&gt;, {SLOT_TOKEN}" in shown
    assert "*Status* approved" not in shown
    for text in shown:
        assert_safe_mrkdwn(text)

    danish = mrkdwn_texts(request_card(view, translator("da")))
    assert "*Status* booket" in danish
    assert f"*Publiceringsplads* LinkedIn &lt;!here&gt;, {SLOT_TOKEN}" in danish


def test_an_open_request_booked_ahead_shows_its_slot_but_no_status() -> None:
    shown = "\n".join(mrkdwn_texts(request_card(card(booking=BookingView("Newsletter", SLOT_START)))))
    assert f"*Publishing slot* Newsletter, {SLOT_TOKEN}" in shown
    assert "*Status*" not in shown


def test_a_published_card_links_its_address_which_pings_nobody() -> None:
    view = card(
        status=RequestStatus.PUBLISHED,
        booking=BookingView("LinkedIn", SLOT_START),
        published_url="https://blog.example.com/seo?a=1&b=<!channel>|click",
    )
    shown = mrkdwn_texts(request_card(view))
    assert "*Status* published" in shown
    assert "*Published* <https://blog.example.com/seo?a=1&amp;b=&lt;!channel&gt;%7Cclick>" in shown
    assert not [text for text in shown if "Publishing slot" in text], "once published, the slot is history"
    for text in shown:
        assert "<!channel>" not in text
        assert_safe_mrkdwn(text)
    assert "*Publiceret* <https://blog.example.com/" in "\n".join(mrkdwn_texts(request_card(view, translator("da"))))


def test_an_address_that_is_no_web_link_or_too_long_for_a_card_field_is_shown_as_text() -> None:
    assert render(t(texts.CARD_PUBLISHED_AT, url=Link("javascript:alert(1)<!channel>"))) == (
        "*Published* javascript:alert(1)&lt;!channel&gt;"
    )
    long_address = "https://blog.example.com/" + "&" * 1975
    blocks = request_card(card(status=RequestStatus.PUBLISHED, published_url=long_address))
    assert block_errors(blocks, limit=MAX_MESSAGE_BLOCKS) == []
    [published] = [text for text in mrkdwn_texts(blocks) if text.startswith("*Published*")]
    assert published == "*Published* " + escape(long_address[:199] + "…")
    assert_safe_mrkdwn(published)


def test_a_closed_card_says_so_and_offers_no_buttons() -> None:
    blocks = request_card(card(status=RequestStatus.CLOSED))
    assert "*Status* closed" in "\n".join(mrkdwn_texts(blocks))
    assert not [b for b in blocks if b["type"] == "actions"]


# --- notices ------------------------------------------------------------------------------------------------


def test_a_notice_quotes_user_text_escaped_line_by_line() -> None:
    notice = Notice(
        t(texts.CHANGES_NOTICE, owner=UserRef("U0OWNER"), number=12, title="Tips & tricks"),
        quote="<!channel> please & thanks\n<b>second</b> line",
        link="https://docs.example.com/a?b=1&c=<2>|x",
    )
    text, blocks = notice_message(notice)
    assert block_errors(blocks, limit=MAX_MESSAGE_BLOCKS) == []
    assert "Tips &amp; tricks" in text
    assert blocks[1]["text"]["text"] == "> &lt;!channel&gt; please &amp; thanks\n> &lt;b&gt;second&lt;/b&gt; line"
    assert blocks[2]["text"]["text"] == "<https://docs.example.com/a?b=1&amp;c=&lt;2&gt;%7Cx>"
    for shown in mrkdwn_texts(blocks):
        assert "<!channel>" not in shown


def test_a_long_quote_that_grows_when_escaped_stays_in_one_valid_section() -> None:
    notice = Notice(t(texts.CHANGES_NOTICE, owner=UserRef("U0OWNER"), number=1, title="x"), quote="<&>" * 933)
    _, blocks = notice_message(notice)
    assert block_errors(blocks, limit=MAX_MESSAGE_BLOCKS) == []
    quoted = blocks[1]["text"]["text"]
    assert quoted.startswith("> &lt;&amp;&gt;")
    assert_safe_mrkdwn(quoted.replace("> ", "", 1))
