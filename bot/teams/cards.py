"""All Adaptive Card building for Teams: request cards, notices, replies, digest parts and the forms of buttons
that need something typed.

Buttons that run at once are ``Action.Execute`` (Universal Actions: Teams sends an ``adaptiveCard/action`` invoke
and shows the answer to the person who pressed) with an ``Action.Submit`` fallback for clients without Universal
Actions (Teams then sends a message activity whose ``value`` carries the same data). Buttons with a form open a
dialog (``Action.Submit`` with ``msteams.type = task/fetch``), Teams' counterpart of a Slack modal. Every button's
data is ``{"cobot": <ActionKind>, "value": <value>}``: what it means is ``handlers.actions.press``'s business.

A Teams message may be about 28 KB; cards stay well under it: long texts are cut (before they are escaped, so
a cut never splits an escape) and a request with many parts lists as many as fit, then says how many more.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from bot.teams.render import Rendered, TeamsRenderer, escape, markdown_link, truncate
from handlers import texts
from handlers.actions import FORM_SPECS, FormSpec, InputKind, form_for
from handlers.cards import WAITING_MARK, card_actions, part_choice_label, part_line, people_line, status_facts
from handlers.guests import NAME_LIMIT as GUEST_NAME_LIMIT
from handlers.guests import GuestField, GuestFormPrompt
from handlers.results import (
    Action,
    ActionKind,
    CardView,
    Day,
    DigestPart,
    Holder,
    Notice,
    PartView,
    Reply,
    Text,
    UserRef,
    t,
)
from handlers.signoff import BIO_LIMIT, BYLINE_LIMIT, SignOffForm

ADAPTIVE_CARD = "application/vnd.microsoft.card.adaptive"
CARD_VERSION = "1.5"
SCHEMA = "http://adaptivecards.io/schemas/adaptive-card.json"

DATA_KEY = "cobot"  # the ActionKind a button runs
VALUE_KEY = "value"  # what it runs on
INPUT_ID = "cobot_input"  # a form's typed answer
PART_INPUT_ID = "cobot_part"  # the request card's part menu ("12:3")

TITLE_LIMIT = 200
BRIEF_LIMIT = 3000
QUOTE_LIMIT = 2800
LABEL_LIMIT = 60
CARD_JSON_BUDGET = 20_000  # characters of card JSON; Teams refuses messages of about 28 KB
MESSAGE_TEXT_LIMIT = 20_000


@dataclass
class _Card:
    """A card being built: its body, actions, and the mentions its texts made."""

    body: list[dict[str, Any]] = field(default_factory=list)
    actions: list[dict[str, Any]] = field(default_factory=list)
    mentions: list[dict[str, Any]] = field(default_factory=list)

    def text(self, rendered: Rendered, **style: Any) -> dict[str, Any]:
        for mention in rendered.mentions:
            if mention not in self.mentions:
                self.mentions.append(mention)
        block = {"type": "TextBlock", "text": rendered.text, "wrap": True, **style}
        self.body.append(block)
        return block

    def plain(self, text: str, **style: Any) -> dict[str, Any]:
        return self.text(Rendered(text), **style)

    def build(self) -> dict[str, Any]:
        card: dict[str, Any] = {
            "type": "AdaptiveCard",
            "$schema": SCHEMA,
            "version": CARD_VERSION,
            "body": self.body,
            "msteams": {"width": "Full"},
        }
        if self.actions:
            card["actions"] = self.actions
        if self.mentions:
            card["msteams"]["entities"] = self.mentions
        return card


def attachment(card: dict[str, Any]) -> dict[str, Any]:
    return {"contentType": ADAPTIVE_CARD, "content": card}


def card_message(card: dict[str, Any], *, summary: str) -> dict[str, Any]:
    """A message activity carrying one card; ``summary`` is what notifications and screen readers show."""
    return {"type": "message", "attachments": [attachment(card)], "summary": truncate(summary, 250)}


def text_message(rendered: Rendered) -> dict[str, Any]:
    activity: dict[str, Any] = {
        "type": "message",
        "text": truncate(rendered.text, MESSAGE_TEXT_LIMIT),
        "textFormat": "markdown",
    }
    if rendered.mentions:
        activity["entities"] = rendered.mentions
    return activity


# --- buttons -----------------------------------------------------------------------------------------------


def action_data(kind: ActionKind, value: str) -> dict[str, Any]:
    return {DATA_KEY: kind.value, VALUE_KEY: value}


def button(action: Action, r: TeamsRenderer) -> dict[str, Any]:
    title = truncate(r.label(action), LABEL_LIMIT)
    data = action_data(action.kind, action.value)
    if action.kind is ActionKind.INVITE_GUEST:
        # The owner's form for a guest opens a dialog too; "secondary" puts it in the card's "…" menu, away from
        # the buttons that are for everyone (``handlers.cards.card_actions``).
        return {
            "type": "Action.Submit",
            "title": title,
            "mode": "secondary",
            "data": {**data, "msteams": {"type": "task/fetch"}},
        }
    if form_for(action.kind) is not None or action.kind is ActionKind.SIGN_OFF:
        return {"type": "Action.Submit", "title": title, "data": {**data, "msteams": {"type": "task/fetch"}}}
    result: dict[str, Any] = {
        "type": "Action.Execute",
        "title": title,
        "verb": action.kind.value,
        "data": data,
        "fallback": {"type": "Action.Submit", "title": title, "data": data},
    }
    if action.style == "primary":
        result["style"] = "positive"
    elif action.style == "danger":
        result["style"] = "destructive"
    return result


# --- the request card --------------------------------------------------------------------------------------


def card_summary(view: CardView, r: TeamsRenderer) -> str:
    return f"#{view.number} {view.title} — " + r.plain(t(texts.CARD_DEADLINE, deadline=Day(view.deadline)))


def request_card(view: CardView, r: TeamsRenderer, *, with_actions: bool = True) -> dict[str, Any]:
    """The request card: the same content and buttons as on Slack (parts in a menu, as there)."""
    card = _Card()
    card.plain(
        escape(truncate(f"#{view.number} {view.title}", TITLE_LIMIT)), size="Large", weight="Bolder", style="heading"
    )
    if view.brief:
        brief = view.brief
        if len(brief) > BRIEF_LIMIT:
            brief = truncate(brief, BRIEF_LIMIT, suffix="") + "\n" + r.plain(Text(texts.BRIEF_TRUNCATED))
        card.plain(escape(brief))
    capacity = sum(p.capacity for p in view.parts) if view.parts else view.needed
    facts = [
        t(texts.CARD_DEADLINE, deadline=Day(view.deadline)),
        t(texts.CARD_OWNER, owner=UserRef(view.owner)),
    ]
    if view.format:
        facts.append(t(texts.CARD_FORMAT, format=view.format))
    if view.skills:
        facts.append(t(texts.CARD_SKILLS, skills=truncate(", ".join(view.skills), 380)))
    if view.publish_target:
        facts.append(t(texts.CARD_TARGET, target=view.publish_target))
    facts.append(t(texts.CARD_VOLUNTEERS, count=view.volunteer_count, needed=capacity))
    if view.waiting_count:
        facts.append(t(texts.CARD_WAITLIST, count=view.waiting_count))
    facts.extend(status_facts(view))
    for index, fact in enumerate(facts):
        card.text(r.render(fact), spacing="Small" if index else "Medium")
    if view.parts:
        _parts(card, view, r)
    else:
        card.text(_people(view.holders, view.waiting, r, view.guests), spacing="Medium")
    if view.derived_from is not None:
        card.text(r.render(t(texts.CARD_DERIVED, number=view.derived_from)), isSubtle=True, size="Small")
    if with_actions and view.is_open:
        _card_buttons(card, view, r)
    return card.build()


def _people(
    holders: tuple[Holder, ...], waiting: tuple[str, ...], r: TeamsRenderer, guests: Mapping[str, str]
) -> Rendered:
    line = Rendered("")
    line.text = people_line(
        holders,
        waiting,
        mention=lambda u: line.merge(r.mention(u)),
        render=lambda text: line.merge(r.render(text)),
        guests=guests,
    )
    return line


def _part(part: PartView, r: TeamsRenderer, guests: Mapping[str, str]) -> Rendered:
    line = Rendered("")
    line.text = part_line(
        part,
        mention=lambda u: line.merge(r.mention(u)),
        render=lambda text: line.merge(r.render(text)),
        guests=guests,
    )
    return line


def _parts(card: _Card, view: CardView, r: TeamsRenderer) -> None:
    budget = CARD_JSON_BUDGET - len(json.dumps(card.build(), ensure_ascii=False)) - 3_000  # room for the buttons
    shown = 0
    for part in view.parts:
        line = _part(part, r, view.guests)
        if len(line.text) + 120 > budget:
            break
        card.text(line, spacing="Small" if shown else "Medium")
        budget -= len(line.text) + 120
        shown += 1
    if shown < len(view.parts):
        card.text(r.render(t(texts.CARD_MORE_PARTS, count=len(view.parts) - shown, number=view.number)), isSubtle=True)


def _card_buttons(card: _Card, view: CardView, r: TeamsRenderer) -> None:
    """The card's buttons, as on every platform (``handlers.cards.card_actions``); as on Slack, parts are picked
    from a menu, and the Volunteer button sends the chosen "12:3"."""
    if view.parts:
        card.body.append(
            {
                "type": "Input.ChoiceSet",
                "id": PART_INPUT_ID,
                "style": "compact",
                "placeholder": r.plain(Text(texts.PICK_PART)),
                "choices": [
                    {
                        "title": truncate(part_choice_label(p), LABEL_LIMIT)
                        + (f" {WAITING_MARK}" if p.is_full else ""),
                        "value": f"{view.number}:{p.position}",
                    }
                    for p in view.parts[:100]
                ],
            }
        )
    card.actions.extend(button(a, r) for a in card_actions(view, part_menu=True))


# --- notices, replies, digest ------------------------------------------------------------------------------


def notice_card(notice: Notice, r: TeamsRenderer) -> dict[str, Any]:
    """A message to someone else: the text, the quoted content (a draft, feedback), a link, and buttons."""
    card = _Card()
    card.text(r.render(notice.text))
    if notice.quote:
        card.body.append(
            {
                "type": "Container",
                "style": "emphasis",
                "items": [{"type": "TextBlock", "text": escape(truncate(notice.quote, QUOTE_LIMIT)), "wrap": True}],
            }
        )
    if notice.link:
        card.plain(markdown_link(notice.link))
    card.actions.extend(button(a, r) for a in notice.actions)
    if notice.settled is not None:
        card.text(r.render(notice.settled), isSubtle=True, spacing="Medium")
    return card.build()


def reply_card(reply: Reply, r: TeamsRenderer) -> dict[str, Any]:
    """An answer to the actor with buttons or a request card (answers with only text go as text messages)."""
    card = _Card()
    for text in reply.texts:
        card.text(r.render(text), spacing="Small")
    card.actions.extend(button(a, r) for a in reply.actions)
    if reply.card is not None:
        inner = request_card(reply.card, r)
        card.body.append({"type": "Container", "separator": True, "items": inner["body"]})
        card.actions.extend(inner.get("actions", []))
        for mention in inner["msteams"].get("entities", []):
            if mention not in card.mentions:
                card.mentions.append(mention)
    return card.build()


def reply_message(reply: Reply, r: TeamsRenderer) -> dict[str, Any]:
    """The activity that answers the actor: plain text when it is only text, else a card."""
    if reply.card is None and not reply.actions:
        rendered = Rendered("")
        rendered.text = "\n\n".join(rendered.merge(r.render(text, "message")) for text in reply.texts)
        return text_message(rendered)
    summary = r.plain(reply.texts[0]) if reply.texts else card_summary(reply.card, r) if reply.card else ""
    return card_message(reply_card(reply, r), summary=summary)


def digest_card(part: DigestPart, r: TeamsRenderer) -> dict[str, Any]:
    """One digest message: headings, and each line with its button beside it."""
    card = _Card()
    for line in part.lines:
        rendered = r.render(line.text)
        if line.heading:
            block = card.text(rendered, weight="Bolder", size="Medium" if not card.body else "Default")
            block["separator"] = bool(len(card.body) > 1)
            continue
        if line.action is None:
            card.text(rendered, spacing="Small")
            continue
        block = card.text(rendered)
        card.body.pop()
        card.body.append(
            {
                "type": "ColumnSet",
                "spacing": "Small",
                "columns": [
                    {"type": "Column", "width": "stretch", "items": [block]},
                    {
                        "type": "Column",
                        "width": "auto",
                        "items": [{"type": "ActionSet", "actions": [button(line.action, r)]}],
                    },
                ],
            }
        )
    return card.build()


# --- forms (dialogs) ---------------------------------------------------------------------------------------


def form_card(
    kind: ActionKind,
    value: str,
    r: TeamsRenderer,
    *,
    hint: str | None = None,
    initial: date | None = None,
    error: Text | None = None,
    typed: str | None = None,
) -> dict[str, Any]:
    """The dialog for a button that needs something typed: a draft, feedback, or a later date."""
    spec = _spec(kind)
    label = spec.label
    card = _Card()
    if hint:
        card.plain(escape(hint), isSubtle=True)
    if error is not None:
        card.text(r.render(error), color="Attention")
    field: dict[str, Any]
    if spec.input is InputKind.DATE:
        field = {"type": "Input.Date", "id": INPUT_ID, "isRequired": True}
        if typed or initial:
            field["value"] = typed or (initial.isoformat() if initial else "")
    else:
        field = {
            "type": "Input.Text",
            "id": INPUT_ID,
            "isMultiline": True,
            "maxLength": spec.max_length,
            "isRequired": True,
        }
        if typed:
            field["value"] = typed
    field["label"] = r.plain(Text(label))
    field["errorMessage"] = r.plain(Text(label))
    card.body.append(field)
    card.actions.append(
        {"type": "Action.Submit", "title": r.plain(Text(texts.MODAL_SEND)), "data": action_data(kind, value)}
    )
    return card.build()


def dialog(kind: ActionKind, card: dict[str, Any], r: TeamsRenderer) -> dict[str, Any]:
    """A ``task/fetch`` or ``task/submit`` answer that shows ``card`` in a dialog."""
    title = _spec(kind).title
    return {
        "task": {
            "type": "continue",
            "value": {"title": r.plain(Text(title)), "width": "medium", "height": "medium", "card": attachment(card)},
        }
    }


def dialog_message(text: str) -> dict[str, Any]:
    """A ``task/submit`` answer that closes the dialog with a short message."""
    return {"task": {"type": "message", "value": truncate(text, 1000)}}


# --- the sign-off form -------------------------------------------------------------------------------------

SIGNOFF_INPUTS = {"byline": "cobot_byline", "bio": "cobot_bio", "places": "cobot_places"}
SIGNOFF_HASH = "cobot_hash"  # the content hash the dialog showed, sent back with its answer


def place_choice(key: str) -> str:
    """A place's value in the dialog's multi-select, which Teams sends back joined by commas: a short hash of its
    key, so a slot name with a comma in it cannot be split into two."""
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]


def signoff_form_card(
    form: SignOffForm,
    r: TeamsRenderer,
    *,
    problems: tuple[Text, ...] = (),
    typed: dict[str, str] | None = None,
) -> dict[str, Any]:
    """The sign-off dialog: the approved version (content, version, hash), then byline, bio and places, the
    fields of Slack's modal (``handlers.signoff.signoff_form`` says what they start with)."""
    card = _Card()
    hint = Text(
        texts.SIGNOFF_FORM_HINT,
        {"version": form.version, "number": form.number, "title": form.title, "owner": UserRef(form.owner_user_id)},
    )
    card.text(r.render(hint), isSubtle=True)
    for problem in problems:
        card.text(r.render(problem), color="Attention")
    if form.text:
        card.plain(escape(truncate(form.text, 2800)))
    if form.url:
        card.plain(escape(truncate(form.url, 2000)))
    if form.file_name:
        card.plain(escape(truncate(form.file_name, 255)))
    card.plain(
        escape(r.plain(Text(texts.SIGNOFF_VERSION_LINE, {"version": form.version, "hash": form.content_hash}))),
        isSubtle=True,
    )
    typed = typed or {}
    card.body.append(
        {
            "type": "Input.Text",
            "id": SIGNOFF_INPUTS["byline"],
            "label": r.plain(Text(texts.SIGNOFF_BYLINE_LABEL)),
            "maxLength": BYLINE_LIMIT,
            "isRequired": True,
            "errorMessage": r.plain(Text(texts.SIGNOFF_BYLINE_LABEL)),
            "value": typed.get("byline", form.byline),
        }
    )
    card.body.append(
        {
            "type": "Input.Text",
            "id": SIGNOFF_INPUTS["bio"],
            "label": r.plain(Text(texts.SIGNOFF_BIO_LABEL)),
            "maxLength": BIO_LIMIT,
            "value": typed.get("bio", form.bio),
        }
    )
    if form.places:
        chosen = typed["places"] if "places" in typed else ",".join(place_choice(key) for key in form.chosen)
        card.body.append(
            {
                "type": "Input.ChoiceSet",
                "id": SIGNOFF_INPUTS["places"],
                "label": r.plain(Text(texts.SIGNOFF_PLACES_LABEL)),
                "isMultiSelect": True,
                "style": "expanded",
                "choices": [
                    {"title": truncate(place.label, LABEL_LIMIT), "value": place_choice(place.key)}
                    for place in form.places
                ],
                "value": chosen,
            }
        )
    data = {**action_data(ActionKind.SIGN_OFF, str(form.draft_id)), SIGNOFF_HASH: form.content_hash}
    card.actions.append({"type": "Action.Submit", "title": r.plain(Text(texts.MODAL_SEND)), "data": data})
    return card.build()


def signoff_dialog(card: dict[str, Any], r: TeamsRenderer) -> dict[str, Any]:
    return {
        "task": {
            "type": "continue",
            "value": {
                "title": r.plain(Text(texts.SIGNOFF_TITLE)),
                "width": "medium",
                "height": "large",
                "card": attachment(card),
            },
        }
    }


# --- the new-request form ----------------------------------------------------------------------------------

FORM_KEY = "cobot_form"  # a dialog that is not a button's form
NEW_REQUEST = "new_request"
REQUEST_INPUTS = {  # form field → the Adaptive Card input's id
    "title": "cobot_title",
    "deadline": "cobot_deadline",
    "brief": "cobot_brief",
    "format": "cobot_format",
    "skills": "cobot_skills",
    "needs": "cobot_needs",
    "parts": "cobot_parts",
}


def new_request_offer(r: TeamsRenderer) -> dict[str, Any]:
    """The answer to ``new`` without arguments: Teams opens dialogs only from buttons, so this is one."""
    card = _Card()
    card.text(r.render(Text(texts.USAGE_NEW)))
    card.actions.append(
        {
            "type": "Action.Submit",
            "title": r.plain(Text(texts.FORM_NEW_TITLE)),
            "data": {FORM_KEY: NEW_REQUEST, "msteams": {"type": "task/fetch"}},
            "style": "positive",
        }
    )
    return card.build()


def new_request_form(
    r: TeamsRenderer, *, formats: list[str], typed: dict[str, str] | None = None, problems: tuple[Text, ...] = ()
) -> dict[str, Any]:
    """The new-request dialog (the fields of Slack's form, in the channel or chat it was opened from)."""
    typed = typed or {}
    card = _Card()
    for problem in problems:
        card.text(r.render(problem), color="Attention")

    def field(name: str, element: dict[str, Any], label: str, hint: str | None = None) -> None:
        element = {"id": REQUEST_INPUTS[name], "label": r.plain(Text(label)), **element}
        value = _typed_value(element, typed.get(name) or "")
        if value is not None:
            element["value"] = value
        if hint:
            element["placeholder"] = r.plain(Text(hint))
        card.body.append(element)

    field("title", {"type": "Input.Text", "maxLength": TITLE_LIMIT, "isRequired": True}, texts.FORM_TITLE)
    field("deadline", {"type": "Input.Date", "isRequired": True}, texts.FORM_DEADLINE)
    field(
        "brief",
        {"type": "Input.Text", "isMultiline": True, "maxLength": BRIEF_LIMIT},
        texts.FORM_BRIEF,
        texts.FORM_BRIEF_HINT,
    )
    field(
        "format",
        {"type": "Input.ChoiceSet", "style": "compact", "choices": [{"title": f, "value": f} for f in formats]},
        texts.FORM_FORMAT,
    )
    field("skills", {"type": "Input.Text"}, texts.FORM_SKILLS, texts.FORM_SKILLS_HINT)
    field("needs", {"type": "Input.Number", "min": 1, "max": 50}, texts.FORM_NEEDS)
    field("parts", {"type": "Input.Text", "isMultiline": True}, texts.FORM_PARTS, texts.FORM_PARTS_HINT)
    card.actions.append(
        {"type": "Action.Submit", "title": r.plain(Text(texts.FORM_POST)), "data": {FORM_KEY: NEW_REQUEST}}
    )
    return card.build()


def _typed_value(element: dict[str, Any], typed: str) -> str | int | float | None:
    """What a re-shown dialog's input starts with: Input.Number takes a number (the schema refuses "2"), and a
    typed value that is no number is dropped rather than sent as one."""
    if not typed:
        return None
    if element["type"] != "Input.Number":
        return typed
    try:
        number = float(typed)
    except ValueError:
        return None
    if not math.isfinite(number):
        return None
    return int(number) if number.is_integer() else number


def new_request_dialog(card: dict[str, Any], r: TeamsRenderer) -> dict[str, Any]:
    return {
        "task": {
            "type": "continue",
            "value": {
                "title": r.plain(Text(texts.FORM_NEW_TITLE)),
                "width": "large",
                "height": "large",
                "card": attachment(card),
            },
        }
    }


def new_request_offer_message(r: TeamsRenderer) -> dict[str, Any]:
    return card_message(new_request_offer(r), summary=r.plain(Text(texts.FORM_NEW_TITLE)))


def form_message(kind: ActionKind, value: str, r: TeamsRenderer) -> dict[str, Any]:
    """A button's form as a card in the conversation, for clients that cannot open dialogs."""
    return card_message(form_card(kind, value, r), summary=r.plain(Text(_spec(kind).title)))


# --- the owner's form for a guest ---------------------------------------------------------------------------

GUEST_INPUTS: dict[GuestField, str] = {field: f"cobot_guest_{field.value}" for field in GuestField}


def guest_form(
    prompt: GuestFormPrompt,
    r: TeamsRenderer,
    *,
    typed: Mapping[GuestField, str] | None = None,
    problems: tuple[Text, ...] = (),
) -> dict[str, Any]:
    """The dialog behind "Invite someone outside" (Slack's modal: ``bot.slack.blocks.guest_modal``): e-mail, full
    name, the part (for a request with parts) and the language of the guest's e-mails; re-shown with what was typed
    and what was wrong with it."""
    typed = typed or {}
    card = _Card()
    card.plain(escape(r.plain(prompt.hint)), isSubtle=True)
    for problem in problems:
        card.text(r.render(problem), color="Attention")

    def field(name: GuestField, element: dict[str, Any], label: str) -> None:
        element = {"id": GUEST_INPUTS[name], "label": r.plain(Text(label)), **element}
        if typed.get(name):
            element["value"] = typed[name]
        card.body.append(element)

    email_label = r.plain(Text(texts.GUEST_FORM_EMAIL))
    field(
        GuestField.EMAIL,
        {
            "type": "Input.Text",
            "style": "Email",
            "isRequired": True,
            "errorMessage": email_label,
            "placeholder": "anne@example.com",
            "maxLength": 254,
        },
        texts.GUEST_FORM_EMAIL,
    )
    field(GuestField.NAME, {"type": "Input.Text", "maxLength": GUEST_NAME_LIMIT}, texts.GUEST_FORM_NAME)
    if prompt.parts:
        choices = [
            {"title": truncate(f"{position}. {name}", LABEL_LIMIT), "value": str(position)}
            for position, name in prompt.parts[:100]
        ]
        part_label = r.plain(Text(texts.GUEST_FORM_PART))
        field(
            GuestField.PART,
            {
                "type": "Input.ChoiceSet",
                "style": "compact",
                "isRequired": True,
                "errorMessage": part_label,
                "placeholder": r.plain(Text(texts.PICK_PART)),
                "choices": choices,
            },
            texts.GUEST_FORM_PART,
        )
    languages = [{"title": name, "value": code} for code, name in prompt.languages]  # each in its own language
    field(
        GuestField.LANGUAGE,
        {"type": "Input.ChoiceSet", "style": "compact", "choices": languages, "value": prompt.language},
        texts.GUEST_FORM_LANGUAGE,
    )
    card.actions.append(
        {
            "type": "Action.Submit",
            "title": r.plain(Text(texts.GUEST_FORM_SEND)),
            "data": action_data(ActionKind.INVITE_GUEST, str(prompt.number)),
        }
    )
    return card.build()


def guest_dialog(card: dict[str, Any], r: TeamsRenderer) -> dict[str, Any]:
    return {
        "task": {
            "type": "continue",
            "value": {
                "title": r.plain(Text(texts.GUEST_FORM_TITLE)),
                "width": "medium",
                "height": "medium",
                "card": attachment(card),
            },
        }
    }


def _spec(kind: ActionKind) -> FormSpec:
    """The core's description of the form of button ``kind`` (``handlers.actions.FORM_SPECS``)."""
    form = form_for(kind)
    assert form is not None, f"{kind} has no form"
    return FORM_SPECS[form]
