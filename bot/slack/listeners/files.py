"""A content plan shared with Cobot: an .xlsx file an admin sends in the DM with Cobot (a ``message`` event with
subtype ``file_share`` in an ``im`` channel) is imported, as ``cobot import`` would: a dry run first, and the import
itself when the file comes with the comment ``import``.

Slash commands carry no files, so ``/cocreate import`` only explains this (``handlers.plan_import``). The event is
acknowledged at once; a lazy listener then asks ``files.info`` for the file's private download address, fetches it
with the bot token (only ever from Slack's own host), reads the workbook (``bot.exports.excel.plan``) and hands
the plain cells to ``handlers.plan_import.import_shared_plan`` through ``Cobot.act``: the core checks that the
person is an admin, imports all or nothing and queues the answer to their DM. Someone who is not an admin is
refused before anything is downloaded.
"""

from __future__ import annotations

import logging
import urllib.request
from typing import Any
from urllib.parse import urlsplit

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient

from bot.slack.listeners.common import act, cobot_of, reply_later, reported
from bot.slack.mentions import as_mention
from handlers import texts
from handlers.commands import plain
from handlers.context import Ctx
from handlers.messages import Person
from handlers.plan_import import PlanFile, confirms_import, import_shared_plan, require_importer
from handlers.results import Reply, t

log = logging.getLogger(__name__)

PLAN_SUFFIX = ".xlsx"
DOWNLOAD_SECONDS = 20


def register(app: App) -> None:
    # Before events.register: Bolt runs the first message listener whose matchers accept the event.
    app.event("message", matchers=[is_shared_plan])(ack=acknowledge, lazy=[reported(import_shared_file)])


def is_shared_plan(event: dict[str, Any]) -> bool:
    """A person (not a bot) shared an .xlsx file in their DM with Cobot."""
    files = event.get("files") or []
    if event.get("subtype") != "file_share" or event.get("channel_type") != "im" or event.get("bot_id"):
        return False
    if not files or not isinstance(files[0], dict) or not event.get("user"):
        return False
    first = files[0]
    return str(first.get("name") or "").lower().endswith(PLAN_SUFFIX) or first.get("filetype") == "xlsx"


def acknowledge(ack: Ack) -> None:
    ack()


def import_shared_file(body: dict[str, Any], event: dict[str, Any], context: BoltContext, client: WebClient) -> None:
    """Lazy: fetches the shared plan and imports it (or, without the comment ``import``, dry-runs it)."""
    user, channel = str(event["user"]), str(event.get("channel") or "")
    event_id = str(body.get("event_id") or "") or None
    shared = event["files"][0]
    name = str(shared.get("name") or "plan.xlsx")
    answer_to = Person(user)
    checked = act(context, require_importer, user_id=user, channel_id=channel, reads_only=True)
    if checked.refusal:  # not an admin: nothing is downloaded
        reply_later(context, checked, to=answer_to, key=f"import:{event_id}:refused", user_id=user)
        return
    data = download(client, file_id=str(shared.get("id") or ""))
    if data is None:
        failed = Reply.of(t(texts.IMPORT_DOWNLOAD_FAILED, file=name))
        reply_later(context, failed, to=answer_to, key=f"import:{event_id}:download", user_id=user)
        return
    plan = read_shared_plan(context, data, name=name)
    confirmed = confirms_import(plain(str(event.get("text") or "")))

    def run(ctx: Ctx) -> Reply:
        return import_shared_plan(
            ctx, plan=plan, confirmed=confirmed, event_id=event_id, reply_to=answer_to, as_mention=as_mention
        )

    act(context, run, user_id=user, channel_id=channel)


def read_shared_plan(context: BoltContext, data: bytes, *, name: str) -> PlanFile:
    """The workbook's cells; a file that is no plan becomes a plan with that one problem, refused as such."""
    from bot.exports.excel.plan import PlanFileError, read_plan
    from bot.runtime.i18n import SUPPORTED

    cobot = cobot_of(context)
    # A filled-in plan may use the headers of any language Cobot speaks, its own first.
    languages = [cobot.policy.default_language, *SUPPORTED]
    try:
        return read_plan(data, file_name=name, translators=[cobot.translators(language) for language in languages])
    except PlanFileError as unreadable:
        return PlanFile(name=name, problems=(unreadable.text,))


def download(client: WebClient, *, file_id: str) -> bytes | None:
    """The file's bytes, fetched from its ``url_private_download`` with the bot token; None when Slack does not
    give them. At most one byte more than a plan may have is read, so the reader refuses a huge file by its size."""
    from bot.exports.excel.plan import MAX_FILE_BYTES

    if not file_id:
        return None
    info = client.files_info(file=file_id).get("file") or {}
    url = str(info.get("url_private_download") or info.get("url_private") or "")
    if not url or not _slack_host(url, api_url=client.base_url):
        log.warning("not downloading file %s from %r: not Slack's file host", file_id, url)
        return None
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {client.token}"})
    try:
        with urllib.request.urlopen(request, timeout=DOWNLOAD_SECONDS) as response:
            data: bytes = response.read(MAX_FILE_BYTES + 1)
    except OSError as error:
        log.warning("could not download file %s: %s", file_id, error)
        return None
    return data


def _slack_host(url: str, *, api_url: str) -> bool:
    """The bot token is only ever sent to Slack: an https address on slack.com, or the Web API's own host (a
    local fake Slack in tests, ``SLACK_API_URL``)."""
    target, api = urlsplit(url), urlsplit(api_url)
    if target.hostname is not None and target.hostname == api.hostname and target.scheme == api.scheme:
        return True
    host = target.hostname or ""
    return target.scheme == "https" and (host == "slack.com" or host.endswith(".slack.com"))
