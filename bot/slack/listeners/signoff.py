"""The sign-off form (``handlers.signoff``): the Sign off button on a contributor's approval DM opens it, and its
submission signs off the approved version it showed.

The button opens the modal in a lazy listener (``views.open`` after the acknowledgement), once the core has said
the version can still be signed off; otherwise the person is told why, and no modal opens. Problems with what was
typed or chosen come back beside the fields (``response_action: errors``), all at once; a version approved since
the form was opened is refused beside the byline. On success the modal closes and the confirmation comes by DM.
"""

from __future__ import annotations

import json
from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient

from bot.slack import ids
from bot.slack.blocks import signoff_modal
from bot.slack.listeners.common import act, language_of_actor, reply_address, reply_later, reported, translate_for
from bot.slack.render import render_plain, truncate
from handlers import texts
from handlers.actions import number_of
from handlers.context import Ctx
from handlers.messages import Person
from handlers.results import Reply, t
from handlers.signoff import SignOffField, SignOffForm, sign_off, signoff_form, signoff_problems

BLOCKS = ids.SIGN_OFF_BLOCKS
ERROR_LIMIT = 300


def register(app: App) -> None:
    for matcher in (ids.SIGN_OFF, ids.repeat_pattern(ids.SIGN_OFF)):
        app.action(matcher)(ack=acknowledge, lazy=[reported(open_signoff_modal)])
    app.view(ids.SIGN_OFF_VIEW)(signoff_submitted)


def acknowledge(ack: Ack) -> None:
    ack()


def open_signoff_modal(body: dict[str, Any], action: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    """Lazy: the form for the version the button was made for, or why it can no longer be signed off."""
    value = str(action.get("value") or "")
    found: list[SignOffForm] = []

    def gather(ctx: Ctx) -> Reply:
        found.append(signoff_form(ctx, draft_id=number_of(value)))
        return Reply(())

    result = act(context, gather)
    if result.texts or not found:
        action_ts = action.get("action_ts") or body.get("trigger_id")
        reply_later(context, result, to=reply_address(body, context), key=f"signoff:{context.user_id}:{action_ts}")
        return
    client.views_open(
        trigger_id=body["trigger_id"], view=signoff_modal(found[0], translate_for(context, result.language))
    )


def signoff_submitted(ack: Ack, body: dict[str, Any], view: dict[str, Any], context: BoltContext) -> None:
    values = (view.get("state") or {}).get("values") or {}
    metadata = _metadata(view)
    if metadata is None:
        message = render_plain(t(texts.FORM_OUT_OF_DATE), translate_for(context, language_of_actor(context)))
        ack(response_action="errors", errors={BLOCKS[SignOffField.BYLINE]: truncate(message, ERROR_LIMIT)})
        return
    draft_id, shown_hash = metadata
    byline = _typed(values, SignOffField.BYLINE)
    bio = _typed(values, SignOffField.BIO)
    element = (values.get(BLOCKS[SignOffField.PLACES]) or {}).get(ids.INPUT) or {}
    places = [str(option.get("value") or "") for option in element.get("selected_options") or []]
    errors: dict[str, str] = {}

    def submit(ctx: Ctx) -> Reply:
        form = signoff_form(ctx, draft_id=draft_id)  # refuses a version no longer the approved one
        translate = translate_for(context, ctx.policy.language_of(ctx.actor))
        problems = signoff_problems(byline=byline, bio=bio, places=places, offered=form.places, number=form.number)
        for field, problem in problems:
            errors.setdefault(BLOCKS[field], truncate(render_plain(problem, translate), ERROR_LIMIT))
        if errors:
            return Reply(())
        return sign_off(ctx, draft_id=draft_id, content_hash=shown_hash, byline=byline, bio=bio, places=places)

    reply = act(context, submit)
    if reply.refusal:
        message = render_plain(reply.texts[0], translate_for(context, reply.language))
        errors.setdefault(BLOCKS[SignOffField.BYLINE], truncate(message, ERROR_LIMIT))
    if errors:
        ack(response_action="errors", errors=errors)
        return
    ack()
    reply_later(context, reply, to=Person(str(context.user_id)), key=f"view:{view.get('id')}:{context.user_id}")


def _typed(values: dict[str, Any], field: SignOffField) -> str:
    return str(((values.get(BLOCKS[field]) or {}).get(ids.INPUT) or {}).get("value") or "")


def _metadata(view: dict[str, Any]) -> tuple[int, str] | None:
    """The draft id and content hash ``signoff_modal`` put in private_metadata, or None when it is not Cobot's."""
    try:
        data = json.loads(str(view.get("private_metadata") or ""))
    except ValueError:
        return None
    if not isinstance(data, dict):
        return None
    draft, shown = data.get("draft"), data.get("hash")
    if isinstance(draft, bool) or not isinstance(draft, int) or draft < 1 or not isinstance(shown, str):
        return None
    if len(shown) != 64:
        return None
    return draft, shown
