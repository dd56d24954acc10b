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
NEED_MORE_TIME = "cocreate_need_more_time"
ACCEPT_EXTENSION = "cocreate_accept_extension"
DECLINE_EXTENSION = "cocreate_decline_extension"
SHOW_FREE_SLOTS = "cocreate_show_free_slots"
BOOK_SLOT = "cocreate_book_slot"
DERIVE = "cocreate_derive"
SET_REMINDERS = "cocreate_set_reminders"
SET_RECOGNITION = "cocreate_set_recognition"
SET_LANGUAGE = "cocreate_set_language"
SET_ASKS = "cocreate_set_asks"  # a menu: the chosen option's value is "never", "default" or a number
HOME_PAGE = "cocreate_home_page"  # value: "<section>:<page>"
INVITE_MATCHING = "cocreate_invite_matching"
ACCEPT_INVITATION = "cocreate_accept_invitation"
DECLINE_INVITATION = "cocreate_decline_invitation"

SUBMIT_DRAFT_VIEW = "cocreate_submit_draft_view"
REQUEST_CHANGES_VIEW = "cocreate_request_changes_view"
DRAFT_BLOCK = "draft"
DRAFT_INPUT = "draft_input"
FEEDBACK_BLOCK = "feedback"
FEEDBACK_INPUT = "feedback_input"
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
EXTEND_VIEW = "cocreate_extend_view"
EXTEND_BLOCK = "extend"
EXTEND_INPUT = "extend_date"

ACTION_IDS: dict[ActionKind, str] = {
    ActionKind.VOLUNTEER: VOLUNTEER,
    ActionKind.WITHDRAW: WITHDRAW,
    ActionKind.SUBMIT_DRAFT: SUBMIT_DRAFT,
    ActionKind.APPROVE_DRAFT: APPROVE_DRAFT,
    ActionKind.REQUEST_CHANGES: REQUEST_CHANGES,
    ActionKind.NEED_MORE_TIME: NEED_MORE_TIME,
    ActionKind.ACCEPT_EXTENSION: ACCEPT_EXTENSION,
    ActionKind.DECLINE_EXTENSION: DECLINE_EXTENSION,
    ActionKind.SHOW_FREE_SLOTS: SHOW_FREE_SLOTS,
    ActionKind.BOOK_SLOT: BOOK_SLOT,
    ActionKind.DERIVE: DERIVE,
    ActionKind.SET_REMINDERS: SET_REMINDERS,
    ActionKind.SET_RECOGNITION: SET_RECOGNITION,
    ActionKind.SET_LANGUAGE: SET_LANGUAGE,
    ActionKind.SET_ASKS: SET_ASKS,
    ActionKind.INVITE_MATCHING: INVITE_MATCHING,
    ActionKind.ACCEPT_INVITATION: ACCEPT_INVITATION,
    ActionKind.DECLINE_INVITATION: DECLINE_INVITATION,
}

# ✋ and its skin-tone variants ("raised_hand::skin-tone-3") volunteer the reacting person.
RAISED_HAND = "raised_hand"
