"""The ``/cocreate`` slash command. The reply travels in the acknowledgement itself (an ephemeral message), so
the person sees it at once and nothing else has to wait for Slack.

The text is parsed once per request (``common.command_of``): the matcher that picks the listener, the acknowledgement,
the transaction and the lazy listeners (the form, the report) all use that one ``Command``, kept on the request's
context."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, BoltContext

from bot.slack import ids
from bot.slack.blocks import reply_message
from bot.slack.listeners.common import act, command_of, reported, translate_for, wants_form
from bot.slack.listeners.forms import open_form_for_command
from bot.slack.listeners.reports import deliver_report
from bot.slack.listeners.results import open_results_for_command, wants_results_form
from handlers import texts
from handlers.commands import Command, Report, only_reads, run_command
from handlers.context import Ctx
from handlers.inbound import first_delivery
from handlers.reports import start_report
from handlers.results import Reply, t


def register(app: App) -> None:
    # Only `new`/`derive` without details (a form) and `report` (a file) have work after the acknowledgement. Bolt
    # copies the request and starts a thread for each lazy listener, so the other commands go to a listener
    # without any: the first whose matcher accepts the command runs.
    app.command(ids.COMMAND, matchers=[has_work_after_ack])(
        ack=cocreate,
        lazy=[reported(open_form_for_command), reported(open_results_for_command), reported(deliver_report)],
    )
    app.command(ids.COMMAND)(cocreate)


def has_work_after_ack(body: dict[str, Any], context: BoltContext) -> bool:
    command = command_of(body, context)
    return wants_form(command) or wants_results_form(command) or isinstance(command, Report)


def cocreate(ack: Ack, body: dict[str, Any], context: BoltContext) -> None:
    """Runs a ``/cocreate`` command and answers the person who typed it (or, for `new` and `derive <id>` on
    their own, acknowledges while the lazy listener opens the form)."""
    command = command_of(body, context)
    display_name = str(body.get("user_name") or "")
    if wants_form(command) or wants_results_form(command):
        ack()
        return
    if isinstance(command, Report):  # answered at once; the lazy listener builds and sends the file
        period = command.period
        reply = act(context, lambda ctx: start_report(ctx, period=period), display_name=display_name)
    elif only_reads(command):
        reply = act(context, lambda ctx: run_command(ctx, command), display_name=display_name, reads_only=True)
    else:
        # A slash command carries no event id, but every genuine one has its own trigger_id: the same one again is
        # a replay (or a retry) of a command that was carried out, and must not post a second request.
        trigger = f"command:{body['trigger_id']}"[:64] if body.get("trigger_id") else None
        reply = act(context, lambda ctx: run_once(ctx, command, trigger=trigger), display_name=display_name)
    text, blocks = reply_message(reply, translate_for(context, reply.language))
    ack(text=text, blocks=blocks, response_type="ephemeral")


def run_once(ctx: Ctx, command: Command, *, trigger: str | None) -> Reply:
    if not first_delivery(ctx, event_id=trigger):
        return Reply((t(texts.COMMAND_ALREADY_RUN),))
    return run_command(ctx, command)
