"""What pressing a button does, the same on every platform.

An ``Action`` (see ``handlers.results``) names a kind and a value; ``press`` runs it as the context's actor.
Some kinds need something typed first, which each platform asks for its own way (a Slack modal, an Adaptive
Card input, a console prompt): ``form_for`` says which field, ``FORM_SPECS`` describes it (title, label, kind of
input, length), ``open_form`` checks the button may still be used and says what the form starts with, and the
answer comes back as ``form_value``, checked by the kind's handler (empty, too long, a day in the past), so no
platform repeats a check.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from handlers import texts
from handlers.calendar import book_from_button, derive_hint, free_slots
from handlers.cards import require_open, require_request
from handlers.context import Ctx
from handlers.departments import set_own_department
from handlers.drafts import DRAFT_TEXT_LIMIT, DraftContent, submit_draft
from handlers.extensions import ask_for_more_time, decide_extension, default_proposal
from handlers.figures import results_hint
from handlers.guests import guest_command_hint
from handlers.invitations import answer_invitation, invite_matching
from handlers.parsing import parse_day
from handlers.preferences import set_ask_limit, set_language, set_recognition, set_reminders, set_results_notes
from handlers.results import ActionKind, Reply, Text, UserFacingError, t
from handlers.review import FEEDBACK_LIMIT, approve_draft, draft_request_number, request_changes
from handlers.signoff import signoff_hint
from handlers.volunteering import volunteer_for_request, withdraw_from_request


class FormField(StrEnum):
    DRAFT = "draft"  # a link to the draft, or the draft itself
    FEEDBACK = "feedback"  # what should change
    DATE = "date"  # a later day for the draft


FORMS = {
    ActionKind.SUBMIT_DRAFT: FormField.DRAFT,
    ActionKind.REQUEST_CHANGES: FormField.FEEDBACK,
    ActionKind.NEED_MORE_TIME: FormField.DATE,
}


class InputKind(StrEnum):
    TEXT = "text"  # a few lines of text
    DATE = "date"  # a day, YYYY-MM-DD


@dataclass(frozen=True)
class FormSpec:
    """What a form asks, for every platform to draw its own way: a dialog title, the field's label, the kind of
    input and how long an answer may be (all msgids, translated by the platform)."""

    title: str
    label: str
    hint: str  # what to type, for a surface that asks in words (the console): "a link to your draft, …"
    input: InputKind = InputKind.TEXT
    max_length: int = 2800


FORM_SPECS: dict[FormField, FormSpec] = {
    FormField.DRAFT: FormSpec(
        texts.MODAL_SUBMIT_TITLE, texts.MODAL_SUBMIT_LABEL, texts.FORM_HINT_DRAFT, max_length=DRAFT_TEXT_LIMIT
    ),
    FormField.FEEDBACK: FormSpec(
        texts.MODAL_CHANGES_TITLE, texts.MODAL_CHANGES_LABEL, texts.FORM_HINT_FEEDBACK, max_length=FEEDBACK_LIMIT
    ),
    FormField.DATE: FormSpec(texts.MODAL_EXTEND_TITLE, texts.MODAL_EXTEND_LABEL, texts.FORM_HINT_DATE, InputKind.DATE),
}


@dataclass(frozen=True)
class FormPrompt:
    """A form about to open: which field, a line above it (what it is about), and the answer it starts with."""

    field: FormField
    spec: FormSpec
    hint: Text | None = None
    initial: str | None = None  # a day as YYYY-MM-DD for date inputs


def form_for(kind: ActionKind) -> FormField | None:
    return FORMS.get(kind)


def open_form(ctx: Ctx, kind: ActionKind, value: str) -> FormPrompt:
    """The form of button ``kind`` pressed on ``value``, or a polite refusal when the button can no longer be
    used (the request is closed, the id is not Cobot's), so the person is told before typing anything."""
    field = form_for(kind)
    if field is None:
        raise ValueError(f"{kind} has no form")
    spec = FORM_SPECS[field]
    match kind:
        case ActionKind.SUBMIT_DRAFT:
            request = require_request(ctx, number_of(value))
            require_open(request)
            return FormPrompt(field, spec, hint=t(texts.MODAL_SUBMIT_HINT, number=request.number, title=request.title))
        case ActionKind.NEED_MORE_TIME:
            number = number_of(value)
            require_open(require_request(ctx, number))
            return FormPrompt(field, spec, initial=default_proposal(ctx, number=number).isoformat())
        case _:
            number_of(value)
            return FormPrompt(field, spec)


def press(ctx: Ctx, kind: ActionKind, value: str, *, form_value: str | None = None) -> Reply:
    """Runs the button ``kind`` with its ``value`` (and the typed ``form_value`` for buttons with a form)."""
    if kind in FORMS and form_value is None:
        raise ValueError(f"{kind} needs a form value")
    match kind:
        case ActionKind.VOLUNTEER:
            if not value.strip():  # a part menu whose choice was taken back
                raise UserFacingError(t(texts.CHOOSE_A_PART))
            # "12" on a request's button; "12:3" for its third part (Slack's part menu, the console's buttons).
            request_ref, _, part = value.partition(":")
            return volunteer_for_request(ctx, number=number_of(request_ref), part=part or None, via="button")
        case ActionKind.WITHDRAW:
            return withdraw_from_request(ctx, number=number_of(value), via="button")
        case ActionKind.SUBMIT_DRAFT:
            return submit_draft(
                ctx, number=number_of(value), content=DraftContent(text=form_value or ""), source="modal"
            )
        case ActionKind.APPROVE_DRAFT:
            draft_id = number_of(value)
            number, author = draft_request_number(ctx, draft_id=draft_id)
            return approve_draft(ctx, number=number, user_id=author, draft_id=draft_id)
        case ActionKind.REQUEST_CHANGES:
            draft_id = number_of(value)
            number, author = draft_request_number(ctx, draft_id=draft_id)
            return request_changes(ctx, number=number, user_id=author, feedback=form_value or "", draft_id=draft_id)
        case ActionKind.NEED_MORE_TIME:
            proposed = parse_day((form_value or "").strip(), today=ctx.today(), example=ctx.today().isoformat())
            return ask_for_more_time(ctx, number=number_of(value), proposed=proposed)
        case ActionKind.ACCEPT_EXTENSION | ActionKind.DECLINE_EXTENSION:
            accept = kind is ActionKind.ACCEPT_EXTENSION
            return decide_extension(ctx, extension_id=number_of(value), accept=accept)
        case ActionKind.SHOW_FREE_SLOTS:
            return free_slots(ctx, number=number_of(value))
        case ActionKind.BOOK_SLOT:
            return book_from_button(ctx, value=value)
        case ActionKind.DERIVE:
            return derive_hint(ctx, number=number_of(value))
        case ActionKind.INVITE_MATCHING:
            return invite_matching(ctx, number=number_of(value))
        case ActionKind.INVITE_GUEST:
            # Pressed where no form opens (Slack and Teams open ``guests.open_guest_form``'s): the command to type.
            return guest_command_hint(ctx, number=number_of(value))
        case ActionKind.ADD_RESULTS:
            # Pressed where no form opens (Slack opens ``figures.open_results_form``'s): the command to type.
            return results_hint(ctx, number=number_of(value))
        case ActionKind.ACCEPT_INVITATION | ActionKind.DECLINE_INVITATION:
            accept = kind is ActionKind.ACCEPT_INVITATION
            return answer_invitation(ctx, invitation_id=number_of(value), accept=accept)
        case ActionKind.SIGN_OFF:
            # Surfaces with a sign-off form open it instead (``handlers.signoff.signoff_form``); elsewhere the
            # button says what to type.
            return signoff_hint(ctx, draft_id=number_of(value))
        case ActionKind.SET_REMINDERS:
            return set_reminders(ctx, value=value)
        case ActionKind.SET_RECOGNITION:
            return set_recognition(ctx, value=value)
        case ActionKind.SET_RESULTS_NOTES:
            return set_results_notes(ctx, value=value)
        case ActionKind.SET_LANGUAGE:
            return set_language(ctx, value=value)
        case ActionKind.SET_ASKS:
            return set_ask_limit(ctx, value=value)
        case ActionKind.SET_DEPARTMENT:
            return set_own_department(ctx, value=value)
    raise AssertionError(f"unhandled action {kind!r}")


def number_of(value: str) -> int:
    """A request number or row id carried by a button (``12`` or ``#12``)."""
    text = str(value).strip().removeprefix("#")
    if not text.isdecimal():
        raise UserFacingError(t(texts.BAD_ID, value=str(value)[:40]))
    return int(text)
