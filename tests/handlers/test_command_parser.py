"""``/cocreate`` parsing: every form in the README's command table, and the polite usage hint for every malformed
input. Text arrives as Slack sends it (``&``, ``<``, ``>`` escaped, mentions and links in angle brackets)."""

from __future__ import annotations

from datetime import date

import pytest

from handlers import texts
from handlers.commands import (
    Approve,
    Changes,
    Close,
    Command,
    Help,
    ListOpen,
    Mine,
    New,
    Show,
    Submit,
    VolunteerCmd,
    Withdraw,
    parse_command,
    plain,
)
from handlers.requests import NewRequest
from handlers.results import UserFacingError

TODAY = date(2026, 11, 23)


def parse(text: str) -> Command:
    return parse_command(text, today=TODAY)


def refusal(text: str) -> UserFacingError:
    with pytest.raises(UserFacingError) as caught:
        parse(text)
    return caught.value


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", Help()),
        ("help", Help()),
        ("  HELP  ", Help()),
        ("hjælp", Help()),
        ("?", Help()),
        ("new", New(None)),
        ("list", ListOpen(1)),
        ("list 3", ListOpen(3)),
        ("mine", Mine()),
        ("show 12", Show(12)),
        ("show #12", Show(12)),
        ("Show #12 please", Show(12)),
        ("volunteer 12", VolunteerCmd(12, None)),
        ("volunteer #12 2", VolunteerCmd(12, "2")),
        ("volunteer 12 E-mail marketing", VolunteerCmd(12, "E-mail marketing")),
        ("volunteer 12 SEO &amp; PPC", VolunteerCmd(12, "SEO & PPC")),
        ("withdraw #7", Withdraw(7)),
        ("close 7", Close(7)),
        ("submit 12 https://docs.example.com/d", Submit(12, "https://docs.example.com/d")),
        ("submit #12 <https://docs.example.com/d>", Submit(12, "<https://docs.example.com/d>")),
        ("submit 12 My draft: short &amp; sweet", Submit(12, "My draft: short &amp; sweet")),
        ("approve 12 <@U0ANNA|anna>", Approve(12, "<@U0ANNA|anna>")),
        ("approve #12 @anna", Approve(12, "@anna")),
        (
            "changes 12 <@U0ANNA|anna> Please add an example &lt;code&gt;",
            Changes(12, "<@U0ANNA|anna>", "Please add an example <code>"),
        ),
        ("changes #12 @anna", Changes(12, "@anna", "")),
    ],
)
def test_every_command_form_parses(text: str, expected: Command) -> None:
    assert parse(text) == expected


def new(text: str) -> NewRequest:
    command = parse("new " + text)
    assert isinstance(command, New)
    assert command.request is not None
    return command.request


def test_new_with_only_title_and_deadline() -> None:
    assert new("Ten tips for SEO due:2026-12-01") == NewRequest(title="Ten tips for SEO", deadline=date(2026, 12, 1))


@pytest.mark.parametrize(
    "text",
    [
        'Ten tips due:2026-12-01 format:blog skills:SEO,writing needs:2 brief:"Short & sweet"',
        'brief:"Short & sweet" needs:2 Ten skills:SEO,writing tips format:blog due:2026-12-01',
        "DUE:2026-12-01 Format:blog Ten tips SKILLS:SEO,writing brief:“Short & sweet” needs:2",
        "Ten tips due:2026-12-01 format:blog skills:SEO,writing needs:2 brief:„Short &amp; sweet”",
        "Ten tips due:2026-12-01 format:blog skills:SEO,writing needs:2 brief:«Short &amp; sweet»",
    ],
)
def test_new_options_come_in_any_order_and_case_with_any_kind_of_quotes(text: str) -> None:
    assert new(text) == NewRequest(
        title="Ten tips",
        deadline=date(2026, 12, 1),
        brief="Short & sweet",
        format="blog",
        skills=("SEO", "writing"),
        needs=2,
    )


def test_new_parts_are_split_on_semicolons_and_newlines_and_trimmed() -> None:
    request = new('E-book due:2026-12-01 parts:" E-mail marketing ;SEO;; PPC\nAnalytics "')
    assert request.title == "E-book"
    assert request.parts == ("E-mail marketing", "SEO", "PPC", "Analytics")


def test_new_quoted_skills_may_hold_spaces_and_empty_items_are_dropped() -> None:
    assert new('x due:2026-12-01 skills:"content marketing, SEO ,, "').skills == ("content marketing", "SEO")


def test_option_words_inside_a_quoted_value_stay_in_the_value() -> None:
    request = new('Launch brief:"Ship before due:2027-01-01, needs:9 people" due:2026-12-01')
    assert request.brief == "Ship before due:2027-01-01, needs:9 people"
    assert request.deadline == date(2026, 12, 1)
    assert request.needs is None


def test_new_title_is_plain_text_from_slack_markup() -> None:
    request = new("Tips &amp; tricks for <@U0ANNA|anna> &lt;3 <!channel> due:2026-12-01")
    assert request.title == "Tips & tricks for @anna <3 @channel"


def test_new_without_title_still_parses_so_the_handler_can_ask_for_one() -> None:
    assert new("due:2026-12-01").title == ""


def test_needs_zero_parses_and_is_left_to_the_handlers_range_check() -> None:
    assert new("x due:2026-12-01 needs:0").needs == 0


MALFORMED: list[tuple[str, str, dict[str, object]]] = [
    ("dance", texts.UNKNOWN_SUBCOMMAND, {"word": "dance"}),
    ("<!channel>", texts.UNKNOWN_SUBCOMMAND, {"word": "@channel"}),
    ("list 0", texts.USAGE_LIST, {}),
    ("list two", texts.USAGE_LIST, {}),
    ("show", texts.USAGE_SHOW, {}),
    ("show twelve", texts.BAD_ID, {"value": "twelve"}),
    ("show #", texts.BAD_ID, {"value": "#"}),
    ("show 0", texts.BAD_ID, {"value": "0"}),
    ("show -3", texts.BAD_ID, {"value": "-3"}),
    ("show ##12", texts.BAD_ID, {"value": "##12"}),
    ("show &lt;12&gt;", texts.BAD_ID, {"value": "<12>"}),
    ("show ²", texts.BAD_ID, {"value": "²"}),  # a digit to str.isdigit, but not a number to int()
    ("list ³", texts.USAGE_LIST, {}),
    ("withdraw", texts.USAGE_WITHDRAW, {}),
    ("withdraw x", texts.BAD_ID, {"value": "x"}),
    ("close", texts.USAGE_CLOSE, {}),
    ("volunteer", texts.USAGE_VOLUNTEER, {}),
    ("volunteer SEO", texts.BAD_ID, {"value": "SEO"}),
    ("submit", texts.USAGE_SUBMIT, {}),
    ("submit https://x.example", texts.BAD_ID, {"value": "https://x.example"}),
    ("approve", texts.USAGE_APPROVE, {}),
    ("approve 12", texts.USAGE_APPROVE, {}),
    ("approve @anna", texts.BAD_ID, {"value": "@anna"}),
    ("changes", texts.USAGE_CHANGES, {}),
    ("changes 12", texts.USAGE_CHANGES, {}),
    ("new format:blog", texts.USAGE_NEW, {}),
    ("new Ten tips", texts.MISSING_DEADLINE, {"example": "2026-12-07"}),
    ("new Ten tips due:someday", texts.BAD_DATE, {"value": "someday", "example": "2026-12-07"}),
    ("new Ten tips due:01-12-2026", texts.BAD_DATE, {"value": "01-12-2026", "example": "2026-12-07"}),
    ("new Ten tips due:2026-02-30", texts.BAD_DATE, {"value": "2026-02-30", "example": "2026-12-07"}),
    ("new Ten tips due:", texts.BAD_DATE, {"value": "", "example": "2026-12-07"}),
    ("new Ten tips due:2026-12-01 needs:two", texts.BAD_NEEDS, {"limit": 50}),
    ("new Ten tips due:2026-12-01 needs:-1", texts.BAD_NEEDS, {"limit": 50}),
    ("new Ten tips due:2026-12-01 needs:²", texts.BAD_NEEDS, {"limit": 50}),
    ("new Ten tips due:2026-12-01 due:2026-12-02", texts.DUPLICATE_OPTION, {"key": "due"}),
    ("new Ten tips due:2026-12-01 Format:a format:b", texts.DUPLICATE_OPTION, {"key": "format"}),
    ('new Ten tips due:2026-12-01 parts:"Intro; Tips', texts.UNCLOSED_QUOTE, {"key": "parts"}),
    ("new Ten tips due:2026-12-01 brief:“Never closed", texts.UNCLOSED_QUOTE, {"key": "brief"}),
]


@pytest.mark.parametrize(("text", "msgid", "params"), MALFORMED, ids=[case[0] for case in MALFORMED])
def test_malformed_input_gets_the_matching_usage_hint(text: str, msgid: str, params: dict[str, object]) -> None:
    error = refusal(text)
    assert error.text.msgid == msgid
    assert dict(error.text.params) == params


def test_a_long_unknown_word_is_shortened_in_the_hint() -> None:
    error = refusal("x" * 500)
    assert error.text.msgid == texts.UNKNOWN_SUBCOMMAND
    assert error.text.params["word"] == "x" * 40


def test_every_usage_hint_says_what_to_type_instead() -> None:
    for msgid in (
        texts.USAGE_NEW,
        texts.USAGE_SHOW,
        texts.USAGE_VOLUNTEER,
        texts.USAGE_WITHDRAW,
        texts.USAGE_SUBMIT,
        texts.USAGE_APPROVE,
        texts.USAGE_CHANGES,
        texts.USAGE_CLOSE,
        texts.USAGE_LIST,
    ):
        assert "`/cocreate " in msgid, msgid


@pytest.mark.parametrize(
    ("marked_up", "meant"),
    [
        ("hello <@U0ANNA|anna>", "hello @anna"),
        ("hello <@U0ANNA>", "hello @U0ANNA"),
        ("see <#C0MARKETING|marketing>", "see #marketing"),
        ("see <#C0MARKETING>", "see #C0MARKETING"),
        ("read <https://example.com/a?b=1&amp;c=2|our plan>", "read https://example.com/a?b=1&c=2"),
        ("read <https://example.com/a>", "read https://example.com/a"),
        ("<mailto:anna@example.com|anna@example.com>", "mailto:anna@example.com"),
        ("<!channel> look", "@channel look"),
        ("<!here|here> look", "@here look"),
        ("<!everyone>", "@everyone"),
        ("ping <!subteam^S1|@team>", "ping @team"),
        ("ping <!subteam^S1>", "ping @subteam"),
        ("a &lt;b&gt; &amp; c", "a <b> & c"),
        ("typed &amp;lt; literally", "typed &lt; literally"),
        ("1 &lt; 2 &gt; 0", "1 < 2 > 0"),
        ("æøå “quotes” 👍", "æøå “quotes” 👍"),
    ],
)
def test_plain_turns_slack_markup_into_what_the_person_meant(marked_up: str, meant: str) -> None:
    assert plain(marked_up) == meant
