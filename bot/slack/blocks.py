"""All Block Kit building: request cards, replies, notices and modals.

Slack's limits are enforced here, in one place: at most 50 blocks per message and 100 per view, 3000 characters
per section text and 2000 per field, 150 for a header, 75 for a button or option label, 100 options per select.
User text is shortened *before* it is escaped, so a cut never splits an entity or a mention.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from bot.slack import ids
from bot.slack.render import (
    Translate,
    escape,
    identity,
    link_token,
    render,
    render_plain,
    shorten_to_fit,
    truncate,
)
from handlers import texts
from handlers.actions import FORM_SPECS, FormPrompt, InputKind, form_for
from handlers.cards import WAITING_MARK, card_actions, part_choice_label, part_line, people_line, status_facts
from handlers.departments import DEPARTMENT_LIMIT
from handlers.figures import MAX_FIGURE, OTHER_FIELD, ResultsFormPrompt
from handlers.guests import NAME_LIMIT as GUEST_NAME_LIMIT
from handlers.guests import GuestField, GuestFormPrompt
from handlers.home import HomePage, HomeSettings, HomeView
from handlers.outcomes import METRIC_NAMES
from handlers.requests import BRIEF_LIMIT, NEEDS_LIMIT, PART_NAME_LIMIT, PARTS_LIMIT, TITLE_LIMIT, RequestPrefill
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
from handlers.signoff import BIO_LIMIT, BYLINE_LIMIT, SignOffField, SignOffForm

Block = dict[str, Any]

MESSAGE_BLOCK_LIMIT = 50
SECTION_LIMIT = 3000
FIELD_LIMIT = 2000
HEADER_LIMIT = 150
LABEL_LIMIT = 75
OPTIONS_LIMIT = 100
# Slack refuses messages whose blocks are too large in total (about 13k characters of JSON in practice) well
# before 50 full sections. The parts list gets whatever the rest of the card leaves of this budget.
CARD_JSON_BUDGET = 12_000
PART_OPTION_LIMIT = 40  # select labels: long chapter names are cut, the card lists them in full
QUOTE_LIMIT = 2800
FORM_METADATA_LIMIT = 150  # a button's value: a request number or row id is far shorter


def section(mrkdwn: str) -> Block:
    return {"type": "section", "text": {"type": "mrkdwn", "text": truncate(mrkdwn, SECTION_LIMIT)}}


def text_sections(lines: list[str], *, limit_blocks: int = MESSAGE_BLOCK_LIMIT) -> list[Block]:
    """Lines packed into as few sections as fit, never more than ``limit_blocks``."""
    blocks: list[Block] = []
    current = ""
    for line in lines:
        line = truncate(line, SECTION_LIMIT)
        if current and len(current) + 1 + len(line) > SECTION_LIMIT:
            blocks.append(section(current))
            current = line
        else:
            current = f"{current}\n{line}" if current else line
    if current:
        blocks.append(section(current))
    return blocks[:limit_blocks]


def button(label: str, action_id: str, value: str, style: str | None = None) -> Block:
    element: Block = {
        "type": "button",
        "text": {"type": "plain_text", "text": truncate(label, LABEL_LIMIT), "emoji": True},
        "action_id": action_id,
        "value": value,
    }
    if style in ("primary", "danger"):
        element["style"] = style
    return element


def card_fallback(view: CardView, translate: Translate = identity) -> str:
    """The notification text of a card (shown in push notifications and screen readers)."""
    return f"#{view.number} {escape(view.title)} — " + render(
        t(texts.CARD_DEADLINE, deadline=Day(view.deadline)), translate
    ).replace("*", "")


def request_card(view: CardView, translate: Translate = identity, *, with_actions: bool = True) -> list[Block]:
    """The request card: what is wanted, by when, who helps, and the buttons to join in."""

    def r(text: Text) -> str:
        return render(text, translate)

    blocks: list[Block] = [
        {
            "type": "header",
            "text": {
                "type": "plain_text",
                "text": truncate(f"#{view.number} {view.title}", HEADER_LIMIT),
                "emoji": True,
            },
        }
    ]
    if view.brief:
        brief = escape(view.brief)
        if len(brief) > SECTION_LIMIT:  # escaping can make a brief up to five times longer (& → &amp;)
            note = escape("\n" + translate(texts.BRIEF_TRUNCATED))
            brief = shorten_to_fit(view.brief[: SECTION_LIMIT // 2], SECTION_LIMIT - len(note), suffix="") + note
        blocks.append(section(brief))
    fields = [
        r(t(texts.CARD_DEADLINE, deadline=Day(view.deadline))),
        r(t(texts.CARD_OWNER, owner=UserRef(view.owner))),
    ]
    if view.format:
        fields.append(r(t(texts.CARD_FORMAT, format=view.format)))
    if view.skills:
        # 380 characters escape to at most 1900 (& → &amp;), which leaves the 2000-character field room to spare.
        fields.append(r(t(texts.CARD_SKILLS, skills=truncate(", ".join(view.skills), 380))))
    if view.publish_target:
        fields.append(r(t(texts.CARD_TARGET, target=view.publish_target)))
    capacity = sum(p.capacity for p in view.parts) if view.parts else view.needed
    fields.append(r(t(texts.CARD_VOLUNTEERS, count=view.volunteer_count, needed=capacity)))
    if view.waiting_count:
        fields.append(r(t(texts.CARD_WAITLIST, count=view.waiting_count)))
    fields.extend(r(fact) for fact in status_facts(view))
    blocks.append(
        {
            "type": "section",
            "fields": [{"type": "mrkdwn", "text": truncate(f, FIELD_LIMIT)} for f in fields[:10]],
        }
    )
    tail: list[Block] = []
    if view.derived_from is not None:
        tail.append(
            {
                "type": "context",
                "elements": [{"type": "mrkdwn", "text": r(t(texts.CARD_DERIVED, number=view.derived_from))}],
            }
        )
    if with_actions and card_actions(view):  # an open request's buttons, or a published piece's "Add results"
        tail.append(_card_actions(view, translate))
    if not view.parts:
        return [*blocks, section(_people_line(view.holders, view.waiting, translate, view.guests)), *tail]
    used = len(json.dumps([*blocks, *tail], ensure_ascii=False))
    # Each part line costs its text plus a little JSON; leave 10 % of the remainder for that overhead.
    budget = max(CARD_JSON_BUDGET - used, 1_000) * 9 // 10
    return [*blocks, *_part_sections(view, translate, budget=budget), *tail]


def _people_line(
    holders: tuple[Holder, ...], waiting: tuple[str, ...], translate: Translate, guests: Mapping[str, str]
) -> str:
    return people_line(holders, waiting, mention=_mention, render=lambda text: render(text, translate), guests=guests)


def _mention(user_id: str) -> str:
    return f"<@{user_id}>"


def _part_sections(view: CardView, translate: Translate, *, budget: int) -> list[Block]:
    """Parts, packed into sections; beyond ``budget`` characters the rest is summarised in one line."""
    lines: list[str] = []
    used = 0
    shown = 0
    for part in view.parts:
        line = _part_line(part, translate, view.guests)
        if used + len(line) > budget:
            break
        lines.append(line)
        used += len(line) + 1
        shown += 1
    if shown < len(view.parts):
        lines.append(render(t(texts.CARD_MORE_PARTS, count=len(view.parts) - shown, number=view.number), translate))
    return text_sections(lines, limit_blocks=MESSAGE_BLOCK_LIMIT - 6)


def _part_line(part: PartView, translate: Translate, guests: Mapping[str, str]) -> str:
    return part_line(part, mention=_mention, render=lambda text: render(text, translate), guests=guests)


def _card_actions(view: CardView, translate: Translate) -> Block:
    """The card's buttons, as on every platform (``handlers.cards.card_actions``); parts are picked from a menu
    in the Volunteer button's place."""
    elements: list[Block] = []
    for action in card_actions(view, part_menu=True):
        if action.kind is ActionKind.VOLUNTEER and view.parts:
            elements.append(_part_menu(view, translate))
        elif action.kind is ActionKind.INVITE_GUEST:
            elements.append(_owner_menu(action, translate))
        else:
            elements.append(action_button(action, translate))
    return {"type": "actions", "block_id": f"card_{view.number}", "elements": _unique(elements)}


def _part_menu(view: CardView, translate: Translate) -> Block:
    options = [
        {
            "text": {
                "type": "plain_text",
                "text": truncate(part_choice_label(p), PART_OPTION_LIMIT) + (f" {WAITING_MARK}" if p.is_full else ""),
                "emoji": True,
            },
            "value": f"{view.number}:{p.position}",
        }
        for p in view.parts[:OPTIONS_LIMIT]
    ]
    return {
        "type": "static_select",
        "action_id": ids.PICK_PART,
        "placeholder": {"type": "plain_text", "text": translate(texts.PICK_PART)},
        "options": options,
    }


def _owner_menu(action: Action, translate: Translate) -> Block:
    """The card's "⋯" menu, last in its row: what only the owner does from the card everyone sees ("Invite someone
    outside"), kept out of the row of buttons that are for everyone."""
    label = render_plain(action.label, translate) if isinstance(action.label, Text) else translate(action.label)
    return {
        "type": "overflow",
        "action_id": ids.action_id(action.kind),
        "options": [{"text": {"type": "plain_text", "text": truncate(label, LABEL_LIMIT)}, "value": action.value}],
    }


def _unique(elements: list[Block]) -> list[Block]:
    """Slack refuses a block whose elements repeat an action_id (ten "Book" buttons): repeats get a suffix."""
    unique = ids.unique_in_block([str(e.get("action_id")) for e in elements])
    return [{**e, "action_id": u} if "action_id" in e else e for e, u in zip(elements, unique, strict=True)]


def reply_message(reply: Reply, translate: Translate = identity) -> tuple[str, list[Block]]:
    """An answer to the actor: its lines as sections, then the card if the reply carries one."""
    lines = [render(text, translate) for text in reply.texts]
    blocks = text_sections(lines, limit_blocks=MESSAGE_BLOCK_LIMIT - 10)
    blocks.extend(action_blocks(reply.actions, translate))
    fallback = "\n".join(lines)
    if reply.card is not None:
        blocks.extend(request_card(reply.card, translate))
        fallback = fallback or card_fallback(reply.card, translate)
    return truncate(fallback, 3000), blocks[:MESSAGE_BLOCK_LIMIT]


def notice_message(notice: Notice, translate: Translate = identity) -> tuple[str, list[Block]]:
    """A message to someone else: the text, the quoted content (a draft, feedback), a link, and buttons."""
    main = render(notice.text, translate)
    blocks = [section(main)]
    if notice.quote:
        blocks.append(section(shorten_to_fit(truncate(notice.quote, QUOTE_LIMIT), SECTION_LIMIT, shown=_quoted)))
    if notice.link:
        blocks.append(section(link_token(notice.link)))
    blocks.extend(action_blocks(notice.actions, translate))
    if notice.settled is not None:
        settled = truncate(render(notice.settled, translate), SECTION_LIMIT)
        blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": settled}]})
    return truncate(main, 3000), blocks


def action_button(action: Action, translate: Translate = identity) -> Block:
    label = render_plain(action.label, translate) if isinstance(action.label, Text) else translate(action.label)
    return button(label, ids.action_id(action.kind), action.value, action.style)


def action_blocks(actions: tuple[Action, ...], translate: Translate = identity) -> list[Block]:
    """Buttons in rows of at most five (Slack allows 25 per block; five stay readable on a phone)."""
    buttons = [action_button(a, translate) for a in actions]
    return [{"type": "actions", "elements": _unique(buttons[i : i + 5])} for i in range(0, len(buttons), 5)]


def _quoted(text: str) -> str:
    return "\n".join("> " + line for line in escape(text).splitlines())


def digest_message(part: DigestPart, translate: Translate = identity) -> tuple[str, list[Block]]:
    """One digest message: headings as sections, each line a section with its button beside it."""
    blocks: list[Block] = []
    for line in part.lines:
        block = section(render(line.text, translate))
        if line.action is not None:
            block["accessory"] = action_button(line.action, translate)
        if line.heading and blocks:
            blocks.append({"type": "divider"})
        blocks.append(block)
    fallback = render(part.lines[0].text, translate) if part.lines else ""
    return truncate(fallback, 3000), blocks[:MESSAGE_BLOCK_LIMIT]


def _modal(
    callback_id: str,
    *,
    metadata: str,
    title: str,
    blocks: list[Block],
    translate: Translate,
    submit: str = texts.MODAL_SEND,
) -> Block:
    """A modal with Cobot's usual buttons; titles and button texts kept to Slack's 24 characters."""
    return {
        "type": "modal",
        "callback_id": callback_id,
        "private_metadata": metadata,
        "title": {"type": "plain_text", "text": truncate(translate(title), 24)},
        "submit": {"type": "plain_text", "text": truncate(translate(submit), 24)},
        "close": {"type": "plain_text", "text": truncate(translate(texts.MODAL_CANCEL), 24)},
        "blocks": blocks,
    }


def form_modal(kind: ActionKind, value: str, prompt: FormPrompt, translate: Translate = identity) -> Block:
    """The modal of any button that needs something typed, drawn from the core's description of its form
    (``handlers.actions.FORM_SPECS``): a line saying what it is about, and one input. Its private_metadata
    carries what the button acted on (a request number, a draft id)."""
    spec = prompt.spec
    element: Block
    if spec.input is InputKind.DATE:
        element = {"type": "datepicker", "action_id": ids.form_input(prompt.field)}
        if prompt.initial:
            element["initial_date"] = prompt.initial
    else:
        element = {
            "type": "plain_text_input",
            "action_id": ids.form_input(prompt.field),
            "multiline": True,
            "max_length": spec.max_length,
        }
    blocks: list[Block] = []
    if prompt.hint is not None:
        hint = truncate(render_plain(prompt.hint, translate), 2000)
        blocks.append({"type": "context", "elements": [{"type": "plain_text", "emoji": True, "text": hint}]})
    blocks.append(
        {
            "type": "input",
            "block_id": ids.form_block(prompt.field),
            "label": {"type": "plain_text", "text": truncate(translate(spec.label), 2000)},
            "element": element,
        }
    )
    return _modal(
        ids.view_id(kind),
        metadata=value,
        title=spec.title,
        translate=translate,
        blocks=blocks,
    )


def signoff_modal(form: SignOffForm, translate: Translate = identity) -> Block:
    """The sign-off form: the approved version as it will be published (its content, version and content hash),
    then the byline, a one-line bio and the places it may be published (checkboxes), filled in as the core says
    (``handlers.signoff.signoff_form``). Its private_metadata names the draft and the hash it showed."""
    blocks: list[Block] = [
        {
            "type": "context",
            "elements": [
                {
                    "type": "mrkdwn",
                    "text": truncate(
                        render(
                            t(
                                texts.SIGNOFF_FORM_HINT,
                                version=form.version,
                                number=form.number,
                                title=form.title,
                                owner=UserRef(form.owner_user_id),
                            ),
                            translate,
                        ),
                        FIELD_LIMIT,
                    ),
                }
            ],
        }
    ]
    shown = [_quoted(escape(truncate(form.text, QUOTE_LIMIT)))] if form.text else []
    if form.url:
        shown.append(link_token(form.url))
    if form.file_name:
        shown.append(f"📎 {escape(truncate(form.file_name, 255))}")
    if shown:
        blocks.append(section(truncate("\n".join(shown), SECTION_LIMIT)))
    blocks.append(
        {
            "type": "context",
            "elements": [
                {
                    "type": "plain_text",
                    "text": render_plain(
                        t(texts.SIGNOFF_VERSION_LINE, version=form.version, hash=form.content_hash), translate
                    ),
                }
            ],
        }
    )
    byline: Block = {"type": "plain_text_input", "action_id": ids.INPUT, "max_length": BYLINE_LIMIT}
    if form.byline:
        byline["initial_value"] = form.byline
    bio: Block = {"type": "plain_text_input", "action_id": ids.INPUT, "max_length": BIO_LIMIT}
    if form.bio:
        bio["initial_value"] = form.bio
    blocks += [
        {
            "type": "input",
            "block_id": ids.SIGN_OFF_BLOCKS[SignOffField.BYLINE],
            "label": _label(texts.SIGNOFF_BYLINE_LABEL, translate),
            "element": byline,
        },
        {
            "type": "input",
            "block_id": ids.SIGN_OFF_BLOCKS[SignOffField.BIO],
            "label": _label(texts.SIGNOFF_BIO_LABEL, translate),
            "element": bio,
            "optional": True,
        },
    ]
    if form.places:
        options = {
            place.key: {"text": {"type": "plain_text", "text": truncate(place.label, LABEL_LIMIT)}, "value": place.key}
            for place in form.places
        }
        checkboxes: Block = {"type": "checkboxes", "action_id": ids.INPUT, "options": list(options.values())}
        chosen = [options[key] for key in form.chosen if key in options]
        if chosen:
            checkboxes["initial_options"] = chosen
        blocks.append(
            {
                "type": "input",
                "block_id": ids.SIGN_OFF_BLOCKS[SignOffField.PLACES],
                "label": _label(texts.SIGNOFF_PLACES_LABEL, translate),
                "element": checkboxes,
            }
        )
    metadata = json.dumps({"draft": form.draft_id, "hash": form.content_hash})
    return _modal(ids.SIGN_OFF_VIEW, metadata=metadata, title=texts.SIGNOFF_TITLE, translate=translate, blocks=blocks)


def _label(msgid: str, translate: Translate) -> Block:
    return {"type": "plain_text", "text": truncate(translate(msgid), 2000)}


def guest_modal(prompt: GuestFormPrompt, translate: Translate = identity) -> Block:
    """The owner's form for a guest (the card's "Invite someone outside"): e-mail (required), full name, the part
    (only for a request with parts, and then required) and the language of the guest's e-mails (the owner's at
    first). Its private_metadata is the request number."""
    block = ids.GUEST_BLOCKS

    def label(msgid: str) -> dict[str, Any]:
        return {"type": "plain_text", "text": truncate(translate(msgid), 2000)}

    def option(text: str, value: str) -> dict[str, Any]:
        return {"text": {"type": "plain_text", "text": truncate(text, LABEL_LIMIT), "emoji": True}, "value": value}

    hint = truncate(render_plain(prompt.hint, translate), 2000)
    blocks: list[Block] = [
        {"type": "context", "elements": [{"type": "plain_text", "emoji": True, "text": hint}]},
        {
            "type": "input",
            "block_id": block[GuestField.EMAIL],
            "label": label(texts.GUEST_FORM_EMAIL),
            "element": {
                "type": "email_text_input",
                "action_id": ids.INPUT,
                "placeholder": {"type": "plain_text", "text": "anne@example.com"},
            },
        },
        {
            "type": "input",
            "block_id": block[GuestField.NAME],
            "label": label(texts.GUEST_FORM_NAME),
            "optional": True,
            "element": {"type": "plain_text_input", "action_id": ids.INPUT, "max_length": GUEST_NAME_LIMIT},
        },
    ]
    if prompt.parts:
        blocks.append(
            {
                "type": "input",
                "block_id": block[GuestField.PART],
                "label": label(texts.GUEST_FORM_PART),
                "element": {
                    "type": "static_select",
                    "action_id": ids.INPUT,
                    "placeholder": label(texts.PICK_PART),
                    "options": [
                        option(truncate(f"{position}. {name}", PART_OPTION_LIMIT), str(position))
                        for position, name in prompt.parts[:OPTIONS_LIMIT]
                    ],
                },
            }
        )
    languages = [option(name, code) for code, name in prompt.languages]  # each in its own language
    language_element: Block = {"type": "static_select", "action_id": ids.INPUT, "options": languages}
    chosen = next((o for o in languages if o["value"] == prompt.language), None)
    if chosen is not None:
        language_element["initial_option"] = chosen
    blocks.append(
        {
            "type": "input",
            "block_id": block[GuestField.LANGUAGE],
            "label": label(texts.GUEST_FORM_LANGUAGE),
            "element": language_element,
        }
    )
    return _modal(
        ids.GUEST_VIEW,
        metadata=str(prompt.number),
        title=texts.GUEST_FORM_TITLE,
        blocks=blocks,
        translate=translate,
        submit=texts.GUEST_FORM_SEND,
    )


def form_metadata(view: dict[str, Any]) -> str | None:
    """What a form's modal was opened for (``form_modal`` keeps the button's value in private_metadata), or None
    when there is nothing Cobot could have put there. A value that names nothing is the handler's to refuse."""
    metadata = str(view.get("private_metadata") or "").strip()
    return metadata if metadata and len(metadata) <= FORM_METADATA_LIMIT else None


def _form_prompt(kind: ActionKind, **prompt: Any) -> FormPrompt:
    field = form_for(kind)
    assert field is not None
    return FormPrompt(field, FORM_SPECS[field], **prompt)


def submit_draft_modal(*, number: int, title: str, translate: Translate = identity) -> Block:
    """The draft form for request #number (``form_modal`` with the line the core would give it)."""
    hint = t(texts.MODAL_SUBMIT_HINT, number=number, title=title)
    return form_modal(ActionKind.SUBMIT_DRAFT, str(number), _form_prompt(ActionKind.SUBMIT_DRAFT, hint=hint), translate)


def request_changes_modal(*, draft_id: int, translate: Translate = identity) -> Block:
    """The feedback form for a draft (``form_modal``)."""
    return form_modal(ActionKind.REQUEST_CHANGES, str(draft_id), _form_prompt(ActionKind.REQUEST_CHANGES), translate)


def new_request_modal(
    prefill: RequestPrefill,
    *,
    formats: list[str],
    skills: list[str],
    targets: list[str],
    channel_id: str | None,
    translate: Translate = identity,
) -> Block:
    """The form behind `/cocreate new`, the message shortcut and Derive. Its private_metadata carries what the
    form cannot show: the request it derives from."""
    block = ids.NEW_REQUEST_BLOCKS

    def label(msgid: str) -> dict[str, Any]:
        return {"type": "plain_text", "text": truncate(translate(msgid), 2000)}

    def option(value: str) -> dict[str, Any]:
        return {"text": {"type": "plain_text", "text": truncate(value, LABEL_LIMIT)}, "value": value[:150]}

    def text_input(
        name: str,
        msgid: str,
        *,
        initial: str,
        multiline: bool = False,
        optional: bool = False,
        max_length: int = 3000,
        hint: str | None = None,
    ) -> Block:
        element: Block = {
            "type": "plain_text_input",
            "action_id": ids.INPUT,
            "multiline": multiline,
            "max_length": max_length,
        }
        if initial:
            element["initial_value"] = initial[:max_length]
        item: Block = {
            "type": "input",
            "block_id": block[name],
            "label": label(msgid),
            "element": element,
            "optional": optional,
        }
        if hint:
            item["hint"] = label(hint)
        return item

    blocks: list[Block] = [
        text_input("title", texts.FORM_TITLE, initial=prefill.title, max_length=TITLE_LIMIT),
        text_input(
            "brief",
            texts.FORM_BRIEF,
            initial=prefill.brief,
            multiline=True,
            optional=True,
            max_length=BRIEF_LIMIT,
            hint=texts.FORM_BRIEF_HINT,
        ),
    ]
    format_element: Block = {
        "type": "static_select",
        "action_id": ids.INPUT,
        "placeholder": label(texts.FORM_PICK),
        "options": [option(f) for f in formats[:OPTIONS_LIMIT]],
    }
    if prefill.format in formats:
        format_element["initial_option"] = option(prefill.format or "")
    if formats:
        blocks.append(
            {
                "type": "input",
                "block_id": block["format"],
                "label": label(texts.FORM_FORMAT),
                "element": format_element,
                "optional": True,
            }
        )
    known = list(dict.fromkeys([*prefill.skills, *skills]))[:OPTIONS_LIMIT]
    if known:
        skills_element: Block = {
            "type": "multi_static_select",
            "action_id": ids.INPUT,
            "placeholder": label(texts.FORM_PICK),
            "options": [option(s) for s in known],
        }
        if prefill.skills:
            skills_element["initial_options"] = [option(s) for s in prefill.skills if s in known]
        blocks.append(
            {
                "type": "input",
                "block_id": block["skills"],
                "label": label(texts.FORM_SKILLS),
                "element": skills_element,
                "optional": True,
            }
        )
    else:  # nobody has named skills yet: let the owner type them
        blocks.append(
            text_input(
                "skills", texts.FORM_SKILLS, initial="", optional=True, max_length=300, hint=texts.FORM_SKILLS_HINT
            )
        )
    blocks.append(
        text_input(
            "parts",
            texts.FORM_PARTS,
            initial="\n".join(prefill.parts),
            multiline=True,
            optional=True,
            max_length=PARTS_LIMIT * (PART_NAME_LIMIT + 1),
            hint=texts.FORM_PARTS_HINT,
        )
    )
    needs_element: Block = {
        "type": "number_input",
        "action_id": ids.INPUT,
        "is_decimal_allowed": False,
        "min_value": "1",
        "max_value": str(NEEDS_LIMIT),
    }
    if prefill.needs:
        needs_element["initial_value"] = str(prefill.needs)
    blocks.append(
        {
            "type": "input",
            "block_id": block["needs"],
            "label": label(texts.FORM_NEEDS),
            "element": needs_element,
            "optional": True,
        }
    )
    deadline_element: Block = {"type": "datepicker", "action_id": ids.INPUT}
    if prefill.deadline:
        deadline_element["initial_date"] = prefill.deadline.isoformat()
    blocks.append(
        {
            "type": "input",
            "block_id": block["deadline"],
            "label": label(texts.FORM_DEADLINE),
            "element": deadline_element,
        }
    )
    if targets:
        target_element: Block = {
            "type": "static_select",
            "action_id": ids.INPUT,
            "placeholder": label(texts.FORM_PICK),
            "options": [option(x) for x in targets[:OPTIONS_LIMIT]],
        }
        if prefill.publish_target in targets:
            target_element["initial_option"] = option(prefill.publish_target or "")
        blocks.append(
            {
                "type": "input",
                "block_id": block["target"],
                "label": label(texts.FORM_TARGET),
                "element": target_element,
                "optional": True,
            }
        )
    channel_element: Block = {
        "type": "conversations_select",
        "action_id": ids.INPUT,
        "filter": {"include": ["public", "private"], "exclude_bot_users": True},
    }
    if channel_id:
        channel_element["initial_conversation"] = channel_id
    blocks.append(
        {"type": "input", "block_id": block["channel"], "label": label(texts.FORM_CHANNEL), "element": channel_element}
    )
    if prefill.derived_from is not None:
        blocks.insert(
            0,
            {
                "type": "context",
                "elements": [
                    {
                        "type": "mrkdwn",
                        "text": render(t(texts.FORM_DERIVED_FROM, number=prefill.derived_from), translate),
                    }
                ],
            },
        )
    title = texts.FORM_DERIVE_TITLE if prefill.derived_from is not None else texts.FORM_NEW_TITLE
    metadata = json.dumps({"derived_from": prefill.derived_from})
    return _modal(
        ids.NEW_REQUEST_VIEW, metadata=metadata, title=title, blocks=blocks, translate=translate, submit=texts.FORM_POST
    )


HOME_BLOCK_LIMIT = 100


def home_view(home: HomeView, translate: Translate = identity) -> Block:
    """A person's App Home tab: their places, their requests, open calls for their skills, their settings; each
    list paged so the view stays within Slack's 100 blocks."""

    def r(text: Text) -> str:
        return render(text, translate)

    blocks: list[Block] = [
        {"type": "header", "text": {"type": "plain_text", "text": truncate(translate(texts.HOME_TITLE), HEADER_LIMIT)}}
    ]
    sections = ((home.places, texts.HOME_PLACES), (home.owned, texts.HOME_OWNED), (home.matching, texts.HOME_MATCHING))
    for page, heading in sections:
        blocks.append({"type": "divider"})
        blocks.append(section(r(t(heading))))
        if not page.items and page.empty:
            blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": r(t(page.empty))}]})
        for item in page.items:
            blocks.append(section(r(item.text)))
            blocks.extend(action_blocks(item.actions, translate))
        if page.pages > 1:
            blocks.extend(_pager(home, page, translate))
    settings = home.settings
    skills = t(texts.HOME_SKILLS, skills=", ".join(settings.skills)) if settings.skills else t(texts.HOME_NO_SKILLS)
    blocks.append({"type": "divider"})
    blocks.append(section(r(t(texts.HOME_SETTINGS))))
    blocks.append(section(r(skills)))
    for enabled, kind, on_text, off_text in (
        (settings.reminders, ids.SET_REMINDERS, texts.HOME_REMINDERS_ON, texts.HOME_REMINDERS_OFF),
        (settings.recognition, ids.SET_RECOGNITION, texts.HOME_RECOGNITION_ON, texts.HOME_RECOGNITION_OFF),
        (settings.results_notes, ids.SET_RESULTS_NOTES, texts.HOME_RESULTS_NOTES_ON, texts.HOME_RESULTS_NOTES_OFF),
    ):
        toggle = button(
            translate(texts.BUTTON_TURN_OFF if enabled else texts.BUTTON_TURN_ON), kind, "off" if enabled else "on"
        )
        blocks.append({**section(r(t(on_text if enabled else off_text))), "accessory": toggle})
    # The button names the other language in that language, so it can be found whichever one is shown.
    other = "en" if settings.language == "da" else "da"
    switch = button("English" if other == "en" else translate(texts.BUTTON_OTHER_LANGUAGE), ids.SET_LANGUAGE, other)
    blocks.append({**section(r(t(texts.HOME_LANGUAGE))), "accessory": switch})
    blocks.append({**section(r(t(texts.HOME_ASKS))), "accessory": _ask_menu(settings, translate)})
    blocks.extend(_department_blocks(settings, translate))
    return {"type": "home", "blocks": blocks[:HOME_BLOCK_LIMIT]}


def _department_blocks(settings: HomeSettings, translate: Translate) -> list[Block]:
    """The department the person counts for and where it came from, and a field to type their own (Enter sets
    it); once they chose one, a button goes back to their profile's."""

    def r(text: Text) -> str:
        return render(text, translate)

    if settings.department and settings.department_source is not None:
        shown = t(texts.HOME_DEPARTMENT, department=settings.department, source=settings.department_source)
    else:
        shown = t(texts.HOME_NO_DEPARTMENT)
    now: Block = section(r(shown))
    if settings.own_department:
        now["accessory"] = button(translate(texts.HOME_DEPARTMENT_CLEAR), ids.SET_DEPARTMENT, "clear")
    field: Block = {
        "type": "input",
        "block_id": "home_department",
        "dispatch_action": True,
        "optional": True,
        "label": {"type": "plain_text", "text": truncate(translate(texts.HOME_DEPARTMENT_LABEL), LABEL_LIMIT)},
        "hint": {"type": "plain_text", "text": translate(texts.HOME_DEPARTMENT_HINT)},
        "element": {
            "type": "plain_text_input",
            "action_id": ids.SET_DEPARTMENT,
            "max_length": DEPARTMENT_LIMIT,
            "dispatch_action_config": {"trigger_actions_on": ["on_enter_pressed"]},
        },
    }
    return [now, field]


def _ask_menu(settings: HomeSettings, translate: Translate) -> Block:
    """How often Cobot may invite the person: a menu showing their choice; picking another one sets it."""
    options = [
        {"text": {"type": "plain_text", "text": truncate(render_plain(label, translate), LABEL_LIMIT)}, "value": value}
        for value, label in settings.ask_choices()
    ]
    chosen = next(o for o in options if o["value"] == settings.ask_choice)
    return {"type": "static_select", "action_id": ids.SET_ASKS, "options": options, "initial_option": chosen}


def _pager(home: HomeView, page: HomePage, translate: Translate) -> list[Block]:
    elements = []
    if page.page > 1:
        elements.append(button(translate(texts.BUTTON_PREVIOUS), ids.HOME_PAGE, f"{page.section}:{page.page - 1}"))
    if page.page < page.pages:
        elements.append(button(translate(texts.BUTTON_NEXT), ids.HOME_PAGE, f"{page.section}:{page.page + 1}"))
    counter = render(t(texts.HOME_PAGE_OF, page=page.page, pages=page.pages, total=page.total), translate)
    return [
        {"type": "context", "elements": [{"type": "mrkdwn", "text": counter}]},
        {"type": "actions", "block_id": f"pager_{page.section}", "elements": _unique(elements)},
    ]


def results_modal(prompt: ResultsFormPrompt, translate: Translate = identity) -> Block:
    """The owner's form for a published piece's results (the card's "Add results", `/cocreate results <id>`): a
    whole-number field per known metric, all optional, and a free field for other metrics ("name: number").
    Its private_metadata is the request number."""
    hint = truncate(render_plain(prompt.hint, translate), 2000)
    blocks: list[Block] = [{"type": "context", "elements": [{"type": "plain_text", "emoji": True, "text": hint}]}]
    for metric in prompt.metrics:
        blocks.append(
            {
                "type": "input",
                "block_id": ids.results_block(metric),
                "label": _label(METRIC_NAMES[metric], translate),
                "optional": True,
                "element": {
                    "type": "number_input",
                    "action_id": ids.INPUT,
                    "is_decimal_allowed": False,
                    "min_value": "0",
                    "max_value": str(MAX_FIGURE),
                },
            }
        )
    blocks.append(
        {
            "type": "input",
            "block_id": ids.results_block(OTHER_FIELD),
            "label": _label(texts.RESULTS_FORM_OTHER, translate),
            "hint": _label(texts.RESULTS_FORM_OTHER_HINT, translate),
            "optional": True,
            "element": {"type": "plain_text_input", "action_id": ids.INPUT, "max_length": 500},
        }
    )
    return _modal(
        ids.RESULTS_VIEW,
        metadata=str(prompt.number),
        title=texts.RESULTS_FORM_TITLE,
        blocks=blocks,
        translate=translate,
        submit=texts.RESULTS_FORM_SAVE,
    )
