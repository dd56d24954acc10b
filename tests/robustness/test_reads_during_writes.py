"""On SQLite one transaction writes at a time. Commands that only read (`list`, `mine`, `show`, `help`, …) run in a
read transaction, so they answer even while a long write (an import, a big fan-out) holds the write lock, and a
person Cobot has not met yet is still recorded on their first command."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

from sqlmodel import select

from harness import SlackScenario
from storage.models import Member

ANNA = "U0ANNA"


def _database_file(slack: SlackScenario) -> Path:
    url = str(slack.service.cobot.engine.url)
    return Path(url.removeprefix("sqlite:///"))


def test_a_list_answers_while_another_writer_holds_the_database(slack: SlackScenario) -> None:
    number = slack.create("Ten SEO tips")
    assert "Ten SEO tips" in slack.command_reply("list", user=ANNA)  # Anna is known from here on
    slack.settle()  # her profile fetched: the sender has nothing left to write

    # (it waits its turn if the sender is still writing)
    blocker = sqlite3.connect(_database_file(slack), timeout=10, isolation_level=None)
    blocker.execute("BEGIN IMMEDIATE")  # a long write elsewhere: nobody else may write until it ends
    answers: dict[str, str] = {}

    def ask(text: str) -> None:
        answers[text] = slack.command_reply(text, user=ANNA)

    try:
        reading = threading.Thread(target=ask, args=("list",))
        writing = threading.Thread(target=ask, args=(f"volunteer {number}",))
        reading.start()
        writing.start()
        reading.join(timeout=15)
        assert "list" in answers, "the list waited for the writer"
        assert f"#{number} *Ten SEO tips*" in answers["list"]
        assert f"volunteer {number}" not in answers  # a change waits its turn
    finally:
        blocker.rollback()
        blocker.close()
    writing.join(timeout=30)
    assert answers[f"volunteer {number}"].startswith(f"Thank you! You're on #{number}")


def test_a_newcomers_first_list_records_them(slack: SlackScenario) -> None:
    slack.create("Ten SEO tips")
    assert "Ten SEO tips" in slack.command_reply("list", user="U0NEWCOMER")
    with slack.session() as session:
        assert session.exec(select(Member).where(Member.user_id == "U0NEWCOMER")).first() is not None
