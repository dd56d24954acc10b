"""Modal submissions: a draft handed in through the form, and the owner's feedback when asking for changes.

Problems with the input come back as field errors in the open modal (``response_action: errors``); on success the
modal closes and the person gets a confirmation by DM.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from slack_bolt import Ack, App, BoltContext

from bot.slack import ids
from bot.slack.listeners.common import act, reply_later
from bot.slack.render import render_plain, truncate
from handlers.context import Ctx
from handlers.drafts import DraftContent, submit_draft
from handlers.extensions import ask_for_more_time
from handlers.parsing import parse_day
from handlers.results import Reply
from handlers.review import draft_request_number, request_changes


def register(app: App) -> None:
    app.view(ids.SUBMIT_DRAFT_VIEW)(draft_submitted)
    app.view(ids.REQUEST_CHANGES_VIEW)(changes_submitted)
    app.view(ids.EXTEND_VIEW)(extension_submitted)


def _value(view: dict[str, Any], block: str, action: str) -> str:
    return str(((view.get("state") or {}).get("values") or {}).get(block, {}).get(action, {}).get("value") or "")


def draft_submitted(ack: Ack, body: dict[str, Any], view: dict[str, Any], context: BoltContext) -> None:
    text = _value(view, ids.DRAFT_BLOCK, ids.DRAFT_INPUT)
    number_text = str(view.get("private_metadata") or "")

    def run(ctx: Ctx) -> Reply:
        if not number_text.isdecimal():
            raise AssertionError("submit-draft modal without a request number")
        return submit_draft(ctx, number=int(number_text), content=DraftContent(text=text), source="modal")

    _finish(
        ack,
        context,
        run,
        block=ids.DRAFT_BLOCK,
        key=f"view:{view.get('id')}:{body.get('user', {}).get('id')}",
    )


def changes_submitted(ack: Ack, body: dict[str, Any], view: dict[str, Any], context: BoltContext) -> None:
    feedback = _value(view, ids.FEEDBACK_BLOCK, ids.FEEDBACK_INPUT)
    draft_text = str(view.get("private_metadata") or "")

    def run(ctx: Ctx) -> Reply:
        if not draft_text.isdecimal():
            raise AssertionError("request-changes modal without a draft id")
        number, author = draft_request_number(ctx, draft_id=int(draft_text))
        return request_changes(ctx, number=number, user_id=author, feedback=feedback, draft_id=int(draft_text))

    _finish(
        ack,
        context,
        run,
        block=ids.FEEDBACK_BLOCK,
        key=f"view:{view.get('id')}:{body.get('user', {}).get('id')}",
    )


def extension_submitted(ack: Ack, body: dict[str, Any], view: dict[str, Any], context: BoltContext) -> None:
    picked = (((view.get("state") or {}).get("values") or {}).get(ids.EXTEND_BLOCK, {}).get(ids.EXTEND_INPUT, {})).get(
        "selected_date"
    ) or ""
    number_text = str(view.get("private_metadata") or "")

    def run(ctx: Ctx) -> Reply:
        if not number_text.isdecimal():
            raise AssertionError("extension modal without a request number")
        return ask_for_more_time(
            ctx, number=int(number_text), proposed=parse_day(str(picked), example=ctx.today().isoformat())
        )

    _finish(ack, context, run, block=ids.EXTEND_BLOCK, key=f"view:{view.get('id')}:{body.get('user', {}).get('id')}")


def _finish(ack: Ack, context: BoltContext, run: Callable[[Ctx], Reply], *, block: str, key: str) -> None:
    reply = act(context, run)
    if reply.refusal:
        ack(response_action="errors", errors={block: truncate(render_plain(reply.texts[0]), 300)})
        return
    ack()
    reply_later(context, reply, to={"user": context.user_id}, key=key)
