"""Buttons and selects on request cards, DMs and digests.

Every button means the same on every platform (``handlers.actions.press``); this module only maps Slack's
``action_id`` to that meaning. Buttons acknowledge at once, run one short transaction, and the answer to the
person goes out through the outbox to the interaction's ``response_url``. Buttons that need something typed
first open a modal in a lazy listener, so the acknowledgement never waits for ``views.open``.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient

from bot.slack import ids
from bot.slack.blocks import extend_modal, request_changes_modal, submit_draft_modal
from bot.slack.listeners.common import (
    act,
    language_of_actor,
    reply_address,
    reply_later,
    reported,
    translate_for,
)
from bot.slack.listeners.forms import open_form_to_derive
from handlers import notify
from handlers.actions import form_for, number_of, press
from handlers.cards import require_open, require_request
from handlers.context import Ctx
from handlers.extensions import default_proposal
from handlers.results import ActionKind, Reply

KINDS: dict[str, ActionKind] = {action_id: kind for kind, action_id in ids.ACTION_IDS.items()}
KINDS[ids.PICK_PART] = ActionKind.VOLUNTEER  # the card's part menu: the chosen option's value is "12:3"


def register(app: App) -> None:
    for action_id, kind in KINDS.items():
        if form_for(kind) is None and kind is not ActionKind.DERIVE:
            app.action(action_id)(button)
    # On Slack, Derive opens the new-request form pre-filled from the original (elsewhere it explains the command).
    app.action(ids.DERIVE)(ack=acknowledge, lazy=[reported(open_form_to_derive)])
    app.action(ids.HOME_PAGE)(home_page)
    app.action(ids.SUBMIT_DRAFT)(ack=acknowledge, lazy=[reported(open_submit_modal)])
    app.action(ids.REQUEST_CHANGES)(ack=acknowledge, lazy=[reported(open_changes_modal)])
    app.action(ids.NEED_MORE_TIME)(ack=acknowledge, lazy=[reported(open_extend_modal)])


def acknowledge(ack: Ack) -> None:
    ack()


def button(ack: Ack, body: dict[str, Any], action: dict[str, Any], context: BoltContext) -> None:
    """Any button or menu that needs nothing typed: run it, and answer the person who pressed it."""
    ack()
    kind = KINDS[str(action["action_id"])]
    value = str(action.get("value") or (action.get("selected_option") or {}).get("value") or "")
    to, key = reply_address(body, context), _key(body)
    answered = False

    def press_and_answer(ctx: Ctx) -> Reply:
        # The answer is queued in the transaction of the change it answers, not in a second one after it (on
        # SQLite every transaction waits its turn for the write lock: bench/bench_serve.py).
        nonlocal answered
        reply = press(ctx, kind, value)
        if reply.texts:
            answer = replace(reply, language=ctx.policy.language_of(ctx.actor))  # as Cobot.act will
            notify.reply_later(ctx, to=to, reply=answer, key=key)
        answered = True
        return reply

    reply = act(context, press_and_answer)
    if not answered:  # refused: the change was rolled back, and the refusal is the answer
        reply_later(context, reply, to=to, key=key)


def home_page(ack: Ack, action: dict[str, Any], context: BoltContext) -> None:
    """Next/Previous on a list of the Home tab: show that page of it."""
    ack()
    section, _, page = str(action.get("value") or "").partition(":")

    def show(ctx: Ctx) -> Reply:
        pages = {section: int(page)} if page.isdecimal() else {}
        notify.refresh_home(ctx, user_ids=[ctx.actor.user_id], pages=pages, opened=True)
        return Reply(())

    act(context, show)


def open_submit_modal(body: dict[str, Any], action: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    """Lazy: opens the draft form for the request, or says why not (e.g. it is closed)."""
    title = ""

    def check(ctx: Ctx) -> Reply:
        nonlocal title
        request = require_request(ctx, number_of(action["value"]))
        require_open(request)
        title = request.title
        return Reply(())

    refused, language = _refused(body, context, check)
    if refused:
        return
    view = submit_draft_modal(
        number=number_of(action["value"]), title=title, translate=translate_for(context, language)
    )
    client.views_open(trigger_id=body["trigger_id"], view=view)


def open_changes_modal(body: dict[str, Any], action: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    """Lazy: opens the feedback form for a draft."""
    translate = translate_for(context, language_of_actor(context))
    view = request_changes_modal(draft_id=number_of(action["value"]), translate=translate)
    client.views_open(trigger_id=body["trigger_id"], view=view)


def open_extend_modal(body: dict[str, Any], action: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    """Lazy: opens the "Need more time" form with a date a week after the current deadline."""
    initial = date.today()

    def check(ctx: Ctx) -> Reply:
        nonlocal initial
        number = number_of(action["value"])
        require_open(require_request(ctx, number))
        initial = default_proposal(ctx, number=number)
        return Reply(())

    refused, language = _refused(body, context, check)
    if refused:
        return
    view = extend_modal(number=number_of(action["value"]), initial=initial, translate=translate_for(context, language))
    client.views_open(trigger_id=body["trigger_id"], view=view)


def _refused(body: dict[str, Any], context: BoltContext, check: Any) -> tuple[bool, str | None]:
    """Runs ``check``: whether it refused (the person is then told why, and no modal opens), and the person's
    language for the modal."""
    result = act(context, check)
    if result.texts:
        reply_later(context, result, to=reply_address(body, context), key=_key(body))
        return True, result.language
    return False, result.language


def _key(body: dict[str, Any]) -> str:
    # One answer per interaction: Slack's action_ts is unique per click.
    action = (body.get("actions") or [{}])[0]
    return f"action:{body.get('user', {}).get('id')}:{action.get('action_ts') or body.get('trigger_id')}"
