"""The ``/cocreate`` slash command. The reply travels in the acknowledgement itself (an ephemeral message), so
the person sees it at once and nothing else has to wait for Slack."""

from __future__ import annotations

from datetime import date
from typing import Any

from slack_bolt import Ack, App, BoltContext

from bot.slack import ids
from bot.slack.blocks import reply_message
from bot.slack.listeners.common import act, reported, translate_for
from bot.slack.listeners.forms import open_form_for_command, wants_form
from bot.slack.listeners.reports import deliver_report, start_report_command, wants_report
from handlers.commands import Command, only_reads, parse_command, run_command
from handlers.results import UserFacingError


def register(app: App) -> None:
    # Only `new`/`derive` without details (a form) and `report` (a file) have work after the acknowledgement. Bolt
    # copies the request and starts a thread for each lazy listener, so the other commands go to a listener
    # without any: the first whose matcher accepts the command runs.
    app.command(ids.COMMAND, matchers=[has_work_after_ack])(
        ack=cocreate, lazy=[reported(open_form_for_command), reported(deliver_report)]
    )
    app.command(ids.COMMAND)(cocreate)


def reading_command(command_text: str) -> Command | None:
    """The command, parsed, when it only reads; else None (it is parsed in its transaction, with its day)."""
    try:
        command = parse_command(command_text, today=date.today())  # the day matters to no reading command
    except UserFacingError:
        return None  # answered with its usage hint, from the ordinary path
    return command if only_reads(command) else None


def has_work_after_ack(body: dict[str, Any]) -> bool:
    command_text = str(body.get("text") or "")
    return wants_form(command_text) or wants_report(command_text)


def cocreate(ack: Ack, body: dict[str, Any], context: BoltContext) -> None:
    """Runs a ``/cocreate`` command and answers the person who typed it (or, for `new` and `derive <id>` on
    their own, acknowledges while the lazy listener opens the form)."""
    command_text = str(body.get("text") or "")
    if wants_form(command_text):
        ack()
        return
    if wants_report(command_text):  # answered at once; the lazy listener builds and sends the file
        reply = act(
            context, lambda ctx: start_report_command(ctx, command_text), display_name=str(body.get("user_name") or "")
        )
    elif (reading := reading_command(command_text)) is not None:
        reply = act(
            context,
            lambda ctx: run_command(ctx, reading),
            display_name=str(body.get("user_name") or ""),
            reads_only=True,
        )
    else:
        reply = act(
            context,
            lambda ctx: run_command(ctx, parse_command(command_text, today=ctx.today())),
            display_name=str(body.get("user_name") or ""),
        )
    text, blocks = reply_message(reply, translate_for(context, reply.language))
    ack(text=text, blocks=blocks, response_type="ephemeral")
