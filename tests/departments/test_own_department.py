"""Departments with the handlers called directly on a real migrated database: choosing your own with
`/cocreate department` (and `afdeling`), clearing it back to the profile's, the order the sources win in, an
import still counting, bad names refused with the database unchanged, and `/cocreate whoami` in both languages."""

from __future__ import annotations

from datetime import date

import pytest
from factories import NOW, run_as
from sqlalchemy import Engine
from sqlmodel import Session, select

from bot.exports.plaintext import plain
from bot.runtime.i18n import translator
from handlers.commands import help_texts, parse_command, run_command
from handlers.context import Ctx, Policy, Scope
from handlers.departments import take_directory
from handlers.erasure import forget_member
from handlers.people import set_profile
from handlers.results import Reply, UserFacingError
from storage.db import transaction
from storage.models import Member, Workspace

TODAY = date(2026, 11, 23)
METTE = "U0METTE"


def command(engine: Engine, text: str, user_id: str = METTE) -> str:
    reply: Reply = run_as(engine, user_id, lambda ctx: run_command(ctx, parse_command(text, today=TODAY)))
    return "\n".join(plain(text) for text in reply.texts)


def member(engine: Engine, user_id: str = METTE) -> Member:
    with Session(engine) as session:
        found = session.exec(select(Member).where(Member.user_id == user_id)).one()
        session.expunge(found)
        return found


def from_profile(engine: Engine, department: str, title: str = "", user_id: str = METTE) -> None:
    def take(ctx: Ctx) -> None:
        take_directory(ctx.actor, department=department, title=title, source="profile")
        ctx.session.add(ctx.actor)

    run_as(engine, user_id, take)


def test_a_chosen_department_wins_over_the_profile_and_clear_goes_back_to_it(engine: Engine) -> None:
    from_profile(engine, "Marketing", "Content Lead")
    assert (member(engine).department, member(engine).department_source) == ("Marketing", "profile")

    answer = command(engine, "department Customer   Service")
    assert "Your department is now “Customer Service”" in answer
    assert (member(engine).department, member(engine).department_source) == ("Customer Service", "self")

    from_profile(engine, "Sales")  # the profile changes later: the person's own choice still counts
    assert (member(engine).department, member(engine).department_profile) == ("Customer Service", "Sales")

    answer = command(engine, "department clear")
    assert "it is now “Sales”, from your Slack profile" in answer
    assert (member(engine).department, member(engine).department_source) == ("Sales", "profile")


def test_the_danish_words_work_too(engine: Engine) -> None:
    command(engine, "afdeling Kundeservice")
    assert member(engine).department == "Kundeservice"
    command(engine, "afdeling ryd")
    assert member(engine).department is None
    assert "nothing to clear" in command(engine, "afdeling ryd")


def test_an_import_still_counts_and_the_profile_and_own_choice_win_over_it(engine: Engine) -> None:
    run_as(engine, METTE, lambda ctx: set_profile(ctx, department="Support"))
    assert (member(engine).department, member(engine).department_source) == ("Support", "import")
    from_profile(engine, "Marketing")
    assert member(engine).department == "Marketing"
    from_profile(engine, "")  # the profile field was emptied: the import counts again
    assert (member(engine).department, member(engine).department_source) == ("Support", "import")
    command(engine, "department Web")
    assert member(engine).department == "Web"
    command(engine, "department clear")
    assert member(engine).department == "Support"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("department", "Say which department you work in"),
        ("department    ", "Say which department you work in"),
        ("department " + "x" * 101, "at most 100 characters, and that one has 101"),
    ],
)
def test_a_bad_name_is_refused_politely_and_nothing_changes(engine: Engine, text: str, expected: str) -> None:
    command(engine, "department Marketing")
    with pytest.raises(UserFacingError) as refused:
        command(engine, text)
    assert expected in plain(refused.value.text)
    assert (member(engine).department, member(engine).department_self) == ("Marketing", "Marketing")


def test_markup_in_a_name_is_kept_as_plain_text(engine: Engine) -> None:
    command(engine, "department R&amp;D <!channel>")
    assert member(engine).department == "R&D @channel"


def test_whoami_shows_the_winner_and_what_every_source_says(engine: Engine) -> None:
    run_as(engine, METTE, lambda ctx: set_profile(ctx, department="Support"), display_name="Mette")
    from_profile(engine, "Marketing", "Content Lead, Marketing")
    command(engine, "department Web")
    english = command(engine, "whoami").splitlines()
    assert english == [
        "Name: Mette",
        "Department: Web (from your own choice)",
        "Title: Content Lead, Marketing",
        "What each source says:",
        "• your own choice: Web ← this one counts",
        "• your Slack profile: Marketing",
        "• an import: Support",
        "Your own choice wins over your profile, and your profile over an import. /cocreate department <name> "
        "sets yours.",
    ]
    reply = run_as(engine, METTE, lambda ctx: run_command(ctx, parse_command("hvemerjeg", today=TODAY)))
    danish = plain(reply.texts[0], translator("da")).splitlines()
    assert danish[:5] == [
        "Navn: Mette",
        "Afdeling: Web (fra dit eget valg)",
        "Titel: Content Lead, Marketing",
        "Hvad hver kilde siger:",
        "• dit eget valg: Web ← denne tæller",
    ]
    assert "• din Slack-profil: Marketing" in danish


def test_whoami_of_someone_without_any_department(engine: Engine) -> None:
    lines = command(engine, "whoami").splitlines()
    assert "Department: none" in lines and "Title: none in your profile" in lines
    assert "• your Slack profile: nothing" in lines


def test_the_help_names_the_new_commands_in_both_languages() -> None:
    english = "\n".join(plain(text) for text in help_texts())
    danish = "\n".join(plain(text, translator("da")) for text in help_texts())
    assert "/cocreate department <name>" in english and "/cocreate whoami" in english
    assert "sætter den afdeling, du tæller med i rapporterne" in danish


def test_forgetting_someone_erases_every_source_and_the_title(engine: Engine) -> None:
    run_as(engine, METTE, lambda ctx: set_profile(ctx, department="Support"))
    from_profile(engine, "Marketing", "Content Lead")
    command(engine, "department Mettes hjørne")
    with transaction(engine) as session:
        workspace = session.exec(select(Workspace)).one()
        found = session.exec(select(Member).where(Member.user_id == METTE)).one()
        assert found.id is not None
        forget_member(Scope(session=session, workspace=workspace, policy=Policy(), now=NOW), member_id=found.id)
    with Session(engine) as session:
        row = session.exec(select(Member).where(Member.id == found.id)).one()
    assert (row.department, row.department_source, row.department_self, row.department_profile) == (
        None,
        None,
        None,
        None,
    )
    assert (row.department_import, row.title) == (None, None)
