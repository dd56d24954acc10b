"""Tests for ``guests.retention_days`` (``handlers.erasure.apply_retention``) on SQLite and PostgreSQL: a guest's
e-mail address is deleted that many days after the last request they took part in was published or closed, not a
day sooner; a guest still on a live request keeps theirs; a name that was only the address goes with it; running it
again changes nothing; 0 keeps every address; and the real tick (``bot.runtime.scheduler.run_tick``, with app.yaml
read as `cobot tick` reads it) does it, with ``--dry-run`` changing nothing."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from erasure_support import MAIL, everything_queued, hand_in_and_approve, invite, member_by_id
from factories import NOW, OWNER, WORKSPACE, posted_request, run_as
from sqlalchemy import Engine
from sqlmodel import Session, select

from bot.runtime.cobot import create_app
from bot.runtime.config import load_settings
from bot.runtime.scheduler import run_tick
from handlers.calendar import mark_published
from handlers.context import Policy, Scope
from handlers.erasure import apply_retention
from handlers.guests import guest_name
from handlers.requests import close_request
from storage.db import transaction
from storage.models import GuestLink, Member, Workspace

KEEP_30 = replace(MAIL, guest_retention_days=30)
# Retention counts from publishing, whatever the sign-off: these guests agreed outside Cobot.
AGREED = "agreed by phone"


def _publish(engine: Engine, number: int) -> None:
    run_as(
        engine, OWNER, lambda ctx: mark_published(ctx, number=number, url="https://example.com/x", force_reason=AGREED)
    )


def _retain(engine: Engine, at: datetime, policy: Policy = KEEP_30) -> int:
    with transaction(engine) as session:
        workspace = session.exec(select(Workspace).where(Workspace.external_id == WORKSPACE)).one()
        return apply_retention(Scope(session=session, workspace=workspace, policy=policy, now=at))


def _email(engine: Engine, member_id: int) -> str | None:
    return member_by_id(engine, member_id).email


def _guest_id(engine: Engine, email: str) -> int:
    with Session(engine) as session:
        found = session.exec(select(Member.id).where(Member.email == email)).one()
    assert found is not None
    return found


def test_an_address_goes_retention_days_after_the_last_request_passed_and_not_sooner(any_engine: Engine) -> None:
    first = posted_request(any_engine, title="Guide")
    guest = invite(any_engine, first, email="anne@example.com", name="Anne Holm")
    second = posted_request(any_engine, title="Video")
    invite(any_engine, second, email="anne@example.com")
    guest_id = _guest_id(any_engine, "anne@example.com")
    hand_in_and_approve(any_engine, guest, first)
    run_as(
        any_engine,
        OWNER,
        lambda ctx: mark_published(ctx, number=first, url="https://example.com/guide", force_reason=AGREED),
    )

    # The second request is still open: the address stays, however long ago the first was published.
    assert _retain(any_engine, NOW + timedelta(days=200)) == 0
    assert _email(any_engine, guest_id) == "anne@example.com"

    closed_at = NOW + timedelta(days=200)
    run_as(any_engine, OWNER, lambda ctx: close_request(ctx, number=second), now=closed_at)
    assert _retain(any_engine, closed_at + timedelta(days=30) - timedelta(minutes=1)) == 0
    assert _email(any_engine, guest_id) == "anne@example.com"

    assert _retain(any_engine, closed_at + timedelta(days=30)) == 1
    kept = member_by_id(any_engine, guest_id)
    assert kept.email is None and kept.display_name == "Anne Holm"  # the name the owner gave stays, as the credit
    assert guest_name(kept).params == {"name": "Anne Holm"}
    assert _retain(any_engine, closed_at + timedelta(days=31)) == 0  # done once; nothing more to do
    with Session(any_engine) as session:
        assert all(link.revoked_at is not None for link in session.exec(select(GuestLink)).all())
    assert "anne@example.com" not in json.dumps([m.payload for m in everything_queued(any_engine)])


def test_a_name_that_was_only_the_address_goes_with_it_and_zero_keeps_every_address(engine: Engine) -> None:
    number = posted_request(engine)
    guest = invite(engine, number, email="bo.berg@example.com", name=None)
    guest_id = _guest_id(engine, "bo.berg@example.com")
    assert member_by_id(engine, guest_id).display_name == "bo.berg"
    hand_in_and_approve(engine, guest, number)
    run_as(
        engine, OWNER, lambda ctx: mark_published(ctx, number=number, url="https://example.com/x", force_reason=AGREED)
    )
    later = NOW + timedelta(days=400)

    assert _retain(engine, later, replace(MAIL, guest_retention_days=0)) == 0
    assert _email(engine, guest_id) == "bo.berg@example.com"

    assert _retain(engine, later) == 1
    gone = member_by_id(engine, guest_id)
    assert (gone.email, gone.display_name) == (None, "")
    assert guest_name(gone).msgid == "a guest"


def test_the_tick_deletes_due_addresses_as_app_yaml_says_and_a_dry_run_changes_nothing(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, sqlite_url: str
) -> None:
    number = posted_request(engine)
    guest = invite(engine, number, email="anne@example.com")
    guest_id = _guest_id(engine, "anne@example.com")
    hand_in_and_approve(engine, guest, number)
    run_as(
        engine, OWNER, lambda ctx: mark_published(ctx, number=number, url="https://example.com/x", force_reason=AGREED)
    )
    config = tmp_path / "app.yaml"
    config.write_text("guests:\n  retention_days: 10\n", encoding="utf-8")
    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    settings = load_settings(config)
    assert settings.behaviour.guests.retention_days == 10

    cobot = create_app(settings, clock=lambda: NOW + timedelta(days=9), engine=engine)
    assert run_tick(cobot).addresses_erased == 0
    cobot.clock = lambda: NOW + timedelta(days=10)
    assert run_tick(cobot, dry_run=True).addresses_erased == 1
    assert _email(engine, guest_id) == "anne@example.com"
    assert run_tick(cobot).addresses_erased == 1
    assert _email(engine, guest_id) is None
    assert run_tick(cobot).addresses_erased == 0


def test_retention_days_null_keeps_addresses_and_a_negative_number_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bot.runtime.cobot import build_policy
    from bot.runtime.config import ConfigError, GuestSettings

    config = tmp_path / "app.yaml"
    config.write_text("guests:\n  retention_days: null\n", encoding="utf-8")
    assert build_policy(load_settings(config)).guest_retention_days == 0
    assert GuestSettings().retention_days == 90  # without a word in app.yaml
    config.write_text("guests:\n  retention_days: -1\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="retention_days"):
        load_settings(config)
