"""Scenario tests for the skills directory and invitations on Slack, end to end: signed slash commands and
button clicks into the running app, the fake Slack Web API answering, the database checked afterwards.

People list their skills (a synonym and the Danish name land on the same skill), anyone asks who knows one, the
owner invites matching colleagues by command and by the **Invite matching colleagues** button, invitees answer
in their DM with **Volunteer** or **Not this time**, and the owner hears each answer and can list them all.
"""

from __future__ import annotations

from typing import Any

from sqlmodel import col, select

from bot.slack import ids
from harness import SlackScenario, message_text
from storage.models import Invitation, InvitationAnswer, Member, Volunteer

OWNER = "U0OWNER"
METTE = "U0METTE"
ANNA = "U0ANNA"
BO = "U0BO"
CARL = "U0CARL"


def buttons(message: dict[str, Any]) -> dict[str, str]:
    """action_id → value of every button in a message."""
    return {
        element["action_id"]: element.get("value", "")
        for block in message.get("blocks") or []
        if block["type"] == "actions"
        for element in block["elements"]
    }


def invitation_dms(slack: SlackScenario, user: str) -> list[dict[str, Any]]:
    return [m for m in slack.fake.messages(user) if ids.ACCEPT_INVITATION in buttons(m)]


def last_response(slack: SlackScenario) -> str:
    calls = slack.fake.calls_to("response_url")
    assert calls, "Cobot answered no click through its response_url"
    return message_text(calls[-1].params)


def answers(slack: SlackScenario) -> dict[str, InvitationAnswer]:
    with slack.session() as session:
        rows = session.exec(
            select(Member.user_id, Invitation.answer).join(Member, col(Member.id) == col(Invitation.member_id))
        ).all()
        return {user: answer for user, answer in rows}


def click_in_dm(slack: SlackScenario, user: str, action_id: str) -> None:
    [dm] = invitation_dms(slack, user)
    response = slack.click(action_id, buttons(dm)[action_id], user=user, channel=dm["channel"], message_ts=dm["ts"])
    assert response.status == 200
    slack.settle()


def test_skills_who_invite_and_both_answers_end_to_end(slack: SlackScenario) -> None:
    assert slack.command_reply("skills add SEO, søgemaskineoptimering", user=ANNA) == (
        "Added to your skills: seo.\n*Your skills* (1): seo"
    )
    slack.command_reply("skills add Search Engine Optimisation, video", user=BO)
    slack.command_reply("skills add video", user=CARL)
    assert slack.command_reply("who SEO", user=METTE) == "*Who knows seo* (2): <@U0ANNA>, <@U0BO>"
    assert slack.command_reply("skills", user=BO) == "*Your skills* (2): seo, video"

    number = slack.create("Ten SEO tips", extra="skills:SEO,PPC")
    invited = slack.command_reply(f"invite {number}", user=OWNER)
    assert invited == (
        f"I've invited <@U0ANNA>, <@U0BO> to help with #{number} *Ten SEO tips*. I'll tell you how they answer; "
        f"`/cocreate invitations {number}` shows every answer."
    )
    slack.settle()

    # Each invitee gets one DM with the two buttons, carrying their invitation's id.
    with slack.session() as session:
        invitation_ids = {
            user: str(invitation_id)
            for user, invitation_id in session.exec(
                select(Member.user_id, Invitation.id).join(Member, col(Member.id) == col(Invitation.member_id))
            ).all()
        }
    for user in (ANNA, BO):
        [dm] = invitation_dms(slack, user)
        assert buttons(dm) == {
            ids.ACCEPT_INVITATION: invitation_ids[user],
            ids.DECLINE_INVITATION: invitation_ids[user],
        }
        assert f"<@U0OWNER> is looking for help with #{number} *Ten SEO tips*" in message_text(dm)
        assert "your skills match: seo" in message_text(dm)
    assert invitation_dms(slack, CARL) == []
    assert slack.fake.messages(OWNER) == []

    # Volunteer: Anna gets a place and the owner is told.
    click_in_dm(slack, ANNA, ids.ACCEPT_INVITATION)
    assert last_response(slack).startswith(f"Thank you! You're on #{number} *Ten SEO tips*.")
    with slack.session() as session:
        [place] = session.exec(select(Volunteer)).all()
    assert (place.member_id, place.via) == (slack.member(ANNA).id, "invitation")
    assert [message_text(m) for m in slack.fake.messages(OWNER)] == [
        f"<@U0ANNA> accepted your invitation and volunteered for #{number} *Ten SEO tips*."
    ]
    assert "<@U0ANNA>" in message_text(slack.card(number))
    # Her invitation DM now says what she answered, instead of offering the buttons again.
    [asked] = [m for m in slack.fake.messages(ANNA) if "is looking for help" in message_text(m)]
    assert buttons(asked) == {} and f"✅ You said yes: you're signed up for #{number}." in message_text(asked)

    # Not this time: the owner is told, and Bo is never asked about this request again.
    click_in_dm(slack, BO, ids.DECLINE_INVITATION)
    assert last_response(slack).startswith(f"Thanks for letting me know. I won't ask you about #{number} again.")
    assert message_text(slack.fake.messages(OWNER)[-1]) == (
        f"<@U0BO> can't help with #{number} *Ten SEO tips* this time. I won't ask them about it again."
    )
    assert answers(slack) == {ANNA: InvitationAnswer.VOLUNTEERED, BO: InvitationAnswer.DECLINED}

    # Mette lists SEO later; the owner's "Invite matching colleagues" button asks her, and only her.
    slack.command_reply("skills add E-mail, seo", user=METTE)
    assert slack.click(ids.INVITE_MATCHING, str(number), user=OWNER).status == 200
    slack.settle()
    assert last_response(slack).startswith(f"I've invited <@U0METTE> to help with #{number}")
    [asked_bo] = [m for m in slack.fake.messages(BO) if "is looking for help" in message_text(m)]
    assert buttons(asked_bo) == {} and f"You said no thanks to #{number}." in message_text(asked_bo)
    assert len(invitation_dms(slack, METTE)) == 1

    # The owner's overview of everyone asked and their answers.
    overview = slack.command_reply(f"invitations {number}", user=OWNER)
    lines = overview.splitlines()
    assert lines[0] == f"*Invitations for #{number} Ten SEO tips* (3)"
    assert [(line.split(" · ")[0], line.split(" · ")[-1]) for line in lines[1:]] == [
        ("<@U0ANNA>", "volunteered"),
        ("<@U0BO>", "not this time"),
        ("<@U0METTE>", "no answer yet"),
    ]


def test_pressing_an_invitation_that_is_not_yours_or_opting_out_answers_politely(slack: SlackScenario) -> None:
    slack.command_reply("skills add seo", user=ANNA)
    number = slack.create("Ten SEO tips", extra="skills:seo")
    slack.command_reply(f"invite {number}", user=OWNER)
    slack.settle()
    [dm] = invitation_dms(slack, ANNA)

    assert slack.click(ids.ACCEPT_INVITATION, buttons(dm)[ids.ACCEPT_INVITATION], user=BO).status == 200
    slack.settle()
    assert last_response(slack) == (
        f"That invitation was for <@U0ANNA>. `/cocreate volunteer {number}` if you'd like to help."
    )
    assert answers(slack) == {ANNA: InvitationAnswer.PENDING}

    assert slack.command_reply("invitations off", user=ANNA).startswith("Cobot won't invite you to requests any more")
    other = slack.create("More SEO tips", extra="skills:seo")
    assert slack.command_reply(f"invite {other}", user=OWNER).startswith(f"I found nobody new to ask about #{other}")
    assert slack.command_reply(f"invite {other}", user=ANNA) == (
        f"Only the request's owner (<@U0OWNER>) or an admin can invite colleagues to #{other}."
    )
    no_skills = slack.create("Anything goes")
    assert slack.command_reply(f"invite {no_skills}", user=OWNER).startswith(
        f"#{no_skills} names no skills, so I can't tell whom to ask."
    )
