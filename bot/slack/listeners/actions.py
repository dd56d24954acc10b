"""Buttons and selects on request cards, DMs and digests.

Every button means the same on every platform (``handlers.actions.press``); this module only maps Slack's
``action_id`` to that meaning. Buttons acknowledge at once, run one short transaction, and the answer to the
person goes out through the outbox to the interaction's ``response_url``. Buttons that need something typed
first open a modal in a lazy listener, so the acknowledgement never waits for ``views.open``.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient

from bot.slack import ids
from bot.slack.blocks import form_modal
from bot.slack.listeners.common import act, reply_address, reply_later, reported, translate_for
from bot.slack.listeners.forms import open_form_to_derive
from handlers import notify
from handlers.actions import FormPrompt, form_for, open_form, press
from handlers.context import Ctx
from handlers.results import ActionKind, Reply


def register(app: App) -> None:
    """One listener per ``ActionKind``, from the enumeration itself: a new kind needs no change here. Buttons with
    a form open its modal; the others run at once."""
    for kind in ActionKind:
        if kind is ActionKind.SIGN_OFF:
            continue  # its form has fields of its own: bot.slack.listeners.signoff
        if kind is ActionKind.INVITE_GUEST:
            continue  # the owner's form for a guest: ``listeners.guests``
        if kind is ActionKind.ADD_RESULTS:
            continue  # the owner's form for a piece's results: ``listeners.results``
        if kind is ActionKind.DERIVE:
            # On Slack, Derive opens the new-request form pre-filled from the original (elsewhere it explains the
            # command).
            _listen(app, kind, ack=acknowledge, lazy=[reported(open_form_to_derive)])
        elif form_for(kind) is not None:
            _listen(app, kind, ack=acknowledge, lazy=[reported(open_form_modal)])
        else:
            _listen(app, kind, button)
    app.action(ids.PICK_PART)(button)
    for matcher in (ids.HOME_PAGE, ids.repeat_pattern(ids.HOME_PAGE)):  # Previous and Next share a block
        app.action(matcher)(home_page)


def _listen(app: App, kind: ActionKind, *args: Any, **kwargs: Any) -> None:
    # Its own action_id, and its repeats within one block ("cocreate_book_slot.2": ids.unique_in_block).
    for matcher in (ids.action_id(kind), ids.repeat_pattern(kind)):
        app.action(matcher)(*args, **kwargs)


def acknowledge(ack: Ack) -> None:
    ack()


def _kind(action: dict[str, Any]) -> ActionKind:
    kind = ids.kind_of(str(action["action_id"]))
    assert kind is not None, f"no listener should match {action['action_id']!r}"
    return kind


def button(ack: Ack, body: dict[str, Any], action: dict[str, Any], context: BoltContext) -> None:
    """Any button or menu that needs nothing typed: run it, and answer the person who pressed it."""
    ack()
    kind = _kind(action)
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


def open_form_modal(body: dict[str, Any], action: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    """Lazy: opens the modal of a button that needs something typed (``handlers.actions.open_form`` says what it
    asks and starts with), or says why not (e.g. the request is closed)."""
    kind, value = _kind(action), str(action.get("value") or "")
    prompt: FormPrompt | None = None

    def check(ctx: Ctx) -> Reply:
        nonlocal prompt
        prompt = open_form(ctx, kind, value)
        return Reply(())

    refused, language = _refused(body, context, check)
    if refused or prompt is None:
        return
    view = form_modal(kind, value, prompt, translate_for(context, language))
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
