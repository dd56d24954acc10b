"""Personal settings: reminder DMs on or off, whether to be thanked by name in the weekly digest, whether to hear
what the pieces you helped make earned, the language, and how often Cobot may invite you."""

from __future__ import annotations

from handlers import notify, texts
from handlers.context import Ctx
from handlers.results import Reply, UserFacingError, t

# The most invitations a month a person can ask for; beyond it the workspace's limit applies anyway (it is at
# most 100, see bot.runtime.config), and a typo like `asks 200` is more likely than a wish to be asked daily.
MAX_ASKS_PER_MONTH = 20


def set_reminders(ctx: Ctx, *, value: str) -> Reply:
    """Turn your reminder DMs off or on (owners still see when a draft is late)."""
    enabled = _on_off(value, usage=texts.USAGE_REMINDERS)
    ctx.actor.reminders_enabled = enabled
    ctx.session.add(ctx.actor)
    notify.refresh_home(ctx, user_ids=[ctx.actor.user_id])
    return Reply.of(t(texts.REMINDERS_ON if enabled else texts.REMINDERS_OFF))


def set_recognition(ctx: Ctx, *, value: str) -> Reply:
    """Choose whether the weekly digest thanks you by name."""
    enabled = _on_off(value, usage=texts.USAGE_RECOGNITION)
    ctx.actor.listed_in_digest = enabled
    ctx.session.add(ctx.actor)
    notify.refresh_home(ctx, user_ids=[ctx.actor.user_id])
    return Reply.of(t(texts.RECOGNITION_ON if enabled else texts.RECOGNITION_OFF))


def set_results_notes(ctx: Ctx, *, value: str) -> Reply:
    """Choose whether you hear, a while after a piece you helped make is published, what it earned."""
    enabled = _on_off(value, usage=texts.USAGE_RESULTS_NOTES)
    ctx.actor.results_notes_enabled = enabled
    ctx.session.add(ctx.actor)
    notify.refresh_home(ctx, user_ids=[ctx.actor.user_id])
    return Reply.of(t(texts.RESULTS_NOTES_ON if enabled else texts.RESULTS_NOTES_OFF))


def _on_off(value: str, *, usage: str) -> bool:
    word = value.strip().casefold()
    if word in ("on", "til", "yes", "ja"):
        return True
    if word in ("off", "fra", "no", "nej"):
        return False
    raise UserFacingError(t(usage))


# What people type for a language, in either language.
LANGUAGE_WORDS = {"en": "en", "english": "en", "engelsk": "en", "da": "da", "dansk": "da", "danish": "da"}


def language_code(value: str, *, languages: tuple[str, ...]) -> str | None:
    """The language ``value`` names ("da", "Dansk", "english"), if Cobot speaks it here; else None."""
    language = LANGUAGE_WORDS.get(value.strip().casefold())
    return language if language in languages else None


def set_language(ctx: Ctx, *, value: str) -> Reply:
    """Choose the language Cobot writes to you in (English or Danish)."""
    language = language_code(value, languages=ctx.policy.languages)
    if language is None:
        raise UserFacingError(t(texts.USAGE_LANGUAGE))
    ctx.actor.language = language
    ctx.session.add(ctx.actor)
    notify.refresh_home(ctx, user_ids=[ctx.actor.user_id])
    # The confirmation is in the new language: the adapter renders replies in the actor's language.
    return Reply.of(t(texts.LANGUAGE_SET))


def set_ask_limit(ctx: Ctx, *, value: str) -> Reply:
    """Choose how often Cobot may invite you: a number of times a month, never, or the workspace's default."""
    word = value.strip().casefold()
    asks: int | None
    if word in ("default", "standard"):
        asks = None
    elif word in ("never", "aldrig"):
        asks = 0
    elif word.isdecimal() and len(word) <= 3 and int(word) <= MAX_ASKS_PER_MONTH:
        asks = int(word)
    else:
        raise UserFacingError(t(texts.USAGE_ASKS, max=MAX_ASKS_PER_MONTH))
    ctx.actor.asks_per_month = asks
    if asks != 0:
        # Choosing how often is saying yes to being asked: it ends an earlier `/cocreate invitations off` too, so
        # what Home shows is what happens.
        ctx.actor.invitations_enabled = True
    ctx.session.add(ctx.actor)
    notify.refresh_home(ctx, user_ids=[ctx.actor.user_id])
    limit = ctx.policy.monthly_ask_limit
    if asks == 0:
        return Reply.of(t(texts.ASKS_NEVER))
    if asks is None:
        return Reply.of(t(texts.ASKS_DEFAULT, count=limit))
    if asks > limit:
        return Reply.of(t(texts.ASKS_CAPPED, count=limit))
    return Reply.of(t(texts.ASKS_SET, count=asks))
