"""Real-browser tests of the guest's page: Playwright driving the system's Chromium (Debian's ``chromium``; no
``playwright install``) against the whole Slack app on a loopback server, with JavaScript switched off, as the page
must work without it. The journey: open the link, accept, hand in a text and a file, the owner asks for changes,
the feedback shows, version 2 goes in. And the page on a phone: 375 px wide, nothing scrolls sideways, every control
is within reach by touch and by keyboard, and the stylesheet loads under the page's own Content-Security-Policy.

Where no Chromium is found the tests are skipped with the reason printed; with ``CI=true`` they fail instead
(``.ci/run`` installs it).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from guest_support import OWNER, guest_behaviour, guest_member, invite, smtp_environment
from sqlmodel import Session, col, select

from handlers.review import approve_draft, request_changes
from harness import TEAM, SlackScenario
from storage.models import ContentRequest, Draft, SignOff

IN_CI = os.environ.get("CI", "").lower() == "true"
CONTROLS = "main button, main input:not([type=hidden]), main textarea, main select"
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def _chromium() -> str | None:
    for candidate in (os.environ.get("COBOT_CHROMIUM"), "chromium", "chromium-browser", "google-chrome"):
        if candidate and (found := shutil.which(candidate)):
            return found
    return None


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    executable = _chromium()
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as error:
        reason = f"Playwright is not installed ({error})"
        if IN_CI:
            pytest.fail(f"CI=true requires the browser tests: {reason}")
        pytest.skip(reason)
    if executable is None:
        reason = "no Chromium found (apt-get install -y chromium, or set COBOT_CHROMIUM)"
        if IN_CI:
            pytest.fail(f"CI=true requires the browser tests: {reason}")
        print(f"skipping the browser tests: {reason}")
        pytest.skip(reason)
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=executable, args=["--no-sandbox"])
        yield launched
        launched.close()


@pytest.fixture
def guests(make_slack: Callable[..., SlackScenario]) -> SlackScenario:
    return make_slack(behaviour=guest_behaviour(), environment=smtp_environment())


def _page(browser: Any, *, width: int = 1024, height: int = 800) -> Any:
    context = browser.new_context(java_script_enabled=False, viewport={"width": width, "height": height})
    page = context.new_page()
    problems: list[str] = []
    page.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
    page.problems = problems
    return page


def test_the_guest_journey_in_a_real_browser_without_javascript(
    browser: Any, guests: SlackScenario, tmp_path: Path
) -> None:
    number = guests.create("Ten SEO tips", due="2026-12-10", extra='brief:"Short and practical"')
    token = invite(guests, number)
    page = _page(browser)

    page.goto(f"{guests.base_url}/guest/{token}")
    assert page.title() == "Cobot: Ten SEO tips"
    assert page.get_by_role("heading", level=1).inner_text() == "Ten SEO tips"
    assert "Short and practical" in page.inner_text("main")
    page.get_by_role("button", name="Yes, I'll help").click()
    assert "Thank you! You can hand in your draft below" in page.get_by_role("status").first.inner_text()

    page.get_by_label("Your draft as text").fill("Tip 1: write for people.\nTip 2: <b>not bold</b>")
    page.get_by_role("button", name="Hand in this text").click()
    assert "Got it: version 1 of your draft." in page.inner_text("main")
    assert "Tip 2: <b>not bold</b>" in page.inner_text("main")  # shown as typed, not as markup

    draft = tmp_path / "Mit udkast.pdf"
    draft.write_bytes(PDF)
    page.get_by_label("A file").set_input_files(str(draft))
    page.get_by_role("button", name="Upload this file").click()
    assert "Got it: version 2 of your draft." in page.inner_text("main")
    assert "File: Mit udkast.pdf (1 kB)" in page.inner_text("main")

    guest = guest_member(guests)
    reply = guests.service.cobot.act(
        lambda ctx: request_changes(ctx, number=number, user_id=guest.user_id, feedback="Add one example, please."),
        platform="slack",
        workspace=TEAM,
        user_id=OWNER,
    )
    assert not reply.refusal
    page.reload()
    assert "mette asked for changes:" in page.inner_text("main")
    assert "Add one example, please." in page.inner_text("main")

    page.get_by_label("A link to your draft").fill("https://docs.example.com/anne-v3")
    page.get_by_role("button", name="Hand in this link").click()
    assert "Got it: version 3 of your draft." in page.inner_text("main")
    assert page.get_by_role("link", name="https://docs.example.com/anne-v3").count() == 1
    assert not [p for p in page.problems if "Content Security Policy" in p], page.problems
    with Session(guests.engine) as session:
        versions = session.exec(select(Draft.version, Draft.source).order_by(col(Draft.version))).all()
    assert versions == [(1, "guest_page"), (2, "guest_page"), (3, "guest_page")]

    # The owner approves version 3; the guest signs it off in the browser: byline, bio and where it may go.
    approved = guests.service.cobot.act(
        lambda ctx: approve_draft(ctx, number=number, user_id=guest.user_id),
        platform="slack",
        workspace=TEAM,
        user_id=OWNER,
    )
    assert not approved.refusal
    page.reload()
    assert "Version 3, content hash (SHA-256)" in page.inner_text("main")
    page.get_by_label("Byline: the name to publish it under").fill("Anne Holm")
    page.get_by_label("A one-line bio (optional)").fill("SEO-rådgiver i Aarhus")
    for box in page.get_by_role("checkbox").all():
        box.check()
    page.get_by_role("button", name="Sign off version 3").click()
    assert "Your draft is signed off" in page.inner_text("main")
    assert "You signed off version 3 as Anne Holm." in page.inner_text("main")
    with Session(guests.engine) as session:
        [record] = session.exec(select(SignOff)).all()
    assert (record.version, record.byline, record.bio) == (3, "Anne Holm", "SEO-rådgiver i Aarhus")


def test_the_page_on_a_phone_fits_and_every_control_is_reachable(browser: Any, guests: SlackScenario) -> None:
    number = guests.create()
    with Session(guests.engine) as session:
        request = session.exec(select(ContentRequest)).one()
        request.title = "A" * 120  # one long word: it must wrap, not push the page sideways
        request.brief = "https://example.com/" + "x" * 300
        session.add(request)
        session.commit()
    token = invite(guests, number)
    page = _page(browser, width=375, height=667)
    page.goto(f"{guests.base_url}/guest/{token}")
    page.get_by_role("button", name="Yes, I'll help").click()
    page.get_by_label("Your draft as text").fill("B" * 400)
    page.get_by_role("button", name="Hand in this text").click()
    # The form's answer is a new page (POST, redirect, GET): measure that one, once it says so.
    page.get_by_text("Got it: version 1 of your draft.").wait_for()

    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    primary = page.get_by_role("button", name="Hand in this text")
    assert primary.evaluate("b => getComputedStyle(b).backgroundColor") == "rgb(11, 92, 173)"  # the CSS loaded
    controls = page.locator(CONTROLS)
    count = controls.count()
    assert count >= 9
    for index in range(count):
        box = controls.nth(index).bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 375, (index, box)
    for index in range(page.locator("main button").count()):
        assert page.locator("main button").nth(index).bounding_box()["height"] >= 44  # a finger's size

    # Every control has a label, and the keyboard alone reaches each one in turn.
    for field in (
        "Your draft as text",
        "A link to your draft",
        "A file",
        "A later draft deadline",
        "Language",
        "Time zone",
    ):
        assert page.get_by_label(field, exact=field in ("Language", "Time zone")).count() == 1, field
    reached: set[str] = set()
    page.locator("body").focus()
    for _ in range(40):
        page.keyboard.press("Tab")
        reached.add(page.evaluate("document.activeElement.outerHTML.slice(0, 60)"))
    named = page.evaluate(f"Array.from(document.querySelectorAll('{CONTROLS}')).map(e => e.outerHTML.slice(0, 60))")
    assert set(named) <= reached, set(named) - reached
