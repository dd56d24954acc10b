"""Cobot's Teams agent: what each incoming activity means, run through the same handlers as every platform.

- ``conversationUpdate`` / ``installationUpdate``: Cobot was added to a team, chat or someone's personal scope;
  the conversation reference is stored (as it is for every activity), and Cobot says hello with its help.
- ``message``: in a 1:1 chat ``volunteer 12``, in a channel or group chat ``@Cobot volunteer 12`` — the shared
  ``/cocreate`` grammar. A reply in a request card's thread that carries a link or a file becomes a draft version
  (``handlers.drafts.reply_in_thread``). A message whose ``value`` holds a button's data is an ``Action.Submit``
  (the fallback of the card's ``Action.Execute`` buttons).
- ``invoke adaptiveCard/action``: an ``Action.Execute`` button; the answer is shown to the person who pressed it.
- ``invoke task/fetch`` / ``task/submit``: a button that needs something typed opens a dialog; a refusal shows in
  the dialog, as a Slack modal's field error does, and success closes it with the confirmation.

The SDK runs on asyncio; Cobot's handlers are synchronous SQL transactions, so each runs in a worker thread
(``Cobot.act`` is thread-safe). Unexpected errors are logged with an id and the person is told that id, never a
traceback.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

import aiohttp
from microsoft_agents.activity import Activity, ActivityTypes
from microsoft_agents.hosting.core import TurnContext
from sqlalchemy import update
from sqlmodel import Session, col, select

from bot.runtime.cobot import Cobot
from bot.teams import cards, inbound, store
from bot.teams.inbound import Where
from bot.teams.render import Person, TeamsRenderer
from bot.teams.transport import connector_client
from handlers import notify, texts
from handlers.actions import form_for, number_of, press
from handlers.cards import require_open, require_request
from handlers.commands import New, core_help, parse_command, plain, read_command, run_command
from handlers.context import Ctx
from handlers.drafts import DraftContent, reply_in_thread
from handlers.extensions import default_proposal
from handlers.messages import Channel
from handlers.requests import NewRequest, create_request, request_problems
from handlers.results import ActionKind, Reply, Text, UserFacingError, t
from storage import queries
from storage.models import Member, Workspace

PLATFORM = "teams"
MESSAGE_RESPONSE = "application/vnd.microsoft.activity.message"
ERROR_RESPONSE = "application/vnd.microsoft.error"

ANY_DAY = date(2000, 1, 1)  # parse_command wants "today" only to word its hints

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Pressed:
    kind: ActionKind
    value: str
    typed: str | None


class CobotAgent:
    def __init__(self, *, cobot: Cobot, bot_name: str) -> None:
        self.cobot = cobot
        self.bot_name = bot_name
        self._workspaces: dict[str, int] = {}

    async def on_turn(self, context: TurnContext) -> None:
        activity = context.activity
        where = inbound.where(activity)
        if where is None:
            return
        # Channel talk not addressed to Cobot (Teams delivers it for the thread-reply drafts) only stores where
        # Cobot is; who said it is stored once it turns out to be a draft.
        chatter = (
            activity.type == ActivityTypes.message
            and where.conversation_type != store.PERSONAL
            and inbound.action_data(activity.value) is None
            and not inbound.mentions_bot(activity, where)
        )
        try:
            await asyncio.to_thread(self._remember, activity, where, not chatter)
            await self._dispatch(context, where)
        except Exception:
            error_id = uuid.uuid4().hex[:8]
            log.exception("error %s while handling a Teams %s", error_id, activity.type)
            await self._tell_error(context, where, error_id)

    async def _dispatch(self, context: TurnContext, where: Where) -> None:
        activity = context.activity
        if activity.type == ActivityTypes.conversation_update:
            if any(m.id == where.bot_id for m in activity.members_added or []):
                language = self.cobot.policy.language_of_channel(where.key)
                await self._send(context, where, Reply((core_help(),), language=language))
        elif activity.type == ActivityTypes.message:
            data = inbound.action_data(activity.value)
            if data is not None:
                await self._submitted(context, where, data)
            elif activity.text or activity.attachments:
                await self._message(context, where)
        elif activity.type == ActivityTypes.invoke:
            if activity.name == "adaptiveCard/action":
                await self._executed(context, where)
            elif activity.name == "task/fetch":
                await self._open_dialog(context, where)
            elif activity.name == "task/submit":
                await self._dialog_submitted(context, where)

    # --- messages -------------------------------------------------------------------------------------------

    async def _message(self, context: TurnContext, where: Where) -> None:
        activity = context.activity
        found = inbound.mentions(activity)
        users = await self._resolve_mentions(context, where, found)
        text, mentioned = inbound.command_text(activity.text or "", found, bot_id=where.bot_id, users=users)
        root = where.thread_root
        if where.conversation_type == store.CHANNEL and root and root != activity.id:
            # A reply in a thread: a draft when it carries a link or file (unless it is "@Cobot <command>").
            content = inbound.draft_content(activity, plain(text))
            if content.counts_as_draft and not (mentioned and _is_command(text)):
                drafted: list[bool] = []

                def draft(ctx: Ctx) -> Reply:
                    reply = self._draft(ctx, where, root, activity.id, content)
                    drafted.append(reply is not None)
                    return reply or Reply(())

                reply = await self._act(where, draft)
                if any(drafted):
                    await asyncio.to_thread(
                        self._remember_user, where, where.user_id, where.user_teams_id, where.user_name
                    )
                if reply.refusal or any(drafted):
                    await self._send(context, where, reply)  # the confirmation itself goes to the thread
                    return
        if where.conversation_type != store.PERSONAL and not mentioned:
            return  # channel chatter that was not addressed to Cobot
        parsed = read_command(text, today=self.cobot.clock().astimezone(self.cobot.policy.timezone).date())
        if parsed == New(None):
            offer = await asyncio.to_thread(lambda: cards.new_request_offer_message(self._renderer(where, None)))
            await context.send_activity(Activity.model_validate(offer))
            return
        event_id = _event_id(activity)

        def command(ctx: Ctx) -> Reply:
            if event_id and not queries.record_event_once(
                session=ctx.session, workspace_id=ctx.workspace_id, event_id=event_id, now=ctx.now
            ):
                return Reply(())  # Teams delivered this message twice; it was answered the first time
            return run_command(ctx, parsed)

        reply = await self._act(where, command)
        await self._send(context, where, reply)

    def _draft(self, ctx: Ctx, where: Where, root: str, activity_id: str | None, content: DraftContent) -> Reply | None:
        event_id = _event_id_of(activity_id)
        if event_id and not queries.record_event_once(
            session=ctx.session, workspace_id=ctx.workspace_id, event_id=event_id, now=ctx.now
        ):
            return Reply(())
        request = queries.get_request_by_card(
            session=ctx.session, workspace_id=ctx.workspace_id, channel_id=where.key, card_ts=root
        )
        reply = reply_in_thread(ctx, request=request, content=content) if request is not None else None
        if reply is None:
            ctx.session.rollback()  # not a draft: leave no trace of the passer-by (member row, profile look-up)
        return reply

    async def _resolve_mentions(
        self, context: TurnContext, where: Where, found: list[inbound.MentionRef]
    ) -> dict[str, str]:
        """Teams id → Cobot user id of everyone mentioned: from the mention itself, from what Cobot has seen, or by
        asking Teams for the member's profile."""
        people = [m for m in found if m.teams_id != where.bot_id]
        if not people:
            return {}
        resolved = {m.teams_id: m.aad_object_id for m in people if m.aad_object_id}
        unknown = [m.teams_id for m in people if m.teams_id not in resolved]
        if unknown:
            resolved.update(await asyncio.to_thread(self._known_users, where, unknown))
        client = connector_client(context)
        for mention in people:
            if mention.teams_id in resolved or client is None:
                continue
            try:
                member = await client.conversations.get_conversation_member(where.base_conversation, mention.teams_id)
            except (aiohttp.ClientError, ValueError):
                continue  # shown as @Name; the grammar resolves names it knows
            if member.aad_object_id:
                resolved[mention.teams_id] = member.aad_object_id
                await asyncio.to_thread(
                    self._remember_user, where, member.aad_object_id, mention.teams_id, member.name or mention.name
                )
        return {teams_id: str(user_id) for teams_id, user_id in resolved.items() if user_id}

    # --- buttons --------------------------------------------------------------------------------------------

    async def _submitted(self, context: TurnContext, where: Where, data: dict[str, Any]) -> None:
        """An Action.Submit (the fallback of an Action.Execute button): answered in the conversation."""
        pressed = _pressed(data)
        if pressed is None:
            return
        if form_for(pressed.kind) is not None and pressed.typed is None:
            # A client without dialogs: the form comes as a card in the conversation, its answer as another submit.
            form = await asyncio.to_thread(
                lambda: cards.form_message(pressed.kind, pressed.value, self._renderer(where, None))
            )
            await context.send_activity(Activity.model_validate(form))
            return
        reply = await self._act(where, lambda ctx: press(ctx, pressed.kind, pressed.value, form_value=pressed.typed))
        await self._send(context, where, reply)

    async def _executed(self, context: TurnContext, where: Where) -> None:
        """An Action.Execute button: the answer is shown to the person who pressed it; an answer with buttons of
        its own (free slots to book) is posted in the conversation as well."""
        pressed = _pressed(inbound.action_data(context.activity.value) or {})
        if pressed is None or (form_for(pressed.kind) is not None and pressed.typed is None):
            await self._invoke_response(
                context,
                {
                    "statusCode": 400,
                    "type": ERROR_RESPONSE,
                    "value": {"code": "BadRequest", "message": "not a Cobot button"},
                },
            )
            return
        reply = await self._act(where, lambda ctx: press(ctx, pressed.kind, pressed.value, form_value=pressed.typed))
        if reply.actions or reply.card is not None:
            await self._send(context, where, reply)
        text = await self._plain(where, reply)
        await self._invoke_response(context, {"statusCode": 200, "type": MESSAGE_RESPONSE, "value": text or "✓"})

    async def _open_dialog(self, context: TurnContext, where: Where) -> None:
        """A button with a form: the dialog opens, unless the button can no longer be used (request closed)."""
        if _form_of(context.activity.value) == cards.NEW_REQUEST:
            body = await asyncio.to_thread(self._new_request_dialog, where, None, ())
            await self._invoke_response(context, body)
            return
        pressed = _pressed(inbound.action_data(context.activity.value) or {})
        if pressed is None or form_for(pressed.kind) is None:
            await self._invoke_response(context, cards.dialog_message("?"))
            return
        facts: dict[str, Any] = {}

        def check(ctx: Ctx) -> Reply:
            if pressed.kind in (ActionKind.SUBMIT_DRAFT, ActionKind.NEED_MORE_TIME):
                number = number_of(pressed.value)
                request = require_request(ctx, number)
                require_open(request)
                facts["hint"] = f"#{request.number} {request.title}"
                if pressed.kind is ActionKind.NEED_MORE_TIME:
                    facts["initial"] = default_proposal(ctx, number=number)
            return Reply(())

        refusal = await self._act(where, check)
        if refusal.texts:
            await self._invoke_response(context, cards.dialog_message(await self._plain(where, refusal)))
            return
        body = await asyncio.to_thread(
            self._dialog, where, pressed, facts.get("hint"), facts.get("initial"), None, refusal.language
        )
        await self._invoke_response(context, body)

    async def _dialog_submitted(self, context: TurnContext, where: Where) -> None:
        if _form_of(context.activity.value) == cards.NEW_REQUEST:
            await self._request_submitted(context, where)
            return
        pressed = _pressed(inbound.action_data(context.activity.value) or {})
        if pressed is None or form_for(pressed.kind) is None:
            await self._invoke_response(context, cards.dialog_message("?"))
            return
        typed = pressed.typed or ""
        reply = await self._act(where, lambda ctx: press(ctx, pressed.kind, pressed.value, form_value=typed))
        if reply.refusal:
            body = await asyncio.to_thread(self._dialog, where, pressed, None, None, reply.texts[0], reply.language)
            await self._invoke_response(context, body)
            return
        await self._invoke_response(context, cards.dialog_message(await self._plain(where, reply) or "✓"))

    async def _request_submitted(self, context: TurnContext, where: Where) -> None:
        """The new-request dialog: every problem is shown in the dialog at once; a good request is posted in the
        conversation the dialog was opened from."""
        data = context.activity.value.get("data") if isinstance(context.activity.value, dict) else None
        typed = {name: str((data or {}).get(input_id) or "") for name, input_id in cards.REQUEST_INPUTS.items()}
        problems: list[Text] = []

        def post(ctx: Ctx) -> Reply:
            try:
                deadline = date.fromisoformat(typed["deadline"][:10])
            except ValueError:
                deadline = date.min  # reported below as a day in the past
            new = NewRequest(
                title=" ".join(typed["title"].split()),
                deadline=deadline,
                brief=typed["brief"].strip(),
                format=typed["format"] or None,
                skills=tuple(s.strip() for s in typed["skills"].split(",") if s.strip()),
                needs=int(typed["needs"]) if typed["needs"].isdecimal() else None,
                parts=tuple(line.strip() for line in typed["parts"].splitlines() if line.strip()),
            )
            problems.extend(problem for _, problem in request_problems(ctx, new))
            if problems:
                return Reply(())
            return create_request(ctx, new, channel_id=ctx.channel_id)

        reply = await self._act(where, post)
        if reply.refusal:
            problems.extend(reply.texts)
        if problems:
            body = await asyncio.to_thread(self._new_request_dialog, where, typed, tuple(problems))
            await self._invoke_response(context, body)
            return
        await self._invoke_response(context, cards.dialog_message(await self._plain(where, reply) or "✓"))

    def _new_request_dialog(
        self, where: Where, typed: dict[str, str] | None, problems: tuple[Text, ...]
    ) -> dict[str, Any]:
        r = self._renderer(where, None)
        formats = list(self.cobot.settings.behaviour.requests.formats)
        return cards.new_request_dialog(cards.new_request_form(r, formats=formats, typed=typed, problems=problems), r)

    def _dialog(
        self,
        where: Where,
        pressed: Pressed,
        hint: str | None,
        initial: date | None,
        error: Text | None,
        language: str | None,
    ) -> dict[str, Any]:
        r = self._renderer(where, language)
        card = cards.form_card(
            pressed.kind, pressed.value, r, hint=hint, initial=initial, error=error, typed=pressed.typed
        )
        return cards.dialog(pressed.kind, card, r)

    # --- answering ------------------------------------------------------------------------------------------

    async def _send(self, context: TurnContext, where: Where, reply: Reply) -> None:
        """Answers in the conversation (in a channel: in the thread of the message answered). Should Teams not take
        it now, the answer goes through the outbox, which retries."""
        if not reply.texts and reply.card is None:
            return
        activity = await asyncio.to_thread(lambda: cards.reply_message(reply, self._renderer(where, reply.language)))
        try:
            await context.send_activity(Activity.model_validate(activity))
        except (aiohttp.ClientError, TimeoutError) as error:
            log.warning("answering in Teams failed (%s); the outbox will retry", error)
            key = f"teams-reply:{context.activity.id or uuid.uuid4().hex}"
            to = Channel(where.key, where.thread_root)

            def queue(ctx: Ctx) -> Reply:
                notify.reply_later(ctx, to=to, reply=reply, key=key)
                return Reply(())

            await self._act(where, queue)

    async def _invoke_response(self, context: TurnContext, body: dict[str, Any]) -> None:
        await context.send_activity(Activity(type=ActivityTypes.invoke_response, value={"status": 200, "body": body}))

    async def _tell_error(self, context: TurnContext, where: Where, error_id: str) -> None:
        text = t(texts.UNEXPECTED_ERROR, error_id=error_id)
        try:
            message = await asyncio.to_thread(self._plain_reply, where, Reply.of(text))
            if context.activity.type == ActivityTypes.invoke:
                if (context.activity.name or "").startswith("task/"):
                    await self._invoke_response(context, cards.dialog_message(message))
                else:
                    await self._invoke_response(
                        context, {"statusCode": 200, "type": MESSAGE_RESPONSE, "value": message}
                    )
            else:
                await context.send_activity(
                    Activity.model_validate(cards.text_message(TeamsRenderer().render(text, "message")))
                )
        except Exception:  # telling the person is best effort; the error itself is logged with its id
            log.warning("could not tell the person about error %s", error_id)

    # --- plumbing -------------------------------------------------------------------------------------------

    async def _act(self, where: Where, action: Callable[[Ctx], Reply]) -> Reply:
        return await asyncio.to_thread(
            self.cobot.act,
            action,
            platform=PLATFORM,
            workspace=where.tenant,
            user_id=where.user_id,
            display_name=where.user_name,
            channel_id=where.key,
        )

    async def _plain(self, where: Where, reply: Reply) -> str:
        return await asyncio.to_thread(self._plain_reply, where, reply)

    def _plain_reply(self, where: Where, reply: Reply) -> str:
        r = self._renderer(where, reply.language)
        return "\n".join(r.plain(text) for text in reply.texts)

    def _renderer(self, where: Where, language: str | None) -> TeamsRenderer:
        """Renders for ``where``'s conversation in ``language`` (the actor's), else in the conversation's."""
        workspace_id = self._workspace_id(where.tenant)
        known: dict[str, Person | None] = {}

        def people(user_id: str) -> Person | None:
            if user_id not in known:
                found: dict[str, tuple[str, str]] = {}
                if workspace_id is not None:
                    with Session(self.cobot.engine) as session:
                        found = store.people(session=session, workspace_id=workspace_id, user_ids=[user_id])
                known[user_id] = Person(*found[user_id]) if user_id in found else None
            return known[user_id]

        prefix = "" if where.is_personal else f"@{self.bot_name} "
        return TeamsRenderer(
            translate=self.cobot.translators(language or self.cobot.policy.language_of_channel(where.key)),
            people=people,
            command_prefix=prefix,
            timezone=self.cobot.policy.timezone,
        )

    def _workspace_id(self, tenant: str) -> int | None:
        if tenant not in self._workspaces:
            with Session(self.cobot.engine) as session:
                found = session.exec(
                    select(Workspace.id).where(Workspace.platform == PLATFORM, Workspace.external_id == tenant)
                ).first()
            if found is None:
                return None
            self._workspaces[tenant] = found
        return self._workspaces[tenant]

    def _remember(self, activity: Activity, where: Where, with_sender: bool) -> None:
        """Stores the conversation reference (proactive messages need it) and who is who, on every activity."""
        name = inbound.channel_name(activity)
        zone, locale = inbound.client_info(activity)
        reference = activity.get_conversation_reference().model_dump(by_alias=True, exclude_none=True, mode="json")
        with self.cobot.transaction() as session:
            now = self.cobot.clock()
            workspace = queries.get_or_create_workspace(
                session=session, platform=PLATFORM, external_id=where.tenant, now=now
            )
            assert workspace.id is not None
            store.remember_conversation(
                session=session,
                workspace_id=workspace.id,
                reference=reference,
                conversation_type=where.conversation_type,
                name=name,
                user_id=where.user_id if where.is_personal else None,
                now=now,
            )
            if with_sender:
                store.remember_user(
                    session=session,
                    workspace_id=workspace.id,
                    user_id=where.user_id,
                    teams_id=where.user_teams_id,
                    name=where.user_name,
                    now=now,
                )
            for member in activity.members_added or []:
                if member.id and member.id != where.bot_id and member.aad_object_id:
                    store.remember_user(
                        session=session,
                        workspace_id=workspace.id,
                        user_id=member.aad_object_id,
                        teams_id=member.id,
                        name=member.name or "",
                        now=now,
                    )
            if zone and _known_zone(zone):
                session.execute(
                    update(Member)
                    .where(col(Member.workspace_id) == workspace.id, col(Member.user_id) == where.user_id)
                    .values(tz=zone, locale=locale)
                )

    def _remember_user(self, where: Where, user_id: str, teams_id: str, name: str) -> None:
        workspace_id = self._workspace_id(where.tenant)
        if workspace_id is None:
            return
        with self.cobot.transaction() as session:
            store.remember_user(
                session=session,
                workspace_id=workspace_id,
                user_id=user_id,
                teams_id=teams_id,
                name=name,
                now=self.cobot.clock(),
            )

    def _known_users(self, where: Where, teams_ids: list[str]) -> dict[str, str]:
        workspace_id = self._workspace_id(where.tenant)
        if workspace_id is None:
            return {}
        with Session(self.cobot.engine) as session:
            rows = store.users_by_teams_id(session=session, workspace_id=workspace_id, teams_ids=teams_ids)
        return {teams_id: row.user_id for teams_id, row in rows.items()}


def _pressed(data: dict[str, Any]) -> Pressed | None:
    try:
        kind = ActionKind(str(data.get(cards.DATA_KEY)))
    except ValueError:
        return None
    value = str(data.get(cards.VALUE_KEY) or "")
    part = data.get(cards.PART_INPUT_ID)
    if kind is ActionKind.VOLUNTEER and part:
        value = str(part)  # the part menu's choice, "12:3"
    typed = data.get(cards.INPUT_ID)
    return Pressed(kind, value, None if typed is None else str(typed))


def _form_of(value: Any) -> str | None:
    data = value.get("data") if isinstance(value, dict) else None
    form = data.get(cards.FORM_KEY) if isinstance(data, dict) else None
    return str(form) if form else None


def _is_command(text: str) -> bool:
    """Whether a thread reply is a command to Cobot rather than a draft: it starts with a word of the grammar."""
    if not text.strip():
        return False
    try:
        parse_command(text, today=ANY_DAY)
    except UserFacingError as refusal:
        return refusal.text.msgid != texts.UNKNOWN_SUBCOMMAND
    return True


def _event_id(activity: Activity) -> str | None:
    return _event_id_of(activity.id)


def _event_id_of(activity_id: str | None) -> str | None:
    return f"teams:{activity_id}"[:64] if activity_id else None


def _known_zone(name: str) -> bool:
    try:
        ZoneInfo(name)
    except (ValueError, KeyError, OSError):
        return False
    return True
