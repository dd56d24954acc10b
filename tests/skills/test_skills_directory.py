"""The skills directory with the handlers called directly on a real migrated database: adding, removing and
listing your skills (normalised, with synonyms), asking who knows a skill, the limits, and the command grammar."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from factories import row_counts, run_as
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from bot.runtime.config import DEFAULT_SKILL_SYNONYMS
from handlers import texts
from handlers.calendar import people_text
from handlers.commands import (
    AsksSetting,
    Help,
    Invitations,
    InvitationSetting,
    Invite,
    Skills,
    Who,
    parse_command,
    run_command,
)
from handlers.context import Ctx, Policy
from handlers.results import Reply, Text, UserFacingError, t
from handlers.skills import SKILL_LIMIT, SKILLS_PER_MEMBER, WHO_LIMIT, add_skills, list_skills, remove_skills, who_knows
from storage.models import Member, MemberSkill

POLICY = Policy(skill_synonyms=tuple(sorted(DEFAULT_SKILL_SYNONYMS.items())))
TODAY = date(2026, 11, 23)
ANNA, BO, CARL = "U0ANNA", "U0BO", "U0CARL"


def act(engine: Engine, user: str, action: Callable[[Ctx], Reply], *, workspace: str = "T1") -> Reply:
    return run_as(engine, user, action, policy=POLICY, workspace=workspace)


def add(engine: Engine, user: str, *skills: str, workspace: str = "T1") -> Reply:
    return act(engine, user, lambda ctx: add_skills(ctx, skills=skills), workspace=workspace)


def refused(engine: Engine, user: str, action: Callable[[Ctx], Reply]) -> Text:
    with pytest.raises(UserFacingError) as caught:
        act(engine, user, action)
    return caught.value.text


def stored(engine: Engine, user: str) -> list[str]:
    with Session(engine) as session:
        return list(
            session.exec(
                select(MemberSkill.skill)
                .join(Member, col(Member.id) == col(MemberSkill.member_id))
                .where(Member.user_id == user)
                .order_by(col(MemberSkill.skill))
            ).all()
        )


def test_adding_skills_stores_them_normalised_once_and_says_what_changed(engine: Engine) -> None:
    reply = add(engine, ANNA, "SEO", " søgemaskineoptimering ", "Video.", "video")
    assert reply.texts == (
        t(texts.SKILLS_ADDED, added="seo, video"),
        t(texts.SKILLS_YOURS, count=2, skills="seo, video"),
    )
    assert stored(engine, ANNA) == ["seo", "video"]

    again = add(engine, ANNA, "Search Engine Optimisation", "E-Mail", "Æblemost")
    assert again.texts == (
        t(texts.SKILLS_ADDED, added="email, æblemost"),
        t(texts.SKILLS_ALREADY_THERE, skills="seo"),
        t(texts.SKILLS_YOURS, count=4, skills="email, seo, video, æblemost"),
    )
    assert stored(engine, ANNA) == ["email", "seo", "video", "æblemost"]
    assert act(engine, ANNA, list_skills).texts == (
        t(texts.SKILLS_YOURS, count=4, skills="email, seo, video, æblemost"),
    )


def test_removing_skills_takes_the_same_normal_form_and_names_what_was_not_there(engine: Engine) -> None:
    add(engine, ANNA, "SEO", "video", "writing")
    reply = act(engine, ANNA, lambda ctx: remove_skills(ctx, skills=("VIDEO!", "Pay per click")))
    assert reply.texts == (
        t(texts.SKILLS_REMOVED, removed="video"),
        t(texts.SKILLS_NOT_THERE, skills="pay per click"),
        t(texts.SKILLS_YOURS, count=2, skills="seo, writing"),
    )
    last = act(engine, ANNA, lambda ctx: remove_skills(ctx, skills=("søgemaskineoptimering", "writing")))
    assert last.texts == (t(texts.SKILLS_REMOVED, removed="seo, writing"), t(texts.SKILLS_NONE))
    assert stored(engine, ANNA) == []
    assert act(engine, ANNA, list_skills).texts == (t(texts.SKILLS_NONE),)


def test_who_knows_a_skill_finds_it_by_any_of_its_names_in_this_workspace_only(engine: Engine) -> None:
    add(engine, ANNA, "SEO")
    add(engine, BO, "search engine optimisation", "video")
    add(engine, CARL, "video")
    add(engine, "U0ELSEWHERE", "seo", workspace="T2")

    reply = act(engine, CARL, lambda ctx: who_knows(ctx, skill="Søgemaskineoptimering"))
    assert reply.texts == (t(texts.WHO_KNOWS, skill="seo", count=2, people=people_text([ANNA, BO])),)

    nobody = act(engine, CARL, lambda ctx: who_knows(ctx, skill="Videos"))
    assert nobody.texts == (t(texts.WHO_NOBODY, skill="videos"), t(texts.WHO_SIMILAR, skills="video"))
    unknown = act(engine, CARL, lambda ctx: who_knows(ctx, skill="podcasting"))
    assert unknown.texts == (t(texts.WHO_NOBODY, skill="podcasting"),)


def test_who_names_at_most_a_page_of_people_and_counts_the_rest(engine: Engine) -> None:
    for n in range(WHO_LIMIT + 3):
        add(engine, f"U{n:04d}", "seo")
    reply = act(engine, ANNA, lambda ctx: who_knows(ctx, skill="seo"))
    assert reply.texts[0].params["count"] == WHO_LIMIT + 3
    people = reply.texts[0].params["people"]
    assert isinstance(people, Text) and len(people.params) == WHO_LIMIT
    assert reply.texts[1] == t(texts.WHO_KNOWS_MORE, count=3)


def test_too_long_blank_or_too_many_skills_are_refused_and_nothing_is_written(engine: Engine) -> None:
    add(engine, ANNA, "seo")
    before = row_counts(engine)
    long_skill = "x" * (SKILL_LIMIT + 1)
    assert refused(engine, ANNA, lambda ctx: add_skills(ctx, skills=("video", long_skill))) == t(
        texts.SKILL_TOO_LONG, limit=SKILL_LIMIT, value="x" * SKILL_LIMIT + "…"
    )
    assert refused(engine, ANNA, lambda ctx: add_skills(ctx, skills=(" ... ", "**"))) == t(texts.USAGE_SKILLS_ADD)
    assert refused(engine, ANNA, lambda ctx: remove_skills(ctx, skills=("",))) == t(texts.USAGE_SKILLS_REMOVE)
    many = tuple(f"skill {n}" for n in range(SKILLS_PER_MEMBER))
    assert refused(engine, ANNA, lambda ctx: add_skills(ctx, skills=many)) == t(
        texts.TOO_MANY_SKILLS, limit=SKILLS_PER_MEMBER, count=SKILLS_PER_MEMBER + 1
    )
    assert refused(engine, ANNA, lambda ctx: who_knows(ctx, skill="  ()  ")) == t(texts.USAGE_WHO)
    assert row_counts(engine) == before
    assert stored(engine, ANNA) == ["seo"]


@pytest.mark.parametrize(
    ("typed", "parsed"),
    [
        ("skills", Skills("list")),
        ("SKILLS add SEO, video", Skills("add", ("SEO", " video"))),
        ("skills remove video", Skills("remove", ("video",))),
        (
            "skills add <https://seo.example|SEO tools>; &lt;video&gt;",
            Skills("add", ("https://seo.example", " <video>")),
        ),
        ("who Søgemaskineoptimering", Who("Søgemaskineoptimering")),
        ("who  content   marketing ", Who("content   marketing")),
        ("invite #12", Invite(12)),
        ("invitations 12", Invitations(12)),
        ("invitations off", InvitationSetting("off")),
        ("invitations ON", InvitationSetting("ON")),
        ("asks 2", AsksSetting("2")),
        ("ASKS never", AsksSetting("never")),
    ],
)
def test_the_skills_and_invitation_commands_parse(typed: str, parsed: object) -> None:
    assert parse_command(typed, today=TODAY) == parsed


@pytest.mark.parametrize(
    ("typed", "usage"),
    [
        ("skills list", texts.USAGE_SKILLS),
        ("skills add", texts.USAGE_SKILLS_ADD),
        ("skills add , ;", texts.USAGE_SKILLS_ADD),
        ("skills remove", texts.USAGE_SKILLS_REMOVE),
        ("who", texts.USAGE_WHO),
        ("invite", texts.USAGE_INVITE),
        ("invitations", texts.USAGE_INVITATIONS),
    ],
)
def test_incomplete_skills_and_invitation_commands_get_a_usage_hint(typed: str, usage: str) -> None:
    with pytest.raises(UserFacingError) as caught:
        parse_command(typed, today=TODAY)
    assert caught.value.text == t(usage)


def test_help_mentions_the_skills_directory(engine: Engine) -> None:
    reply = act(engine, ANNA, lambda ctx: run_command(ctx, Help()))
    assert t(texts.HELP_SKILLS_DIRECTORY) in reply.texts
    assert (
        "/cocreate who <skill>" in texts.HELP_SKILLS_DIRECTORY
        and "/cocreate invite <id>" in texts.HELP_SKILLS_DIRECTORY
        and "/cocreate asks 2|never|default" in texts.HELP_SKILLS_DIRECTORY
    )


def test_the_commands_run_the_skills_handlers(engine: Engine) -> None:
    reply = act(engine, ANNA, lambda ctx: run_command(ctx, parse_command("skills add SEO, video", today=TODAY)))
    assert reply.texts[0] == t(texts.SKILLS_ADDED, added="seo, video")
    reply = act(engine, BO, lambda ctx: run_command(ctx, parse_command("who seo", today=TODAY)))
    assert reply.texts == (t(texts.WHO_KNOWS, skill="seo", count=1, people=people_text([ANNA])),)
    reply = act(engine, ANNA, lambda ctx: run_command(ctx, parse_command("skills remove seo", today=TODAY)))
    assert reply.texts[0] == t(texts.SKILLS_REMOVED, removed="seo")
