"""Scenario tests for Cobot on Microsoft Teams, end to end: activities POSTed over real HTTP to ``/api/messages``,
the Agents SDK sending every reply, card and DM to the fake Bot Framework connector, the database checked.

The headline test walks the whole loop on Teams: Cobot is installed in a team, a request is posted by
``@Cobot new …`` in a channel, colleagues volunteer by command in a 1:1 chat and with the card's Action.Execute
button, a draft arrives as a reply with a link in the card's thread, the owner (DM'd in a 1:1 chat Cobot opens
itself) asks for changes in a dialog, the second version comes through the card's "Submit draft" dialog, the owner
approves with the Action.Submit fallback, a reminder reaches a volunteer by DM, and the weekly digest is posted in
the Teams channel named in app.yaml.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlmodel import col, select

from bot.runtime.scheduler import run_tick
from fake_connector import Message
from storage.models import (
    ContentRequest,
    Draft,
    Member,
    ProcessedEvent,
    ReviewState,
    TeamsConversation,
    TeamsUser,
    Volunteer,
    VolunteerState,
)
from teams_harness import (
    ANNA,
    BO,
    CARL,
    CHANNEL,
    OWNER,
    TeamsScenario,
    User,
    all_actions,
    card_text,
    visible_text,
)


def move_to(teams: TeamsScenario, moment: datetime) -> None:
    teams.clock.advance(moment - teams.clock())


def dm_containing(teams: TeamsScenario, user: User, text: str) -> Message:
    found = [m for m in teams.dms(user) if text in visible_text(m)]
    assert found, f"no DM to {user.name} containing {text!r}: {[visible_text(m)[:80] for m in teams.dms(user)]}"
    return found[-1]


def places(teams: TeamsScenario, number: int) -> dict[str, Volunteer]:
    with teams.session() as session:
        rows = session.exec(
            select(Volunteer, Member)
            .join(Member, col(Member.id) == col(Volunteer.member_id))
            .where(Volunteer.request_id == teams.request(number).id)
        ).all()
    return {member.user_id: volunteer for volunteer, member in rows}


def test_the_whole_loop_runs_on_teams(make_teams: object) -> None:
    teams: TeamsScenario = make_teams(behaviour={"digest": {"channel": "Marketing"}})  # type: ignore[operator]

    # Installed in a team: the reference is stored, and Cobot introduces itself with the grammar as typed there.
    assert teams.install_in_team().status == 202
    with teams.session() as session:
        [channel] = session.exec(select(TeamsConversation)).all()
    assert (channel.key, channel.conversation_type, channel.name) == (CHANNEL, "channel", "Marketing")
    assert channel.service_url == teams.fake.url and channel.reference["bot"]["id"].startswith("28:")
    [welcome] = teams.fake.messages(CHANNEL)
    assert "`@Cobot volunteer <id> [part name or number]`" in welcome.text
    assert "/cocreate" not in welcome.text

    # A request posted in the channel: the answer in the command's thread, the card as a new post.
    answer = teams.command("new Ten SEO tips due:2026-12-10 needs:2 skills:seo", user=OWNER, in_channel=True)
    assert "Posted request #1 **Ten SEO tips** here." in answer
    teams.settle()
    request = teams.request(1)
    assert request.channel_id == CHANNEL and request.card_ts
    card = teams.card(1)
    assert card.conversation == CHANNEL and card.thread is None
    assert "#1 Ten SEO tips" in visible_text(card) and "**Volunteers** 0/2" in visible_text(card)
    assert [a["title"] for a in all_actions(card.card)][:3] == ["Volunteer", "Submit draft", "Withdraw"]

    # Volunteering by command in a 1:1 chat, and with the card's Action.Execute button.
    teams.install_personal(ANNA)
    assert "`volunteer <id> [part name or number]`" in teams.dms(ANNA)[0].text  # no @Cobot needed in a 1:1 chat
    assert "Thank you! You're on #1 **Ten SEO tips**." in teams.command("volunteer 1", user=ANNA)
    pressed = teams.execute(teams.card(1), "Volunteer", user=BO)
    assert pressed.status == 200
    answer_to_bo = pressed.json()
    assert answer_to_bo["statusCode"] == 200
    assert answer_to_bo["type"] == "application/vnd.microsoft.activity.message"
    assert "You're on #1 Ten SEO tips" in answer_to_bo["value"]
    teams.settle()
    assert {user: (p.state, p.via) for user, p in places(teams, 1).items()} == {
        ANNA.aad: (VolunteerState.ACTIVE, "command"),
        BO.aad: (VolunteerState.ACTIVE, "button"),
    }
    card = teams.card(1)
    assert card.id == request.card_ts and card.updates >= 1, "the card is updated in place, not posted again"
    shown = visible_text(card)
    assert "<at>Anna Bæk</at> ⏳" in shown and "<at>Bo Åkesson</at> ⏳" in shown and "**Volunteers** 2/2" in shown
    mentioned = {e["mentioned"]["id"] for e in card.card["msteams"]["entities"]}  # type: ignore[index]
    assert mentioned == {OWNER.teams_id, ANNA.teams_id, BO.teams_id}

    # A reply with a link in the card's thread is a draft; the owner gets it in a 1:1 chat Cobot opens itself.
    teams.say(
        "Here is my first go: https://docs.example.com/anna-v1", user=ANNA, thread=request.card_ts, mention_bot=False
    )
    teams.settle()
    with teams.session() as session:
        [draft] = session.exec(select(Draft)).all()
    assert (draft.version, draft.url, draft.source) == (1, "https://docs.example.com/anna-v1", "thread")
    assert any("Version 1 of your draft is saved" in visible_text(m) for m in teams.thread(1))
    assert [c.body["members"] for c in teams.fake.calls("POST") if c.path == "/v3/conversations"] == [
        [{"id": OWNER.teams_id}]
    ]
    review = dm_containing(teams, OWNER, "handed in version 1")
    assert [a["title"] for a in all_actions(review.card)] == ["Approve", "Request changes"]

    # The owner asks for changes in a dialog: an empty answer is refused inside the dialog, then it goes through.
    dialog = teams.open_dialog(review, "Request changes", user=OWNER).json()
    assert dialog["task"]["type"] == "continue"
    form = dialog["task"]["value"]["card"]["content"]
    assert [b["type"] for b in form["body"]] == ["Input.Text"]
    refused = teams.submit_dialog(dialog, user=OWNER, typed="  ", conversation=OWNER.personal).json()
    assert refused["task"]["type"] == "continue"
    assert "Please say what should change" in card_text(refused["task"]["value"]["card"]["content"])
    done = teams.submit_dialog(dialog, user=OWNER, typed="Please add an example", conversation=OWNER.personal).json()
    assert done["task"] == {"type": "message", "value": "Sent your feedback on #1 to @Anna Bæk."}
    teams.settle()
    changes = dm_containing(teams, ANNA, "asked for changes")
    assert "Please add an example" in visible_text(changes)
    assert places(teams, 1)[ANNA.aad].review_state is ReviewState.CHANGES_REQUESTED

    # The second version through the card's "Submit draft" dialog.
    dialog = teams.open_dialog(teams.card(1), "Submit draft", user=ANNA).json()
    assert "#1 Ten SEO tips" in card_text(dialog["task"]["value"]["card"]["content"])
    thread_of_card = f"{CHANNEL};messageid={request.card_ts}"
    done = teams.submit_dialog(dialog, user=ANNA, typed="https://docs.example.com/anna-v2", conversation=thread_of_card)
    assert "version 2 of your draft for #1" in done.json()["task"]["value"]
    teams.settle()

    # The owner approves with the Action.Submit fallback: the answer comes as a message in their chat.
    review = dm_containing(teams, OWNER, "handed in version 2")
    assert teams.submit(review, "Approve", user=OWNER).status == 202
    assert "Approved <at>Anna Bæk</at>'s draft (version 2) for #1." in teams.dms(OWNER)[-1].text
    assert places(teams, 1)[ANNA.aad].review_state is ReviewState.APPROVED
    # Both review cards were refreshed where they are: their buttons gone, saying what the owner did.
    teams.settle()
    for handed_in, outcome in (
        ("handed in version 1", "✏️ <at>Mette Ørsted</at> asked for changes."),
        ("handed in version 2", "✅ Approved by <at>Mette Ørsted</at>."),
    ):
        used = dm_containing(teams, OWNER, handed_in)
        assert used.updates == 1 and all_actions(used.card) == []
        assert outcome in visible_text(used)

    # Three days before the deadline Bo, who has no draft yet, is reminded in a 1:1 chat; the digest goes out.
    move_to(teams, datetime(2026, 12, 7, 8, 30, tzinfo=UTC))  # Monday 09:30 in Copenhagen
    summary = run_tick(teams.service.cobot)
    assert summary.queued["digest"] == 1
    teams.settle()
    reminder = dm_containing(teams, BO, "Friendly reminder")
    assert "#1 **Ten SEO tips**" in visible_text(reminder)
    assert {a["title"] for a in all_actions(reminder.card)} >= {"Submit draft", "Need more time", "Withdraw"}
    [digest] = [m for m in teams.fake.messages(CHANNEL) if "Co-creation this week" in visible_text(m)]
    assert "**Drafts due this week**" in visible_text(digest)
    assert (
        "#1 **Ten SEO tips** · due {{DATE(2026-12-10T12:00:00Z, SHORT)}} · <at>Anna Bæk</at>, <at>Bo Åkesson</at>"
        in (visible_text(digest))
    )
    assert run_tick(teams.service.cobot).total == 0, "a second pass queues nothing twice"


def test_parts_are_picked_from_the_cards_menu(teams: TeamsScenario) -> None:
    teams.install_in_team()
    teams.command('new E-book due:2026-12-18 parts:"SEO; PPC; Analytics"', user=OWNER, in_channel=True)
    teams.settle()
    card = teams.card(1)
    [menu] = [b for b in card.card["body"] if b["type"] == "Input.ChoiceSet"]  # type: ignore[index]
    assert [c["value"] for c in menu["choices"]] == ["1:1", "1:2", "1:3"]

    unchosen = teams.execute(card, "Volunteer", user=ANNA).json()
    assert "has parts. Pick one" in unchosen["value"]
    chosen = teams.execute(card, "Volunteer", user=ANNA, inputs={"cobot_part": "1:2"}).json()
    assert "part 2, “PPC”, of #1" in chosen["value"]
    teams.settle()
    assert "2. **PPC** (1/1) <at>Anna Bæk</at> ⏳" in visible_text(teams.card(1))


def test_help_lists_the_shared_grammar_and_bad_input_gets_a_polite_hint(teams: TeamsScenario) -> None:
    teams.install_personal(CARL)
    help_text = teams.command("help", user=CARL)
    for line in (
        "`new <title> due:YYYY-MM-DD`",
        "`volunteer <id> [part name or number]`",
        "`submit <id> <link or text>`",
    ):
        assert line in help_text
    assert "`volunteer 12`" in teams.command("volunteer", user=CARL)
    assert "`abc` is not a request id" in teams.command("volunteer abc", user=CARL)
    assert "I don't know `frobnicate`" in teams.command("frobnicate", user=CARL)
    assert "There is no request #7" in teams.command("show 7", user=CARL)
    with teams.session() as session:
        assert session.exec(select(ContentRequest)).all() == []
        assert session.exec(select(Volunteer)).all() == []


def test_a_message_delivered_twice_is_acted_on_once(teams: TeamsScenario) -> None:
    teams.install_in_team()
    teams.command("new Twice due:2026-12-10", user=OWNER, in_channel=True)
    teams.install_personal(ANNA)
    activity = teams._envelope(user=ANNA, conversation=ANNA.personal, kind="message", text="withdraw 1")
    volunteer = dict(activity, id="18009999", text="volunteer 1")
    assert teams.post(volunteer).status == 202
    assert teams.post(volunteer).status == 202  # the same activity id again
    answers = [m.text for m in teams.dms(ANNA) if "You're on #1" in m.text]
    assert len(answers) == 1
    with teams.session() as session:
        assert len(session.exec(select(ProcessedEvent).where(ProcessedEvent.event_id == "teams:18009999")).all()) == 1


def test_thread_chatter_and_messages_not_for_cobot_leave_no_trace(teams: TeamsScenario) -> None:
    teams.install_in_team()
    teams.command("new Quiet please due:2026-12-10", user=OWNER, in_channel=True)
    teams.settle()
    root = teams.request(1).card_ts
    before = len(teams.fake.all_messages())
    teams.say("Great idea!", user=CARL, thread=root, mention_bot=False)  # chatter in the card's thread
    teams.say("look: https://example.com/cat.gif", user=CARL, thread=root, mention_bot=False)  # not a volunteer
    teams.say("lunch anyone?", user=CARL, in_channel=True, mention_bot=False)  # channel talk, Cobot not mentioned
    teams.settle()
    assert len(teams.fake.all_messages()) == before
    with teams.session() as session:
        assert [m.user_id for m in session.exec(select(Member)).all()] == [OWNER.aad]
        assert [u.user_id for u in session.exec(select(TeamsUser)).all()] == [OWNER.aad]
        assert session.exec(select(Draft)).all() == []


def test_a_file_shared_in_the_thread_becomes_a_draft_with_its_link(teams: TeamsScenario) -> None:
    teams.install_in_team()
    teams.command("new Case study due:2026-12-10", user=OWNER, in_channel=True)
    teams.install_personal(ANNA)
    teams.command("volunteer 1", user=ANNA)
    teams.settle()
    file = {
        "contentType": "reference",
        "contentUrl": "https://contoso.sharepoint.com/sites/marketing/Shared%20Documents/case.docx",
        "name": "case.docx",
    }
    teams.say("", user=ANNA, thread=teams.request(1).card_ts, mention_bot=False, attachments=[file])
    teams.settle()
    with teams.session() as session:
        [draft] = session.exec(select(Draft)).all()
    assert draft.file_name == "case.docx" and draft.url == file["contentUrl"]


def test_mentions_become_the_grammars_person_tokens(teams: TeamsScenario) -> None:
    teams.install_in_team()
    teams.command("new Approvals due:2026-12-10", user=OWNER, in_channel=True)
    teams.install_personal(ANNA)
    teams.command("volunteer 1", user=ANNA)
    teams.command("submit 1 https://docs.example.com/a", user=ANNA)
    # The owner's DM about the draft goes out first, so it is not taken for the answer to what the owner types next.
    teams.settle()
    # Carl was never seen by Cobot: his mention is resolved by asking Teams for the member's profile.
    before = len(teams.fake.calls("GET"))
    answer = teams.command("approve 1 @Carl", user=OWNER, in_channel=True, mention=(CARL,))
    assert "<at>Carl</at> is not working on #1" in answer
    # Asked while answering (the outbox sender's own GETs may land around it, so not necessarily the last one).
    asked = [call.path for call in teams.fake.calls("GET")[before:]]
    assert [path for path in asked if path.endswith(f"/members/{CARL.teams_id}")], asked
    answer = teams.command("approve 1 @Anna Bæk", user=OWNER, in_channel=True, mention=(ANNA,))
    assert "Approved <at>Anna Bæk</at>'s draft (version 1) for #1." in answer
    assert places(teams, 1)[ANNA.aad].review_state is ReviewState.APPROVED


def test_new_without_arguments_offers_the_request_form_in_a_dialog(teams: TeamsScenario) -> None:
    teams.install_in_team()
    teams.say("new", user=OWNER, in_channel=True)
    offer = teams.fake.all_messages()[-1]
    assert offer.thread is not None and "To post a request" in visible_text(offer)
    dialog = teams.open_dialog(offer, "New content request", user=OWNER).json()
    assert dialog["task"]["value"]["title"] == "New content request"
    form = dialog["task"]["value"]["card"]["content"]
    assert [b["id"] for b in form["body"]] == [
        "cobot_title",
        "cobot_deadline",
        "cobot_brief",
        "cobot_format",
        "cobot_skills",
        "cobot_needs",
        "cobot_parts",
    ]
    where = f"{CHANNEL};messageid={offer.thread}"

    refused = teams.submit_dialog(
        dialog, user=OWNER, conversation=where, inputs={"cobot_title": "", "cobot_deadline": "2026-01-02"}
    ).json()
    shown = card_text(refused["task"]["value"]["card"]["content"])
    assert "Please give the request a title" in shown and "has already passed" in shown
    with teams.session() as session:
        assert session.exec(select(ContentRequest)).all() == []

    posted = teams.submit_dialog(
        dialog,
        user=OWNER,
        conversation=where,
        inputs={
            "cobot_title": "Webinar  recap",
            "cobot_deadline": "2026-12-15",
            "cobot_format": "video",
            "cobot_skills": "video, seo",
            "cobot_needs": "",
            "cobot_parts": "Intro\nQ&A\n",
        },
    ).json()
    assert posted["task"]["type"] == "message" and "Posted request #1 Webinar recap here" in posted["task"]["value"]
    teams.settle()
    request = teams.request(1)
    assert (request.title, request.format, request.channel_id) == ("Webinar recap", "video", CHANNEL)
    assert "1. **Intro** (0/1)" in visible_text(teams.card(1)) and "2. **Q&A** (0/1)" in visible_text(teams.card(1))


def test_a_client_without_dialogs_gets_the_buttons_form_as_a_card(teams: TeamsScenario) -> None:
    teams.install_in_team()
    teams.command("new Fallbacks due:2026-12-10", user=OWNER, in_channel=True)
    teams.install_personal(ANNA)
    teams.command("volunteer 1", user=ANNA)
    teams.settle()
    assert teams.submit(teams.card(1), "Submit draft", user=ANNA).status == 202
    form = teams.fake.all_messages()[-1]
    assert form.thread == teams.request(1).card_ts, "the form answers in the card's thread"
    assert [b["type"] for b in form.card["body"]] == ["Input.Text"]  # type: ignore[index]
    assert teams.submit(form, "Send", user=ANNA, inputs={"cobot_input": "https://docs.example.com/x"}).status == 202
    # The answer comes in the form's thread; the owner's "handed in" DM may come before or after it, through the
    # outbox, so only that thread's last message is looked at.
    answer = teams.fake.messages(form.conversation, thread=form.thread)[-1]
    assert "Got it: version 1 of your draft for #1." in visible_text(answer)
    with teams.session() as session:
        [draft] = session.exec(select(Draft)).all()
    assert (draft.url, draft.source) == ("https://docs.example.com/x", "modal")
