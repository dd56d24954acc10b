"""Buttons and selects on request cards and review messages.

Each acknowledges at once; the work is a short database transaction, and the answer to the person goes out
through the outbox to the interaction's ``response_url``. Buttons that open a modal do so in a lazy listener, so
the acknowledgement never waits for ``views.open``.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient

from bot.slack import ids
from bot.slack.blocks import extend_modal, request_changes_modal, submit_draft_modal
from bot.slack.listeners.common import act, parse_number, reply_address, reply_later, reported
from handlers.calendar import book_from_button, derive_hint, free_slots
from handlers.cards import require_open, require_request
from handlers.context import Ctx
from handlers.extensions import decide_extension, default_proposal
from handlers.results import Reply
from handlers.review import approve_draft, draft_request_number
from handlers.volunteering import volunteer_for_request, withdraw_from_request


def register(app: App) -> None:
    app.action(ids.VOLUNTEER)(volunteer_button)
    app.action(ids.PICK_PART)(pick_part)
    app.action(ids.WITHDRAW)(withdraw_button)
    app.action(ids.APPROVE_DRAFT)(approve_button)
    app.action(ids.SUBMIT_DRAFT)(ack=acknowledge, lazy=[reported(open_submit_modal)])
    app.action(ids.REQUEST_CHANGES)(ack=acknowledge, lazy=[reported(open_changes_modal)])
    app.action(ids.NEED_MORE_TIME)(ack=acknowledge, lazy=[reported(open_extend_modal)])
    app.action(ids.ACCEPT_EXTENSION)(accept_extension_button)
    app.action(ids.DECLINE_EXTENSION)(decline_extension_button)
    app.action(ids.SHOW_FREE_SLOTS)(show_free_slots_button)
    app.action(ids.BOOK_SLOT)(book_slot_button)
    app.action(ids.DERIVE)(derive_button)


def acknowledge(ack: Ack) -> None:
    ack()


def volunteer_button(ack: Ack, body: dict[str, Any], action: dict[str, Any], context: BoltContext) -> None:
    ack()
    reply = act(context, lambda ctx: volunteer_for_request(ctx, number=parse_number(action["value"]), via="button"))
    reply_later(context, reply, to=reply_address(body, context), key=_key(body))


def pick_part(ack: Ack, body: dict[str, Any], action: dict[str, Any], context: BoltContext) -> None:
    ack()
    number, _, position = str(action["selected_option"]["value"]).partition(":")
    reply = act(
        context,
        lambda ctx: volunteer_for_request(ctx, number=parse_number(number), part=position, via="button"),
    )
    reply_later(context, reply, to=reply_address(body, context), key=_key(body))


def withdraw_button(ack: Ack, body: dict[str, Any], action: dict[str, Any], context: BoltContext) -> None:
    ack()
    reply = act(context, lambda ctx: withdraw_from_request(ctx, number=parse_number(action["value"]), via="button"))
    reply_later(context, reply, to=reply_address(body, context), key=_key(body))


def approve_button(ack: Ack, body: dict[str, Any], action: dict[str, Any], context: BoltContext) -> None:
    ack()

    def approve(ctx: Ctx) -> Reply:
        draft_id = parse_number(action["value"])
        number, author = draft_request_number(ctx, draft_id=draft_id)
        return approve_draft(ctx, number=number, user_id=author, draft_id=draft_id)

    reply = act(context, approve)
    reply_later(context, reply, to=reply_address(body, context), key=_key(body))


def open_submit_modal(body: dict[str, Any], action: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    """Lazy: opens the draft form for the request, or says why not (e.g. it is closed)."""
    title = ""

    def check(ctx: Ctx) -> Reply:
        nonlocal title
        request = require_request(ctx, parse_number(action["value"]))
        require_open(request)
        title = request.title
        return Reply(())

    refusal = act(context, check)
    if refusal.texts:
        reply_later(context, refusal, to=reply_address(body, context), key=_key(body))
        return
    client.views_open(
        trigger_id=body["trigger_id"],
        view=submit_draft_modal(number=parse_number(action["value"]), title=title),
    )


def open_changes_modal(body: dict[str, Any], action: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    """Lazy: opens the feedback form for a draft."""
    client.views_open(trigger_id=body["trigger_id"], view=request_changes_modal(draft_id=parse_number(action["value"])))


def open_extend_modal(body: dict[str, Any], action: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    """Lazy: opens the "Need more time" form with a date a week after the current deadline."""
    initial = date.today()

    def check(ctx: Ctx) -> Reply:
        nonlocal initial
        number = parse_number(action["value"])
        require_open(require_request(ctx, number))
        initial = default_proposal(ctx, number=number)
        return Reply(())

    refusal = act(context, check)
    if refusal.texts:
        reply_later(context, refusal, to=reply_address(body, context), key=_key(body))
        return
    client.views_open(
        trigger_id=body["trigger_id"], view=extend_modal(number=parse_number(action["value"]), initial=initial)
    )


def accept_extension_button(ack: Ack, body: dict[str, Any], action: dict[str, Any], context: BoltContext) -> None:
    ack()
    extension_id = parse_number(action["value"])
    reply = act(context, lambda ctx: decide_extension(ctx, extension_id=extension_id, accept=True))
    reply_later(context, reply, to=reply_address(body, context), key=_key(body))


def decline_extension_button(ack: Ack, body: dict[str, Any], action: dict[str, Any], context: BoltContext) -> None:
    ack()
    extension_id = parse_number(action["value"])
    reply = act(context, lambda ctx: decide_extension(ctx, extension_id=extension_id, accept=False))
    reply_later(context, reply, to=reply_address(body, context), key=_key(body))


def show_free_slots_button(ack: Ack, body: dict[str, Any], action: dict[str, Any], context: BoltContext) -> None:
    ack()
    reply = act(context, lambda ctx: free_slots(ctx, number=parse_number(action["value"])))
    reply_later(context, reply, to=reply_address(body, context), key=_key(body))


def book_slot_button(ack: Ack, body: dict[str, Any], action: dict[str, Any], context: BoltContext) -> None:
    ack()
    reply = act(context, lambda ctx: book_from_button(ctx, value=str(action["value"])))
    reply_later(context, reply, to=reply_address(body, context), key=_key(body))


def derive_button(ack: Ack, body: dict[str, Any], action: dict[str, Any], context: BoltContext) -> None:
    ack()
    reply = act(context, lambda ctx: derive_hint(ctx, number=parse_number(action["value"])))
    reply_later(context, reply, to=reply_address(body, context), key=_key(body))


def _key(body: dict[str, Any]) -> str:
    # One answer per interaction: Slack's action_ts is unique per click.
    action = (body.get("actions") or [{}])[0]
    return f"action:{body.get('user', {}).get('id')}:{action.get('action_ts') or body.get('trigger_id')}"
