"""`cobot forget <e-mail or user id> [--workspace] [--yes]` as an admin types it, through ``bot.entrypoints.cli.main``
(and once as a real process) against a real SQLite database file: it finds the person by address without case or
by user id, shows what it will erase, asks first unless --yes (anything but yes erases nothing), says which
workspace to pick when the person is in several, and answers someone unknown politely with exit code 1, the
database untouched. Every refusal is a message and an exit code, never a traceback."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa
from erasure_support import member
from factories import posted_request, row_counts, run_as, submit
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from bot.entrypoints.cli import build_parser, main
from handlers.volunteering import volunteer_for_request
from storage.models import Member, Workspace

ANNA = "U0ANNA"


@pytest.fixture
def cobot(sqlite_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """``cobot --config …`` on the test database; append the command and its arguments."""
    config = tmp_path / "app.yaml"
    config.write_text("permissions:\n  admins: [U0ADMIN]\n", encoding="utf-8")
    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    monkeypatch.delenv("COBOT_CONFIG", raising=False)
    return ["--config", str(config)]


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(argv)
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out, err


def _anna(engine: Engine, *, workspace: str = "T1") -> int:
    number = posted_request(engine, workspace=workspace, needs=2)
    run_as(engine, ANNA, lambda ctx: volunteer_for_request(ctx, number=number), workspace=workspace)
    with Session(engine) as session, session.begin():
        session.execute(
            sa.update(Member)
            .where(col(Member.user_id) == ANNA)
            .values(display_name="Anna Berg", email="Anna.Berg@Example.com")
        )
    return number


def test_an_unknown_person_is_answered_politely_with_exit_code_1_and_nothing_changes(
    engine: Engine, cobot: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    _anna(engine)
    before = row_counts(engine)

    code, out, err = run([*cobot, "forget", "nobody@example.com", "--yes"], capsys)

    assert code == 1 and out == ""
    assert err.strip() == (
        "Cobot knows nobody by nobody@example.com. Give their e-mail address or their platform user id "
        "(e.g. U0123ABC); nothing was changed."
    )
    assert row_counts(engine) == before


def test_forget_by_address_in_any_case_shows_what_goes_and_erases_it_with_yes(
    engine: Engine, cobot: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    number = _anna(engine)

    code, out, _ = run([*cobot, "forget", "anna.berg@EXAMPLE.com", "--yes"], capsys)

    assert code == 0
    lines = out.splitlines()
    assert lines[0] == f"This erases the personal data of Anna Berg ({ANNA}) in T1:"
    assert "• 1 place on an open request (given up; its owner is told)" in lines
    assert lines[-1] == f"Erased. {ANNA} in T1 is now “a former contributor”."
    with Session(engine) as session:
        assert session.exec(select(Member).where(Member.user_id == ANNA)).first() is None
        [forgotten] = session.exec(select(Member).where(col(Member.forgotten_at).is_not(None))).all()
        assert forgotten.email is None and forgotten.display_name == ""
    assert number


def test_without_yes_it_asks_and_anything_but_yes_erases_nothing(
    engine: Engine, cobot: list[str], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    number = _anna(engine)
    submit(engine, ANNA, number)
    before = row_counts(engine)

    monkeypatch.setattr(sys, "stdin", io.StringIO("no\n"))
    code, out, _ = run([*cobot, "forget", ANNA], capsys)

    assert code == 1
    assert "Erase it? Type yes to go ahead: " in out and out.rstrip().endswith("Nothing was erased.")
    assert row_counts(engine) == before and member(engine, ANNA).email == "Anna.Berg@Example.com"

    monkeypatch.setattr(sys, "stdin", io.StringIO(""))  # no terminal at all: the same
    assert run([*cobot, "forget", ANNA], capsys)[0] == 1
    assert row_counts(engine) == before

    monkeypatch.setattr(sys, "stdin", io.StringIO("yes\n"))
    code, out, _ = run([*cobot, "forget", ANNA], capsys)
    assert code == 0 and "Erased." in out
    # Her draft stayed, so her place did too: nothing was given up.
    assert "place on an open request" not in out


def test_someone_in_several_workspaces_needs_workspace_and_only_that_one_is_erased(
    engine: Engine, cobot: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    _anna(engine, workspace="T1")
    _anna(engine, workspace="T2")
    before = row_counts(engine)

    code, _, err = run([*cobot, "forget", ANNA, "--yes"], capsys)
    assert code == 1
    assert (
        err.strip()
        == f"{ANNA} is known in several workspaces (T1, T2); pick one with --workspace. Nothing was changed."
    )
    assert row_counts(engine) == before

    code, out, _ = run([*cobot, "forget", ANNA, "--workspace", "T2", "--yes"], capsys)
    assert code == 0 and f"{ANNA} in T2" in out
    with Session(engine) as session:
        left = session.exec(
            select(Workspace.external_id)
            .join(Member, col(Member.workspace_id) == col(Workspace.id))
            .where(Member.user_id == ANNA)
        ).all()
    assert left == ["T1"]

    code, _, err = run([*cobot, "forget", ANNA, "--workspace", "T9", "--yes"], capsys)
    assert code == 1 and "Cobot knows nobody by U0ANNA" in err


def test_forgetting_someone_forgotten_already_says_so(
    engine: Engine, cobot: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    _anna(engine)
    assert run([*cobot, "forget", ANNA, "--yes"], capsys)[0] == 0
    with Session(engine) as session:
        new_id = session.exec(select(Member.user_id).where(col(Member.forgotten_at).is_not(None))).one()

    code, out, _ = run([*cobot, "forget", new_id, "--yes"], capsys)

    assert code == 0 and out.startswith(f"{new_id} was forgotten already, on ")


def test_help_names_forget_and_its_options(capsys: pytest.CaptureFixture[str]) -> None:
    assert "erase one person's personal data" in build_parser().format_help()
    with pytest.raises(SystemExit):
        main(["forget", "--help"])
    text = capsys.readouterr().out
    assert "--workspace" in text and "--yes" in text and "their e-mail address, or their platform user id" in text


def test_the_real_command_erases_in_its_own_process(engine: Engine, sqlite_url: str, tmp_path: Path) -> None:
    _anna(engine)
    done = subprocess.run(
        [sys.executable, "-m", "bot.entrypoints.cli", "forget", "ANNA.BERG@example.com", "--yes"],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
        env={**os.environ, "DATABASE_URL": sqlite_url, "COBOT_CONFIG": ""},
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert f"Erased. {ANNA} in T1" in done.stdout and "Traceback" not in done.stderr
    assert member(engine, "U0OWNER").forgotten_at is None
    with Session(engine) as session:
        assert session.exec(select(Member).where(Member.user_id == ANNA)).first() is None

    missing = subprocess.run(
        [sys.executable, "-m", "bot.entrypoints.cli", "forget", ANNA, "--yes"],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
        env={**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path}/nothing-here.db", "COBOT_CONFIG": ""},
        check=False,
    )
    assert missing.returncode == 1 and "there is no database at" in missing.stderr
    assert not (tmp_path / "nothing-here.db").exists()


def test_someone_still_named_in_app_yaml_is_pointed_out_after_the_erasure(
    engine: Engine, cobot: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    run_as(engine, "U0ADMIN", lambda ctx: None)

    code, out, _ = run([*cobot, "forget", "U0ADMIN", "--yes"], capsys)

    assert code == 0
    assert out.splitlines()[-1] == "U0ADMIN is still named in app.yaml (permissions.admins); take it out there too."
