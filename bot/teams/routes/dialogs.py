"""Dialogs (``invoke task/fetch`` and ``task/submit``): a button that needs something typed (a draft's link, a
reason, a new deadline) opens one, and so does "new" without arguments (the new-request form). A refusal shows in
the dialog, as a Slack modal's field error does; success closes it with the confirmation. A dialog that is not one
of Cobot's says so, politely."""

from __future__ import annotations

import asyncio
from datetime import date
from typing import TYPE_CHECKING, Any

from bot.teams import cards
from bot.teams.routes.buttons import Pressed, pressed_in
from bot.teams.routes.turn import Turn
from handlers import texts
from handlers.actions import FormPrompt, form_for, number_of, open_form, press
from handlers.context import Ctx
from handlers.guests import (
    GuestField,
    GuestForm,
    GuestFormPrompt,
    guest_form_problems,
    invite_from_form,
    open_guest_form,
)
from handlers.requests import NewRequest, create_request, request_problems
from handlers.results import ActionKind, Reply, Text, t
from handlers.signoff import SignOffForm, sign_off, signoff_form, signoff_problems

if TYPE_CHECKING:
    from bot.teams.routes import Router

FETCH = "task/fetch"
SUBMIT = "task/submit"


def register(router: Router) -> None:
    router.invoke(FETCH, open_dialog)
    router.invoke(SUBMIT, dialog_submitted)


async def open_dialog(turn: Turn) -> None:
    """A button with a form: the dialog opens, unless the button can no longer be used (request closed)."""
    if _form_of(turn.activity.value) == cards.NEW_REQUEST:
        language = await turn.sender_language()
        body = await asyncio.to_thread(_new_request_dialog, turn, None, (), language)
        await turn.invoke_response(body)
        return
    pressed = pressed_in(turn.activity.value)
    if pressed is not None and pressed.kind is ActionKind.SIGN_OFF:
        await open_signoff(turn, pressed)
        return
    if pressed is not None and pressed.kind is ActionKind.INVITE_GUEST:
        await open_guest_dialog(turn, pressed.value)
        return
    if pressed is None or form_for(pressed.kind) is None:
        await not_ours(turn)
        return
    prompts: list[FormPrompt] = []

    def check(ctx: Ctx) -> Reply:
        prompts.append(open_form(ctx, pressed.kind, pressed.value))  # the core says whether it can still be used
        return Reply(())

    refusal = await turn.act(check)
    if refusal.texts or not prompts:
        await turn.invoke_response(cards.dialog_message(await turn.plain(refusal)))
        return
    [prompt] = prompts
    hint = turn.renderer(refusal.language).plain(prompt.hint) if prompt.hint is not None else None
    initial = date.fromisoformat(prompt.initial) if prompt.initial else None
    body = await asyncio.to_thread(_dialog, turn, pressed, hint, initial, None, refusal.language)
    await turn.invoke_response(body)


async def not_ours(turn: Turn) -> None:
    """A dialog whose data is not one of Cobot's forms (another app's card, an old or altered button): the dialog
    says so politely and what to do instead."""
    language = turn.cobot.policy.language_of_channel(turn.where.key)
    message = await turn.plain(Reply((t(texts.UNKNOWN_DIALOG),), language=language))
    await turn.invoke_response(cards.dialog_message(message))


async def dialog_submitted(turn: Turn) -> None:
    if _form_of(turn.activity.value) == cards.NEW_REQUEST:
        await request_submitted(turn)
        return
    pressed = pressed_in(turn.activity.value)
    if pressed is not None and pressed.kind is ActionKind.SIGN_OFF:
        await signoff_submitted(turn, pressed)
        return
    if pressed is not None and pressed.kind is ActionKind.INVITE_GUEST:
        await guest_submitted(turn, pressed.value)
        return
    if pressed is None or form_for(pressed.kind) is None:
        await not_ours(turn)
        return
    typed = pressed.typed or ""
    reply = await turn.act(lambda ctx: press(ctx, pressed.kind, pressed.value, form_value=typed))
    if reply.refusal:
        body = await asyncio.to_thread(_dialog, turn, pressed, None, None, reply.texts[0], reply.language)
        await turn.invoke_response(body)
        return
    await turn.invoke_response(cards.dialog_message(await turn.plain(reply) or "✓"))


async def open_signoff(turn: Turn, pressed: Pressed) -> None:
    """Sign off on an approval DM: the dialog for the version it was made for, or why it can't be signed off."""
    forms: list[SignOffForm] = []

    def gather(ctx: Ctx) -> Reply:
        forms.append(signoff_form(ctx, draft_id=number_of(pressed.value)))
        return Reply(())

    refusal = await turn.act(gather)
    if refusal.texts or not forms:
        await turn.invoke_response(cards.dialog_message(await turn.plain(refusal)))
        return
    r = turn.renderer(refusal.language)
    body = await asyncio.to_thread(lambda: cards.signoff_dialog(cards.signoff_form_card(forms[0], r), r))
    await turn.invoke_response(body)


async def signoff_submitted(turn: Turn, pressed: Pressed) -> None:
    """The sign-off dialog's answer: every problem shown in the dialog at once; success closes it."""
    value = turn.activity.value
    data = (value.get("data") if isinstance(value, dict) else None) or {}
    typed = {name: str(data.get(input_id) or "") for name, input_id in cards.SIGNOFF_INPUTS.items()}
    shown_hash = str(data.get(cards.SIGNOFF_HASH) or "")
    chosen = {c for c in typed["places"].split(",") if c}
    problems: list[Text] = []
    forms: list[SignOffForm] = []

    def submit(ctx: Ctx) -> Reply:
        form = signoff_form(ctx, draft_id=number_of(pressed.value))
        forms.append(form)
        by_choice = {cards.place_choice(place.key): place.key for place in form.places}
        places = [by_choice.get(choice, choice) for choice in sorted(chosen)]
        found = signoff_problems(
            byline=typed["byline"], bio=typed["bio"], places=places, offered=form.places, number=form.number
        )
        problems.extend(problem for _, problem in found)
        if problems:
            return Reply(())
        return sign_off(
            ctx,
            draft_id=form.draft_id,
            content_hash=shown_hash,
            byline=typed["byline"],
            bio=typed["bio"],
            places=places,
        )

    reply = await turn.act(submit)
    if reply.refusal and not forms:  # nothing left to sign off: say why, and close
        await turn.invoke_response(cards.dialog_message(await turn.plain(reply)))
        return
    if reply.refusal:
        problems.extend(reply.texts)
    if problems:
        r = turn.renderer(reply.language)
        card = cards.signoff_form_card(forms[0], r, problems=tuple(problems), typed=typed)
        await turn.invoke_response(cards.signoff_dialog(card, r))
        return
    await turn.invoke_response(cards.dialog_message(await turn.plain(reply) or "✓"))


async def request_submitted(turn: Turn) -> None:
    """The new-request dialog: every problem is shown in the dialog at once; a good request is posted in the
    conversation the dialog was opened from."""
    value = turn.activity.value
    data = value.get("data") if isinstance(value, dict) else None
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

    reply = await turn.act(post)
    if reply.refusal:
        problems.extend(reply.texts)
    if problems:
        body = await asyncio.to_thread(_new_request_dialog, turn, typed, tuple(problems), reply.language)
        await turn.invoke_response(body)
        return
    await turn.invoke_response(cards.dialog_message(await turn.plain(reply) or "✓"))


async def open_guest_dialog(turn: Turn, value: str) -> None:
    """ "Invite someone outside": the owner's form opens, unless the person may not use it (not the owner or an
    admin, the request closed, no e-mail set up): then the dialog says why, and has no form."""
    prompts: list[GuestFormPrompt] = []

    def check(ctx: Ctx) -> Reply:
        prompts.append(open_guest_form(ctx, number=number_of(value)))
        return Reply(())

    refusal = await turn.act(check)
    if refusal.texts or not prompts:
        await turn.invoke_response(cards.dialog_message(await turn.plain(refusal)))
        return
    r = turn.renderer(refusal.language)
    await turn.invoke_response(cards.guest_dialog(cards.guest_form(prompts[0], r), r))


async def guest_submitted(turn: Turn, value: str) -> None:
    """The owner's form for a guest: every problem is shown in the dialog at once, with what was typed; a good
    one invites as `/cocreate guest` does and closes the dialog with the same answer."""
    data = turn.activity.value.get("data") if isinstance(turn.activity.value, dict) else None
    typed = {field: str((data or {}).get(input_id) or "") for field, input_id in cards.GUEST_INPUTS.items()}
    form = GuestForm(
        email=typed[GuestField.EMAIL],
        name=typed[GuestField.NAME],
        part=typed[GuestField.PART],
        language=typed[GuestField.LANGUAGE],
    )
    problems: list[Text] = []
    prompts: list[GuestFormPrompt] = []

    def invite(ctx: Ctx) -> Reply:
        number = number_of(value)
        found = guest_form_problems(ctx, form, number=number)
        if found:
            problems.extend(problem for _, problem in found)
            prompts.append(open_guest_form(ctx, number=number))  # to show the form again
            return Reply(())
        return invite_from_form(ctx, number=number, form=form)

    reply = await turn.act(invite)
    if reply.refusal or not prompts:
        # Invited, or refused for what no field can fix (not the owner, the request closed): the dialog closes
        # with the answer.
        await turn.invoke_response(cards.dialog_message(await turn.plain(reply) or "✓"))
        return
    r = turn.renderer(reply.language)
    card = cards.guest_form(prompts[0], r, typed=typed, problems=tuple(problems))
    await turn.invoke_response(cards.guest_dialog(card, r))


def _new_request_dialog(
    turn: Turn, typed: dict[str, str] | None, problems: tuple[Text, ...], language: str | None
) -> dict[str, Any]:
    """The new-request dialog in the language of the person filling it in (``language``)."""
    r = turn.renderer(language)
    formats = list(turn.cobot.settings.behaviour.requests.formats)
    return cards.new_request_dialog(cards.new_request_form(r, formats=formats, typed=typed, problems=problems), r)


def _dialog(
    turn: Turn,
    pressed: Pressed,
    hint: str | None,
    initial: date | None,
    error: Text | None,
    language: str | None,
) -> dict[str, Any]:
    r = turn.renderer(language)
    card = cards.form_card(pressed.kind, pressed.value, r, hint=hint, initial=initial, error=error, typed=pressed.typed)
    return cards.dialog(pressed.kind, card, r)


def _form_of(value: Any) -> str | None:
    data = value.get("data") if isinstance(value, dict) else None
    form = data.get(cards.FORM_KEY) if isinstance(data, dict) else None
    return str(form) if form else None
