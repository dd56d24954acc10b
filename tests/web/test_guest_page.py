"""HTTP tests of the guest's page through the real WSGI app on a loopback server (``cobot serve``'s, with the fake
Slack Web API behind it): a guest invited by a signed `/cocreate guest` opens their link, accepts, hands in text,
links and files, sees the owner's feedback and hands in again, while the owner gets the same DMs as for a
colleague. And what must never happen: a token that opens nothing telling anything, a form posted from elsewhere,
a response without its security headers, user text as markup, a flood changing anything, bad input changing
anything, a guest seeing anyone else."""

from __future__ import annotations

import html
import io
import re
import zipfile
from collections.abc import Callable
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from factories import row_counts
from followup.followup_support import buttons
from guest_support import (
    OWNER,
    PUBLIC_URL,
    GuestClient,
    Page,
    client,
    guest_behaviour,
    guest_member,
    invite,
    smtp_environment,
)
from sqlmodel import Session, col, select

from bot.slack import ids
from handlers.review import approve_draft, request_changes
from harness import TEAM, SlackScenario, message_text
from storage.models import (
    ContentRequest,
    Draft,
    ExtensionRequest,
    GuestFile,
    GuestLink,
    Member,
    RequestPart,
    Volunteer,
    VolunteerState,
)

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


@pytest.fixture
def guests(make_slack: Callable[..., SlackScenario]) -> SlackScenario:
    return make_slack(behaviour=guest_behaviour(), environment=smtp_environment())


def _owner_dms(scenario: SlackScenario, containing: str) -> list[dict[str, object]]:
    scenario.settle()
    return [m for m in scenario.fake.messages(OWNER) if containing in message_text(m) or containing in str(m)]


def _changes(scenario: SlackScenario, number: int, feedback: str) -> None:
    guest = guest_member(scenario)
    reply = scenario.service.cobot.act(
        lambda ctx: request_changes(ctx, number=number, user_id=guest.user_id, feedback=feedback),
        platform="slack",
        workspace=TEAM,
        user_id=OWNER,
    )
    assert not reply.refusal, reply


def _accepted(page: GuestClient, token: str) -> None:
    assert page.submit(token, "accept").status == 303


def _token_for(scenario: SlackScenario, token: str, form: str) -> str:
    """A form's token as the page would give it, for a form the page does not show right now."""
    from bot.web.guest import GuestPages

    pages = GuestPages(scenario.service.cobot)
    return pages.as_guest(token, lambda ctx, link: pages.form_token(link, form))


def _problem(page: Page) -> str:
    found = re.search(r'id="problem">([^<]*)<', page.raw)
    return html.unescape(found.group(1)) if found else ""


def test_the_guest_opens_their_link_accepts_hands_in_sees_feedback_and_hands_in_again(guests: SlackScenario) -> None:
    number = guests.create("Ten SEO tips", due="2026-12-10", extra='format:article brief:"Short and practical"')
    token = invite(guests, number)
    page = client(guests)

    opened = page.get(f"/guest/{token}")
    assert opened.status == 200
    for shown in ("Ten SEO tips", "Short and practical", "article", "Thu 10 Dec 2026", "mette", "Will you help?"):
        assert shown in opened.text
    assert "Hand in your draft" not in opened.text  # asked first

    accepted = page.submit(token, "accept")
    assert accepted.status == 303 and accepted.header("location") == f"/guest/{token}?done=accept"
    after = page.get(accepted.header("location"))
    assert "Thank you! You can hand in your draft below" in after.text and "Hand in your draft" in after.text

    handed = page.submit(token, "text", {"text": "Tip 1: write for people.\nTip 2: **links**"})
    assert handed.status == 303
    shown = page.get(handed.header("location")).text
    assert "Got it: version 1 of your draft. mette will review it." in shown
    assert "Tip 1: write for people.\nTip 2: **links**" in shown

    [dm] = _owner_dms(guests, "handed in version 1")
    assert "Anne Holm (guest) handed in version 1 of a draft for #1" in message_text(dm)
    assert "<@guest:" not in str(dm)  # named, never a broken mention
    assert [a for a, _ in buttons(dm)] == [ids.APPROVE_DRAFT, ids.REQUEST_CHANGES]

    _changes(guests, number, "Please add <an example> & a source.")
    feedback = page.get(f"/guest/{token}").text
    assert "Please add &lt;an example&gt; &amp; a source." in page.get(f"/guest/{token}").raw
    assert "mette asked for changes" in feedback
    assert "Please add <an example> & a source." in feedback
    assert "Hand in a new version" in feedback

    again = page.submit(token, "link", {"link": "https://docs.example.com/anne-v2"})
    assert again.status == 303
    final = page.get(f"/guest/{token}").text
    assert "Version 2," in final and "https://docs.example.com/anne-v2" in final
    assert _owner_dms(guests, "handed in version 2")
    with Session(guests.engine) as session:
        drafts = session.exec(select(Draft).order_by(col(Draft.version))).all()
    assert [(d.version, d.source, d.url) for d in drafts] == [
        (1, "guest_page", None),
        (2, "guest_page", "https://docs.example.com/anne-v2"),
    ]


def test_an_uploaded_file_reaches_the_owner_as_an_attachment_behind_an_unguessable_link(guests: SlackScenario) -> None:
    number = guests.create()
    token = invite(guests, number)
    page = client(guests)
    _accepted(page, token)

    uploaded = page.submit_file(token, file_name="Mit udkast.pdf", data=PDF, kind="application/pdf")
    assert uploaded.status == 303, uploaded.text
    shown = page.get(f"/guest/{token}").text
    assert "File: Mit udkast.pdf (1 kB)" in shown

    [dm] = _owner_dms(guests, "handed in version 1")
    [link] = re.findall(re.escape(PUBLIC_URL) + r"(/guest/files/[A-Za-z0-9_\-]+)", str(dm))
    assert len(link.rsplit("/", 1)[1]) >= 43  # 256 random bits
    download = page.get(link)
    assert download.status == 200 and download.body == PDF
    assert download.header("content-type") == "application/pdf"
    assert download.header("content-disposition").startswith('attachment; filename="Mit udkast.pdf"')
    assert download.header("x-content-type-options") == "nosniff"
    assert page.get(link[:-1] + ("A" if link[-1] != "A" else "B")).status == 404


def test_a_wrong_expired_or_revoked_token_gets_the_same_polite_404(guests: SlackScenario) -> None:
    number = guests.create()
    live = invite(guests, number)
    page = client(guests)
    wrong = page.get("/guest/" + "x" * 43)
    assert wrong.status == 404 and "This link doesn" in wrong.text
    for path in ("/guest/short", "/guest/", "/guest/%3Cscript%3E", "/guest/files/" + "x" * 43):
        answer = page.get(path)
        assert (answer.status, answer.body) == (404, wrong.body), path
    posted = page.post("/guest/" + "x" * 43 + "/accept", {"form_token": "x"})
    assert (posted.status, posted.body) == (404, wrong.body)

    assert page.get(f"/guest/{live}").status == 200
    revoked = live
    newer = invite(guests, number)  # invited again: the link sent before stops working
    assert page.get(f"/guest/{revoked}").body == wrong.body
    assert page.get(f"/guest/{revoked}").status == 404
    assert page.get(f"/guest/{newer}").status == 200
    assert page.post(f"/guest/{revoked}/accept", {"form_token": "x"}).status == 404

    guests.clock.advance(timedelta(days=31))
    expired = page.get(f"/guest/{newer}")
    assert (expired.status, expired.body) == (404, wrong.body)


def test_closing_the_request_ends_the_link(guests: SlackScenario) -> None:
    number = guests.create()
    token = invite(guests, number)
    page = client(guests)
    assert page.get(f"/guest/{token}").status == 200
    guests.command_reply(f"close {number}", user=OWNER)
    assert page.get(f"/guest/{token}").status == 404


def test_a_form_without_its_own_form_token_changes_nothing(guests: SlackScenario) -> None:
    number = guests.create()
    token = invite(guests, number)
    page = client(guests)
    forms = page.get(f"/guest/{token}").forms()
    before = row_counts(guests.engine)

    for sent in ({}, {"form_token": "0" * 64}, {"form_token": forms[f"/guest/{token}/decline"]["form_token"]}):
        answer = page.post(f"/guest/{token}/accept", sent)
        assert answer.status == 403 and "That form is out of date. Nothing was changed." in answer.text
    refused = page.post(f"/guest/{token}/decline", {"form_token": forms[f"/guest/{token}/accept"]["form_token"]})
    assert refused.status == 403

    assert row_counts(guests.engine) == before
    with Session(guests.engine) as session:
        assert all(link.accepted_at is None for link in session.exec(select(GuestLink)).all())
        [place] = session.exec(select(Volunteer)).all()
        assert place.state is VolunteerState.ACTIVE


def test_every_answer_carries_the_strict_security_headers(
    make_slack: Callable[..., SlackScenario],
) -> None:
    scenario = make_slack(
        behaviour=guest_behaviour(page={"requests_per_minute_per_link": 8}), environment=smtp_environment()
    )
    number = scenario.create()
    token = invite(scenario, number)
    page = client(scenario)
    _accepted(page, token)
    page.submit_file(token, file_name="a.pdf", data=PDF)
    [link] = re.findall(r"(/guest/files/[A-Za-z0-9_\-]+)", str(_owner_dms(scenario, "handed in")[0]))
    answers = {
        "page": page.get(f"/guest/{token}"),
        "redirect": page.submit(token, "text", {"text": "x"}),
        "bad input": page.submit(token, "link", {"link": "nope"}),
        "forbidden": page.post(f"/guest/{token}/accept", {}),
        "not found": page.get("/guest/nothing-here"),
        "wrong method": page.request("DELETE", f"/guest/{token}"),
        "stylesheet": page.get("/guest/static/page.css"),
        "download": page.get(link),
    }
    while (flooded := page.get(f"/guest/{token}")).status != 429:
        pass
    answers["too many"] = flooded

    for name, answer in answers.items():
        csp = answer.header("content-security-policy")
        assert "default-src 'none'" in csp, name
        if name != "download":  # a download's policy is stricter still: nothing at all, sandboxed
            for part in ("style-src 'self'", "form-action 'self'", "frame-ancestors 'none'"):
                assert part in csp, (name, part)
        assert answer.header("x-frame-options") == "DENY", name
        assert answer.header("x-content-type-options") == "nosniff", name
        assert answer.header("referrer-policy") == "no-referrer", name
    assert answers["wrong method"].status == 405
    assert "no-store" in answers["page"].header("cache-control")
    assert "<script" not in answers["page"].raw and "style=" not in answers["page"].raw  # nothing inline to allow


def test_everything_people_typed_is_shown_as_text(guests: SlackScenario) -> None:
    number = guests.create(extra='parts:"Intro; Tips"')
    token = invite(guests, number, part="1")
    attack = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    with Session(guests.engine) as session:
        request = session.exec(select(ContentRequest)).one()
        request.title, request.brief, request.format = attack, attack, attack[:40]
        part = session.exec(select(RequestPart).where(RequestPart.position == 1)).one()
        part.name = attack
        owner = session.exec(select(Member).where(Member.user_id == OWNER)).one()
        owner.display_name = attack
        session.add_all([request, part, owner])
        session.commit()
    page = client(guests)
    _accepted(page, token)
    page.submit(token, "text", {"text": attack})
    page.submit_file(token, file_name=attack + ".txt", data=b"plain words", kind="text/html")
    _changes(guests, number, attack)

    shown = page.get(f"/guest/{token}").raw
    assert "<script" not in shown and "<img" not in shown and "onerror=alert(1)>" not in shown
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in shown
    with Session(guests.engine) as session:
        stored = session.exec(select(GuestFile)).one()
    assert stored.content_type == "text/plain; charset=utf-8"  # what it is, not what the browser claimed
    assert "<" not in stored.file_name and '"' not in stored.file_name


def test_a_flood_gets_429_and_changes_nothing(make_slack: Callable[..., SlackScenario]) -> None:
    scenario = make_slack(
        behaviour=guest_behaviour(page={"requests_per_minute_per_link": 3, "requests_per_minute_per_address": 6}),
        environment=smtp_environment(),
    )
    number = scenario.create()
    token = invite(scenario, number)
    page = client(scenario)
    form = page.get(f"/guest/{token}").forms()[f"/guest/{token}/accept"]
    assert page.get(f"/guest/{token}").status == 200
    assert page.get(f"/guest/{token}").status == 200  # three in a minute: the link's limit
    before = row_counts(scenario.engine)

    flooded = page.post(f"/guest/{token}/accept", form)
    assert page.post(f"/guest/{token}/accept", form).status == 429
    assert flooded.status == 429 and flooded.header("retry-after") == "60"
    assert "Please wait a minute" in flooded.text
    with Session(scenario.engine) as session:
        assert all(link.accepted_at is None for link in session.exec(select(GuestLink)).all())
    assert row_counts(scenario.engine) == before

    # One address trying many tokens is stopped too, token or no token.
    answers = [page.get("/guest/" + f"{i:043d}").status for i in range(4)]
    assert answers[-1] == 429 and set(answers) <= {404, 429}


def test_bad_input_is_refused_on_the_page_with_nothing_changed(make_slack: Callable[..., SlackScenario]) -> None:
    scenario = make_slack(behaviour=guest_behaviour(uploads={"max_bytes": 4096}), environment=smtp_environment())
    number = scenario.create()
    token = invite(scenario, number)
    page = client(scenario)
    _accepted(page, token)
    before = row_counts(scenario.engine)
    docx = io.BytesIO()
    with zipfile.ZipFile(docx, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("evil/payload.bin", "x")

    refusals = [
        (page.submit(token, "text", {"text": "   \n  "}), "Your draft is empty."),
        (page.submit(token, "text", {"text": "å" * 3000}), "That draft is 3000 characters long, more than 2800."),
        (page.submit(token, "link", {"link": "not a link"}), "That isn't a link I can use."),
        (page.submit(token, "link", {"link": "javascript:alert(1)"}), "That isn't a link I can use."),
        (page.submit(token, "link", {"link": "https://a.example/x and more words"}), "That isn't a link"),
        (page.submit(token, "more-time", {"date": "2026-13-45"}), "2026-13-45 isn't a date I understand."),
        (page.submit(token, "more-time", {"date": "2026-11-01"}), "is not later than your current deadline"),
        (page.submit(token, "more-time", {"date": ""}), "isn't a date I understand."),
        (page.submit_file(token, file_name="report.pdf", data=b"MZ\x90\x00" + b"\x00" * 100), "that kind of file"),
        (page.submit_file(token, file_name="page.html", data=b"<html>\x00</html>"), "that kind of file"),
        (page.submit_file(token, file_name="fake.docx", data=docx.getvalue()), "that kind of file"),
        (page.submit_file(token, file_name="empty.pdf", data=b""), "Choose a file to upload first."),
        (page.submit_file(token, file_name="big.pdf", data=PDF + b"0" * 5000), "files can be at most 1 MB"),
        (page.submit(token, "settings", {"language": "fr", "timezone": "UTC"}), "Pick English or Danish."),
        (page.submit(token, "settings", {"language": "en", "timezone": "Mars/Olympus"}), "isn't a time zone I know"),
    ]
    for answer, expected in refusals:
        assert answer.status == 400, (expected, answer.status, answer.text[:300])
        assert expected in _problem(answer), (expected, _problem(answer))
    kept = page.submit(token, "link", {"link": "not a link"})
    assert 'value="not a link"' in kept.raw  # what was typed stays in the form

    too_large = page.submit_file(token, file_name="huge.pdf", data=PDF + b"0" * (300 * 1024))
    assert too_large.status == 413 and "Nothing was changed" in too_large.text
    assert row_counts(scenario.engine) == before
    with Session(scenario.engine) as session:
        guest = session.exec(select(Member).where(col(Member.is_guest))).one()
        assert (guest.language, guest.tz) == ("en", "Europe/Copenhagen")


def test_a_guest_sees_only_their_own_request_and_versions(guests: SlackScenario) -> None:
    number = guests.create(extra="needs:3")
    other = guests.create("Another request")
    assert "Thank you!" in guests.command_reply(f"volunteer {number}", user="U0ANNA")
    guests.command_reply(f"submit {number} https://docs.example.com/anna-secret-draft", user="U0ANNA")
    with Session(guests.engine) as session:
        anna = session.exec(select(Member).where(Member.user_id == "U0ANNA")).one()
        anna.email = "anna.aebeloe@corp.example"
        session.add(anna)
        session.commit()
    token = invite(guests, number)
    bo_token = invite(guests, number, email="bo.guest@example.com", name="Bo Guest")
    invite(guests, other, email="anne@example.com")  # Anne on a second request: a link of its own
    page = client(guests)
    _accepted(page, bo_token)
    page.submit(bo_token, "text", {"text": "Bo's private words"})
    _accepted(page, token)
    page.submit(token, "text", {"text": "Anne's own words"})

    shown = page.get(f"/guest/{token}").text
    assert "Anne's own words" in shown
    for hidden in (
        "anna-secret-draft",
        "anna.aebeloe@corp.example",
        "Bo's private words",
        "bo.guest@example.com",
        "Anna",
        "Bo Guest",
        "Another request",
    ):
        assert hidden not in shown, hidden


def test_declining_frees_the_place_for_the_next_in_line_and_tells_the_owner(guests: SlackScenario) -> None:
    number = guests.create(extra="needs:1")
    token = invite(guests, number)
    guests.command_reply(f"volunteer {number}", user="U0CARL")  # the place is Anne's: Carl waits
    page = client(guests)

    declined = page.submit(token, "decline")
    assert declined.status == 303
    assert "You've said no to this request" in page.get(declined.header("location")).text
    with Session(guests.engine) as session:
        places = {
            member.user_id: place.state
            for place, member in session.exec(select(Volunteer, Member).where(Volunteer.member_id == Member.id)).all()
        }
    assert places["U0CARL"] is VolunteerState.ACTIVE
    assert [state for user, state in places.items() if user.startswith("guest:")] == [VolunteerState.WITHDRAWN]
    [told] = _owner_dms(guests, "said no to your invitation")
    assert "Anne Holm (guest) said no to your invitation to #1" in message_text(told)
    assert page.get(f"/guest/{token}").status == 200  # still opens: it says where things stand
    assert page.post(f"/guest/{token}/accept", {"form_token": "x"}).status == 403


def test_asking_for_more_time_and_stepping_back(guests: SlackScenario) -> None:
    number = guests.create(due="2026-12-10")
    token = invite(guests, number)
    page = client(guests)
    _accepted(page, token)

    asked = page.submit(token, "more-time", {"date": "2026-12-20"})
    assert asked.status == 303
    shown = page.get(asked.header("location")).text
    assert "You asked for more time, until Sun 20 Dec 2026. mette will decide." in shown
    [dm] = _owner_dms(guests, "Anne Holm (guest)")
    assert [a for a, _ in buttons(dm)] == [ids.ACCEPT_EXTENSION, ids.DECLINE_EXTENSION]
    with Session(guests.engine) as session:
        assert session.exec(select(ExtensionRequest)).one().proposed_date.isoformat() == "2026-12-20"
    form = page.get(f"/guest/{token}").forms()
    assert f"/guest/{token}/more-time" not in form  # one question at a time; a post anyway is refused, by name
    twice = page.post(
        f"/guest/{token}/more-time", {"form_token": _token_for(guests, token, "more-time"), "date": "2026-12-22"}
    )
    assert twice.status == 400
    assert "You've already asked mette for more time on #1" in _problem(twice)

    stepped = page.submit(token, "withdraw")
    assert stepped.status == 303
    assert "You're no longer on this request" in page.get(f"/guest/{token}").text
    assert _owner_dms(guests, "Anne Holm (guest) stepped back from #1")


def test_the_guest_chooses_danish_and_a_time_zone(guests: SlackScenario) -> None:
    number = guests.create()
    token = invite(guests, number)
    page = client(guests)
    assert "option selected>Europe/Copenhagen<" in page.get(f"/guest/{token}").text.replace(
        "<option selected>", "option selected>"
    )

    saved = page.submit(token, "settings", {"language": "da", "timezone": "America/New_York"})
    assert saved.status == 303
    shown = page.get(saved.header("location")).text
    assert '<html lang="da">' in shown
    assert "Vil du hjælpe?" in shown and "tors. 10. dec. 2026" in shown
    assert "<option selected>America/New_York</option>" in shown
    member = guest_member(guests)
    assert (member.language, member.tz) == ("da", "America/New_York")
    page.submit(token, "accept")
    page.submit(token, "text", {"text": "Ti gode råd."})
    when = guests.clock().astimezone(ZoneInfo("America/New_York"))
    assert f"Version 1, man. 23. nov. {when:%H}:" in page.get(f"/guest/{token}").text  # on the guest's clock


def test_the_not_found_page_is_in_the_workspace_language_and_says_nothing_about_the_request(
    guests: SlackScenario,
) -> None:
    answer = client(guests).get("/guest/" + "y" * 43)
    assert answer.status == 404
    assert "Ask the person who invited you for a new link." in answer.text
    assert "Ten SEO tips" not in answer.text


def test_an_approved_guest_is_thanked_and_offered_nothing_more(guests: SlackScenario) -> None:
    number = guests.create(extra="needs:1")
    token = invite(guests, number)
    page = client(guests)
    _accepted(page, token)
    page.submit(token, "text", {"text": "All ten tips."})
    guest = guest_member(guests)
    reply = guests.service.cobot.act(
        lambda ctx: approve_draft(ctx, number=number, user_id=guest.user_id),
        platform="slack",
        workspace=TEAM,
        user_id=OWNER,
    )
    assert not reply.refusal, reply

    shown = page.get(f"/guest/{token}").text
    assert "mette approved your draft. Thank you for helping!" in shown
    assert "mette approved this version." in shown
    assert "Hand in a new version" not in shown and "Need more time?" not in shown
    assert page.post(f"/guest/{token}/text", {"text": "more"}).status == 403


def test_a_guest_who_stepped_back_and_is_invited_again_is_asked_again(guests: SlackScenario) -> None:
    number = guests.create()
    token = invite(guests, number)
    page = client(guests)
    _accepted(page, token)
    assert page.submit(token, "withdraw").status == 303

    again = invite(guests, number)  # the earlier yes was about the place they gave up
    shown = page.get(f"/guest/{again}").text
    assert "Will you help?" in shown and "Hand in your draft" not in shown
