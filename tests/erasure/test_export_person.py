"""`cobot export-person <e-mail or user id> [--workspace] [--out]` through ``bot.entrypoints.cli.main`` on SQLite and
PostgreSQL: the JSON, parsed back, holds the person's profile, preferences, skills, invitations, places, drafts, the
reviews of them, sign-offs and the figures they recorded, with request numbers instead of row ids and no secrets;
``--out`` writes a file only its owner can read; someone unknown is refused politely; and after `cobot forget` the
export shows nothing that names them, while invitations are gone and contributions stay."""

from __future__ import annotations

import json
import stat
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from erasure_support import forget, hand_in_and_approve, invite, member
from factories import NOW, OWNER, posted_request, row_counts, run_as, volunteer
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from bot.entrypoints.cli import main
from handlers.calendar import mark_published
from handlers.outcomes import record_result
from handlers.skills import add_skills
from storage.db import transaction
from storage.models import Draft, Invitation, InvitationAnswer, Member, ResultSource, SignOff, Workspace

ANNA = "U0ANNA"


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


def _anna_helped(engine: Engine) -> int:
    """Anna: named, with an address and skills, invited to a request, on it, her draft approved and signed off, the
    piece published and a figure recorded by her; a second request she was invited to and declined."""
    number = posted_request(engine, title="Ten SEO tips", needs=2)
    other = posted_request(engine, title="Webinar")
    run_as(engine, ANNA, lambda ctx: add_skills(ctx, skills=["seo", "copywriting"]))
    with transaction(engine) as session:
        session.execute(
            sa.update(Member)
            .where(col(Member.user_id) == ANNA)
            .values(display_name="Anna Berg", email="Anna.Berg@Example.com", tz="Europe/Copenhagen")
        )
        anna = session.exec(select(Member).where(Member.user_id == ANNA)).one()
        workspace_id = anna.workspace_id
        for request_number, answer in ((number, InvitationAnswer.VOLUNTEERED), (other, InvitationAnswer.DECLINED)):
            request_id = session.execute(
                sa.text("SELECT id FROM content_request WHERE number = :n AND workspace_id = :w"),
                {"n": request_number, "w": workspace_id},
            ).scalar_one()
            session.add(
                Invitation(
                    workspace_id=workspace_id,
                    request_id=request_id,
                    member_id=anna.id,
                    asked_at=NOW,
                    answer=answer,
                    answered_at=NOW,
                )
            )
    volunteer(engine, ANNA, number)
    hand_in_and_approve(engine, ANNA, number)
    with transaction(engine) as session:
        draft = session.exec(select(Draft).where(Draft.member_id == member(engine, ANNA).id)).one()
        session.add(
            SignOff(
                workspace_id=draft.workspace_id,
                request_id=draft.request_id,
                draft_id=draft.id or 0,
                member_id=draft.member_id,
                version=draft.version,
                content_hash="0" * 64,
                byline="Anna Berg, SEO lead",
                places=["slot:LinkedIn"],
                signed_at=NOW,
            )
        )
    run_as(
        engine,
        OWNER,
        lambda ctx: mark_published(ctx, number=number, url="https://example.com/seo", force_reason="agreed"),
    )
    with transaction(engine) as session:
        anna = session.exec(select(Member).where(Member.user_id == ANNA)).one()
        record_result(
            session=session,
            workspace_id=anna.workspace_id,
            request_id=draft.request_id,
            metric="views",
            value=120,
            day=(NOW + timedelta(days=1)).date(),
            source=ResultSource.TYPED,
            now=NOW + timedelta(days=1),
            recorded_by_id=anna.id,
        )
    return number


def test_export_person_writes_everything_cobot_holds_about_them_as_json(
    any_engine: Engine, cobot_args: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    number = _anna_helped(any_engine)
    before = row_counts(any_engine)

    code, out, _ = _run([*cobot_args, "export-person", "anna.berg@example.com"], capsys)
    assert code == 0
    exported = json.loads(out)
    assert row_counts(any_engine) == before, "exporting changes nothing"

    assert exported["workspace"]["id"] == "T1"
    profile = exported["profile"]
    assert (profile["user_id"], profile["display_name"], profile["email"]) == (
        ANNA,
        "Anna Berg",
        "Anna.Berg@Example.com",
    )
    assert profile["tz"] == "Europe/Copenhagen" and profile["forgotten_at"] is None
    assert exported["preferences"]["reminders_enabled"] is True
    assert sorted(exported["skills"]) == ["copywriting", "seo"]
    assert sorted((i["request"], i["answer"]) for i in exported["invitations"]) == [
        (number, "volunteered"),
        (number + 1, "declined"),
    ]
    assert [(p["request"], p["state"], p["review_state"]) for p in exported["places"]] == [
        (number, "active", "approved")
    ]
    assert [d["request"] for d in exported["drafts"]] == [number]
    assert [r["decision"] for r in exported["reviews_received"]] == ["approved"]
    assert exported["sign_offs"][0]["byline"] == "Anna Berg, SEO lead"
    assert exported["sign_offs"][0]["places"] == ["slot:LinkedIn"]
    assert [(r["request"], r["metric"], r["value"]) for r in exported["results_recorded"]] == [(number, "views", 120)]
    assert exported["requests_owned"] == []
    # Nothing that would open something: no token hashes, no form keys, no file bytes, no row ids of other tables.
    text = json.dumps(exported)
    for secret in ("token_hash", "form_secret", "download_token", '"content"', '"workspace_id"'):
        assert secret not in text


def test_export_person_out_writes_a_file_only_its_owner_can_read_and_unknown_people_are_refused(
    any_engine: Engine, cobot_args: list[str], capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    _anna_helped(any_engine)
    out_file = tmp_path / "anna.json"
    code, out, _ = _run([*cobot_args, "export-person", ANNA, "--workspace", "T1", "--out", str(out_file)], capsys)
    assert code == 0
    assert f"Wrote what Cobot holds about {ANNA} in T1 to {out_file}" in out
    assert json.loads(out_file.read_text(encoding="utf-8"))["profile"]["user_id"] == ANNA
    assert stat.S_IMODE(out_file.stat().st_mode) == 0o600

    code, out, err = _run([*cobot_args, "export-person", "nobody@example.com"], capsys)
    assert code == 1 and out == ""
    assert "Cobot knows nobody by nobody@example.com" in err

    code, _, err = _run([*cobot_args, "export-person", ANNA, "--out", str(tmp_path / "no" / "such" / "x.json")], capsys)
    assert code == 1 and "Could not write" in err + _


def test_a_guest_can_be_exported_and_after_forget_nothing_names_them(
    any_engine: Engine, cobot_args: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    number = _anna_helped(any_engine)
    guest = invite(any_engine, number + 1, email="bo@example.com", name="Bo Berg")
    code, out, _ = _run([*cobot_args, "export-person", "bo@example.com"], capsys)
    assert code == 0
    exported = json.loads(out)
    assert exported["profile"]["is_guest"] is True and exported["profile"]["display_name"] == "Bo Berg"
    assert [link["request"] for link in exported["guest_links"]] == [number + 1]
    assert guest == exported["profile"]["user_id"]

    done = forget(any_engine, ANNA)
    assert done.invitations == 2
    with Session(any_engine) as session:
        assert session.exec(select(Invitation).where(Invitation.member_id == done.member_id)).all() == []
        assert session.exec(select(Draft).where(Draft.member_id == done.member_id)).all(), "contributions stay"
        workspace = session.exec(select(Workspace)).first()
        assert workspace is not None
    code, out, _ = _run([*cobot_args, "export-person", done.new_user_id], capsys)
    assert code == 0
    after = json.loads(out)
    text = json.dumps(after).casefold()
    for trace in (ANNA.casefold(), "anna berg", "anna.berg@example.com", "europe/copenhagen"):
        assert trace not in text
    assert after["skills"] == [] and after["invitations"] == []
    assert after["profile"]["forgotten_at"] is not None
    assert [d["request"] for d in after["drafts"]] == [number], "what they contributed stays, anonymously"
