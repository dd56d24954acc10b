"""``/cocreate report [YYYY-MM]``: an Excel report, built after the acknowledgement and sent to the person's DM.

The command listener checks that the person may have a report and acknowledges at once ("Building your
report…"). This lazy listener then reads the report in one read-only transaction (on SQLite it never holds the
write lock), writes the workbook to a temporary file, uploads it with files.upload v2 into the DM with the person,
and keeps the ephemeral answer up to date through the command's ``response_url``, which Slack lets an app use five
times: at most two progress notes, then "Uploading…", then "ready". The workbook writer (openpyxl, ~11 MB) is
imported when the first report is built, not when the app starts.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path
from typing import Any

from slack_bolt import BoltContext, Respond
from slack_sdk import WebClient

from bot.slack.listeners.common import PLATFORM, act, cobot_of, command_of, translate_for, workspace_of
from bot.slack.render import render
from handlers import texts
from handlers.commands import Report as ReportCommand
from handlers.context import Ctx
from handlers.reports import Report, ReportOrder, order_report
from handlers.results import Reply, t

PROGRESS_SECONDS = 5.0  # a progress note at most this often...
PROGRESS_NOTES = 2  # ...and at most this many, so the response_url's five uses always suffice


def deliver_report(body: dict[str, Any], context: BoltContext, client: WebClient, respond: Respond) -> None:
    """Lazy: builds the report the acknowledgement promised and uploads it to the person's DM."""
    command = command_of(body, context)
    if not isinstance(command, ReportCommand):
        return
    order: ReportOrder | None = None

    def check(ctx: Ctx) -> Reply:
        nonlocal order
        order = order_report(ctx, period=command.period)
        return Reply(())

    checked = act(context, check)
    if order is None:
        return  # refused (or a bad month): the acknowledgement already said why
    cobot = cobot_of(context)
    translate = translate_for(context, checked.language)
    period, scope_text = order.period.label(), order.scope_text()
    user_id = str(context.user_id)
    file_name = f"cobot-report-{order.period.slug()}.xlsx"
    notes = {"sent": 0, "at": time.monotonic()}

    def progress(rows: int) -> None:
        if notes["sent"] < PROGRESS_NOTES and time.monotonic() - notes["at"] >= PROGRESS_SECONDS:
            notes["sent"] += 1
            notes["at"] = time.monotonic()
            note = t(texts.REPORT_PROGRESS, scope=scope_text, period=period, count=rows)
            respond(text=render(note, translate), replace_original=True)

    from bot.exports.excel.report import write_report

    with tempfile.TemporaryDirectory(prefix="cobot-report-") as folder:
        path = Path(folder) / file_name
        with cobot.snapshot(platform=PLATFORM, workspace=workspace_of(context)) as scope:
            stats = write_report(Report(scope, order), path, translate=translate, progress=progress)
        uploading = t(
            texts.REPORT_UPLOADING,
            period=period,
            requests=t(texts.COUNT_REQUESTS, count=stats.requests),
            rows=t(texts.COUNT_CONTRIBUTIONS, count=stats.contributions),
        )
        respond(text=render(uploading, translate), replace_original=True)
        # Reports name people, so they go to the person alone: into the DM with Cobot, not the channel.
        dm = client.conversations_open(users=user_id)["channel"]["id"]
        client.files_upload_v2(
            channel=dm,
            file=str(path),
            filename=file_name,
            title=file_name,
            initial_comment=render(t(texts.REPORT_FILE_COMMENT, scope=scope_text, period=period), translate),
        )
    respond(text=render(t(texts.REPORT_READY, period=period, file=file_name), translate), replace_original=True)
