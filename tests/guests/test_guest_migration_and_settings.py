"""Storage and settings tests for guests: migration 0012 upgrades a database in place (every existing member is no
guest, the links table is there and refuses a second row with the same token hash), and app.yaml's `guests:`
section and SMTP_URL reach the handlers' policy."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic import command
from sqlalchemy.exc import IntegrityError

from bot.runtime.cobot import build_policy
from bot.runtime.config import ConfigError, load_settings
from storage.db import make_engine
from storage.migrate import alembic_config, current_revision, head_revision, upgrade_to_head

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def test_upgrade_from_0011_keeps_members_as_colleagues_and_adds_guest_links(any_database_url: str) -> None:
    engine = make_engine(any_database_url)
    try:
        with engine.connect() as connection, connection.begin():
            command.upgrade(alembic_config(connection=connection), "0011_posted_notices")
        with engine.begin() as connection:
            connection.execute(
                sa.text(
                    "INSERT INTO workspace (platform, external_id, name, last_request_number, created_at) "
                    "VALUES ('slack', 'T1', 'Acme', 1, :now)"
                ),
                {"now": NOW},
            )
            connection.execute(
                sa.text(
                    "INSERT INTO member (workspace_id, user_id, display_name, created_at) "
                    "VALUES (1, 'U1', 'Mette Ørsted', :now)"
                ),
                {"now": NOW},
            )
            connection.execute(
                sa.text(
                    "INSERT INTO content_request (workspace_id, number, title, brief, wanted_skills, "
                    "volunteers_needed, draft_deadline, owner_id, status, created_at, updated_at) "
                    "VALUES (1, 1, 'Tips', '', '[]', 1, '2026-12-10', 1, 'open', :now, :now)"
                ),
                {"now": NOW},
            )

        upgrade_to_head(engine)

        assert current_revision(engine) == head_revision()
        with engine.connect() as connection:
            assert connection.execute(sa.text("SELECT user_id, is_guest FROM member")).all() == [("U1", False)]
        link = {"hash": "a" * 64, "now": NOW}
        insert = sa.text(
            "INSERT INTO guest_link (workspace_id, member_id, request_id, token_hash, created_at, expires_at) "
            "VALUES (1, 1, 1, :hash, :now, :now)"
        )
        with engine.begin() as connection:
            connection.execute(insert, link)
        with pytest.raises(IntegrityError), engine.begin() as connection:
            connection.execute(insert, link)

        # One guest per address in a workspace; a colleague with the same address in their profile is no guest.
        member = sa.text(
            "INSERT INTO member (workspace_id, user_id, display_name, email, is_guest, created_at) "
            "VALUES (1, :user, 'Anne Holm', 'anne@example.com', :guest, :now)"
        )
        with engine.begin() as connection:
            connection.execute(member, {"user": "U2", "guest": False, "now": NOW})
            connection.execute(member, {"user": "guest:1", "guest": True, "now": NOW})
        with pytest.raises(IntegrityError), engine.begin() as connection:
            connection.execute(member, {"user": "guest:2", "guest": True, "now": NOW})
    finally:
        engine.dispose()


def test_guest_settings_default_and_reach_the_policy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "elsewhere").mkdir()
    monkeypatch.chdir(tmp_path / "elsewhere")  # no ./app.yaml: the built-in defaults
    config = tmp_path / "app.yaml"
    config.write_text("guests:\n  link_days: 14\n  open_within_days: 3\n  sender: {address: cobot@example.com}\n")

    without_mail = build_policy(load_settings(config, environ={}))
    with_mail = build_policy(load_settings(config, environ={"SMTP_URL": "smtp://mail.example.com:25"}))

    assert (without_mail.guest_link_days, without_mail.guest_open_within_days) == (14, 3)
    assert without_mail.email_configured is False and with_mail.email_configured is True
    defaults = build_policy(load_settings(None, environ={}))
    assert (defaults.guest_link_days, defaults.guest_open_within_days) == (30, 7)


@pytest.mark.parametrize(
    ("yaml_text", "problem"),
    [
        ("guests:\n  link_days: 0\n", "guests.link_days"),
        ("guests:\n  link_days: 5\n  open_within_days: 7\n", "open_within_days (7) is longer than link_days (5)"),
        ("guests:\n  sender: {address: 'Cobot <cobot@example.com>'}\n", "is not one plain e-mail address"),
        ("guests:\n  days: 3\n", "guests.days"),
    ],
)
def test_wrong_guest_settings_are_refused_with_one_line_naming_them(
    tmp_path: Path, yaml_text: str, problem: str
) -> None:
    config = tmp_path / "app.yaml"
    config.write_text(yaml_text)
    with pytest.raises(ConfigError, match=problem.replace("(", r"\(").replace(")", r"\)")):
        load_settings(config, environ={})
