"""The owner's form for a guest: "Invite someone outside" in the request card's overflow menu opens a modal asking
the guest's e-mail address, name, part and language; submitting it invites them as `/cocreate guest` does
(``handlers.guests.invite_from_form``).

Picking the option acknowledges at once; the modal opens in a lazy listener, within the trigger's 3 s, once the
core has said the person may use it (``open_guest_form``): anyone but the owner or an admin, a closed request or an
installation without e-mail is answered instead, and no modal opens. Problems with what was typed come back as
errors beside the fields (``response_action: errors``), all at once; nothing is written until all is well. The
invitation itself is only queued (the e-mail goes out from the outbox), so the answer to the submission is quick.
"""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient

from bot.slack import ids
from bot.slack.blocks import form_metadata, guest_modal
from bot.slack.listeners.common import act, language_of_actor, reply_address, reply_later, reported, translate_for
from bot.slack.render import render_plain, truncate
from handlers import texts
from handlers.actions import number_of
from handlers.context import Ctx
from handlers.guests import (
    GuestField,
    GuestForm,
    GuestFormPrompt,
    guest_form_problems,
    invite_from_form,
    open_guest_form,
)
from handlers.messages import Person
from handlers.results import Reply, Text, t

BLOCKS = ids.GUEST_BLOCKS


def register(app: App) -> None:
    for matcher in (ids.INVITE_GUEST, ids.repeat_pattern(ids.INVITE_GUEST)):
        app.action(matcher)(ack=acknowledge, lazy=[reported(open_guest_modal)])
    app.view(ids.GUEST_VIEW)(guest_form_submitted)


def acknowledge(ack: Ack) -> None:
    ack()


def open_guest_modal(body: dict[str, Any], action: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    """Lazy: opens the owner's form, or tells the person why not."""
    # The card's overflow menu sends the picked option; a plain button elsewhere would send its value.
    value = str((action.get("selected_option") or {}).get("value") or action.get("value") or "")
    prompts: list[GuestFormPrompt] = []

    def check(ctx: Ctx) -> Reply:
        prompts.append(open_guest_form(ctx, number=number_of(value)))
        return Reply(())

    result = act(context, check)
    if result.texts or not prompts:
        action_ts = action.get("action_ts") or body.get("trigger_id")
        key = f"action:{body.get('user', {}).get('id')}:{action_ts}"
        reply_later(context, result, to=reply_address(body, context), key=key)
        return
    client.views_open(
        trigger_id=body["trigger_id"], view=guest_modal(prompts[0], translate_for(context, result.language))
    )


def guest_form_submitted(ack: Ack, body: dict[str, Any], view: dict[str, Any], context: BoltContext) -> None:
    values = (view.get("state") or {}).get("values") or {}
    subject = form_metadata(view)
    if subject is None or not subject.isdecimal():
        message = render_plain(t(texts.FORM_OUT_OF_DATE), translate_for(context, language_of_actor(context)))
        ack(response_action="errors", errors={BLOCKS[GuestField.EMAIL]: truncate(message, 300)})
        return
    form = GuestForm(
        email=_typed(values, GuestField.EMAIL),
        name=_typed(values, GuestField.NAME),
        part=_typed(values, GuestField.PART),
        language=_typed(values, GuestField.LANGUAGE),
    )
    problems: list[tuple[GuestField, Text]] = []

    def invite(ctx: Ctx) -> Reply:
        problems.extend(guest_form_problems(ctx, form, number=int(subject)))
        if problems:
            return Reply(())
        return invite_from_form(ctx, number=int(subject), form=form)

    reply = act(context, invite)
    if reply.refusal:  # not the owner any more, the request closed, a part that filled up…
        problems.append((GuestField.EMAIL, reply.texts[0]))
    if problems:
        translate = translate_for(context, reply.language)
        errors: dict[str, str] = {}
        for field, problem in problems:
            # A field Slack does not show (no part menu) cannot carry an error: it goes beside the address.
            block = BLOCKS[field] if BLOCKS[field] in values else BLOCKS[GuestField.EMAIL]
            errors.setdefault(block, truncate(render_plain(problem, translate), 300))
        ack(response_action="errors", errors=errors)
        return
    ack()
    reply_later(context, reply, to=Person(str(context.user_id)), key=f"view:{view.get('id')}:{context.user_id}")


def _typed(values: dict[str, Any], field: GuestField) -> str:
    element = (values.get(BLOCKS[field]) or {}).get(ids.INPUT) or {}
    option = element.get("selected_option") or {}
    return str(option.get("value") or element.get("value") or "")
