"""Personal settings: reminder DMs on or off, and whether to be thanked by name in the weekly digest."""

from __future__ import annotations

from handlers import notify, texts
from handlers.context import Ctx
from handlers.results import Reply, UserFacingError, t


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


def _on_off(value: str, *, usage: str) -> bool:
    word = value.strip().casefold()
    if word in ("on", "til", "yes", "ja"):
        return True
    if word in ("off", "fra", "no", "nej"):
        return False
    raise UserFacingError(t(usage))


def set_language(ctx: Ctx, *, value: str) -> Reply:
    """Choose the language Cobot writes to you in (English or Danish)."""
    language = {"en": "en", "english": "en", "engelsk": "en", "da": "da", "dansk": "da", "danish": "da"}.get(
        value.strip().casefold()
    )
    if language is None or language not in ctx.policy.languages:
        raise UserFacingError(t(texts.USAGE_LANGUAGE))
    ctx.actor.language = language
    ctx.session.add(ctx.actor)
    notify.refresh_home(ctx, user_ids=[ctx.actor.user_id])
    # The confirmation is in the new language: the adapter renders replies in the actor's language.
    return Reply.of(t(texts.LANGUAGE_SET))
