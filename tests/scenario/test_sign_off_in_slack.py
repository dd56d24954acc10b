"""Scenario tests for sign-off and consent through the whole Slack app: the contributor's approval DM carries a Sign
off button, which opens a modal showing the approved version; its submission is recorded against that version and
its content hash, and only then does `/cocreate published` go through. Missing sign-offs are named and can be
overridden with a reason, which is recorded; a newer approved version makes an older form useless; withdrawing
consent stops publishing again."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from sqlmodel import col, select

from bot.slack import ids
from harness import SlackScenario, message_text
from storage.models import Draft, Member, PublicationOverride, RequestStatus, SignOff

OWNER = "U0OWNER"
ANNA = "U0ANNA"
BO = "U0BO"
BYLINE, BIO, PLACES = (ids.SIGN_OFF_BLOCKS[name] for name in ("byline", "bio", "places"))
SLOTS = {"slots": [{"name": "LinkedIn", "weekdays": ["tue", "thu"], "time": "10:00"}]}


@pytest.fixture
def slack(make_slack: Callable[..., SlackScenario]) -> SlackScenario:
    return make_slack(behaviour={"publishing": SLOTS})


def approved(slack: SlackScenario, *helpers: str, title: str = "Ten SEO tips") -> int:
    """A request whose helpers each handed in a draft that the owner approved; booked into a LinkedIn slot."""
    number = slack.create(title, due="2026-12-10", extra=f"needs:{len(helpers)}")
    for helper in helpers:
        assert "Thank you!" in slack.command_reply(f"volunteer {number}", user=helper)
        assert "Got it" in slack.command_reply(f"submit {number} https://docs.example.com/{helper}", user=helper)
        assert "Approved" in slack.command_reply(f"approve {number} <@{helper}|x>", user=OWNER)
    slack.settle()
    assert slack.request(number).status is RequestStatus.APPROVED
    return number


def sign_off_dm(slack: SlackScenario, user: str) -> tuple[dict[str, Any], str]:
    """The user's latest DM with a Sign off button, and the draft id the button carries."""
    for message in reversed(slack.fake.messages(user)):
        for block in message.get("blocks") or []:
            for element in block.get("elements") or [] if block["type"] == "actions" else []:
                if element["action_id"] == ids.SIGN_OFF:
                    return message, str(element["value"])
    raise AssertionError(f"no DM with a Sign off button for {user}")


def open_modal(slack: SlackScenario, user: str) -> dict[str, Any]:
    dm, draft_id = sign_off_dm(slack, user)
    opened = len(slack.fake.calls_to("views.open"))
    assert slack.click(ids.SIGN_OFF, draft_id, user=user, channel=dm["channel"], message_ts=dm["ts"]).status == 200
    calls = slack.fake.wait_for("views.open", count=opened + 1)
    assert calls[-1].ok
    view: dict[str, Any] = calls[-1].params["view"]
    return view


def checked(*keys: str) -> dict[str, Any]:
    return {"type": "checkboxes", "selected_options": [{"value": key} for key in keys]}


def submit(
    slack: SlackScenario, view: dict[str, Any], *, user: str, byline: str, bio: str = "", places: tuple[str, ...]
) -> Any:
    return slack.submit_view(
        ids.SIGN_OFF_VIEW,
        private_metadata=view["private_metadata"],
        values={
            BYLINE: {ids.INPUT: byline},
            BIO: {ids.INPUT: bio},
            PLACES: {ids.INPUT: checked(*places)},
        },
        user=user,
    )


def sign_offs(slack: SlackScenario) -> list[SignOff]:
    with slack.session() as session:
        return list(session.exec(select(SignOff).order_by(col(SignOff.id))).all())


def drafts_of(slack: SlackScenario, user: str) -> list[Draft]:
    with slack.session() as session:
        return list(
            session.exec(
                select(Draft)
                .join(Member, col(Member.id) == col(Draft.member_id))
                .where(Member.user_id == user)
                .order_by(col(Draft.version))
            ).all()
        )


def test_approve_then_sign_off_in_the_modal_then_publish(slack: SlackScenario) -> None:
    number = approved(slack, ANNA)
    assert "Booked" in slack.command_reply(f"book {number} LinkedIn 2026-12-01", user=OWNER)
    slack.settle()
    dm, draft_id = sign_off_dm(slack, ANNA)
    assert "Please sign off version 1" in message_text(dm)

    view = open_modal(slack, ANNA)
    assert view["callback_id"] == ids.SIGN_OFF_VIEW
    [draft] = drafts_of(slack, ANNA)
    metadata = json.loads(view["private_metadata"])
    assert metadata["draft"] == draft.id == int(draft_id)
    inputs = {b["block_id"]: b["element"] for b in view["blocks"] if b["type"] == "input"}
    assert list(inputs) == [BYLINE, BIO, PLACES]
    assert inputs[BYLINE]["initial_value"] == "anna"  # her display name, to start from
    assert [o["value"] for o in inputs[PLACES]["options"]] == ["slot:LinkedIn"]
    assert [o["value"] for o in inputs[PLACES]["initial_options"]] == ["slot:LinkedIn"]
    shown = json.dumps(view["blocks"])
    assert "https://docs.example.com/U0ANNA" in shown and metadata["hash"] in shown

    # Bad input: an empty byline, a bio far too long and no place chosen, all told beside their fields at once.
    bad = submit(slack, view, user=ANNA, byline="  ", bio="x" * 300, places=())
    assert bad.json()["response_action"] == "errors"
    assert set(bad.json()["errors"]) == {BYLINE, BIO, PLACES}
    assert "Choose at least one place" in bad.json()["errors"][PLACES]
    assert sign_offs(slack) == []

    # Someone else cannot sign Anna's version off with her form.
    stranger = submit(slack, view, user=BO, byline="Bo", places=("slot:LinkedIn",))
    assert "not yours to sign off" in stranger.json()["errors"][BYLINE]
    assert sign_offs(slack) == []

    # Publishing before she signs off is refused, naming her.
    refused = slack.command_reply(f"published {number} https://blog.example.com/seo", user=OWNER)
    assert f"Not everyone has signed off #{number} yet: <@{ANNA}>." in refused
    assert f'`/cocreate published {number} https://blog.example.com/seo force:"reason"`' in refused
    assert slack.request(number).status is RequestStatus.APPROVED

    good = submit(
        slack, view, user=ANNA, byline="Anna Æ. <!channel>", bio="SEO lead\nat Cobot", places=("slot:LinkedIn",)
    )
    assert (good.status, good.text) == (200, "")
    slack.settle()
    [row] = sign_offs(slack)
    assert (row.draft_id, row.version, row.content_hash) == (draft.id, 1, metadata["hash"])
    assert (row.byline, row.bio, row.places) == ("Anna Æ. <!channel>", "SEO lead at Cobot", ["slot:LinkedIn"])
    confirmation = message_text(slack.fake.messages(ANNA)[-1])
    assert f"Signed off version 1 of your draft for #{number}, as *Anna Æ. &lt;!channel&gt;*" in confirmation
    assert "It may be published: LinkedIn." in confirmation
    # The approval DM lost its button and says what became of it.
    dm_now = next(m for m in slack.fake.messages(ANNA) if m["ts"] == dm["ts"])
    assert "You signed off version 1." in message_text(dm_now)
    assert not any(b["type"] == "actions" for b in dm_now.get("blocks") or [])
    assert any("Everyone has signed off" in message_text(m) for m in slack.fake.messages(OWNER))

    done = slack.command_reply(f"published {number} https://blog.example.com/seo", user=OWNER)
    assert done == f"Marked #{number} published. I've thanked everyone who helped in its thread."
    assert slack.request(number).status is RequestStatus.PUBLISHED


def test_missing_sign_offs_are_named_and_force_publishes_with_the_reason_recorded(slack: SlackScenario) -> None:
    number = approved(slack, ANNA, BO)
    assert "Signed off" in slack.command_reply(f"signoff {number}", user=ANNA)
    refused = slack.command_reply(f"published {number} https://blog.example.com/seo", user=OWNER)
    assert f"Not everyone has signed off #{number} yet: <@{BO}>." in refused

    empty = slack.command_reply(f'published {number} https://blog.example.com/seo force:" "', user=OWNER)
    assert f"Say why #{number} is published without every sign-off" in empty
    assert slack.request(number).status is RequestStatus.APPROVED

    forced = slack.command_reply(
        f'published {number} https://blog.example.com/seo force:"Bo is on leave; agreed by phone"', user=OWNER
    )
    assert forced.startswith(f"Marked #{number} published without every sign-off, and recorded your reason.")
    slack.settle()
    request = slack.request(number)
    assert request.status is RequestStatus.PUBLISHED
    with slack.session() as session:
        [override] = session.exec(select(PublicationOverride)).all()
        bo = session.exec(select(Member).where(Member.user_id == BO)).one()
        owner = session.exec(select(Member).where(Member.user_id == OWNER)).one()
    assert (override.request_id, override.reason) == (request.id, "Bo is on leave; agreed by phone")
    assert (override.forced_by_id, override.missing_member_ids) == (owner.id, [bo.id])
    told = message_text(slack.fake.messages(BO)[-1])
    assert f"published #{number} *Ten SEO tips* without your sign-off" in told
    assert "Bo is on leave; agreed by phone" in told


def test_a_form_for_an_older_version_is_refused_once_a_newer_one_is_approved(slack: SlackScenario) -> None:
    # A request with a place still open keeps taking drafts after Anna's first version is approved.
    other = slack.create("Case study", due="2026-12-10", extra="needs:2")
    assert "Thank you!" in slack.command_reply(f"volunteer {other}", user=ANNA)
    slack.command_reply(f"submit {other} https://docs.example.com/v1", user=ANNA)
    slack.command_reply(f"approve {other} <@{ANNA}|x>", user=OWNER)
    slack.settle()
    old_view = open_modal(slack, ANNA)
    old_dm, _ = sign_off_dm(slack, ANNA)
    # Anna hands in a version 2, which the owner approves before she sends the old form.
    slack.command_reply(f"submit {other} https://docs.example.com/v2", user=ANNA)
    slack.command_reply(f"approve {other} <@{ANNA}|x>", user=OWNER)
    slack.settle()
    stale = submit(slack, old_view, user=ANNA, byline="Anna", places=("slot:LinkedIn",))
    assert stale.json()["response_action"] == "errors"
    assert f"Version 1 is no longer the approved version of your draft for #{other}" in stale.json()["errors"][BYLINE]
    assert sign_offs(slack) == []
    # The old DM says which version to sign off now; the new DM carries the button.
    old_now = next(m for m in slack.fake.messages(ANNA) if m["ts"] == old_dm["ts"])
    assert "Version 2 has been approved since" in message_text(old_now)
    _, new_draft = sign_off_dm(slack, ANNA)
    v1, v2 = drafts_of(slack, ANNA)[-2:]
    assert new_draft == str(v2.id) != str(v1.id)

    # A form whose hash is not the approved version's content is refused too (the version it names is current).
    forged = json.dumps({"draft": v2.id, "hash": "0" * 64})
    response = slack.submit_view(
        ids.SIGN_OFF_VIEW,
        private_metadata=forged,
        values={BYLINE: {ids.INPUT: "Anna"}, BIO: {ids.INPUT: ""}, PLACES: {ids.INPUT: checked("slot:LinkedIn")}},
        user=ANNA,
    )
    assert "is not the one this form showed" in response.json()["errors"][BYLINE]
    assert sign_offs(slack) == []

    fresh = open_modal(slack, ANNA)
    assert submit(slack, fresh, user=ANNA, byline="Anna", places=("slot:LinkedIn",)).text == ""
    slack.settle()
    [row] = sign_offs(slack)
    assert (row.draft_id, row.version) == (v2.id, 2)


def test_withdrawn_consent_stops_publishing_until_signed_off_again(slack: SlackScenario) -> None:
    number = approved(slack, ANNA)
    assert "Signed off version 1" in slack.command_reply(f'signoff {number} bio:"Writes about SEO"', user=ANNA)
    withdrawn = slack.command_reply(f"withdraw-consent {number}", user=ANNA)
    assert withdrawn.startswith(f"You withdrew your consent for #{number}.")
    slack.settle()
    assert any("withdrew their consent" in message_text(m) for m in slack.fake.messages(OWNER))
    assert "already withdrawn" in slack.command_reply(f"withdraw-consent {number}", user=ANNA)
    [dm_now] = [m for m in slack.fake.messages(ANNA) if "Please sign off version 1" in message_text(m)]
    assert f"You withdrew your consent. `/cocreate signoff {number}` gives it again." in message_text(dm_now)

    refused = slack.command_reply(f"published {number} https://blog.example.com/seo", user=OWNER)
    assert f"yet: <@{ANNA}> (consent withdrawn)." in refused
    assert slack.request(number).status is RequestStatus.APPROVED

    # Signing off again (the bio of the last sign-off is kept) lets it be published.
    assert "Signed off version 1" in slack.command_reply(f"signoff {number}", user=ANNA)
    assert [r.bio for r in sign_offs(slack)] == ["Writes about SEO", "Writes about SEO"]
    assert "Marked" in slack.command_reply(f"published {number} https://blog.example.com/seo", user=OWNER)
    late = slack.command_reply(f"withdraw-consent {number}", user=ANNA)
    assert f"#{number} is already published" in late
