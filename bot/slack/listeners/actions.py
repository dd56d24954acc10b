"""Buttons and selects on request cards, DMs and digests.

Every button means the same on every platform (``handlers.actions.press``); this module only maps Slack's
``action_id`` to that meaning. Buttons acknowledge at once, run one short transaction, and the answer to the
person goes out through the outbox to the interaction's ``response_url``. Buttons that need something typed
first open a modal in a lazy listener, so the acknowledgement never waits for ``views.open``.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient

from bot.slack import ids
from bot.slack.blocks import extend_modal, request_changes_modal, submit_draft_modal
from bot.slack.listeners.common import act, reply_address, reply_later, reported
from handlers.actions import form_for, number_of, press
from handlers.cards import require_open, require_request
from handlers.context import Ctx
from handlers.extensions import default_proposal
from handlers.results import ActionKind, Reply

KINDS: dict[str, ActionKind] = {action_id: kind for kind, action_id in ids.ACTION_IDS.items()}
KINDS[ids.PICK_PART] = ActionKind.VOLUNTEER  # the card's part menu: the chosen option's value is "12:3"


def register(app: App) -> None:
    for action_id, kind in KINDS.items():
        if form_for(kind) is None:
            app.action(action_id)(button)
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
    reply = act(context, lambda ctx: press(ctx, kind, value))
    reply_later(context, reply, to=reply_address(body, context), key=_key(body))


def open_submit_modal(body: dict[str, Any], action: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    """Lazy: opens the draft form for the request, or says why not (e.g. it is closed)."""
    title = ""

    def check(ctx: Ctx) -> Reply:
        nonlocal title
        request = require_request(ctx, number_of(action["value"]))
        require_open(request)
        title = request.title
        return Reply(())

    if _refused(body, context, check):
        return
    client.views_open(
        trigger_id=body["trigger_id"], view=submit_draft_modal(number=number_of(action["value"]), title=title)
    )


def open_changes_modal(body: dict[str, Any], action: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    """Lazy: opens the feedback form for a draft."""
    client.views_open(trigger_id=body["trigger_id"], view=request_changes_modal(draft_id=number_of(action["value"])))


def open_extend_modal(body: dict[str, Any], action: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    """Lazy: opens the "Need more time" form with a date a week after the current deadline."""
    initial = date.today()

    def check(ctx: Ctx) -> Reply:
        nonlocal initial
        number = number_of(action["value"])
        require_open(require_request(ctx, number))
        initial = default_proposal(ctx, number=number)
        return Reply(())

    if _refused(body, context, check):
        return
    client.views_open(
        trigger_id=body["trigger_id"], view=extend_modal(number=number_of(action["value"]), initial=initial)
    )


def _refused(body: dict[str, Any], context: BoltContext, check: Any) -> bool:
    """Runs ``check``; when it refuses, the person is told why and no modal opens."""
    refusal = act(context, check)
    if refusal.texts:
        reply_later(context, refusal, to=reply_address(body, context), key=_key(body))
        return True
    return False


def _key(body: dict[str, Any]) -> str:
    # One answer per interaction: Slack's action_ts is unique per click.
    action = (body.get("actions") or [{}])[0]
    return f"action:{body.get('user', {}).get('id')}:{action.get('action_ts') or body.get('trigger_id')}"
