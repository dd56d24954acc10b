"""Modal submissions of buttons that need something typed (a draft, the owner's feedback, a later date): each is
the button's meaning (``handlers.actions.press``) with the typed value, and one listener serves every such button,
from the core's list of forms (``handlers.actions.FORMS``), so a new one needs no change here.

Problems with the input come back as field errors in the open modal (``response_action: errors``); on success the
modal closes and the person gets a confirmation by DM. A submission Cobot cannot read (a private_metadata that is
not Cobot's) is answered the same way, beside the field, never with a traceback.
"""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, BoltContext

from bot.slack import ids
from bot.slack.blocks import form_metadata
from bot.slack.listeners.common import act, language_of_actor, reply_later, translate_for
from bot.slack.render import render_plain, truncate
from handlers import texts
from handlers.actions import FORMS, press
from handlers.messages import Person
from handlers.results import ActionKind, t

MODALS: dict[str, ActionKind] = {ids.view_id(kind): kind for kind in FORMS}


def register(app: App) -> None:
    for callback_id in MODALS:
        app.view(callback_id)(modal_submitted)


def modal_submitted(ack: Ack, body: dict[str, Any], view: dict[str, Any], context: BoltContext) -> None:
    kind = MODALS[str(view["callback_id"])]
    field = FORMS[kind]
    block = ids.form_block(field)
    element = ((view.get("state") or {}).get("values") or {}).get(block, {}).get(ids.form_input(field)) or {}
    typed = str(element.get("value") or element.get("selected_date") or "")
    # The modal was opened for one request or draft; its id travels in private_metadata.
    subject = form_metadata(view)
    if subject is None:
        message = render_plain(t(texts.FORM_OUT_OF_DATE), translate_for(context, language_of_actor(context)))
        ack(response_action="errors", errors={block: truncate(message, 300)})
        return
    reply = act(context, lambda ctx: press(ctx, kind, subject, form_value=typed))
    if reply.refusal:
        message = render_plain(reply.texts[0], translate_for(context, reply.language))
        ack(response_action="errors", errors={block: truncate(message, 300)})
        return
    ack()
    reply_later(context, reply, to=Person(str(context.user_id)), key=f"view:{view.get('id')}:{context.user_id}")
