"""The ``/cocreate`` grammar never fails on what a person (or a paste) can type: every text is either a command or
the polite usage hint of its subcommand, and running it on a real SQLite database answers rather than raising.

A fixed-seed fuzz run builds a few thousand texts from the grammar's own words and options, numbers thousands of
digits long, dates at the ends of the calendar, Danish letters, quotes of every kind and Slack-style markup; the
regression cases below are the ones that once raised ``ValueError`` (Python's limit on reading long digit strings
as numbers, and month arithmetic past 9999-12) instead of answering.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import date

import pytest
from factories import NOW, OWNER, ctx_for, posted_request
from sqlalchemy import Engine
from sqlmodel import Session

from handlers import texts
from handlers.commands import SUBCOMMANDS, Command, Unparsable, parse_command, read_command, run_command
from handlers.results import Reply, UserFacingError
from harness import start_scenario

TODAY = date(2026, 11, 23)
SEED = 1412
RUNS = 3000
HUGE = "1" * 5000  # past Python's 4300-digit limit for reading a number

# Text that once raised, and the usage hint each gets now.
REGRESSIONS = [
    pytest.param(f"show {HUGE}", texts.USAGE_SHOW, id="show-huge"),
    pytest.param(f"show #{HUGE}", texts.USAGE_SHOW, id="show-hash-huge"),
    pytest.param(f"volunteer {HUGE}", texts.USAGE_VOLUNTEER, id="volunteer-huge"),
    pytest.param(f"volunteer {HUGE} 2", texts.USAGE_VOLUNTEER, id="volunteer-huge-part"),
    pytest.param(f"withdraw {HUGE}", texts.USAGE_WITHDRAW, id="withdraw-huge"),
    pytest.param(f"list {HUGE}", texts.USAGE_LIST, id="list-huge"),
    pytest.param(f"new Ten tips due:2026-12-01 needs:{HUGE}", texts.BAD_NEEDS, id="needs-huge"),
    pytest.param(f"derive 1 Video due:2026-12-01 needs:{HUGE}", texts.BAD_NEEDS, id="derive-needs-huge"),
    pytest.param("report 9999-12", texts.USAGE_REPORT, id="report-9999-12"),
    pytest.param("report 0001-01", texts.USAGE_REPORT, id="report-0001-01"),
    pytest.param("report 0000-01", texts.USAGE_REPORT, id="report-0000-01"),
]


@pytest.fixture
def world(engine: Engine) -> Engine:
    posted_request(engine, title="Ten SEO tips")
    return engine


def outcome(engine: Engine, command: Command) -> Reply | UserFacingError:
    """Runs ``command`` as the owner of request #1 and rolls back whatever it did."""
    with Session(engine) as session:
        ctx = ctx_for(session, OWNER, now=NOW)
        try:
            return run_command(ctx, command)
        except UserFacingError as refusal:
            return refusal
        finally:
            session.rollback()


@pytest.mark.parametrize(("text", "hint"), REGRESSIONS)
def test_numbers_and_months_out_of_range_get_the_usage_hint(world: Engine, text: str, hint: str) -> None:
    with pytest.raises(UserFacingError) as refused:
        parse_command(text, today=TODAY)
    assert refused.value.text.msgid == hint

    answer = outcome(world, read_command(text, today=TODAY))
    assert isinstance(answer, UserFacingError)
    assert answer.text.msgid == hint


def test_an_id_of_many_digits_is_still_an_id_nobody_has() -> None:
    assert parse_command("show " + "9" * 40, today=TODAY) is not None  # "There is no request #999…", as before


def test_a_huge_id_through_slack_gets_the_usage_hint_in_the_acknowledgement(tmp_path: object) -> None:
    slack = start_scenario(f"sqlite:///{tmp_path}/cobot.db")
    try:
        assert slack.command_reply(f"show {HUGE}", user=OWNER) == texts.USAGE_SHOW
        assert "`/cocreate report 2026-11`" in slack.command_reply("report 9999-12", user=OWNER)
    finally:
        slack.close()


# --- the fuzz run -------------------------------------------------------------------------------------------------

WORDS = [name for entry in SUBCOMMANDS for name in entry.names if name] + ["frobnicate", "HELP", "Show", "SPROG"]
PIECES = [
    HUGE,
    "#" + HUGE,
    "0",
    "-1",
    "#0",
    "1",
    "#1",
    "2",
    "12",
    "2147483648",
    "9" * 40,
    "9" * 41,
    "١٢",
    "²",
    "½",
    "9999-12",
    "0001-01",
    "0000-00",
    "2026-13",
    "2026-11",
    "9999-12-31",
    "0001-01-01",
    "2026-02-30",
    "2026-12-01",
    "25:00",
    "10:00",
    "23:59",
    "add",
    "remove",
    "on",
    "off",
    "til",
    "fra",
    "never",
    "default",
    "da",
    "en",
    "fr",
    "LinkedIn",
    "Ærø",
    "smørrebrød",
    "blåbær",
    "ÆØÅ",
    "æøå",
    "<@U0ANNA|anna>",
    "<@aad-0000-1111|Anna Bæk>",
    "<@>",
    "<@U0ANNA",
    "@anna",
    "@nobody",
    "<!channel>",
    "<!subteam^S1|@team>",
    "<https://example.com|a link>",
    "<https://example.com>",
    "<#C0MARKETING|marketing>",
    "&lt;b&gt;",
    "&amp;",
    "*bold*",
    "_it_",
    "`code`",
    "```",
    '"',
    "“",
    "”",
    "„",
    "«",
    "»",
    "'",
    "\\",
    "\n",
    "\t",
    "   ",
    "🙂",
    "\u200b",
    "x" * 300,
]
NUMBERS = [HUGE, "#" + HUGE, "1", "#1", "2", "0", "12", "2147483648", "9" * 40, "9" * 41, "١", "add", "on", "off"]
OPTIONS = ["due", "format", "skills", "needs", "parts", "brief", "DUE", "Needs"]


def fuzz_texts(seed: int, count: int) -> Iterator[str]:
    chance = random.Random(seed)
    for _ in range(count):
        pieces = [chance.choice(WORDS)] if chance.random() < 0.95 else []
        if chance.random() < 0.7:
            pieces.append(chance.choice(NUMBERS))  # most subcommands take an id, a page or a keyword first
        for _ in range(chance.randint(0, 6)):
            roll = chance.random()
            if roll < 0.3:
                option = chance.choice(OPTIONS) + ":"
                quote = chance.choice(["", "", '"', "“", "„", "«"])
                pieces.append(option + quote + chance.choice(PIECES) + chance.choice(["", quote, "”", "»"]))
            else:
                pieces.append(chance.choice(PIECES))
        yield chance.choice([" ", "  ", "\n"]).join(pieces)


EDGES = [  # days at the ends of the calendar, where a handler adds a day or a week
    "new Ten tips due:9999-12-31",
    "new Ten tips due:0001-01-01",
    "derive 1 Video due:9999-12-31",
    "extend 1 9999-12-31",
    "extend 1 0001-01-01",
    "slot add LinkedIn 9999-12-31 23:59",
    "slot add LinkedIn 0001-01-01 00:00",
    "book 1 LinkedIn 9999-12-31 23:59",
    "book 1 LinkedIn 0001-01-01",
    "published 1 <https://example.com|x>",
    "report 1900-01",
    "report 9998-12",
]


def test_the_parser_answers_every_generated_text_with_a_command_or_a_usage_hint(world: Engine) -> None:
    known_texts = {value for name, value in vars(texts).items() if name.isupper() and isinstance(value, str)}
    commands: list[Command] = []
    for text in [*EDGES, *fuzz_texts(SEED, RUNS)]:
        command = read_command(text, today=TODAY)  # any exception but a usage hint escapes here and fails the test
        if isinstance(command, Unparsable):
            assert command.hint.msgid in known_texts, text[:80]
        commands.append(command)
    assert any(not isinstance(command, Unparsable) for command in commands)  # the run reaches the handlers too

    # Running every fourth (and each kind of command at least once) keeps the run short and covers every handler.
    seen: set[type] = set()
    for number, command in enumerate(commands):
        if number >= len(EDGES) and number % 4 and type(command) in seen:
            continue
        seen.add(type(command))
        answer = outcome(world, command)
        assert isinstance(answer, Reply | UserFacingError), command
