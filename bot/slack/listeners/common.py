"""What every Slack listener needs: the Cobot core from the context, acting as the requesting user, and late
replies through the outbox."""

from __future__ import annotations

import functools
import logging
import uuid
from collections.abc import Callable
from typing import Any

from slack_bolt import BoltContext
from slack_sdk import WebClient

from bot.runtime.cobot import Cobot
from bot.slack.profiles import SlackProfiles
from handlers import notify, texts
from handlers.commands import Command, Derive, New, read_command
from handlers.context import Ctx
from handlers.messages import Address, Ephemeral, InteractionUrl, Person
from handlers.people import Profile
from handlers.results import Reply, t

PLATFORM = "slack"

log = logging.getLogger(__name__)


def cobot_of(context: BoltContext) -> Cobot:
    cobot: Cobot = context["cobot"]
    return cobot


def profiles_of(context: BoltContext) -> SlackProfiles:
    """Where departments come from in Slack profiles (one reader per process, so a field id is looked up once)."""
    profiles: SlackProfiles = context["profiles"]
    return profiles


def translate_for(context: BoltContext, language: str | None) -> Callable[[str], str]:
    """The translate function for a language (the workspace default when the language is not known)."""
    cobot = cobot_of(context)
    return cobot.translators(language or cobot.policy.default_language)


def language_of_actor(context: BoltContext) -> str | None:
    """The language of the person behind this request (their choice, else their Slack locale)."""
    return act(context, lambda ctx: Reply(()), reads_only=True).language


COMMAND_KEY = "cocreate_command"  # the parsed ``/cocreate`` command, on the request's context


def command_of(body: dict[str, Any], context: BoltContext) -> Command:
    """The request's ``/cocreate`` command, parsed the first time it is asked for, with the request's day in the
    workspace's time zone (the day only words the examples in usage hints). Bolt copies the context into each lazy
    listener, so they get the same parsed command."""
    command: Command | None = context.get(COMMAND_KEY)
    if command is None:
        cobot = cobot_of(context)
        today = cobot.clock().astimezone(cobot.policy.timezone).date()
        command = read_command(str(body.get("text") or ""), today=today)
        context[COMMAND_KEY] = command
    return command


def wants_form(command: Command) -> bool:
    """`/cocreate new` without arguments, or `/cocreate derive <id>` without a title: the form answers these."""
    return isinstance(command, New | Derive) and command.request is None


def workspace_of(context: BoltContext) -> str:
    """The Slack team a request comes from (see ``resolve_team``), else its enterprise."""
    return str(context.get(TEAM_KEY) or context.team_id or context.enterprise_id or "")


TEAM_KEY = "cobot_team"


def resolve_team(body: dict[str, Any], context: BoltContext, next: Callable[[], None]) -> None:
    """Middleware: finds the team of every kind of request the same way. On an org-wide (Enterprise Grid)
    install, an event's ``authorizations[0].team_id`` is null, so Bolt's ``context.team_id`` is None for events
    while commands and buttons carry the team: without this, a ✋ on a card landed in the enterprise's workspace and
    was ignored. The team is the first of: Bolt's, the envelope's ``team_id``, the event's ``team``, the
    ``user``'s or ``view``'s ``team_id``."""
    context[TEAM_KEY] = context.team_id or _team_in(body)
    next()


def _team_in(body: dict[str, Any]) -> str | None:
    candidates: list[Any] = [body.get("team_id")]
    for part, key in (("event", "team"), ("event", "user_team"), ("user", "team_id"), ("view", "team_id")):
        inner = body.get(part)
        if isinstance(inner, dict):
            candidates.append(inner.get(key))
    return next((str(value) for value in candidates if isinstance(value, str) and value), None)


def act(
    context: BoltContext,
    action: Callable[[Ctx], Reply],
    *,
    display_name: str = "",
    user_id: str | None = None,
    channel_id: str | None = None,
    reads_only: bool = False,
    addressed: bool = True,
) -> Reply:
    """Runs ``action`` in the core as the person behind the request. ``addressed``: the person spoke to Cobot (a
    command, a button, a form), so a newcomer's profile is asked for before the first answer, in their language;
    events that may concern Cobot or not (a ✋ anywhere) leave it to the outbox."""
    actor = user_id or str(context.user_id)
    return cobot_of(context).act(
        action,
        platform=PLATFORM,
        workspace=workspace_of(context),
        user_id=actor,
        display_name=display_name,
        channel_id=channel_id or context.channel_id,
        reads_only=reads_only,
        meet=(lambda: first_profile(context, actor)) if addressed else None,
    )


PROFILE_WAIT_SECONDS = 1.0  # how long a first answer may wait for the newcomer's profile (Slack allows 3 s in all)


def first_profile(context: BoltContext, user_id: str) -> Profile | None:
    """The Slack profile of someone Cobot is about to answer for the first time (users.info with their locale),
    or None if Slack does not answer in ``PROFILE_WAIT_SECONDS``: the outbox then asks later, as before."""
    client = context.client
    if client is None or not user_id:
        return None
    quick = WebClient(token=client.token, base_url=client.base_url, timeout=int(max(PROFILE_WAIT_SECONDS, 1)))
    try:
        user = quick.users_info(user=user_id, include_locale=True)["user"]
    except Exception as problem:
        log.info("profile of %s not fetched before answering (%s); it is queued", user_id, type(problem).__name__)
        return None
    profile = user.get("profile") or {}
    name = profile.get("display_name") or profile.get("real_name") or user.get("real_name") or user.get("name")
    directory = profiles_of(context).read(quick, user)
    return Profile(
        department=directory.department,
        title=directory.title,
        display_name=str(name or ""),
        tz=user.get("tz"),
        locale=user.get("locale"),
        email=str(profile.get("email") or "") or None,
    )


def reply_address(body: dict[str, Any], context: BoltContext) -> Address:
    """Where a late answer to an interaction goes: its response_url, else an ephemeral message, else a DM."""
    if body.get("response_url"):
        return InteractionUrl(str(body["response_url"]))
    if context.channel_id and not str(context.channel_id).startswith("D"):
        return Ephemeral(str(context.channel_id), str(context.user_id))
    return Person(str(context.user_id))


def reply_later(context: BoltContext, reply: Reply, *, to: Address, key: str, user_id: str | None = None) -> None:
    """Queues ``reply`` for the actor; sent right after the HTTP acknowledgement."""
    if not reply.texts:
        return

    def queue(ctx: Ctx) -> Reply:
        notify.reply_later(ctx, to=to, reply=reply, key=key)
        return Reply(())

    act(context, queue, user_id=user_id)


def reported(listener: Callable[..., None]) -> Callable[..., None]:
    """For lazy listeners, which Bolt runs after the acknowledgement and whose errors it would only log in one
    line: log the traceback with an error id and tell the person that id, as the global error handler does."""

    @functools.wraps(listener)
    def run(**kwargs: Any) -> None:
        try:
            listener(**kwargs)
        except Exception:
            error_id = uuid.uuid4().hex[:8]
            log.exception("error %s in %s", error_id, listener.__name__)
            body, context = kwargs.get("body") or {}, kwargs.get("context")
            if context is not None:
                reply_later(
                    context,
                    Reply.of(t(texts.UNEXPECTED_ERROR, error_id=error_id)),
                    to=reply_address(body, context),
                    key=f"error:{error_id}",
                )

    return run
