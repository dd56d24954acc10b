"""Personal settings: reminder DMs on or off, and whether to be thanked by name in the weekly digest."""

from __future__ import annotations

from handlers import texts
from handlers.context import Ctx
from handlers.results import Reply, UserFacingError, t


def set_reminders(ctx: Ctx, *, value: str) -> Reply:
    """Turn your reminder DMs off or on (owners still see when a draft is late)."""
    enabled = _on_off(value, usage=texts.USAGE_REMINDERS)
    ctx.actor.reminders_enabled = enabled
    ctx.session.add(ctx.actor)
    return Reply.of(t(texts.REMINDERS_ON if enabled else texts.REMINDERS_OFF))


def set_recognition(ctx: Ctx, *, value: str) -> Reply:
    """Choose whether the weekly digest thanks you by name."""
    enabled = _on_off(value, usage=texts.USAGE_RECOGNITION)
    ctx.actor.listed_in_digest = enabled
    ctx.session.add(ctx.actor)
    return Reply.of(t(texts.RECOGNITION_ON if enabled else texts.RECOGNITION_OFF))


def _on_off(value: str, *, usage: str) -> bool:
    word = value.strip().casefold()
    if word in ("on", "til", "yes", "ja"):
        return True
    if word in ("off", "fra", "no", "nej"):
        return False
    raise UserFacingError(t(usage))
