"""Calendar feeds as subscribers meet them (issue 14, item 29): deadlines link to the request's card, owners are named
by name (else e-mail, else "a colleague"), a published request's deadline leaves, each person can have a feed of
their own, and feed addresses are stored hashed and stop working when they expire or are revoked; a database from
before (a plain workspace secret) keeps its subscribed address working. Served over real HTTP by the Slack app, with
the fake Slack Web API posting the cards."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

import icalendar
import sqlalchemy as sa
from alembic import command
from factories import run_as
from reports_support import ADMIN, ANNA, BO, CARL, OLE, OWNER, POLICY, WORKSPACE, at, seed_history, set_people
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from bot.exports.ics import calendar_for, calendar_path
from handlers.context import Scope
from handlers.feeds import FEED_LIFETIME, feed_for_token, new_feed_address, personal_feed_url
from harness import TEAM, SlackScenario, message_text, start_scenario
from storage.db import make_engine, transaction
from storage.migrate import alembic_config
from storage.models import CalendarFeed, Member, Volunteer, Workspace


def events_of(body: bytes | str) -> list[icalendar.Event]:
    return list(icalendar.Calendar.from_ical(body).walk("VEVENT"))


def calendar_name(body: bytes | str) -> str:
    return str(icalendar.Calendar.from_ical(body)["X-WR-CALNAME"])


def summaries(body: bytes) -> dict[str, icalendar.Event]:
    return {str(event["SUMMARY"]): event for event in events_of(body)}


def _address(slack: SlackScenario, *, person: str | None = None, rotate: bool = False) -> str:
    """A new feed address in the Slack workspace, as `cobot calendar-url [--person]` makes it: its path."""
    with transaction(slack.engine) as session:
        workspace = session.exec(select(Workspace).where(Workspace.external_id == TEAM)).one()
        member = None
        if person is not None:
            member = session.exec(
                select(Member).where(Member.workspace_id == workspace.id, Member.user_id == person)
            ).one()
        scope = Scope(session=session, workspace=workspace, policy=slack.service.cobot.policy, now=slack.clock())
        return new_feed_address(scope, member=member, rotate=rotate).path


# --- card links and names ---------------------------------------------------------------------------------------


def test_a_deadline_links_to_the_card_posted_in_slack(slack: SlackScenario) -> None:
    number = slack.create("Kundecase: Jensen", user="U0OWNER")
    request = slack.request(number)
    assert request.card_url == f"https://fake.slack/archives/{request.channel_id}/p{request.card_ts.replace('.', '')}"

    response = slack.get(_address(slack))
    assert response.status == 200
    (deadline,) = events_of(response.text)
    assert str(deadline["URL"]) == request.card_url
    # The name is what Slack's profile look-up gave: the profile's display name (the fake's is the handle).
    assert str(deadline["DESCRIPTION"]) == f"Owner: mette\nRequest card: {request.card_url}"


def test_a_failed_permalink_look_up_still_posts_the_card_once(slack: SlackScenario) -> None:
    slack.fake.fail_next("chat.getPermalink", status=200, error="message_not_found")
    slack.fake.fail_next("chat.getPermalink", status=429, retry_after=1)

    first = slack.create("Første", user="U0OWNER")
    second = slack.create("Anden", user="U0OWNER")

    for number in (first, second):
        request = slack.request(number)
        assert request.card_ts is not None and request.card_url is None
        cards = [m for m in slack.fake.messages(request.channel_id) if m["ts"] == request.card_ts]
        assert len(cards) == 1
    assert len(slack.fake.messages(slack.request(first).channel_id)) == 2  # no card was posted twice
    body = slack.get(_address(slack)).text
    assert all("URL" not in event for event in events_of(body))
    assert {str(e["DESCRIPTION"]) for e in events_of(body)} == {"Owner: mette"}


def test_an_owner_without_a_name_is_named_by_e_mail_else_as_a_colleague(slack: SlackScenario) -> None:
    # U0GHOST is unknown to Slack's users.info, so Cobot never learns a profile name; the command's user_name
    # ("u0ghost") is all it has, and a member first met by a reaction or a button lacks even that.
    ghost = slack.create("Uden navn", user="U0GHOST")
    assert slack.member("U0GHOST").display_name == "u0ghost"
    with transaction(slack.engine) as session:
        session.execute(sa.update(Member).where(col(Member.user_id) == "U0GHOST").values(display_name=""))

    events = {str(e["SUMMARY"]): e for e in events_of(slack.get(_address(slack)).text)}
    assert str(events[f"Drafts due: #{ghost} Uden navn"]["DESCRIPTION"]).startswith("Owner: a colleague\n")

    with transaction(slack.engine) as session:
        session.execute(sa.update(Member).where(col(Member.user_id) == "U0GHOST").values(email="ghost@example.com"))
    events = {str(e["SUMMARY"]): e for e in events_of(slack.get(_address(slack)).text)}
    assert str(events[f"Drafts due: #{ghost} Uden navn"]["DESCRIPTION"]).startswith("Owner: ghost@example.com\n")
    assert "U0GHOST" not in slack.get(_address(slack)).text


# --- what each feed holds ---------------------------------------------------------------------------------------


def _feed(engine: Engine, user_id: str | None, *, days: float = 1) -> bytes:
    with Session(engine) as session:
        workspace = session.exec(select(Workspace).where(Workspace.external_id == WORKSPACE)).one()
        member = None
        if user_id is not None:
            member = session.exec(
                select(Member).where(Member.workspace_id == workspace.id, Member.user_id == user_id)
            ).one()
        body, _ = calendar_for(
            Scope(session=session, workspace=workspace, policy=POLICY, now=at(days=days)), member=member
        )
        return body


def test_a_published_request_leaves_its_deadline_but_keeps_its_booked_slot(engine: Engine) -> None:
    history = seed_history(engine)  # the e-book (#1) was booked into LinkedIn on 1 Dec and then published

    events = summaries(_feed(engine, None))

    assert f"Drafts due: #{history.ebook} E-bog: Digital markedsføring" not in events
    assert f"LinkedIn: #{history.ebook} E-bog: Digital markedsføring" in events
    assert f"Drafts due: #{history.case} Kundecase: Jensen" in events


def test_personal_feeds_of_an_owner_a_volunteer_a_contributor_and_a_bystander(engine: Engine) -> None:
    history = seed_history(engine)
    with transaction(engine) as session:  # the owner gave Carl until 4 December for the case
        session.execute(
            sa.update(Volunteer)
            .where(col(Volunteer.member_id).in_(sa.select(col(Member.id)).where(col(Member.user_id) == CARL)))
            .values(due_date=date(2026, 12, 4))
        )
    slot = f"LinkedIn: #{history.ebook} E-bog: Digital markedsføring"
    case = f"Drafts due: #{history.case} Kundecase: Jensen"

    owner = summaries(_feed(engine, OWNER))
    assert set(owner) == {case, f"Drafts due: #{history.december} Julekalender", slot}
    assert owner[case].decoded("DTSTART") == date(2026, 11, 30)
    assert calendar_name(_feed(engine, OWNER)) == "Cobot: my deadlines and slots"

    carl = summaries(_feed(engine, CARL))  # a volunteer on the case: his own due date, not the request's
    assert set(carl) == {case}
    assert carl[case].decoded("DTSTART") == date(2026, 12, 4)
    assert str(carl[case]["DESCRIPTION"]) == "Owner: Mette Ørsted"

    # Anna and Bo wrote parts of the e-book (published: no deadline, but its slot); Anna only waits in line on the
    # case and Bo withdrew from it, so neither has its deadline.
    assert set(summaries(_feed(engine, ANNA))) == {slot}
    assert set(summaries(_feed(engine, BO))) == {slot}
    assert set(summaries(_feed(engine, OLE))) == {f"Drafts due: #{history.video} Video version"}
    assert summaries(_feed(engine, ADMIN)) == {}  # a bystander
    assert calendar_name(_feed(engine, None)) == "Cobot publishing calendar"


def test_the_workspace_feed_names_owners_by_e_mail_until_they_have_a_name(engine: Engine) -> None:
    history = seed_history(engine)
    set_people(engine, {OWNER: ("", None, "mette@example.com"), OLE: ("", None, None)})

    events = summaries(_feed(engine, None))

    assert str(events[f"Drafts due: #{history.case} Kundecase: Jensen"]["DESCRIPTION"]) == "Owner: mette@example.com"
    assert str(events[f"Drafts due: #{history.video} Video version"]["DESCRIPTION"]) == "Owner: a colleague"


# --- served over HTTP -------------------------------------------------------------------------------------------


def test_both_feeds_are_served_over_http_and_a_person_can_ask_for_their_own(slack: SlackScenario) -> None:
    number = slack.create("Kundecase: Jensen", user="U0OWNER")
    assert "#" in slack.command_reply(f"volunteer {number}", user="U0ANNA")
    slack.command_reply("language da", user="U0ANNA")
    slack.settle()
    workspace_feed = slack.get(_address(slack))
    assert workspace_feed.status == 200
    assert calendar_name(workspace_feed.text) == "Cobot publishing calendar"

    # Anna asks for her own feed (what `/cocreate calendar` answers); Carl has nothing to do with the request.
    reply = run_as(slack.engine, "U0ANNA", personal_feed_url, now=slack.clock(), workspace=TEAM)
    (text,) = reply.texts
    path = str(text.params["path"])
    assert path.startswith("/calendar/") and path.endswith(".ics")
    assert path not in workspace_feed.text
    anna = slack.get(path)
    assert anna.status == 200
    assert calendar_name(anna.text) == "Cobot: mine frister og publiceringspladser"  # she reads Danish
    (deadline,) = events_of(anna.text)
    assert str(deadline["SUMMARY"]) == f"Frist for udkast: #{number} Kundecase: Jensen"
    assert str(deadline["URL"]) == slack.request(number).card_url

    owner = slack.get(_address(slack, person="U0OWNER"))
    assert [str(e["SUMMARY"]) for e in events_of(owner.text)] == [f"Drafts due: #{number} Kundecase: Jensen"]
    run_as(slack.engine, "U0CARL", lambda ctx: None, now=slack.clock(), workspace=TEAM)
    assert events_of(slack.get(_address(slack, person="U0CARL")).text) == []


def test_expired_and_revoked_addresses_get_the_same_404_as_unknown_ones(slack: SlackScenario) -> None:
    slack.create("Kundecase: Jensen", user="U0OWNER")
    workspace_old = _address(slack)
    personal_old = _address(slack, person="U0OWNER")
    unknown = slack.get(calendar_path(f"1.{'x' * 43}"))
    assert unknown.status == 404

    personal_new = _address(slack, person="U0OWNER", rotate=True)
    revoked = slack.get(personal_old)
    assert (revoked.status, revoked.text) == (unknown.status, unknown.text)
    assert slack.get(personal_new).status == 200
    assert slack.get(workspace_old).status == 200  # rotating one person's feed leaves the workspace's alone

    workspace_new = _address(slack, rotate=True)
    assert slack.get(workspace_old).status == 404
    assert slack.get(personal_new).status == 200

    slack.clock.advance(FEED_LIFETIME - timedelta(minutes=1))
    assert slack.get(workspace_new).status == 200
    slack.clock.advance(timedelta(minutes=2))
    expired = slack.get(workspace_new)
    assert (expired.status, expired.text) == (unknown.status, unknown.text)
    assert slack.get(personal_new).status == 404


def test_only_a_hash_of_each_address_is_stored(slack: SlackScenario) -> None:
    slack.create("Kundecase: Jensen", user="U0OWNER")
    path = _address(slack)
    token = path.removeprefix("/calendar/").removesuffix(".ics")
    with slack.session() as session:
        (feed,) = session.exec(select(CalendarFeed)).all()
        workspace = session.get(Workspace, feed.workspace_id)
        assert workspace is not None and workspace.calendar_secret is None
        stored = " ".join(str(value) for value in feed.model_dump().values())
    assert token.split(".", 1)[1] not in stored
    assert len(feed.token_hash) == 64
    assert feed.expires_at - feed.created_at == FEED_LIFETIME


def test_an_address_subscribed_before_the_upgrade_keeps_working(sqlite_url: str) -> None:
    """A database at 0009 with the workspace's plain secret: after the upgrade the secret is gone from the table,
    and the address calendars subscribed to is still served."""
    secret = "Old-plain_secret-from-0005-abcdefghijklmnopq"
    engine = make_engine(sqlite_url)
    with engine.connect() as connection, connection.begin():
        command.upgrade(alembic_config(connection=connection), "0009_delivery_lifetimes")
    with engine.begin() as connection:
        connection.execute(
            sa.text(
                "INSERT INTO workspace (platform, external_id, name, last_request_number, calendar_secret, created_at)"
                " VALUES ('slack', :team, 'Acme', 0, :secret, :now)"
            ),
            {"team": TEAM, "secret": secret, "now": at()},
        )
        workspace_id = connection.execute(sa.text("SELECT id FROM workspace")).scalar_one()
    engine.dispose()

    slack = start_scenario(sqlite_url)  # upgrades to head, as `cobot serve` does on start
    try:
        old = calendar_path(f"{workspace_id}.{secret}")
        response = slack.get(old)
        assert response.status == 200
        assert calendar_name(response.text) == "Cobot publishing calendar"
        number = slack.create("Efter opgraderingen", user="U0OWNER")
        assert [str(e["SUMMARY"]) for e in events_of(slack.get(old).text)] == [
            f"Drafts due: #{number} Efter opgraderingen"
        ]
        with slack.session() as session:
            assert session.exec(select(Workspace)).one().calendar_secret is None
            assert feed_for_token(session, f"{workspace_id}.{secret}x", now=slack.clock()) is None
        assert slack.get(calendar_path(f"{workspace_id}.{secret[:-1]}")).status == 404
    finally:
        slack.close()


def test_cocreate_calendar_sends_the_whole_address_in_a_dm_and_it_opens_the_personal_feed(
    make_slack: Callable[..., SlackScenario],
) -> None:
    slack = make_slack(behaviour={"server": {"public_url": "https://cobot.example.com"}})
    number = slack.create("Kundecase: Jensen", user="U0OWNER")
    assert "#" in slack.command_reply(f"volunteer {number}", user="U0ANNA")

    reply = slack.command_reply("calendar", user="U0ANNA")
    assert "sent you the address of your own calendar feed in a direct message" in reply
    assert "/calendar/" not in reply  # the secret address is never in a reply others might see
    slack.settle()
    [dm] = [m for m in slack.fake.messages("U0ANNA") if "calendar feed" in message_text(m)]
    url = message_text(dm).split("): ", 1)[1].split("\n", 1)[0]
    assert url.startswith("https://cobot.example.com/calendar/") and url.endswith(".ics")
    feed = slack.get(url.removeprefix("https://cobot.example.com"))
    assert feed.status == 200
    assert [str(e["SUMMARY"]) for e in events_of(feed.text)] == [f"Drafts due: #{number} Kundecase: Jensen"]
    assert "`/cocreate calendar`" in slack.command_reply("help", user="U0ANNA")
