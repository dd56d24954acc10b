"""Every Adaptive Card Cobot's Teams adapter sends is valid against the Adaptive Card 1.5 schema (the version the
cards declare), with Teams' ``msteams`` extension allowed where Teams reads it. The schema is read from the
shared folder (``../shared/teams_schemas``), never copied into the repository."""

from __future__ import annotations

import copy
import json
from dataclasses import replace
from datetime import date
from typing import Any

import pytest

from bot.teams import cards
from bot.teams.render import TeamsRenderer
from handlers import texts
from handlers.actions import FORMS
from handlers.guests import GuestField, GuestFormPrompt
from handlers.results import Action, ActionKind, CardView, DigestLine, DigestPart, Holder, Notice, PartView, Reply, t
from handlers.signoff import PublishPlace, SignOffForm
from shared_files import shared
from storage.models import RequestStatus, ReviewState

jsonschema = pytest.importorskip("jsonschema", reason="jsonschema is in the dev extras: pip install -e '.[dev]'")

SCHEMA = shared("teams_schemas", "adaptive-card.1.5.0.json")


@pytest.fixture(scope="module")
def validator() -> Any:
    if not SCHEMA.exists():
        print(f"skipped: the Adaptive Card schema is not at {SCHEMA}")
        pytest.skip(f"the Adaptive Card 1.5 schema is not at {SCHEMA}")
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    schema = copy.deepcopy(schema)
    # Teams reads an "msteams" object on the card (width, mentions) and on Action.Submit's data (task/fetch);
    # data is free-form in the schema already, the card's properties are closed.
    schema["definitions"]["AdaptiveCard"]["properties"]["msteams"] = {"type": "object"}
    return jsonschema.Draft6Validator(schema)


def view(*, status: RequestStatus = RequestStatus.OPEN, parts: tuple[PartView, ...] = ()) -> CardView:
    return CardView(
        number=12,
        title="Ten SEO tips & <tricks>",
        brief="What we know about SEO.",
        format="Blog post",
        skills=("SEO",),
        deadline=date(2026, 12, 10),
        status=status,
        owner="U0OWNER",
        needed=2,
        holders=() if parts else (Holder("U0ANNA", ReviewState.SUBMITTED),),
        waiting=() if parts else ("U0BO",),
        parts=parts,
        derived_from=3,
    )


PARTS = (
    PartView(1, "Intro", 1, (Holder("U0ANNA", ReviewState.APPROVED),), ("U0BO",)),
    PartView(2, "SEO", 2, (), ()),
)


GUEST_PROMPT = GuestFormPrompt(
    number=12,
    title="Ten SEO tips & <tricks>",
    parts=((1, "Intro"), (2, "SEO")),
    languages=(("en", "English"), ("da", "Dansk")),
    language="en",
)


def every_card(r: TeamsRenderer) -> dict[str, dict[str, Any]]:
    everything = tuple(Action(kind, "7", texts.BUTTON_APPROVE, "primary") for kind in ActionKind)
    found: dict[str, dict[str, Any]] = {
        "open card": cards.request_card(view(), r),
        "card with parts": cards.request_card(view(parts=PARTS), r),
        "approved card": cards.request_card(view(status=RequestStatus.APPROVED), r),
        "notice with every button": cards.notice_card(
            Notice(t(texts.BUTTON_APPROVE), quote="a draft", link="https://example.com/d", actions=everything), r
        ),
        "reply with a card": cards.reply_card(Reply((t(texts.BUTTON_APPROVE),), view(), actions=everything[:2]), r),
        "digest": cards.digest_card(
            DigestPart(
                (
                    DigestLine(t(texts.BUTTON_APPROVE), heading=True),
                    DigestLine(t(texts.BUTTON_APPROVE), Action(ActionKind.VOLUNTEER, "12", texts.BUTTON_VOLUNTEER)),
                    DigestLine(t(texts.BUTTON_APPROVE)),
                )
            ),
            r,
        ),
        "new-request offer": cards.new_request_offer(r),
        "new-request form": cards.new_request_form(r, formats=["Blog post", "Video"]),
        # Re-shown after a refusal, with what was typed (the needs field held "2").
        "new-request form again": cards.new_request_form(
            r,
            formats=["Blog post"],
            typed={"title": "x", "deadline": "2026-12-10", "needs": "2", "parts": "a\nb", "format": "Blog post"},
            problems=(t(texts.BUTTON_APPROVE),),
        ),
        "new-request form, needs not a number": cards.new_request_form(r, formats=[], typed={"needs": "two"}),
        "open card that invites guests": cards.request_card(replace(view(parts=PARTS), invites_guests=True), r),
        "guest form": cards.guest_form(GUEST_PROMPT, r),
        "guest form without parts": cards.guest_form(replace(GUEST_PROMPT, parts=()), r),
        "guest form again": cards.guest_form(
            GUEST_PROMPT,
            r,
            typed={
                GuestField.EMAIL: "anne@x",
                GuestField.NAME: "Anne",
                GuestField.PART: "2",
                GuestField.LANGUAGE: "da",
            },
            problems=(t(texts.GUEST_FORM_NO_EMAIL),),
        ),
    }
    signoff = SignOffForm(
        number=12, title="Ten SEO tips", owner_user_id="U0OWNER", draft_id=7, version=2, content_hash="ab" * 32,
        text="My draft & <notes>", url="https://example.com/d", file_name="case.pdf", byline="Anna", bio="",
        places=(PublishPlace("slot:LinkedIn", "LinkedIn"), PublishPlace("slot:Blog, EN", "Blog, EN")),
        chosen=("slot:LinkedIn",), signed=False,
    )  # fmt: skip
    found["sign-off form"] = cards.signoff_form_card(signoff, r)
    found["sign-off form again"] = cards.signoff_form_card(
        signoff, r, problems=(t(texts.PLACES_NONE_CHOSEN),), typed={"byline": "", "bio": "x", "places": ""}
    )
    found["sign-off form without places"] = cards.signoff_form_card(
        replace(signoff, places=(), chosen=(), text=None, url=None, file_name=None), r
    )
    for kind in FORMS:
        found[f"form of {kind}"] = cards.form_card(kind, "12", r, hint="#12 Ten SEO tips", initial=date(2026, 12, 3))
        found[f"form of {kind} again"] = cards.form_card(
            kind, "12", r, error=t(texts.BUTTON_APPROVE), typed="2026-12-04"
        )
    return found


@pytest.mark.parametrize("name", list(every_card(TeamsRenderer())))
def test_every_card_is_a_valid_adaptive_card_1_5(validator: Any, name: str) -> None:
    card = every_card(TeamsRenderer())[name]
    errors = sorted(validator.iter_errors(card), key=lambda e: list(e.absolute_path))
    assert [f"{list(e.absolute_path)}: {e.message[:200]}" for e in errors] == []


def test_a_re_shown_new_request_form_keeps_the_typed_number_as_a_number() -> None:
    card = cards.new_request_form(TeamsRenderer(), formats=[], typed={"needs": "2"})
    [needs] = [e for e in card["body"] if e.get("id") == cards.REQUEST_INPUTS["needs"]]
    assert needs["type"] == "Input.Number"
    assert needs["value"] == 2

    wrong = cards.new_request_form(TeamsRenderer(), formats=[], typed={"needs": "two"})
    [needs] = [e for e in wrong["body"] if e.get("id") == cards.REQUEST_INPUTS["needs"]]
    assert "value" not in needs
