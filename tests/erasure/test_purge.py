"""Deleting a workspace Cobot was removed from (``storage.purge``), on SQLite and PostgreSQL: the tick does it
``retention.uninstalled_days`` after the uninstall and not a day sooner (app.yaml read as `cobot tick` reads it, the
test clock moved), a workspace that came back is kept, the other workspace is untouched; `cobot purge-workspace`
lists what would go per table with ``--dry-run`` and changes nothing, then deletes it all; old once-only marks are
pruned once a day, never the ones an empty-slot warning or Slack's retries may still need."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from erasure_support import hand_in_and_approve, invite
from factories import NOW, OWNER, posted_request, row_counts, run_as, submit, volunteer
from sqlalchemy import Engine
from sqlmodel import Session, SQLModel, col, select

from bot.entrypoints.cli import main
from bot.runtime.cobot import create_app
from bot.runtime.config import ConfigError, load_settings
from bot.runtime.scheduler import run_tick
from handlers import workspaces
from handlers.calendar import mark_published
from handlers.skills import add_skills
from handlers.tracking import follow_link
from storage import purge
from storage.db import transaction
from storage.models import ContentRequest, ProcessedEvent, TrackedLink, Workspace
from storage.queries import record_event_once

ANNA = "U0ANNA"
OTHER = "T2"


def _workspace(engine: Engine, external_id: str = "T1") -> Workspace | None:
    with Session(engine) as session:
        return session.exec(select(Workspace).where(Workspace.external_id == external_id)).first()


def _workspace_id(engine: Engine, external_id: str = "T1") -> int:
    found = _workspace(engine, external_id)
    assert found is not None and found.id is not None
    return found.id


def _busy_workspace(engine: Engine) -> None:
    """T1 with a bit of everything (requests, places, drafts, reviews, skills, a guest, a publication, outbox rows),
    and T2 beside it with a request of its own."""
    number = posted_request(engine, title="Guide", needs=2)
    volunteer(engine, ANNA, number)
    run_as(engine, ANNA, lambda ctx: add_skills(ctx, skills=["seo", "video"]))
    hand_in_and_approve(engine, ANNA, number)
    guest = invite(engine, number, email="anne@example.com")
    submit(engine, guest, number)
    derived = posted_request(engine, title="Video of the guide")
    volunteer(engine, ANNA, derived)
    with transaction(engine) as session:  # repurposed from the guide: a request pointing at another of T1
        first = session.exec(select(ContentRequest.id).where(ContentRequest.number == number)).first()
        session.execute(
            sa.update(ContentRequest).where(col(ContentRequest.number) == derived).values(derived_from_id=first)
        )
    run_as(
        engine,
        OWNER,
        lambda ctx: mark_published(ctx, number=number, url="https://example.com/guide", force_reason="agreed"),
    )
    with transaction(engine) as session:  # a reader follows the piece's tracked link (a row without workspace_id)
        link = session.exec(select(TrackedLink)).one()
        followed = follow_link(
            session,
            code=link.code,
            method="GET",
            client="192.0.2.7",
            user_agent="Mozilla/5.0 (Macintosh) Firefox/133.0",
            now=NOW + timedelta(hours=2),
            timezone=ZoneInfo("Europe/Copenhagen"),
            secret=b"s" * 32,
        )
        assert followed is not None and followed.counted
    posted_request(engine, workspace=OTHER, title="Elsewhere")


def _uninstall(engine: Engine, at: datetime, external_id: str = "T1") -> None:
    with transaction(engine) as session:
        workspaces.deactivate_by_id(
            session=session, platform="slack", external_id=external_id, reason="app_uninstalled", now=at
        )


def _cobot(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, url: str, engine: Engine, yaml: str, at: datetime):  # type: ignore[no-untyped-def]
    config = tmp_path / "app.yaml"
    config.write_text(yaml, encoding="utf-8")
    monkeypatch.setenv("DATABASE_URL", url)
    clock = {"now": at}
    cobot = create_app(load_settings(config), clock=lambda: clock["now"], engine=engine)
    return cobot, clock


def test_every_table_with_workspace_rows_is_purged_children_first() -> None:
    names = [table.name for table in purge.workspace_tables()]
    with_workspace = {t.name for t in SQLModel.metadata.sorted_tables if "workspace_id" in t.c}
    through_them = {
        t.name
        for t in SQLModel.metadata.sorted_tables
        if any(key.column.table.name in with_workspace for key in t.foreign_keys)
    }
    assert set(names) == with_workspace | through_them and "workspace" not in names
    assert "link_click_seen" in names  # a tracked link's readers of the day, which have no workspace_id
    for table in purge.workspace_tables():
        for key in table.foreign_keys:
            parent = key.column.table.name
            if parent in names and parent != table.name:
                assert names.index(parent) > names.index(table.name), f"{table.name} before {parent}"


def test_the_tick_deletes_an_uninstalled_workspace_after_uninstalled_days_and_not_sooner(
    any_engine: Engine, any_database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _busy_workspace(any_engine)
    uninstalled_at = NOW + timedelta(days=1)
    _uninstall(any_engine, uninstalled_at)
    before = row_counts(any_engine)
    t2 = _workspace_id(any_engine, OTHER)
    with Session(any_engine) as session:
        other_before = purge.workspace_rows(session=session, workspace_id=t2)
    cobot, clock = _cobot(
        tmp_path, monkeypatch, any_database_url, any_engine, "retention:\n  uninstalled_days: 30\n", uninstalled_at
    )

    clock["now"] = uninstalled_at + timedelta(days=30) - timedelta(minutes=1)
    assert run_tick(cobot).workspaces_purged == []
    assert _workspace(any_engine) is not None

    clock["now"] = uninstalled_at + timedelta(days=30)
    t1 = _workspace_id(any_engine)
    assert run_tick(cobot, dry_run=True).workspaces_purged == [t1]
    assert _workspace(any_engine) is not None, "a dry run deletes nothing"

    assert run_tick(cobot).workspaces_purged == [t1]
    assert _workspace(any_engine) is None
    after = row_counts(any_engine)
    t2 = _workspace_id(any_engine, OTHER)
    with Session(any_engine) as session:
        left = {
            table.name: session.execute(
                sa.select(sa.func.count()).select_from(table).where(purge.of_workspace(table, t1))
            ).scalar_one()
            for table in purge.workspace_tables()
        }
        other_after = purge.workspace_rows(session=session, workspace_id=t2)
    assert set(left.values()) == {0}, "no row of the workspace is left anywhere"
    assert before["content_request"] > after["content_request"] and before["member_skill"] > 0
    assert after["member_skill"] == 0
    assert before["link_click_seen"] == 1 and after["link_click_seen"] == 0, "the reader's hash goes with its link"
    # T2 keeps what it had (its tick may have queued follow-ups and claimed the day's pruning since).
    assert other_after["content_request"] == other_before["content_request"]
    assert other_after["member"] == other_before["member"]
    assert run_tick(cobot).workspaces_purged == []


def test_a_workspace_that_came_back_is_kept_and_null_keeps_every_uninstalled_one(
    engine: Engine, sqlite_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    posted_request(engine)
    _uninstall(engine, NOW)
    with transaction(engine) as session:
        assert workspaces.reactivate(session=session, platform="slack", external_id="T1")
    cobot, clock = _cobot(tmp_path, monkeypatch, sqlite_url, engine, "retention:\n  uninstalled_days: 5\n", NOW)
    clock["now"] = NOW + timedelta(days=60)
    assert run_tick(cobot).workspaces_purged == []
    assert _workspace(engine) is not None

    _uninstall(engine, NOW + timedelta(days=60))
    cobot, clock = _cobot(tmp_path, monkeypatch, sqlite_url, engine, "retention:\n  uninstalled_days: null\n", NOW)
    clock["now"] = NOW + timedelta(days=3000)
    assert run_tick(cobot).workspaces_purged == []
    assert _workspace(engine) is not None


def test_retention_settings_are_checked(tmp_path: Path) -> None:
    config = tmp_path / "app.yaml"
    assert load_settings(None).behaviour.retention.uninstalled_days == 30
    for wrong, named in (
        ("retention:\n  uninstalled_days: -1\n", "uninstalled_days"),
        ("retention:\n  events_days: 1\n", "events_days"),
        ("retention:\n  uninstaled_days: 3\n", "uninstaled_days"),
    ):
        config.write_text(wrong, encoding="utf-8")
        with pytest.raises(ConfigError, match=named):
            load_settings(config)


def _marks(engine: Engine) -> set[str]:
    with Session(engine) as session:
        return set(session.exec(select(ProcessedEvent.event_id)).all())


def test_old_once_only_marks_are_pruned_once_a_day_and_recent_ones_kept(
    any_engine: Engine, any_database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    posted_request(any_engine)
    workspace_id = _workspace_id(any_engine)
    with transaction(any_engine) as session:
        for event_id, age in (("Ev-old", 31), ("Ev-recent", 29), ("Ev-just-now", 0)):
            record_event_once(
                session=session, workspace_id=workspace_id, event_id=event_id, now=NOW - timedelta(days=age)
            )
    cobot, clock = _cobot(
        tmp_path,
        monkeypatch,
        any_database_url,
        any_engine,
        "retention:\n  events_days: 30\nreminders:\n  empty_slot_warning_days: 7\n",
        NOW,
    )
    assert run_tick(cobot, dry_run=True).events_pruned == 1
    assert "Ev-old" in _marks(any_engine)
    assert run_tick(cobot).events_pruned == 1
    marks = _marks(any_engine)
    assert {"Ev-recent", "Ev-just-now"} <= marks and "Ev-old" not in marks

    # Once a day: a retried event from the last minutes is never at risk, and the next tick prunes nothing.
    with transaction(any_engine) as session:
        record_event_once(session=session, workspace_id=workspace_id, event_id="Ev-old-2", now=NOW - timedelta(days=40))
    clock["now"] = NOW + timedelta(minutes=1)
    assert run_tick(cobot).events_pruned == 0
    clock["now"] = NOW + timedelta(days=1)
    assert run_tick(cobot).events_pruned == 1
    assert "Ev-old-2" not in _marks(any_engine)


def test_marks_an_empty_slot_warning_still_needs_outlive_a_shorter_events_days(
    engine: Engine, sqlite_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    posted_request(engine)
    workspace_id = _workspace_id(engine)
    with transaction(engine) as session:
        record_event_once(
            session=session, workspace_id=workspace_id, event_id="emptyslot:C1:x", now=NOW - timedelta(days=5)
        )
    yaml = "retention:\n  events_days: 2\nreminders:\n  empty_slot_warning_days: 14\n"
    cobot, _ = _cobot(tmp_path, monkeypatch, sqlite_url, engine, yaml, NOW)
    run_tick(cobot)
    assert "emptyslot:C1:x" in _marks(engine), "the warning looks 14 days ahead, so its marks live longer"


# --- `cobot purge-workspace` -----------------------------------------------------------------------------------


@pytest.fixture
def cobot_args(any_database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    config = tmp_path / "app.yaml"
    config.write_text("permissions:\n  admins: [U0ADMIN]\n", encoding="utf-8")
    monkeypatch.setenv("DATABASE_URL", any_database_url)
    monkeypatch.delenv("COBOT_CONFIG", raising=False)
    return ["--config", str(config)]


def _run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(argv)
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out, err


def test_purge_workspace_dry_run_lists_rows_per_table_and_changes_nothing_then_purges(
    any_engine: Engine, cobot_args: list[str], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    _busy_workspace(any_engine)
    _uninstall(any_engine, NOW)
    t1 = _workspace_id(any_engine)
    with Session(any_engine) as session:
        expected = purge.workspace_rows(session=session, workspace_id=t1)
    before = row_counts(any_engine)

    code, out, _ = _run([*cobot_args, "purge-workspace", "T1", "--dry-run"], capsys)
    assert code == 0
    assert "Dry run: deleting workspace slack T1 would delete these rows:" in out
    for table, count in expected.items():
        assert f"• {table}: {count} row" in out
    assert "Nothing was deleted." in out and "still installed" not in out
    assert row_counts(any_engine) == before

    monkeypatch.setattr("sys.stdin", io.StringIO("no\n"))
    code, out, _ = _run([*cobot_args, "purge-workspace", "T1"], capsys)
    assert code == 1 and "Nothing was deleted." in out
    assert row_counts(any_engine) == before

    code, out, _ = _run([*cobot_args, "purge-workspace", "T1", "--yes"], capsys)
    assert code == 0
    assert f"Deleted workspace T1: {sum(expected.values())} rows." in out
    assert _workspace(any_engine) is None and _workspace(any_engine, OTHER) is not None


def test_purge_workspace_of_an_unknown_id_is_refused_politely_and_an_installed_one_is_pointed_out(
    any_engine: Engine, cobot_args: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    posted_request(any_engine)
    before = row_counts(any_engine)
    code, out, err = _run([*cobot_args, "purge-workspace", "T9", "--yes"], capsys)
    assert code == 1 and "Cobot knows no workspace T9" in err and "nothing was deleted" in err
    assert row_counts(any_engine) == before

    code, out, _ = _run([*cobot_args, "purge-workspace", "T1", "--dry-run"], capsys)
    assert code == 0 and "Cobot is still installed in T1" in out
    assert row_counts(any_engine) == before


def test_purge_workspace_as_a_real_process(engine: Engine, sqlite_url: str, tmp_path: Path) -> None:
    posted_request(engine)
    _uninstall(engine, NOW)
    done = subprocess.run(
        [sys.executable, "-m", "bot.entrypoints.cli", "purge-workspace", "T1", "--yes"],
        capture_output=True,
        text=True,
        env={**os.environ, "DATABASE_URL": sqlite_url, "COBOT_CONFIG": ""},
        cwd=tmp_path,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "Deleted workspace T1" in done.stdout
    with Session(engine) as session:
        assert session.exec(select(col(Workspace.id))).all() == []
