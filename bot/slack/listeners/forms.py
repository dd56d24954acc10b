"""The new-request form: opened by `/cocreate new` (no arguments), `/cocreate derive <id>` (no title), the Derive
button and the "Make a content request from this" message shortcut; submitted as one request.

Opening happens in lazy listeners (``views.open`` must use the trigger within 3 s, and the acknowledgement must not
wait for it). Problems with the input come back as errors beside the fields, all at once.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from typing import Any

from slack_bolt import Ack, BoltContext
from slack_sdk import WebClient

from bot.slack import ids
from bot.slack.blocks import new_request_modal
from bot.slack.listeners.common import (
    act,
    cobot_of,
    command_of,
    language_of_actor,
    reply_address,
    reply_later,
    translate_for,
    wants_form,
)
from bot.slack.render import Translate, render_plain, truncate
from handlers import texts
from handlers.actions import number_of
from handlers.calendar import derive_prefill, derive_request
from handlers.commands import Derive, plain
from handlers.context import Ctx
from handlers.messages import Person
from handlers.requests import (
    Field,
    NewRequest,
    RequestPrefill,
    post_request_from_form,
    prefill_from_message,
    request_problems,
)
from handlers.results import Reply, t
from handlers.skills import skills_to_offer

BLOCKS = ids.NEW_REQUEST_BLOCKS


def open_form_for_command(body: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    """Lazy, after `/cocreate`: opens the form when the command asked for one."""
    command = command_of(body, context)
    if not wants_form(command):
        return
    derive_from = command.number if isinstance(command, Derive) else None
    _open(body, client, context, derive_from=derive_from, channel_id=str(body.get("channel_id") or "") or None)


def open_form_to_derive(body: dict[str, Any], action: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    """Lazy, after the Derive button on a published request."""
    _open(body, client, context, derive_from=number_of(action["value"]), channel_id=context.channel_id)


def open_form_from_message(body: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    """Lazy, after the message shortcut: the form pre-filled from the message, linking back to it."""
    message = body.get("message") or {}
    channel = (body.get("channel") or {}).get("id")
    link = None
    if channel and message.get("ts"):
        link = client.chat_getPermalink(channel=channel, message_ts=message["ts"]).get("permalink")
    text = plain(str(message.get("text") or ""))

    def prefill(translate: Translate) -> RequestPrefill:
        # The line that links back goes into the brief as typed text, so it is written in the person's language.
        source = render_plain(t(texts.FORM_FROM_MESSAGE, link=link), translate) if link else None
        return prefill_from_message(text, link=source)

    _open(body, client, context, prefill=prefill, channel_id=channel)


def _open(
    body: dict[str, Any],
    client: WebClient,
    context: BoltContext,
    *,
    channel_id: str | None,
    derive_from: int | None = None,
    prefill: Callable[[Translate], RequestPrefill] | None = None,
) -> None:
    """Opens the form, pre-filled from the request it derives from, or by ``prefill`` in the person's language."""
    cobot = cobot_of(context)
    skills: list[str] = []
    start = RequestPrefill()

    def gather(ctx: Ctx) -> Reply:
        nonlocal skills, start
        skills = skills_to_offer(ctx)
        if derive_from is not None:
            start = derive_prefill(ctx, number=derive_from)
        return Reply(())

    result = act(context, gather)
    if result.texts:
        reply_later(context, result, to=reply_address(body, context), key=f"form:{body.get('trigger_id')}")
        return
    settings = cobot.settings.behaviour
    targets = list(dict.fromkeys(slot.name for slot in settings.publishing.slots))
    translate = translate_for(context, result.language)
    view = new_request_modal(
        prefill(translate) if prefill is not None else start,
        formats=settings.requests.formats,
        skills=skills,
        targets=targets,
        channel_id=channel_id,
        translate=translate,
    )
    client.views_open(trigger_id=body["trigger_id"], view=view)


def form_submitted(ack: Ack, body: dict[str, Any], view: dict[str, Any], context: BoltContext) -> None:
    values = (view.get("state") or {}).get("values") or {}
    metadata = _metadata(view)
    if metadata is None:  # not the JSON new_request_modal puts there: say so beside the first field
        message = render_plain(t(texts.FORM_OUT_OF_DATE), translate_for(context, language_of_actor(context)))
        ack(response_action="errors", errors={BLOCKS[Field.TITLE.value]: truncate(message, 300)})
        return
    derived_from = metadata.get("derived_from")
    channel = _value(values, "channel", "selected_conversation")
    deadline_text = _value(values, "deadline", "selected_date")
    new = NewRequest(
        title=" ".join(_value(values, "title", "value").split()),
        deadline=date.fromisoformat(deadline_text) if deadline_text else date.min,
        brief=_value(values, "brief", "value").strip(),
        format=_selected(values, "format"),
        skills=_skills(values),
        needs=int(_value(values, "needs", "value")) if _value(values, "needs", "value").isdecimal() else None,
        parts=tuple(line.strip() for line in _value(values, "parts", "value").splitlines() if line.strip()),
        publish_target=_selected(values, "target"),
        derived_from=derived_from,
    )
    errors: dict[str, str] = {}

    def post(ctx: Ctx) -> Reply:
        translate = translate_for(context, ctx.policy.language_of(ctx.actor))
        if not channel:
            errors[BLOCKS["channel"]] = render_plain(t(texts.FORM_NO_CHANNEL), translate)
        for field, problem in request_problems(ctx, new):
            errors.setdefault(BLOCKS[field.value], truncate(render_plain(problem, translate), 300))
        if errors:
            return Reply(())
        if new.derived_from is not None:
            return derive_request(ctx, number=new.derived_from, new=new, from_form=True)
        return post_request_from_form(ctx, new, channel_id=channel)

    reply = act(context, post, channel_id=channel or None)
    if reply.refusal:  # e.g. not allowed to post requests, or the original was closed
        message = render_plain(reply.texts[0], translate_for(context, reply.language))
        errors.setdefault(BLOCKS[Field.TITLE.value], truncate(message, 300))
    if errors:
        ack(response_action="errors", errors=errors)
        return
    ack()
    reply_later(context, reply, to=Person(str(context.user_id)), key=f"view:{view.get('id')}:{context.user_id}")


def acknowledge(ack: Ack) -> None:
    ack()


def _metadata(view: dict[str, Any]) -> dict[str, int | None] | None:
    """The new-request form's private_metadata (``{"derived_from": 12}`` or ``null``), or None when it is not
    Cobot's."""
    try:
        data = json.loads(str(view.get("private_metadata") or "{}"))
    except ValueError:
        return None
    if not isinstance(data, dict):
        return None
    derived_from = data.get("derived_from")
    if derived_from is None:
        return {"derived_from": None}
    if isinstance(derived_from, bool) or not isinstance(derived_from, int) or derived_from < 1:
        return None
    return {"derived_from": derived_from}


def _value(values: dict[str, Any], name: str, key: str) -> str:
    return str((values.get(BLOCKS[name]) or {}).get(ids.INPUT, {}).get(key) or "")


def _selected(values: dict[str, Any], name: str) -> str | None:
    option = (values.get(BLOCKS[name]) or {}).get(ids.INPUT, {}).get("selected_option") or {}
    return str(option["value"]) if option.get("value") else None


def _skills(values: dict[str, Any]) -> tuple[str, ...]:
    element = (values.get(BLOCKS["skills"]) or {}).get(ids.INPUT, {})
    if element.get("selected_options") is not None:
        return tuple(str(o["value"]) for o in element["selected_options"])
    return tuple(s.strip() for s in str(element.get("value") or "").split(",") if s.strip())
