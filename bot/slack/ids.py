"""Slack ids shared by the Block Kit builders and the listener registrations, so the two can never drift."""

from __future__ import annotations

import re

from handlers.actions import FormField
from handlers.guests import GuestField
from handlers.results import ActionKind

COMMAND = "/cocreate"

PREFIX = "cocreate_"
# A block may show the same kind of button more than once (ten "Book" buttons for ten free slots), but Slack wants
# every action_id in a block to be unique: repeats get a suffix, ".2", ".3", …, which the listener ignores.
SUFFIX_SEPARATOR = "."


def action_id(kind: ActionKind) -> str:
    """The action_id of every button or menu that runs ``kind``: ``cocreate_<kind>``."""
    return PREFIX + kind.value


def repeat_pattern(base: ActionKind | str) -> re.Pattern[str]:
    """The action_ids of repeats of a kind (or of another id) in one block (``cocreate_book_slot.2``); the
    listener is registered for the plain id and for these."""
    plain = action_id(base) if isinstance(base, ActionKind) else base
    return re.compile(rf"^{re.escape(plain + SUFFIX_SEPARATOR)}\d+$")


def unique_in_block(action_ids: list[str]) -> list[str]:
    """The ids of a block's elements made unique: the second ``cocreate_book_slot`` becomes ``….2``, and so on."""
    seen: dict[str, int] = {}
    unique = []
    for given in action_ids:
        seen[given] = seen.get(given, 0) + 1
        unique.append(given if seen[given] == 1 else f"{given}{SUFFIX_SEPARATOR}{seen[given]}")
    return unique


def kind_of(action_id: str) -> ActionKind | None:
    """The kind an action_id runs (suffix or not), or None for ids that are not a kind's."""
    base = action_id.split(SUFFIX_SEPARATOR, 1)[0]
    if base == PICK_PART:
        return ActionKind.VOLUNTEER  # the card's part menu: the chosen option's value is "12:3"
    try:
        return ActionKind(base.removeprefix(PREFIX)) if base.startswith(PREFIX) else None
    except ValueError:
        return None


def view_id(kind: ActionKind) -> str:
    """The callback_id of the modal that asks what a button with a form needs: ``cocreate_<kind>_view``."""
    return f"{action_id(kind)}_view"


def form_block(field: FormField) -> str:
    """The input block of a form field in its modal, and (with ``form_input``) the element's action_id."""
    return field.value


def form_input(field: FormField) -> str:
    return f"{field.value}_input"


PICK_PART = "cocreate_pick_part"
HOME_PAGE = "cocreate_home_page"  # value: "<section>:<page>"

# Named here for the listeners and tests that mean one kind in particular; every one is ``action_id(kind)``.
VOLUNTEER = action_id(ActionKind.VOLUNTEER)
WITHDRAW = action_id(ActionKind.WITHDRAW)
SUBMIT_DRAFT = action_id(ActionKind.SUBMIT_DRAFT)
APPROVE_DRAFT = action_id(ActionKind.APPROVE_DRAFT)
REQUEST_CHANGES = action_id(ActionKind.REQUEST_CHANGES)
NEED_MORE_TIME = action_id(ActionKind.NEED_MORE_TIME)
ACCEPT_EXTENSION = action_id(ActionKind.ACCEPT_EXTENSION)
DECLINE_EXTENSION = action_id(ActionKind.DECLINE_EXTENSION)
SHOW_FREE_SLOTS = action_id(ActionKind.SHOW_FREE_SLOTS)
BOOK_SLOT = action_id(ActionKind.BOOK_SLOT)
DERIVE = action_id(ActionKind.DERIVE)
SET_REMINDERS = action_id(ActionKind.SET_REMINDERS)
SET_RECOGNITION = action_id(ActionKind.SET_RECOGNITION)
SET_RESULTS_NOTES = action_id(ActionKind.SET_RESULTS_NOTES)
SET_LANGUAGE = action_id(ActionKind.SET_LANGUAGE)
SET_DEPARTMENT = action_id(ActionKind.SET_DEPARTMENT)  # Home's department field (typed text) and its clear button
SET_ASKS = action_id(ActionKind.SET_ASKS)  # a menu: the chosen option's value is "never", "default" or a number
INVITE_MATCHING = action_id(ActionKind.INVITE_MATCHING)
ACCEPT_INVITATION = action_id(ActionKind.ACCEPT_INVITATION)
DECLINE_INVITATION = action_id(ActionKind.DECLINE_INVITATION)
SIGN_OFF = action_id(ActionKind.SIGN_OFF)
INVITE_GUEST = action_id(ActionKind.INVITE_GUEST)  # on the card: an option of its overflow menu
ADD_RESULTS = action_id(ActionKind.ADD_RESULTS)  # on a published piece's card
ACTION_IDS: dict[ActionKind, str] = {kind: action_id(kind) for kind in ActionKind}

SUBMIT_DRAFT_VIEW = view_id(ActionKind.SUBMIT_DRAFT)
REQUEST_CHANGES_VIEW = view_id(ActionKind.REQUEST_CHANGES)
EXTEND_VIEW = view_id(ActionKind.NEED_MORE_TIME)
DRAFT_BLOCK, DRAFT_INPUT = form_block(FormField.DRAFT), form_input(FormField.DRAFT)
FEEDBACK_BLOCK, FEEDBACK_INPUT = form_block(FormField.FEEDBACK), form_input(FormField.FEEDBACK)
EXTEND_BLOCK, EXTEND_INPUT = form_block(FormField.DATE), form_input(FormField.DATE)

# The sign-off form (``handlers.signoff``): one input block per field, each element's action_id ``INPUT``.
SIGN_OFF_VIEW = view_id(ActionKind.SIGN_OFF)
SIGN_OFF_BLOCKS = {"byline": "so_byline", "bio": "so_bio", "places": "so_places"}
# The owner's form for a guest ("Invite someone outside"): its private_metadata is the request number, and each
# input's element has the action_id ``INPUT``.
GUEST_VIEW = view_id(ActionKind.INVITE_GUEST)
GUEST_BLOCKS: dict[GuestField, str] = {field: f"guest_{field.value}" for field in GuestField}
# The owner's form for a published piece's results: its private_metadata is the request number; one input block
# per known metric and one for other metrics, each element's action_id ``INPUT``.
RESULTS_VIEW = view_id(ActionKind.ADD_RESULTS)


def results_block(field: str) -> str:
    """The block of a results form's field: a known metric (``views``) or ``figures.OTHER_FIELD``."""
    return f"results_{field}"


NEW_REQUEST_VIEW = "cocreate_new_request_view"
FROM_MESSAGE_SHORTCUT = "cocreate_request_from_message"
# Blocks of the new-request form; each input's element has the action_id "value".
NEW_REQUEST_BLOCKS = {
    "title": "nr_title",
    "brief": "nr_brief",
    "format": "nr_format",
    "skills": "nr_skills",
    "parts": "nr_parts",
    "needs": "nr_needs",
    "deadline": "nr_deadline",
    "target": "nr_target",
    "channel": "nr_channel",
}
INPUT = "value"

# ✋ and its skin-tone variants ("raised_hand::skin-tone-3") volunteer the reacting person.
RAISED_HAND = "raised_hand"
