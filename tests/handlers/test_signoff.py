"""Sign-off and consent, with the handlers called directly on a real migrated database: what is hashed, what the
form offers (to a colleague and to a guest, as the guest page will ask for it), who may sign off what and when,
withdrawing consent, publishing with missing sign-offs (refused, or forced with a reason), the help in both
languages, and the report's column in Danish."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from datetime import date, time
from pathlib import Path
from typing import Any

import pytest
from factories import NOW, OWNER, notices_to, posted_request, row_counts, run_as, submit, volunteer
from openpyxl import load_workbook
from sqlalchemy import Engine
from sqlmodel import Session, select

from bot.exports.excel.report import write_report
from bot.exports.plaintext import plain
from bot.runtime.i18n import translator
from handlers import texts
from handlers.calendar import book_slot, mark_published
from handlers.commands import help_texts, parse_command, run_command
from handlers.context import Ctx, FollowUp, Policy, RecurringSlot, Scope
from handlers.guests import invite_guest
from handlers.reports import Report, ReportOrder
from handlers.results import ActionKind, Notice, Reply, Text, UserFacingError
from handlers.review import approve_draft
from handlers.signoff import (
    SignOffForm,
    draft_hash,
    missing_sign_offs,
    missing_text,
    sign_off,
    sign_off_request,
    signoff_form,
    withdraw_consent,
)
from storage import queries
from storage.models import Draft, Member, PublicationOverride, SignOff, Workspace

ANNA, BO = "U0ANNA", "U0BO"
SLOTS = Policy(follow_up=FollowUp(slots=(RecurringSlot(name="LinkedIn", at=time(10)),)), email_configured=True)


def refused(engine: Engine, user_id: str, action: Callable[[Ctx], object], *, policy: Policy | None = None) -> Text:
    with pytest.raises(UserFacingError) as caught:
        run_as(engine, user_id, action, policy=policy)
    return caught.value.text


def approved(engine: Engine, *helpers: str, policy: Policy | None = None) -> int:
    number = posted_request(engine, needs=len(helpers), policy=policy)
    for helper in helpers:
        volunteer(engine, helper, number)
        submit(engine, helper, number, f"https://docs.example.com/{helper}")
        run_as(engine, OWNER, lambda ctx, h=helper: approve_draft(ctx, number=number, user_id=h), policy=policy)
    return number


def form_of(engine: Engine, user_id: str, number: int, *, policy: Policy | None = None) -> SignOffForm:
    return run_as(engine, user_id, lambda ctx: signoff_form(ctx, number=number), policy=policy)


def sign_offs(engine: Engine) -> list[SignOff]:
    with Session(engine) as session:
        return list(session.exec(select(SignOff).order_by(SignOff.id)).all())  # type: ignore[arg-type]


def test_the_content_hash_is_sha256_of_the_documented_json() -> None:
    draft = Draft(
        workspace_id=1, request_id=1, volunteer_id=1, member_id=1, version=2, text="Æble “ok”", url=None,
        file_id="F1", file_name="case.pdf", created_at=NOW,
    )  # fmt: skip
    canonical = '{"file_id":"F1","file_name":"case.pdf","text":"Æble “ok”","url":""}'
    assert draft_hash(draft) == hashlib.sha256(canonical.encode("utf-8")).hexdigest()
    # Every part of the content counts: another text, link or file is another hash.
    for change in ({"text": "Æble"}, {"url": "https://x.example"}, {"file_id": "F2"}, {"file_name": "b.pdf"}):
        assert draft_hash(draft.model_copy(update=change)) != draft_hash(draft)
    assert draft_hash(draft.model_copy(update={"version": 3})) == draft_hash(draft)  # the version is stored apart


def test_the_form_offers_the_approved_version_and_the_planned_places(engine: Engine) -> None:
    number = approved(engine, ANNA, policy=SLOTS)
    run_as(engine, OWNER, lambda ctx: book_slot(ctx, number=number, slot="LinkedIn 2026-11-24"), policy=SLOTS)
    form = run_as(engine, ANNA, lambda ctx: signoff_form(ctx, number=number), policy=SLOTS, display_name="Anna B")
    with Session(engine) as session:
        [draft] = session.exec(select(Draft)).all()
    assert (form.draft_id, form.version, form.content_hash) == (draft.id, 1, draft_hash(draft))
    assert (form.url, form.text, form.byline, form.bio, form.signed) == (draft.url, None, "Anna B", "", False)
    assert [(p.key, p.label) for p in form.places] == [("slot:LinkedIn", "LinkedIn")]
    assert form.chosen == ("slot:LinkedIn",)

    # Refused for anyone else, and what the owner's DM to Anna said: the version, with a Sign off button.
    assert refused(engine, BO, lambda ctx: signoff_form(ctx, number=number)).msgid == texts.SIGNOFF_NO_PLACE
    assert refused(engine, BO, lambda ctx: signoff_form(ctx, draft_id=form.draft_id)).msgid == texts.SIGNOFF_NOT_YOURS
    [dm] = [Notice.from_json(m.payload["notice"]) for m in notices_to(engine, ANNA)][-1:]
    assert dm.text.msgid == texts.APPROVED_NOTICE_SIGN_OFF and dm.text.params["version"] == 1
    assert [(a.kind, a.value) for a in dm.actions] == [(ActionKind.SIGN_OFF, str(form.draft_id))]


def test_bad_byline_bio_and_places_are_refused_and_nothing_is_written(engine: Engine) -> None:
    number = approved(engine, ANNA, policy=SLOTS)
    form = form_of(engine, ANNA, number, policy=SLOTS)
    before = row_counts(engine)

    def attempt(**given: Any) -> str:
        fields: dict[str, Any] = {
            "content_hash": form.content_hash,
            "byline": "Anna",
            "bio": "",
            "places": ["slot:LinkedIn"],
            **given,
        }
        return refused(engine, ANNA, lambda ctx: sign_off(ctx, draft_id=form.draft_id, **fields), policy=SLOTS).msgid

    assert attempt(byline=" \n ") == texts.BYLINE_MISSING
    assert attempt(byline="A" * 101) == texts.BYLINE_TOO_LONG
    assert attempt(bio="b" * 201) == texts.BIO_TOO_LONG
    assert attempt(places=[]) == texts.PLACES_NONE_CHOSEN
    assert attempt(places=["slot:Newsletter"]) == texts.PLACES_UNKNOWN
    assert attempt(content_hash="f" * 64) == texts.SIGNOFF_CHANGED
    assert row_counts(engine) == before


def test_only_an_approved_latest_version_of_an_open_request_is_signed_off(engine: Engine) -> None:
    number = posted_request(engine, needs=2)
    volunteer(engine, ANNA, number)
    assert refused(engine, ANNA, lambda ctx: sign_off_request(ctx, number=number)).msgid == texts.SIGNOFF_NOT_APPROVED
    submit(engine, ANNA, number)
    assert refused(engine, ANNA, lambda ctx: sign_off_request(ctx, number=number)).msgid == texts.SIGNOFF_NOT_APPROVED
    run_as(engine, OWNER, lambda ctx: approve_draft(ctx, number=number, user_id=ANNA))
    first = form_of(engine, ANNA, number)
    submit(engine, ANNA, number, "https://docs.example.com/v2")  # in review again: nothing approved to sign
    assert refused(engine, ANNA, lambda ctx: sign_off_request(ctx, number=number)).msgid == texts.SIGNOFF_NOT_APPROVED
    run_as(engine, OWNER, lambda ctx: approve_draft(ctx, number=number, user_id=ANNA))

    stale = refused(
        engine,
        ANNA,
        lambda ctx: sign_off(
            ctx, draft_id=first.draft_id, content_hash=first.content_hash, byline="Anna", bio="", places=[]
        ),
    )
    assert (stale.msgid, stale.params["version"]) == (texts.SIGNOFF_NEWER_VERSION, 1)
    done = run_as(engine, ANNA, lambda ctx: sign_off_request(ctx, number=number, byline="Anna  Berg"))
    assert done.texts[0].msgid == texts.SIGNOFF_DONE_NO_PLACES  # no slots configured, none planned
    [row] = sign_offs(engine)
    assert (row.version, row.byline, row.places) == (2, "Anna Berg", [])

    run_as(engine, OWNER, lambda ctx: run_command(ctx, parse_command(f"close {number}", today=ctx.today())))
    closed = refused(engine, ANNA, lambda ctx: sign_off_request(ctx, number=number))
    assert closed.msgid == texts.SIGNOFF_REQUEST_DONE


def test_a_guest_signs_off_through_the_same_handlers_the_guest_page_calls(engine: Engine) -> None:
    number = posted_request(engine, policy=SLOTS)
    run_as(
        engine,
        OWNER,
        lambda ctx: invite_guest(ctx, number=number, email="anne@example.com", name="Anne <!channel> Holm"),
        policy=SLOTS,
    )
    with Session(engine) as session:
        guest = session.exec(select(Member).where(Member.is_guest)).one()
    submit(engine, guest.user_id, number, "Anne's case, as text")
    run_as(engine, OWNER, lambda ctx: approve_draft(ctx, number=number, user_id=guest.user_id), policy=SLOTS)
    # No chat reaches a guest: the approval notice carries no button (the page shows the form instead).
    [notice] = [Notice.from_json(m.payload["notice"]) for m in notices_to(engine, guest.user_id)][-1:]
    assert (notice.text.msgid, notice.actions) == (texts.APPROVED_NOTICE, ())

    form = form_of(engine, guest.user_id, number, policy=SLOTS)
    assert (form.text, form.byline, [p.key for p in form.places]) == (
        "Anne's case, as text",
        "Anne <!channel> Holm",
        ["slot:LinkedIn"],
    )
    with Session(engine) as session:
        workspace = session.exec(select(Workspace)).one()
        request = queries.get_request_by_number(session=session, workspace_id=workspace.id or 0, number=number)
        assert request is not None
        [missing] = missing_sign_offs(Scope(session=session, workspace=workspace, policy=SLOTS, now=NOW), request)
        assert plain(missing_text([missing])) == "Anne <!channel> Holm (guest)"  # by name, never a mention

    reply: Reply = run_as(
        engine,
        guest.user_id,
        lambda ctx: sign_off(
            ctx,
            draft_id=form.draft_id,
            content_hash=form.content_hash,
            byline=form.byline,
            bio="Customer, Jensen Transport",
            places=list(form.chosen),
        ),
        policy=SLOTS,
    )
    assert reply.texts[0].msgid == texts.SIGNOFF_DONE
    assert form_of(engine, guest.user_id, number, policy=SLOTS).signed is True
    assert "Marked" in plain(
        run_as(engine, OWNER, lambda ctx: mark_published(ctx, number=number, url="https://x.example")).texts[0]
    )


def test_withdrawing_consent_and_forcing_publication(engine: Engine) -> None:
    number = approved(engine, ANNA, BO)
    nothing = refused(engine, ANNA, lambda ctx: withdraw_consent(ctx, number=number))
    assert nothing.msgid == texts.WITHDRAW_CONSENT_NOTHING
    run_as(engine, ANNA, lambda ctx: sign_off_request(ctx, number=number, byline="Anna"))
    run_as(engine, BO, lambda ctx: sign_off_request(ctx, number=number, byline="Bo"))
    run_as(engine, BO, lambda ctx: withdraw_consent(ctx, number=number))
    told = [Notice.from_json(m.payload["notice"]).text.msgid for m in notices_to(engine, OWNER)]
    assert texts.ALL_SIGNED_OFF_NOTICE in told and texts.CONSENT_WITHDRAWN_NOTICE in told

    def publish(reason: str | None) -> Callable[[Ctx], Reply]:
        return lambda ctx: mark_published(ctx, number=number, url="https://blog.example.com/x", force_reason=reason)

    missing = refused(engine, OWNER, publish(None))
    assert missing.msgid == texts.PUBLISH_MISSING_SIGNOFFS
    assert plain(missing.params["people"]) == f"@{BO} (consent withdrawn)"  # type: ignore[arg-type]
    assert refused(engine, OWNER, publish("x" * 501)).msgid == texts.FORCE_REASON_TOO_LONG
    assert refused(engine, OWNER, publish("  ")).msgid == texts.FORCE_REASON_MISSING
    assert refused(engine, ANNA, publish("I say so")).msgid == texts.ONLY_OWNER_PUBLISHED

    done = run_as(engine, OWNER, publish('=HYPERLINK("http://evil") Bo agreed by phone'))
    assert done.texts[0].msgid == texts.PUBLISHED_FORCED_CONFIRM
    with Session(engine) as session:
        [override] = session.exec(select(PublicationOverride)).all()
    assert override.reason == '=HYPERLINK("http://evil") Bo agreed by phone'
    late = refused(engine, BO, lambda ctx: withdraw_consent(ctx, number=number))
    assert late.msgid == texts.WITHDRAW_CONSENT_PUBLISHED


def test_force_without_anything_missing_publishes_and_records_nothing(engine: Engine) -> None:
    number = approved(engine, ANNA)
    run_as(engine, ANNA, lambda ctx: sign_off_request(ctx, number=number, byline="Anna"))
    done = run_as(
        engine,
        OWNER,
        lambda ctx: mark_published(ctx, number=number, url="https://x.example", force_reason="just in case"),
    )
    assert done.texts[0].msgid == texts.PUBLISHED_CONFIRM
    assert row_counts(engine)["publication_override"] == 0


def test_a_request_nobody_drafted_for_publishes_without_sign_offs(engine: Engine) -> None:
    number = posted_request(engine)
    volunteer(engine, ANNA, number)  # a place, but no draft: nothing of hers goes out
    done = run_as(engine, OWNER, lambda ctx: mark_published(ctx, number=number, url="https://x.example"))
    assert done.texts[0].msgid == texts.PUBLISHED_CONFIRM


def test_the_commands_parse_and_the_help_lists_them_in_both_languages() -> None:
    today = date(2026, 11, 23)
    command = parse_command('published 3 https://x.example force:"Bo er på ferie"', today=today)
    assert (command.number, command.url, command.force_reason) == (3, "https://x.example", "Bo er på ferie")  # type: ignore[union-attr]
    signoff = parse_command('signoff #3 byline:“Anna Berg” bio:"SEO, 10 år"', today=today)
    assert (signoff.number, signoff.byline, signoff.bio) == (3, "Anna Berg", "SEO, 10 år")  # type: ignore[union-attr]
    for bad in ("signoff", "signoff abc", "withdraw-consent"):
        with pytest.raises(UserFacingError):
            parse_command(bad, today=today)
    english = "\n".join(plain(text) for text in help_texts())
    danish = "\n".join(plain(text, translator("da")) for text in help_texts())
    assert "/cocreate signoff <id>" in english and "/cocreate withdraw-consent <id>" in english
    assert "bekræft den godkendte version af dit bidrag" in danish and "withdraw-consent" in danish


def test_the_report_column_reads_in_danish(engine: Engine, tmp_path: Path) -> None:
    number = approved(engine, ANNA, BO)
    run_as(engine, ANNA, lambda ctx: sign_off_request(ctx, number=number, byline="Anna"))
    run_as(
        engine,
        OWNER,
        lambda ctx: mark_published(ctx, number=number, url="https://x.example", force_reason="=Bo har ferie"),
    )
    path = tmp_path / "rapport.xlsx"
    with Session(engine) as session:
        workspace = session.exec(select(Workspace)).one()
        scope = Scope(session=session, workspace=workspace, policy=Policy(), now=NOW)
        write_report(Report(scope, ReportOrder()), path, translate=translator("da"))
    sheet = load_workbook(path)["Bidrag"]
    header = [c.value for c in next(sheet.iter_rows(min_row=1, max_row=1))]
    column = header.index("Bekræftelse")
    values = [row[column].value for row in sheet.iter_rows(min_row=2)]
    assert values == ["Bekræftet 2026-11-23 (v1)", "Publiceret uden bekræftelse: =Bo har ferie"]
    assert json.dumps(values)  # plain strings, no formulas
    assert all(row[column].data_type == "s" for row in sheet.iter_rows(min_row=2))
