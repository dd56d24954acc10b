"""The owner's form for a published piece's results: "Add results" on its card, or `/cocreate results <id>` without
figures, opens a modal with a number field per known metric and a free field for others; submitting it stores the
figures as the command does (``handlers.figures.record_figures``).

The modal opens in a lazy listener, within the trigger's 3 s, once the core has said the person may use it
(``open_results_form``): anyone but the owner or an admin, or a piece not published yet, is answered instead and no
modal opens. Problems with what was typed come back beside their fields (``response_action: errors``), all at once;
nothing is written until all is well.
"""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient

from bot.slack import ids
from bot.slack.blocks import form_metadata, results_modal
from bot.slack.listeners.common import (
    act,
    command_of,
    language_of_actor,
    reply_address,
    reply_later,
    reported,
    translate_for,
)
from bot.slack.render import render_plain, truncate
from handlers import texts
from handlers.actions import number_of
from handlers.commands import Command, Results
from handlers.context import Ctx
from handlers.figures import OTHER_FIELD, ResultsFormPrompt, open_results_form, record_figures, results_form_problems
from handlers.messages import Person
from handlers.outcomes import KNOWN_METRICS
from handlers.results import Reply, Text, t

FIELDS = (*KNOWN_METRICS, OTHER_FIELD)


def register(app: App) -> None:
    for matcher in (ids.ADD_RESULTS, ids.repeat_pattern(ids.ADD_RESULTS)):
        app.action(matcher)(ack=acknowledge, lazy=[reported(open_results_modal)])
    app.view(ids.RESULTS_VIEW)(results_form_submitted)


def wants_results_form(command: Command) -> bool:
    """`/cocreate results <id>` without figures: the form answers it."""
    return isinstance(command, Results) and command.pairs is None


def acknowledge(ack: Ack) -> None:
    ack()


def open_results_modal(body: dict[str, Any], action: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    """Lazy, after "Add results": opens the form, or tells the person why not."""
    action_ts = action.get("action_ts") or body.get("trigger_id")
    _open(body, client, context, value=str(action.get("value") or ""), key=f"action:{context.user_id}:{action_ts}")


def open_results_for_command(body: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    """Lazy, after `/cocreate results <id>` without figures."""
    command = command_of(body, context)
    if not isinstance(command, Results) or command.pairs is not None:
        return
    _open(body, client, context, value=str(command.number), key=f"command:{body.get('trigger_id')}")


def _open(body: dict[str, Any], client: WebClient, context: BoltContext, *, value: str, key: str) -> None:
    prompts: list[ResultsFormPrompt] = []

    def check(ctx: Ctx) -> Reply:
        prompts.append(open_results_form(ctx, number=number_of(value)))
        return Reply(())

    result = act(context, check)
    if result.texts or not prompts:
        reply_later(context, result, to=reply_address(body, context), key=key)
        return
    client.views_open(
        trigger_id=body["trigger_id"], view=results_modal(prompts[0], translate_for(context, result.language))
    )


def results_form_submitted(ack: Ack, body: dict[str, Any], view: dict[str, Any], context: BoltContext) -> None:
    values = (view.get("state") or {}).get("values") or {}
    subject = form_metadata(view)
    first = ids.results_block(FIELDS[0])
    if subject is None or not subject.isdecimal():
        message = render_plain(t(texts.FORM_OUT_OF_DATE), translate_for(context, language_of_actor(context)))
        ack(response_action="errors", errors={first: truncate(message, 300)})
        return
    typed = {field: _typed(values, field) for field in FIELDS}
    figures, problems = results_form_problems(typed)
    found: list[tuple[str, Text]] = list(problems)

    def save(ctx: Ctx) -> Reply:
        if found:
            return Reply(())
        return record_figures(ctx, number=int(subject), figures=figures)

    reply = act(context, save)
    if reply.refusal:  # not the owner any more, the piece gone…
        found.append((FIELDS[0], reply.texts[0]))
    if found:
        translate = translate_for(context, reply.language)
        errors: dict[str, str] = {}
        for field, problem in found:
            errors.setdefault(ids.results_block(field), truncate(render_plain(problem, translate), 300))
        ack(response_action="errors", errors=errors)
        return
    ack()
    reply_later(context, reply, to=Person(str(context.user_id)), key=f"view:{view.get('id')}:{context.user_id}")


def _typed(values: dict[str, Any], field: str) -> str:
    element = (values.get(ids.results_block(field)) or {}).get(ids.INPUT) or {}
    return str(element.get("value") or "")
