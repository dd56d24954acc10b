"""Unit tests for ``handlers.erasure.forget_member`` on a real migrated database: what a person's erasure removes
(profile, skills, a department only they had, feeds, Teams' record of them, messages not yet sent to them), what it
keeps (drafts, places with a draft, the counts in reports), how every surface then names them ("a former
contributor" on the Slack, Danish, Teams and console card, in `/cocreate show`, App Home, the digest and the report
workbook), that nothing is queued for them afterwards, and that a colleague who comes back starts as someone new."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from erasure_support import everything_queued, forget, member, member_by_id, to_user, unsent
from factories import DUE, NOW, OWNER, WORKSPACE, ctx_for, posted_request, run_as, snapshot, submit, volunteer
from openpyxl import load_workbook
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from bot.console.render import ConsoleRenderer, Style
from bot.exports.excel.report import write_report
from bot.runtime.i18n import translator
from bot.slack.blocks import home_view, request_card
from bot.slack.render import render
from bot.teams.cards import request_card as teams_card
from bot.teams.render import TeamsRenderer
from handlers import texts
from handlers.calendar import people_text
from handlers.context import Scope
from handlers.digest import build_digest
from handlers.feeds import new_feed_address
from handlers.followup import run_follow_ups
from handlers.home import build_home
from handlers.messages import NoticeMessage, decode
from handlers.reports import Report, ReportOrder
from handlers.requests import show_request
from handlers.results import FORGOTTEN_PREFIX, UserFacingError, t
from handlers.skills import add_skills
from storage import queries, teams_queries
from storage.db import transaction
from storage.models import CalendarFeed, Draft, Member, MemberSkill, OutboxMessage, TeamsUser, Volunteer, Workspace

ANNA, BO, CARL = "U0ANNA", "U0BO", "U0CARL"


def _profile(engine: Engine, user_id: str, **values: object) -> None:
    with Session(engine) as session, session.begin():
        session.execute(sa.update(Member).where(col(Member.user_id) == user_id).values(**values))


def _scope(session: Session, *, now=NOW) -> Scope:  # type: ignore[no-untyped-def]
    workspace = session.exec(select(Workspace).where(Workspace.external_id == WORKSPACE)).one()
    return Scope(session=session, workspace=workspace, policy=ctx_for(session, OWNER).policy, now=now)


def test_a_colleagues_profile_skills_feeds_and_teams_record_are_erased_and_their_draft_stays(engine: Engine) -> None:
    number = posted_request(engine, needs=2)
    volunteer(engine, ANNA, number)
    submit(engine, ANNA, number)
    run_as(engine, ANNA, lambda ctx: add_skills(ctx, skills=["SEO", "copywriting"]))
    _profile(
        engine,
        ANNA,
        display_name="Anna Berg",
        email="Anna@Example.com",
        tz="Europe/Copenhagen",
        locale="da-DK",
        language="da",
        department="Legal",
    )
    with transaction(engine) as session:
        ctx = ctx_for(session, ANNA)
        new_feed_address(ctx, member=ctx.actor, rotate=False)
        teams_queries.remember_user(
            session=session, workspace_id=ctx.workspace_id, user_id=ANNA, teams_id="29:anna", name="Anna", now=NOW
        )
    anna_id = member(engine, ANNA).id
    assert anna_id is not None

    forgotten = forget(engine, ANNA)

    assert forgotten.user_id == ANNA and forgotten.name == "Anna Berg" and forgotten.email == "Anna@Example.com"
    assert forgotten.skills == 2 and forgotten.feeds_revoked == 1 and forgotten.department == "Legal"
    assert forgotten.places_given_up == ()  # the place with a draft is a contribution: it stays
    row = member_by_id(engine, anna_id)
    assert row.user_id.startswith(FORGOTTEN_PREFIX) and row.forgotten_at == NOW
    assert (row.display_name, row.email, row.tz, row.locale, row.language, row.department) == (
        "",
        None,
        None,
        None,
        None,
        None,
    )
    assert not row.reminders_enabled and not row.invitations_enabled
    with Session(engine) as session:
        assert session.exec(select(MemberSkill).where(MemberSkill.member_id == anna_id)).all() == []
        assert all(f.revoked_at == NOW for f in session.exec(select(CalendarFeed)).all())
        assert session.exec(select(TeamsUser)).all() == []
        assert session.exec(select(Member).where(Member.user_id == ANNA)).first() is None
    shot = snapshot(engine, number)
    assert [d.member_id for d in shot.drafts] == [anna_id]  # the draft stays, by the same (now nameless) member
    assert [(p.member_id, p.state.value) for p in shot.places] == [(anna_id, "active")]


def test_a_department_others_share_is_kept_and_forgetting_twice_is_refused_with_nothing_changed(
    engine: Engine,
) -> None:
    number = posted_request(engine)
    volunteer(engine, ANNA, number)
    volunteer(engine, BO, number)
    _profile(engine, ANNA, department="Sales")
    _profile(engine, BO, department="Sales")

    forgotten = forget(engine, ANNA)

    assert forgotten.department is None
    anna = member_by_id(engine, forgotten.member_id)
    assert anna.department == "Sales"  # a team, not a person: the department's counts keep it
    with pytest.raises(UserFacingError) as refused:
        forget(engine, anna.user_id, now=NOW + timedelta(hours=1))
    assert refused.value.text.msgid.startswith("{person} was forgotten already")
    assert member_by_id(engine, forgotten.member_id).forgotten_at == NOW


def test_every_card_names_them_a_former_contributor_never_by_name_or_mention(engine: Engine) -> None:
    number = posted_request(engine, parts=["Intro", "Tips"])
    volunteer(engine, ANNA, number, "1")
    submit(engine, ANNA, number)
    volunteer(engine, BO, number, "2")
    _profile(engine, ANNA, display_name="Anna Berg")

    forget(engine, ANNA)

    view = snapshot(engine, number).card
    slack = json.dumps(request_card(view), ensure_ascii=False)
    assert "a former contributor 📝" in slack
    assert f"<@{ANNA}>" not in slack and "Anna Berg" not in slack and "<@forgotten:" not in slack
    assert f"<@{BO}>" in slack  # everyone else is still mentioned
    danish = json.dumps(request_card(view, translator("da")), ensure_ascii=False)
    assert "en tidligere bidragyder 📝" in danish
    teams = json.dumps(teams_card(view, TeamsRenderer()), ensure_ascii=False)
    assert "a former contributor" in teams and "forgotten:" not in teams and ANNA not in teams
    renderer = ConsoleRenderer(names=str, timezone=ZoneInfo("UTC"), style=Style(color=False), translators=translator)
    console = "\n".join(renderer.card(view, "en"))
    assert "a former contributor" in console and "forgotten:" not in console

    shown = run_as(engine, OWNER, lambda ctx: show_request(ctx, number=number))
    assert shown.card is not None and "a former contributor" in json.dumps(request_card(shown.card))


def test_a_forgotten_owner_is_a_former_contributor_on_the_card_and_their_volunteers_home_page(engine: Engine) -> None:
    number = posted_request(engine, owner=CARL)
    volunteer(engine, ANNA, number)
    submit(engine, ANNA, number)

    forget(engine, CARL)

    slack = json.dumps(request_card(snapshot(engine, number).card), ensure_ascii=False)
    assert "a former contributor" in slack and f"<@{CARL}>" not in slack
    # The forgotten owner's page is never shown again; their volunteer's still is, naming them the same way.
    with Session(engine) as session:
        scope = _scope(session)
        anna = queries.get_member(session=session, workspace_id=scope.workspace_id, user_id=ANNA)
        assert anna is not None
        page = json.dumps(home_view(build_home(scope, anna)), ensure_ascii=False)
    assert CARL not in page


def test_the_owners_home_page_shows_a_forgotten_authors_waiting_draft_without_naming_them(engine: Engine) -> None:
    number = posted_request(engine)
    volunteer(engine, ANNA, number)
    submit(engine, ANNA, number)

    forget(engine, ANNA)

    with Session(engine) as session:
        scope = _scope(session)
        owner = queries.get_member(session=session, workspace_id=scope.workspace_id, user_id=OWNER)
        assert owner is not None
        page = json.dumps(home_view(build_home(scope, owner)), ensure_ascii=False)
    assert "a former contributor" in page and ANNA not in page and "forgotten:" not in page


def test_the_digest_thanks_forgotten_helpers_once_and_by_no_name(engine: Engine) -> None:
    number = posted_request(engine, needs=3)
    for user in (ANNA, BO, CARL):
        volunteer(engine, user, number)
        submit(engine, user, number)

    forget(engine, ANNA)
    forget(engine, BO)

    with Session(engine) as session:
        parts = build_digest(_scope(session, now=NOW + timedelta(days=1)))
    shown = "\n".join(render(line.text) for part in parts for line in part.lines)
    assert f"<@{CARL}>, 2 former contributors" in shown
    assert ANNA not in shown and BO not in shown and "forgotten:" not in shown


def test_the_report_workbook_credits_a_former_contributor_and_keeps_the_counts(engine: Engine, tmp_path: Path) -> None:
    number = posted_request(engine, owner=CARL, needs=2)
    volunteer(engine, ANNA, number)
    submit(engine, ANNA, number)
    volunteer(engine, BO, number)
    _profile(engine, ANNA, display_name="Anna Berg")
    _profile(engine, CARL, display_name="Carl Dahl")

    forget(engine, ANNA)
    forget(engine, CARL)

    for language, former in (("en", "a former contributor"), ("da", "en tidligere bidragyder")):
        path = tmp_path / f"report-{language}.xlsx"
        with Session(engine) as session:
            write_report(Report(_scope(session), ReportOrder()), path, translate=translator(language))
        workbook = load_workbook(path)
        requests = list(workbook.worksheets[0].iter_rows(values_only=True))
        contributions = list(workbook.worksheets[1].iter_rows(values_only=True))
        assert requests[1][3] == former  # the owner
        assert [row[3] for row in contributions[1:]] == [former, BO]
        assert [row[6] for row in contributions[1:]] == [1, 0]  # Anna's draft still counts
        text = json.dumps([requests, contributions], default=str, ensure_ascii=False)
        assert "Anna Berg" not in text and "Carl Dahl" not in text and "forgotten:" not in text


def test_unsent_messages_to_them_are_dropped_and_nothing_is_queued_for_them_afterwards(any_engine: Engine) -> None:
    number = posted_request(any_engine, needs=1, owner=CARL)
    volunteer(any_engine, ANNA, number)
    volunteer(any_engine, BO, number)  # waits in line
    # Reminders fall due three days before the deadline: one is queued for Anna, not yet sent.
    three_days_before = NOW.replace(year=DUE.year, month=DUE.month, day=DUE.day) - timedelta(days=3)
    with transaction(any_engine) as session:
        run_follow_ups(_scope(session, now=three_days_before))
    assert to_user(unsent(any_engine), ANNA), "a reminder to Anna waits"

    forgotten = forget(any_engine, ANNA, now=three_days_before)

    assert forgotten.places_given_up == (number,) and forgotten.messages_dropped >= 1
    new_id = forgotten.new_user_id
    assert to_user(unsent(any_engine), ANNA) == [] and to_user(unsent(any_engine), new_id) == []
    # Her place went to Bo, who is told; the owner hears that the place is free, without a name.
    assert [p.state.value for p in snapshot(any_engine, number).places] == ["withdrawn", "active"]
    assert any("A place opened up" in json.dumps(m.payload) for m in to_user(unsent(any_engine), BO))
    owner_notes = [json.dumps(m.payload) for m in to_user(unsent(any_engine), CARL)]
    assert any("personal data was erased" in note for note in owner_notes)
    # No later pass writes to her: not on the deadline, not when she would be late.
    last = max(m.id or 0 for m in everything_queued(any_engine))
    for days in (2, 3, 4):
        with transaction(any_engine) as session:
            run_follow_ups(_scope(session, now=three_days_before + timedelta(days=days)))
    later = [m for m in everything_queued(any_engine) if (m.id or 0) > last]
    assert later and to_user(later, new_id) == [] and to_user(later, ANNA) == []
    # And the outbox keeps nothing that names her by her old id.
    with Session(any_engine) as session:
        rows = session.exec(select(OutboxMessage)).all()
        assert all(ANNA not in json.dumps(r.payload) and ANNA not in r.dedupe_key for r in rows)


def test_a_forgotten_owner_is_not_nudged_about_a_draft_waiting_for_review(engine: Engine) -> None:
    number = posted_request(engine, owner=CARL)
    volunteer(engine, ANNA, number)
    submit(engine, ANNA, number)

    forgotten = forget(engine, CARL)

    with transaction(engine) as session:
        nudges = run_follow_ups(_scope(session, now=NOW + timedelta(days=5)))
    assert nudges.queued == [] or all(
        (m.payload.get("to") or {}).get("user") not in (CARL, forgotten.new_user_id) for m in nudges.queued
    )
    assert to_user(unsent(engine), CARL) == [] and to_user(unsent(engine), forgotten.new_user_id) == []


def test_a_colleague_who_comes_back_starts_as_someone_new_and_their_old_work_stays_anonymous(engine: Engine) -> None:
    number = posted_request(engine, needs=2)
    volunteer(engine, ANNA, number)
    submit(engine, ANNA, number)
    forgotten = forget(engine, ANNA)

    volunteer(engine, ANNA, posted_request(engine, title="Another one"))

    back = member(engine, ANNA)
    assert back.id != forgotten.member_id and back.forgotten_at is None
    # Met as someone new: her profile is looked up again, although it was once before under the same id.
    looked_up = [m.payload["user_id"] for m in unsent(engine) if m.kind == "profile"]
    assert looked_up.count(ANNA) == 1 and forgotten.new_user_id not in looked_up
    with Session(engine) as session:
        [draft] = session.exec(select(Draft)).all()
        assert draft.member_id == forgotten.member_id
        places = session.exec(select(Volunteer).where(Volunteer.member_id == back.id)).all()
        assert len(places) == 1
    view = snapshot(engine, number).card
    assert f"<@{ANNA}>" not in json.dumps(request_card(view))


def test_a_message_waiting_to_go_that_names_them_says_a_former_contributor_at_the_start_of_its_sentence(
    engine: Engine,
) -> None:
    number = posted_request(engine, needs=2)
    volunteer(engine, ANNA, number)
    submit(engine, ANNA, number)  # the owner's DM "@Anna handed in version 1…" waits in the outbox

    forget(engine, ANNA)

    [waiting] = [m for m in to_user(unsent(engine), OWNER) if "handed in" in json.dumps(m.payload)]
    notice = decode(waiting.kind, waiting.payload)
    assert isinstance(notice, NoticeMessage)
    english = render(notice.notice.text)
    danish = render(notice.notice.text, translator("da"))
    assert english.startswith("A former contributor handed in version 1 of a draft for #1")
    assert danish.startswith("En tidligere bidragyder har afleveret version 1")
    assert ANNA not in english + danish and "forgotten:" not in english + danish
    # Inside a sentence it stays in lower case.
    thanks = render(t(texts.DIGEST_HELPERS, people=people_text([forgotten_id(engine)])))
    assert "a former contributor" in thanks and "A former" not in thanks


def forgotten_id(engine: Engine) -> str:
    with Session(engine) as session:
        return session.exec(select(Member.user_id).where(col(Member.forgotten_at).is_not(None))).one()
