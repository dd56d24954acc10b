"""The skills directory: people list what they are good at, and anyone can ask who knows a skill.

Skills are compared in one normal form, so "SEO", " seo. " and "Søgemaskineoptimering" (with a synonym from
``app.yaml``) are the same skill: Unicode NFC, case-folded, trimmed, inner spaces collapsed, and stripped of
surrounding punctuation (quotes, brackets, bullets, sentence marks; not the dot of ".NET" or the "#" of "C#").
Danish letters stay as they are. Synonyms map a whole skill to another ("search engine optimisation" → "seo"),
once; they are normalised the same way, so ``app.yaml`` may write them in any case.
"""

from __future__ import annotations

import difflib
import unicodedata
from collections.abc import Iterable, Sequence
from functools import lru_cache

from sqlmodel import col, select

from handlers import texts
from handlers.calendar import people_text
from handlers.context import Ctx
from handlers.results import Reply, Text, UserFacingError, t
from storage import queries
from storage.models import Member, MemberSkill

SKILL_LIMIT = 60  # characters of one skill (the column holds 100; longer is a sentence, not a skill)
SKILLS_PER_MEMBER = 30
WHO_LIMIT = 40  # people named in one answer to `who`
SIMILAR_LIMIT = 5

# What may surround a skill without being part of it. Leading: opening brackets and quotes, dashes, bullets,
# hashtags, Slack's bold and italic marks. Trailing: closing brackets and quotes, dashes, sentence marks.
_LEADING_CATEGORIES = frozenset({"Ps", "Pi", "Pf", "Pd", "Pc"})
_TRAILING_CATEGORIES = frozenset({"Pe", "Pi", "Pf", "Pd", "Pc"})
_LEADING_MARKS = frozenset("\"'*#•·,;:!?")
_TRAILING_MARKS = frozenset("\"'*.,;:!?…")


def clean_skill(raw: str) -> str:
    """A skill in its comparable form, without synonyms: NFC, case-folded, trimmed of spaces and surrounding
    punctuation, invisible format characters dropped, inner whitespace collapsed to single spaces."""
    text = unicodedata.normalize("NFC", unicodedata.normalize("NFC", raw).casefold())
    # Invisible format characters (soft hyphens, zero-width spaces) come along when text is pasted.
    text = " ".join("".join(ch for ch in text if unicodedata.category(ch) != "Cf").split())
    start, end = 0, len(text)
    while start < end and (text[start].isspace() or _strippable(text[start], leading=True)):
        start += 1
    while end > start and (text[end - 1].isspace() or _strippable(text[end - 1], leading=False)):
        end -= 1
    return " ".join(text[start:end].split())


def _strippable(char: str, *, leading: bool) -> bool:
    category = unicodedata.category(char)
    if leading:
        return category in _LEADING_CATEGORIES or char in _LEADING_MARKS
    return category in _TRAILING_CATEGORIES or char in _TRAILING_MARKS


@lru_cache(maxsize=32)
def synonym_table(synonyms: tuple[tuple[str, str], ...]) -> dict[str, str]:
    """The synonyms with both sides in clean form (built once per policy)."""
    return {clean_skill(alias): clean_skill(skill) for alias, skill in synonyms}


def normalise_skill(raw: str, *, synonyms: tuple[tuple[str, str], ...] = ()) -> str:
    """The skill as stored and compared: ``clean_skill``, then its synonym if it has one."""
    cleaned = clean_skill(raw)
    return synonym_table(synonyms).get(cleaned, cleaned)


def normalise_all(raws: Iterable[str], *, synonyms: tuple[tuple[str, str], ...] = ()) -> list[str]:
    """Each skill normalised, in the order given, without blanks or repeats."""
    seen: dict[str, None] = {}
    for raw in raws:
        skill = normalise_skill(raw, synonyms=synonyms)
        if skill:
            seen.setdefault(skill, None)
    return list(seen)


def split_skills(text: str) -> list[str]:
    """A typed list of skills: separated by commas, semicolons or new lines."""
    return [piece for piece in text.replace(";", ",").replace("\n", ",").split(",") if piece.strip()]


# --- commands ---------------------------------------------------------------------------------------------


def list_skills(ctx: Ctx) -> Reply:
    """Show the skills you have listed."""
    mine = skills_of(ctx, member_id=ctx.actor_id)
    if not mine:
        return Reply.of(t(texts.SKILLS_NONE))
    return Reply.of(t(texts.SKILLS_YOURS, count=len(mine), skills=", ".join(mine)))


def add_skills(ctx: Ctx, *, skills: Sequence[str]) -> Reply:
    """Add skills to your profile, so request owners can find and invite you."""
    wanted = _validated(ctx, skills, usage=texts.USAGE_SKILLS_ADD)
    mine = skills_of(ctx, member_id=ctx.actor_id)
    new = [s for s in wanted if s not in mine]
    if len(mine) + len(new) > SKILLS_PER_MEMBER:
        raise UserFacingError(t(texts.TOO_MANY_SKILLS, limit=SKILLS_PER_MEMBER, count=len(mine) + len(new)))
    for skill in new:
        ctx.session.add(MemberSkill(member_id=ctx.actor_id, skill=skill, workspace_id=ctx.workspace_id))
    lines: list[Text] = []
    if new:
        lines.append(t(texts.SKILLS_ADDED, added=", ".join(new)))
    already = [s for s in wanted if s in mine]
    if already:
        lines.append(t(texts.SKILLS_ALREADY_THERE, skills=", ".join(already)))
    everything = sorted({*mine, *new})
    lines.append(t(texts.SKILLS_YOURS, count=len(everything), skills=", ".join(everything)))
    return Reply(tuple(lines))


def remove_skills(ctx: Ctx, *, skills: Sequence[str]) -> Reply:
    """Remove skills from your profile."""
    unwanted = _validated(ctx, skills, usage=texts.USAGE_SKILLS_REMOVE)
    rows = {
        row.skill: row
        for row in ctx.session.exec(
            select(MemberSkill).where(
                MemberSkill.workspace_id == ctx.workspace_id,
                MemberSkill.member_id == ctx.actor_id,
                col(MemberSkill.skill).in_(unwanted),
            )
        ).all()
    }
    for skill in unwanted:
        if skill in rows:
            ctx.session.delete(rows[skill])
    lines: list[Text] = []
    removed = [s for s in unwanted if s in rows]
    missing = [s for s in unwanted if s not in rows]
    if removed:
        lines.append(t(texts.SKILLS_REMOVED, removed=", ".join(removed)))
    if missing:
        lines.append(t(texts.SKILLS_NOT_THERE, skills=", ".join(missing)))
    ctx.session.flush()
    rest = skills_of(ctx, member_id=ctx.actor_id)
    lines.append(t(texts.SKILLS_YOURS, count=len(rest), skills=", ".join(rest)) if rest else t(texts.SKILLS_NONE))
    return Reply(tuple(lines))


def who_knows(ctx: Ctx, *, skill: str) -> Reply:
    """Show who has listed a skill."""
    normal = normalise_skill(skill, synonyms=ctx.policy.skill_synonyms)
    if not normal:
        raise UserFacingError(t(texts.USAGE_WHO))
    if len(normal) > SKILL_LIMIT:
        raise UserFacingError(t(texts.SKILL_TOO_LONG, limit=SKILL_LIMIT, value=skill.strip()[:SKILL_LIMIT] + "…"))
    people = ctx.session.exec(
        select(Member)
        .join(MemberSkill, col(MemberSkill.member_id) == col(Member.id))
        .where(MemberSkill.workspace_id == ctx.workspace_id, MemberSkill.skill == normal)
        .order_by(col(Member.display_name), col(Member.user_id))
    ).all()
    if not people:
        lines = [t(texts.WHO_NOBODY, skill=normal)]
        similar = _similar_skills(ctx, normal)
        if similar:
            lines.append(t(texts.WHO_SIMILAR, skills=", ".join(similar)))
        return Reply(tuple(lines))
    shown = [m.user_id for m in people[:WHO_LIMIT]]
    lines = [t(texts.WHO_KNOWS, skill=normal, count=len(people), people=people_text(shown))]
    if len(people) > WHO_LIMIT:
        lines.append(t(texts.WHO_KNOWS_MORE, count=len(people) - WHO_LIMIT))
    return Reply(tuple(lines))


# --- lookups ----------------------------------------------------------------------------------------------


def skills_of(ctx: Ctx, *, member_id: int) -> list[str]:
    """A member's skills, alphabetically."""
    return list(
        ctx.session.exec(
            select(MemberSkill.skill)
            .where(MemberSkill.workspace_id == ctx.workspace_id, MemberSkill.member_id == member_id)
            .order_by(col(MemberSkill.skill))
        ).all()
    )


def _validated(ctx: Ctx, raws: Sequence[str], *, usage: str) -> list[str]:
    skills = normalise_all(raws, synonyms=ctx.policy.skill_synonyms)
    if not skills:
        raise UserFacingError(t(usage))
    for skill in skills:
        if len(skill) > SKILL_LIMIT:
            raise UserFacingError(t(texts.SKILL_TOO_LONG, limit=SKILL_LIMIT, value=skill[:SKILL_LIMIT] + "…"))
    return skills


def _similar_skills(ctx: Ctx, skill: str) -> list[str]:
    """Listed skills that contain the one asked for, or are spelled almost like it (a typo, a plural)."""
    known = list(
        ctx.session.exec(select(MemberSkill.skill).where(MemberSkill.workspace_id == ctx.workspace_id).distinct()).all()
    )
    containing = sorted(s for s in known if skill in s or s in skill)
    close = difflib.get_close_matches(skill, known, n=SIMILAR_LIMIT, cutoff=0.75)
    return list(dict.fromkeys([*close, *containing]))[:SIMILAR_LIMIT]


def skills_to_offer(ctx: Ctx) -> list[str]:
    """The skills people in the actor's workspace have named, for a new-request form to offer as choices."""
    return queries.known_skills(session=ctx.session, workspace_id=ctx.workspace_id)
