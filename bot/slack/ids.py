"""Slack ids shared by the Block Kit builders and the listener registrations, so the two can never drift."""

from __future__ import annotations

from handlers.results import ActionKind

COMMAND = "/cocreate"

VOLUNTEER = "cocreate_volunteer"
PICK_PART = "cocreate_pick_part"
WITHDRAW = "cocreate_withdraw"
SUBMIT_DRAFT = "cocreate_submit_draft"
APPROVE_DRAFT = "cocreate_approve_draft"
REQUEST_CHANGES = "cocreate_request_changes"

SUBMIT_DRAFT_VIEW = "cocreate_submit_draft_view"
REQUEST_CHANGES_VIEW = "cocreate_request_changes_view"
DRAFT_BLOCK = "draft"
DRAFT_INPUT = "draft_input"
FEEDBACK_BLOCK = "feedback"
FEEDBACK_INPUT = "feedback_input"

ACTION_IDS: dict[ActionKind, str] = {
    ActionKind.VOLUNTEER: VOLUNTEER,
    ActionKind.WITHDRAW: WITHDRAW,
    ActionKind.SUBMIT_DRAFT: SUBMIT_DRAFT,
    ActionKind.APPROVE_DRAFT: APPROVE_DRAFT,
    ActionKind.REQUEST_CHANGES: REQUEST_CHANGES,
}

# ✋ and its skin-tone variants ("raised_hand::skin-tone-3") volunteer the reacting person.
RAISED_HAND = "raised_hand"
