"""Scenario tests for what the weekly digest tells of results and of departments working together: each piece
published last week shows what it earned so far, and one line names the pieces published this month that people
from more than one department made, with the pairs of departments that made a piece together for the first time.

The digest goes out on Monday 2026-11-23 at 09:00 in Copenhagen; "this month" is November.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import pytest
from followup_support import ANNA, BO, CARL, METTE, OWNER, figures, move_to, sign_off, tick, utc
from sqlmodel import select

from harness import SlackScenario, message_text
from storage.models import Member

DIGEST = "C0DIGEST"
DIGEST_TIME = utc(2026, 11, 23, 8, 0)


def publish(slack: SlackScenario, title: str, helpers: tuple[str, ...], *, at: datetime) -> int:
    """A request posted, made by ``helpers`` (each hands in a draft, approved and signed off) and published at
    ``at``."""
    move_to(slack, at - timedelta(hours=1))
    number = slack.create(title, due="2026-12-20", extra=f"needs:{len(helpers)}")
    for helper in helpers:
        assert "Thank you!" in slack.command_reply(f"volunteer {number}", user=helper)
        assert "Got it" in slack.command_reply(f"submit {number} https://docs.example.com/{helper}", user=helper)
        assert "Approved" in slack.command_reply(f"approve {number} <@{helper}|x>", user=OWNER)
        sign_off(slack, number, helper=helper)
    move_to(slack, at)
    assert "Marked" in slack.command_reply(f"published {number} https://blog.example.com/{number}", user=OWNER)
    slack.settle()
    return number


def departments(slack: SlackScenario, **by_user: str | None) -> None:
    with slack.session() as session:
        for user, department in by_user.items():
            member = session.exec(select(Member).where(Member.user_id == user)).one()
            member.department = department
            session.add(member)
        session.commit()


def the_digest(slack: SlackScenario) -> str:
    move_to(slack, DIGEST_TIME)
    tick(slack)
    posts: list[dict[str, Any]] = slack.fake.messages(DIGEST)
    assert posts
    return "\n".join(message_text(m) for m in posts)


def a_month_of_pieces(slack: SlackScenario) -> tuple[int, int, int]:
    """October: Marketing (the owner) and Sales (Mette) made a piece. November: Marketing, Sales and IT (Anna) made
    one with figures, Bo of Marketing one alone with the owner, and Carl of HR one with Mette last week."""
    october = publish(slack, "Autumn sale", (METTE,), at=utc(2026, 10, 14, 9, 0))
    together = publish(slack, "Ten SEO tips", (METTE, ANNA), at=utc(2026, 11, 18, 9, 0))
    alone = publish(slack, "Price news", (BO,), at=utc(2026, 11, 19, 9, 0))
    hr = publish(slack, "Hiring post", (CARL, METTE), at=utc(2026, 11, 3, 9, 0))
    departments(slack, **{OWNER: "Marketing", METTE: "Sales", ANNA: "IT", BO: "Marketing", CARL: "HR"})
    figures(slack, together, views=1200, leads=3)
    assert october == 1 and alone == 3 and hr == 4
    return together, alone, hr


def test_the_digest_shows_each_piece_s_results_and_who_crossed_departments(
    make_slack: Callable[..., SlackScenario],
) -> None:
    slack = make_slack(behaviour={"digest": {"channel": DIGEST}})
    together, alone, hr = a_month_of_pieces(slack)
    text = the_digest(slack)

    assert (
        f"#{together} *Ten SEO tips* · https://blog.example.com/{together} · thanks to <@{METTE}>, <@{ANNA}>\n"
        "So far: 1200 views · 3 leads\n"
    ) in text
    # Price news has no figures: its line has no results under it.
    assert f"#{alone} *Price news*" in text and text.count("So far:") == 1
    [silos] = [line for line in text.splitlines() if "Across departments" in line]
    assert silos == (
        "*Across departments:* 2 pieces published this month were made by people from more than one department: "
        f"#{hr} *Hiring post* (HR, Marketing, Sales), #{together} *Ten SEO tips* (IT, Marketing, Sales). "
        "Working together for the first time: HR and Marketing, HR and Sales, IT and Marketing, IT and Sales."
    )
    assert "Marketing and Sales" not in silos  # they made a piece together in October


def test_the_digest_in_danish(make_slack: Callable[..., SlackScenario]) -> None:
    slack = make_slack(behaviour={"digest": {"channel": DIGEST}, "languages": {"channels": {DIGEST: "da"}}})
    together, _, hr = a_month_of_pieces(slack)
    text = the_digest(slack)
    assert "\nIndtil videre: 1200 visninger · 3 kundeemner" in text
    [silos] = [line for line in text.splitlines() if "På tværs af afdelinger" in line]
    assert silos.startswith(
        "*På tværs af afdelinger:* 2 udgivelser i denne måned blev lavet af folk fra mere end én afdeling: "
        f"#{hr} *Hiring post* (HR, Marketing, Sales), #{together}"
    )
    assert silos.endswith("For første gang sammen: HR og Marketing, HR og Sales, IT og Marketing, IT og Sales.")


@pytest.mark.parametrize("known", [False, True])
def test_no_silos_line_without_departments_or_when_nobody_crossed_one(
    make_slack: Callable[..., SlackScenario], known: bool
) -> None:
    slack = make_slack(behaviour={"digest": {"channel": DIGEST}})
    publish(slack, "Ten SEO tips", (METTE, ANNA), at=utc(2026, 11, 18, 9, 0))
    if known:  # everyone in one department: nothing crossed
        departments(slack, **{OWNER: "Marketing", METTE: "Marketing", ANNA: "Marketing"})
    text = the_digest(slack)
    assert "*Published last week*" in text
    assert "Across departments" not in text and "first time" not in text


def test_one_crossing_piece_is_counted_in_the_singular_and_old_pairs_are_not_new(
    make_slack: Callable[..., SlackScenario],
) -> None:
    slack = make_slack(behaviour={"digest": {"channel": DIGEST}})
    publish(slack, "Autumn sale", (METTE,), at=utc(2026, 10, 14, 9, 0))
    number = publish(slack, "Ten SEO tips", (METTE,), at=utc(2026, 11, 18, 9, 0))
    departments(slack, **{OWNER: "Marketing", METTE: "Sales"})
    [silos] = [line for line in the_digest(slack).splitlines() if "Across departments" in line]
    assert silos == (
        "*Across departments:* 1 piece published this month was made by people from more than one department: "
        f"#{number} *Ten SEO tips* (Marketing, Sales)."
    )
