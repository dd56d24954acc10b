"""Importing a content plan from a real .xlsx: the template round trip (write it, fill it in with openpyxl, import
it), every validation message with its sheet!cell, all-or-nothing (a plan with one problem, or a handler refusing
half-way, leaves the database exactly as it was), idempotent re-import, dry runs, and files that are not plans."""

from __future__ import annotations

import io
import zipfile
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import pytest
from factories import row_counts
from openpyxl import Workbook, load_workbook
from reports_support import ADMIN, ANNA, NOW, OWNER, POLICY, WORKSPACE, act, make_members, set_people
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from bot.exports.excel.plan import MAX_FILE_BYTES, MAX_ROWS, PlanFileError, read_plan, write_template
from bot.exports.plaintext import plain
from handlers import plan_import, texts
from handlers.calendar import list_slots
from handlers.context import Scope
from handlers.plan_import import ImportResult, PlanRejected, import_plan
from handlers.results import UserFacingError, t
from storage.db import transaction
from storage.models import ContentRequest, OutboxMessage, PublishingSlot, RequestPart, SlotBooking, Workspace

PLAN_HEADER = ["Key", "Title", "Brief", "Format", "Skills", "Parts", "Needs", "Deadline", "Owner", "Channel", "Slot"]
# The template's header: the plan's columns and Guests, which a plan may leave out (tests/reports/
# test_plan_import_guests.py imports it).
TEMPLATE_HEADER = [*PLAN_HEADER, "Guests"]
SLOT_HEADER = ["Key", "Name", "Date", "Weekday", "Until", "Time", "Added by"]


@pytest.fixture
def people(engine: Engine) -> Engine:
    make_members(engine, OWNER, ANNA, ADMIN)
    set_people(engine)
    return engine


def plan_bytes(plan: list[list[Any]] | None = None, slots: list[list[Any]] | None = None, **kwargs: Any) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    if plan is not None:
        sheet.title = "Plan"
        sheet.append(kwargs.get("plan_header", PLAN_HEADER))
        for row in plan:
            sheet.append(row)
    if slots is not None:
        other = workbook.create_sheet("Slots") if plan is not None else sheet
        other.title = "Slots"
        other.append(SLOT_HEADER)
        for row in slots:
            other.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def fill(sheet: Any, row: int, values: list[Any]) -> None:
    for column, value in enumerate(values, start=1):
        sheet.cell(row=row, column=column, value=value)


def run_import(engine: Engine, data: bytes, *, dry_run: bool = False, actor: str | None = ADMIN) -> ImportResult:
    plan = read_plan(data, file_name="plan.xlsx")
    with transaction(engine) as session:
        workspace = session.exec(select(Workspace).where(Workspace.external_id == WORKSPACE)).one()
        scope = Scope(session=session, workspace=workspace, policy=POLICY, now=NOW)
        return import_plan(scope, plan, actor_user_id=actor, dry_run=dry_run)


def problems_of(engine: Engine, data: bytes) -> list[str]:
    with pytest.raises(PlanRejected) as rejected:
        run_import(engine, data)
    return [plain(p) for p in rejected.value.problems]


def requests_in(engine: Engine) -> list[ContentRequest]:
    with Session(engine) as session:
        return list(session.exec(select(ContentRequest).order_by(col(ContentRequest.number))).all())


def good_row(title: str = "Ten SEO tips", **changes: Any) -> list[Any]:
    row = {
        "Key": None,
        "Title": title,
        "Brief": "Short and practical.",
        "Format": "blog",
        "Skills": "SEO, writing",
        "Parts": None,
        "Needs": 2,
        "Deadline": date(2026, 12, 10),
        "Owner": "mette@example.com",
        "Channel": "C0MARKETING",
        "Slot": None,
    } | changes
    return [row[h] for h in PLAN_HEADER]


def test_the_template_round_trips_fill_it_in_and_import_it(people: Engine, tmp_path: Path) -> None:
    path = tmp_path / "plan.xlsx"
    write_template(path, today=date(2026, 11, 23))
    workbook = load_workbook(path)
    plan, slots = workbook["Plan"], workbook["Slots"]
    # Typed in below the example row, as a person would (the template formats 500 rows, so no append()).
    fill(plan, 3, good_row("E-bog: Digital markedsføring", Parts="Intro; SEO; PPC", Needs=None, Owner=OWNER))
    fill(plan, 4, good_row("Blogindlæg om siloer", Channel=None, Slot="Nyhedsbrev 2026-12-07", Format="newsletter"))
    fill(slots, 3, [None, "Nyhedsbrev", datetime(2026, 12, 7), None, None, time(9, 0), "anna@example.com"])
    fill(slots, 4, [None, "Blog", date(2026, 12, 1), "thu", date(2026, 12, 24), "14:30", None])
    workbook.save(path)

    result = run_import(people, path.read_bytes())

    assert (result.requests, result.slots, result.skipped) == (2, 5, 0)
    ebook, blog = requests_in(people)
    assert ebook.title == "E-bog: Digital markedsføring"
    assert ebook.draft_deadline == date(2026, 12, 10)
    assert ebook.channel_id == "C0MARKETING"
    assert ebook.wanted_skills == ["SEO", "writing"]
    assert ebook.import_key is not None
    assert blog.format == "newsletter"
    assert blog.volunteers_needed == 2
    assert blog.publish_target == "Nyhedsbrev 2026-12-07 09:00"
    assert blog.channel_id is None
    with Session(people) as session:
        parts = session.exec(select(RequestPart.name).where(RequestPart.request_id == ebook.id)).all()
        assert list(parts) == ["Intro", "SEO", "PPC"]
        added = session.exec(select(PublishingSlot).order_by(col(PublishingSlot.starts_at))).all()
        cards = session.exec(select(OutboxMessage).where(OutboxMessage.kind == "card")).all()
    assert [(s.name, s.starts_at.isoformat()) for s in added] == [
        ("Blog", "2026-12-03T13:30:00+00:00"),
        ("Nyhedsbrev", "2026-12-07T08:00:00+00:00"),
        ("Blog", "2026-12-10T13:30:00+00:00"),
        ("Blog", "2026-12-17T13:30:00+00:00"),
        ("Blog", "2026-12-24T13:30:00+00:00"),
    ]
    # The request with a channel gets its card posted; the one without is listed only: no card is ever queued for
    # it, not even when its slot is booked (which refreshes a card that has a channel).
    assert {c.request_id: c.failed_at is None for c in cards} == {ebook.id: True}
    assert [plain(line) for line in result.lines][:2] == [
        "Slots!B3: slot Nyhedsbrev 2026-12-07 08:00 UTC",
        "Slots!B4: slot Blog 2026-12-03 13:30 UTC",
    ]
    assert plain(result.summary) == "Imported 2 requests and 5 slots from plan.xlsx."


def test_the_template_has_headers_an_example_row_and_dropdowns(tmp_path: Path) -> None:
    path = tmp_path / "template.xlsx"
    write_template(path, today=date(2026, 11, 23))
    workbook = load_workbook(path)

    assert workbook.sheetnames == ["Plan", "Slots", "About"]
    plan, slots = workbook["Plan"], workbook["Slots"]
    assert [c.value for c in plan[1]] == TEMPLATE_HEADER
    assert [c.value for c in slots[1]] == SLOT_HEADER
    assert plan["A2"].value == "example"
    assert plan["H2"].is_date
    assert plan.freeze_panes == "A2"
    assert plan["B1"].font.bold and not plan["C1"].font.bold  # required columns stand out
    assert plan["H1"].comment is not None
    formats = [v for v in plan.data_validations.dataValidation if v.type == "list"]
    assert len(formats) == 1
    assert "blog" in (formats[0].formula1 or "")
    assert str(formats[0].sqref) == "D2:D501"
    weekdays = [v for v in slots.data_validations.dataValidation if v.type == "list"]
    assert weekdays[0].formula1 == '"mon,tue,wed,thu,fri,sat,sun"'
    assert str(weekdays[0].sqref) == "D2:D501"
    assert "Deadline" in " ".join(str(c.value) for c in workbook["About"]["A"])


def test_the_untouched_template_has_nothing_to_import(people: Engine, tmp_path: Path) -> None:
    path = tmp_path / "template.xlsx"
    write_template(path, today=date(2026, 11, 23))

    assert problems_of(people, path.read_bytes()) == [
        "plan.xlsx has nothing to import: no rows below the headers of Plan and Slots."
    ]


def test_every_problem_is_reported_with_its_cell_and_nothing_is_imported(people: Engine) -> None:
    before = row_counts(people)
    data = plan_bytes(
        plan=[
            good_row("Fine row"),
            good_row("Bad date", Deadline="2026-13-01"),
            good_row(None),
            good_row("Old", Deadline=date(2026, 1, 5)),
            good_row("Who", Owner="mette at example"),
            good_row("Stranger", Owner="nobody@example.com"),
            good_row("Needy", Needs=0),
            good_row("Long " + "x" * 130),
            good_row("Channel", Channel="#marketing"),
            good_row("Slot", Slot="Podcast 2026-12-08"),
            good_row("Fine row"),
            good_row("Parts", Parts="; ".join(f"p{i}" for i in range(41))),
        ],
        slots=[
            [None, "Blog", date(2026, 12, 1), None, None, "25:00", None],
            [None, "Blog", None, "funday", date(2026, 12, 30), "10:00", None],
            [None, "Blog", None, "tue", None, "10:00", None],
            [None, "Blog", date(2026, 11, 1), None, None, "10:00", None],
            [None, "Podcast", None, None, None, "10:00", None],
        ],
    )

    problems = problems_of(people, data)

    assert problems == [
        "Slots!F2: time 25:00 is not a time; write it as HH:MM",
        "Slots!D3: funday is not a weekday; write mon, tue, wed, thu, fri, sat or sun",
        "Slots!E4: a weekly slot needs an Until date",
        "Slots!C5: the slot Blog 2026-11-01 09:00 UTC would be in the past",
        "Slots!C6: give a Date (one slot) or a Weekday and Until (a slot every week)",
        "Plan!H3: deadline 2026-13-01 is not a date; write it as YYYY-MM-DD",
        "Plan!B4: title is missing",
        "Plan!H5: deadline 2026-01-05 has already passed",
        "Plan!I6: mette at example is neither an e-mail address nor a Slack user id (U…)",
        "Plan!I7: nobody with the e-mail nobody@example.com is known to Cobot yet; write their Slack user id (U…) "
        "instead",
        "Plan!G8: needs 0 is not a whole number from 1 to 50",
        "Plan!B9: title is 135 characters long; at most 120 fit",
        "Plan!J10: #marketing is not a channel id (C…); it is under the channel's name → About",
        "Plan!K11: there is no slot Podcast 2026-12-08; add it on the Slots sheet or in app.yaml",
        "Plan!B12: the same request as Plan!B2 (same key, or same title and deadline); give each row its own Key",
        "Plan!F13: 41 parts, but a request can have at most 40",
    ]
    assert row_counts(people) == before


def test_one_bad_row_among_good_ones_imports_nothing(people: Engine) -> None:
    before = row_counts(people)
    data = plan_bytes(plan=[good_row("One"), good_row("Two", Deadline="soon"), good_row("Three")])

    assert problems_of(people, data) == ["Plan!H3: deadline soon is not a date; write it as YYYY-MM-DD"]
    assert row_counts(people) == before


def test_a_handler_refusing_half_way_rolls_the_whole_import_back(
    people: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = row_counts(people)
    real = plan_import.create_request
    calls = []

    def refuse_the_second(ctx: Any, new: Any, *, channel_id: str | None) -> Any:
        calls.append(new.title)
        if len(calls) == 2:
            raise UserFacingError(t(texts.NOT_ALLOWED_TO_CREATE, admins="U0ADMIN"))
        return real(ctx, new, channel_id=channel_id)

    monkeypatch.setattr(plan_import, "create_request", refuse_the_second)
    data = plan_bytes(
        plan=[good_row("One"), good_row("Two")], slots=[[None, "Blog", date(2026, 12, 1), None, None, "10:00", None]]
    )

    problems = problems_of(people, data)

    assert problems == [
        "Plan!B3: Only the people named in Cobot's settings can post requests here. Please ask U0ADMIN."
    ]
    assert calls == ["One", "Two"]
    assert row_counts(people) == before  # "One" and the slot were made, then rolled back with the rest


def test_importing_the_same_plan_twice_adds_nothing_the_second_time(people: Engine) -> None:
    data = plan_bytes(
        plan=[good_row("One"), good_row("Two", Key="Q1-7"), good_row("Three", Owner=ANNA)],
        slots=[[None, "Blog", date(2026, 12, 1), None, None, "10:00", None]],
    )
    first = run_import(people, data)
    counts = row_counts(people)

    second = run_import(people, data)

    assert (first.requests, first.slots) == (3, 1)
    assert (second.requests, second.slots, second.skipped) == (0, 0, 4)
    assert row_counts(people) == counts
    assert [plain(line) for line in second.lines] == [
        "Slots!B2: slot Blog 2026-12-01 09:00 UTC already exists",
        "Plan!B2: already imported as #1",
        "Plan!B3: already imported as #2",
        "Plan!B4: already imported as #3",
        "4 rows were imported before and are skipped.",
    ]
    # A row edited after the import (a new title, same Key) is still the same row.
    edited = plan_bytes(plan=[good_row("Two, renamed", Key="Q1-7")])
    assert run_import(people, edited).skipped == 1


def test_a_dry_run_shows_what_would_be_added_and_changes_nothing(people: Engine) -> None:
    before = row_counts(people)
    data = plan_bytes(plan=[good_row("One")], slots=[[None, "Blog", date(2026, 12, 1), None, None, "10:00", None]])

    result = run_import(people, data, dry_run=True)

    assert row_counts(people) == before
    assert [plain(line) for line in result.lines] == [
        "Slots!B2: slot Blog 2026-12-01 09:00 UTC",
        "Plan!B2: request “One” · due 2026-12-10 · owner mette@example.com",
    ]
    assert plain(result.summary) == (
        "Dry run, nothing was changed: importing plan.xlsx would add 1 request and 1 slot."
    )


def test_slots_need_someone_to_add_them(people: Engine) -> None:
    data = plan_bytes(slots=[[None, "Blog", date(2026, 12, 1), None, None, "10:00", None]])

    with pytest.raises(PlanRejected) as rejected:
        run_import(people, data, actor=None)

    assert [plain(p) for p in rejected.value.problems] == [
        "Slots!G2: say who adds this slot under Added by, or run the import with --as <Slack user id>"
    ]


# --- files that are not plans -----------------------------------------------------------------------------------


def unreadable(data: bytes, name: str = "plan.xlsx") -> str:
    with pytest.raises(PlanFileError) as refused:
        read_plan(data, file_name=name)
    return plain(refused.value.text)


def test_a_file_that_is_not_a_workbook_gets_a_clear_message() -> None:
    assert unreadable(b"\x00\x01\x02 garbage \xff\xfe" * 10) == (
        "plan.xlsx is not an Excel workbook (.xlsx). Save it as an .xlsx file from Excel, Numbers or Google Sheets, "
        "or start from cobot import --template plan.xlsx."
    )
    assert unreadable(b"").startswith("plan.xlsx is not an Excel workbook")


def test_a_csv_renamed_to_xlsx_is_recognised() -> None:
    csv = "Title;Deadline;Owner\nTen SEO tips;2026-12-10;mette@example.com\nÆblekage;2026-12-11;U0OWNER\n"
    assert unreadable(csv.encode("utf-8")).startswith("plan.xlsx is a CSV text file, not an Excel workbook.")
    assert unreadable(csv.encode("cp1252")).startswith("plan.xlsx is a CSV text file")


def test_a_password_protected_workbook_is_recognised() -> None:
    # Excel saves an encrypted workbook as an OLE compound file; this is its signature and a little padding.
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512
    assert unreadable(ole) == (
        "plan.xlsx is password-protected (or an old .xls file), which Cobot can't read. "
        "Save an unprotected copy as .xlsx and import that."
    )


def test_a_zip_that_is_not_a_workbook_and_a_broken_workbook() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<doc/>")
    assert unreadable(buffer.getvalue()).startswith("plan.xlsx is not an Excel workbook")
    broken = io.BytesIO()
    with zipfile.ZipFile(broken, "w") as archive:
        archive.writestr("[Content_Types].xml", "not xml at all")
        archive.writestr("xl/workbook.xml", "<<<")
    assert unreadable(broken.getvalue()).startswith("plan.xlsx could not be read as an Excel workbook (")


def test_huge_files_are_refused_before_they_are_opened() -> None:
    assert unreadable(b"PK\x03\x04" + b"\x00" * MAX_FILE_BYTES) == (
        "plan.xlsx is 5.0 MB; Cobot imports plans of up to 5 MB. Split it into smaller files."
    )
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\x00" * (51 * 1024 * 1024))
    assert len(bomb.getvalue()) < MAX_FILE_BYTES
    assert unreadable(bomb.getvalue()).startswith("plan.xlsx unpacks to more than 50 MB")


def test_a_sheet_with_too_many_rows_is_refused(people: Engine) -> None:
    data = plan_bytes(plan=[good_row(f"Row {i}") for i in range(MAX_ROWS + 1)])

    assert problems_of(people, data) == [
        f"Plan has {MAX_ROWS + 1} rows; Cobot imports at most {MAX_ROWS} per sheet. Split the plan up."
    ]


def test_merged_cells_and_formulas_are_reported_with_their_cells(people: Engine) -> None:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "Plan"
    sheet.append(PLAN_HEADER)
    sheet.append(good_row("Merged"))
    sheet.merge_cells("B2:C2")
    sheet.append(good_row("Formula", Deadline="=TODAY()+7", Needs="=1+1"))
    buffer = io.BytesIO()
    workbook.save(buffer)
    before = row_counts(people)

    assert problems_of(people, buffer.getvalue()) == [
        "Plan!B2:C2: merged cells can't be imported; unmerge them (Merge & Center → Unmerge Cells)",
        "Plan!G3: holds the formula =1+1, but Cobot imports values only; type the value, or paste it as values",
        "Plan!H3: holds the formula =TODAY()+7, but Cobot imports values only; type the value, or paste it as values",
    ]
    assert row_counts(people) == before


def test_columns_are_checked_against_the_template(people: Engine) -> None:
    missing = plan_bytes(plan=[["Ten tips", "mette@example.com"]], plan_header=["Title", "Owner"])
    assert problems_of(people, missing) == [
        "Plan!1: the column Deadline is missing; the columns are Key, Title, Brief, Format, Skills, Parts, Needs, "
        "Deadline, Owner, Channel, Slot, Guests"
    ]
    unknown = plan_bytes(plan=[[*good_row("One"), "?"]], plan_header=[*PLAN_HEADER, "Budget"])
    assert problems_of(people, unknown)[0].startswith("Plan!L1: unknown column Budget; the columns are Key, Title")
    workbook = Workbook()
    assert workbook.active is not None
    workbook.active.title = "Ark1"
    buffer = io.BytesIO()
    workbook.save(buffer)
    assert unreadable(buffer.getvalue()) == (
        "plan.xlsx has no sheet named Plan or Slots. Start from the template: cobot import --template plan.xlsx."
    )


def test_owners_may_be_named_by_slack_id_even_before_cobot_has_met_them(people: Engine) -> None:
    data = plan_bytes(plan=[good_row("New face", Owner="<@U0NEW|nina>")])

    result = run_import(people, data)

    assert result.requests == 1
    request = requests_in(people)[0]
    with Session(people) as session:
        from storage.models import Member

        owner = session.get(Member, request.owner_id)
        profile = session.exec(select(OutboxMessage).where(OutboxMessage.kind == "profile")).all()
    assert owner is not None
    assert owner.user_id == "U0NEW"
    assert {"user_id": "U0NEW"} in [p.payload for p in profile]  # her name and e-mail are fetched as usual


def test_sheets_and_columns_are_recognised_in_another_language(people: Engine) -> None:
    danish = {"Plan": "Plan", "Slots": "Pladser", "Title": "Titel", "Deadline": "Frist", "Owner": "Ejer"}

    def translate(msgid: str) -> str:
        return danish.get(msgid, msgid)

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "Plan"
    sheet.append(["TITEL", "frist", "Ejer"])
    sheet.append(["Nyhedsbrev om kundeservice", date(2026, 12, 10), "mette@example.com"])
    buffer = io.BytesIO()
    workbook.save(buffer)

    plan = read_plan(buffer.getvalue(), file_name="plan.xlsx", translators=[translate])

    assert [row.cells[texts.PLAN_COL_TITLE].value for row in plan.requests] == ["Nyhedsbrev om kundeservice"]
    assert plan.problems == ()


def test_import_and_re_import_on_sqlite_and_postgresql(any_engine: Engine) -> None:
    make_members(any_engine, OWNER, ANNA, ADMIN)
    set_people(any_engine)
    data = plan_bytes(plan=[good_row("One"), good_row("Two", Owner=ANNA, Channel=None)])

    first = run_import(any_engine, data)
    counts = row_counts(any_engine)
    second = run_import(any_engine, data)

    assert (first.requests, second.requests, second.skipped) == (2, 0, 2)
    assert row_counts(any_engine) == counts
    assert [r.title for r in requests_in(any_engine)] == ["One", "Two"]


def owner_of_the_import(engine: Engine, owner: str, **kwargs: Any) -> str:
    run_import_with(engine, plan_bytes(plan=[good_row("Named", Owner=owner)]), **kwargs)
    with Session(engine) as session:
        from storage.models import Member

        request = session.exec(select(ContentRequest).where(ContentRequest.title == "Named")).one()
        member = session.get(Member, request.owner_id)
    assert member is not None
    return member.user_id


def run_import_with(engine: Engine, data: bytes, **kwargs: Any) -> ImportResult:
    plan = read_plan(data, file_name="plan.xlsx")
    with transaction(engine) as session:
        workspace = session.exec(select(Workspace).where(Workspace.external_id == WORKSPACE)).one()
        scope = Scope(session=session, workspace=workspace, policy=POLICY, now=NOW)
        return import_plan(scope, plan, actor_user_id=ADMIN, **kwargs)


@pytest.mark.parametrize("written", ["Anna Æbelø", "@Anna Æbelø", "anna æbelø", "anna@example.com", ANNA])
def test_owners_are_found_among_the_people_cobot_knows(people: Engine, written: str) -> None:
    assert owner_of_the_import(people, written) == ANNA


def test_a_mention_token_names_a_person_of_any_platform_before_cobot_has_met_them(people: Engine) -> None:
    assert owner_of_the_import(people, "<@aad-0000-1111|Nina Holm>") == "aad-0000-1111"


def test_the_cli_turns_a_bare_slack_member_id_into_a_mention(people: Engine) -> None:
    from bot.slack.mentions import as_mention

    assert owner_of_the_import(people, "U0NEW", as_mention=as_mention) == "U0NEW"


WEEKDAY_LABELS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
CONFIGURED_FORMATS = ["post", "article", "blog", "case", "e-book", "newsletter", "video", "podcast"]  # app.yaml


@pytest.mark.parametrize("today", [date(2026, 11, 23) + timedelta(days=n) for n in range(7)])
def test_the_template_s_examples_agree_with_themselves_and_with_app_yaml(tmp_path: Path, today: date) -> None:
    from bot.runtime.config import RequestSettings

    assert RequestSettings().formats == CONFIGURED_FORMATS
    path = tmp_path / "template.xlsx"
    write_template(path, today=today, formats=CONFIGURED_FORMATS)
    workbook = load_workbook(path)
    plan, slots, about = workbook["Plan"], workbook["Slots"], workbook["About"]
    example = dict(zip(TEMPLATE_HEADER, (c.value for c in plan[2]), strict=True))
    slot = dict(zip(SLOT_HEADER, (c.value for c in slots[2]), strict=True))

    assert example["Deadline"].weekday() < 5  # a working day, Monday to Friday
    assert slot["Weekday"] == WEEKDAY_LABELS[slot["Date"].weekday()]
    assert slot["Until"].weekday() == slot["Date"].weekday()  # the series' last day is one of its days
    assert example["Format"] in CONFIGURED_FORMATS
    (formats,) = [v for v in plan.data_validations.dataValidation if v.type == "list"]
    assert set((formats.formula1 or "").strip('"').split(",")) <= set(CONFIGURED_FORMATS)
    assert "webinar" not in (formats.formula1 or "")
    # The Slots sheet's Key has its own help (slots are known by name and start), not the Plan's.
    assert slots["A1"].comment is not None and plan["A1"].comment is not None
    assert slots["A1"].comment.text != plan["A1"].comment.text
    assert "title and deadline" not in slots["A1"].comment.text
    help_rows = {r[0]: r[1] for r in about.iter_rows(min_row=4, values_only=True) if r[0]}
    assert help_rows["Slots: Key"] == slots["A1"].comment.text
    # "Added by" says what the README says: `--as`, else the first admin in app.yaml.
    readme = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")
    assert "names who adds the slots (default: the first admin in `app.yaml`)" in readme
    added_by = slots["G1"].comment.text
    assert "--as" in added_by and "first admin" in added_by and "running the import" not in added_by


def test_the_template_s_formats_are_the_ones_configured(tmp_path: Path) -> None:
    path = tmp_path / "template.xlsx"
    write_template(path, today=date(2026, 11, 23), formats=["video", "podcast"])
    plan = load_workbook(path)["Plan"]

    (formats,) = [v for v in plan.data_validations.dataValidation if v.type == "list"]
    assert formats.formula1 == '"video,podcast"'
    assert plan["D2"].value == "video"


def test_the_template_s_examples_import_cleanly_and_are_skipped_as_examples(people: Engine, tmp_path: Path) -> None:
    path = tmp_path / "template.xlsx"
    write_template(path, today=date(2026, 11, 23), formats=CONFIGURED_FORMATS)
    workbook = load_workbook(path)
    plan, slots = workbook["Plan"], workbook["Slots"]
    # The examples copied below themselves as real rows (a key of their own): what a person following them writes.
    for sheet in (plan, slots):
        fill(sheet, 3, ["copy", *(c.value for c in sheet[2][1:])])
    slots["B3"] = "Podcast"  # POLICY already has LinkedIn on Tuesdays at 10:00: those would be skipped as known
    workbook.save(path)

    result = run_import(people, path.read_bytes(), dry_run=True)

    # One request and the weekly series of 13 slots: the copies, not the example rows.
    assert (result.requests, result.slots, result.skipped) == (1, 13, 0)
    assert [plain(line).split(":")[0] for line in result.lines] == [*["Slots!B3"] * 13, "Plan!B3"]


# --- the Slot column books -----------------------------------------------------------------------------------


def bookings_in(engine: Engine) -> list[tuple[str, str, str]]:
    """Every booking as (request title, slot name, start in UTC)."""
    with Session(engine) as session:
        rows = session.exec(
            select(ContentRequest.title, SlotBooking.slot_name, SlotBooking.starts_at)
            .join(ContentRequest, col(ContentRequest.id) == col(SlotBooking.request_id))
            .order_by(col(SlotBooking.starts_at))
        ).all()
    return [(title, name, starts.astimezone(UTC).isoformat()) for title, name, starts in rows]


def slots_listing(engine: Engine) -> list[str]:
    """What `/cocreate slots` shows the owner, line by line."""
    return [plain(line) for line in act(engine, OWNER, list_slots).texts]


def test_a_slot_cell_books_that_slot_for_the_request(people: Engine) -> None:
    data = plan_bytes(
        plan=[
            good_row("LinkedIn post", Slot="LinkedIn 2026-12-01"),
            good_row("Newsletter piece", Slot="newsletter 2026-12-07 09:00", Owner=ANNA),
            good_row("No slot"),
        ],
        slots=[[None, "Newsletter", date(2026, 12, 7), None, None, "09:00", None]],
    )

    preview = run_import(people, data, dry_run=True)
    assert bookings_in(people) == []
    assert "Plan!K2: would be booked into LinkedIn 2026-12-01 09:00 UTC" in [plain(line) for line in preview.lines]

    result = run_import(people, data)

    assert bookings_in(people) == [
        ("LinkedIn post", "LinkedIn", "2026-12-01T09:00:00+00:00"),
        ("Newsletter piece", "Newsletter", "2026-12-07T08:00:00+00:00"),
    ]
    assert [plain(line) for line in result.lines if "booked" in plain(line)] == [
        "Plan!K2: #1 booked into LinkedIn 2026-12-01 09:00 UTC",
        "Plan!K3: #2 booked into Newsletter 2026-12-07 08:00 UTC",
    ]
    listing = slots_listing(people)
    assert "2026-12-01 09:00 UTC · LinkedIn · #1 LinkedIn post" in listing
    assert "2026-12-07 08:00 UTC · Newsletter · #2 Newsletter piece" in listing
    assert "2026-12-08 09:00 UTC · LinkedIn · free · /cocreate book <id> LinkedIn 2026-12-08" in listing
    # Importing the same plan again books nothing twice and finds no conflict with its own bookings.
    again = run_import(people, data)
    assert (again.requests, again.skipped) == (0, 4)
    assert len(bookings_in(people)) == 2


def test_a_slot_booked_already_refuses_the_whole_import(people: Engine) -> None:
    run_import(people, plan_bytes(plan=[good_row("First come", Slot="LinkedIn 2026-12-01")]))
    before = row_counts(people)
    data = plan_bytes(
        plan=[good_row("Fine"), good_row("Late", Slot="LinkedIn 2026-12-01")],
        slots=[[None, "Blog", date(2026, 12, 1), None, None, "10:00", None]],
    )

    assert problems_of(people, data) == [
        "Plan!K3: LinkedIn 2026-12-01 09:00 UTC is already booked for #1; pick another slot"
    ]
    assert row_counts(people) == before
    assert bookings_in(people) == [("First come", "LinkedIn", "2026-12-01T09:00:00+00:00")]


def test_two_rows_naming_one_slot_refuse_the_import(people: Engine) -> None:
    before = row_counts(people)
    data = plan_bytes(
        plan=[good_row("One", Slot="LinkedIn 2026-12-01"), good_row("Two", Slot="linkedin 2026-12-01 10:00")]
    )

    assert problems_of(people, data) == [
        "Plan!K3: LinkedIn 2026-12-01 09:00 UTC is booked by Plan!K2 too; a slot holds one piece"
    ]
    assert row_counts(people) == before


def test_a_slot_taken_while_importing_rolls_everything_back(people: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    """The check before importing saw the slot free; booking finds it taken (someone else was quicker)."""
    before = row_counts(people)

    def taken(ctx: Any, *, number: int, slot_name: str, starts_at: datetime) -> Any:
        raise UserFacingError(t(texts.SLOT_TAKEN, slot=slot_name, when="Tue", taken=9))

    monkeypatch.setattr(plan_import, "book_planned", taken)
    data = plan_bytes(plan=[good_row("One"), good_row("Two", Slot="LinkedIn 2026-12-01")])

    assert problems_of(people, data) == [
        "Plan!K3: LinkedIn Tue is already booked for #9. /cocreate slots shows the free ones."
    ]
    assert row_counts(people) == before


def test_a_slot_in_the_past_is_a_problem(people: Engine) -> None:
    data = plan_bytes(plan=[good_row("Late", Slot="LinkedIn 2026-11-17")])

    assert problems_of(people, data) == ["Plan!K2: the slot LinkedIn 2026-11-17 09:00 UTC would be in the past"]
