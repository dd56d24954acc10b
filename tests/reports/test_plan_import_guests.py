"""The content plan's Guests column, imported from real .xlsx files written with openpyxl: each guest named in a
row ("Anne Holm <anne@example.com>; bo@example.org") is invited to the new request by its owner, as `/cocreate
guest` would; a bad address, a colleague's address, a request with parts or an installation without e-mail is a
problem of that row, and a plan with a problem imports nothing. Shared with Cobot in a Slack DM, the plan's
invitations reach a real SMTP server."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from factories import row_counts
from openpyxl import load_workbook
from reports_support import ADMIN, NOW, OWNER, POLICY, WORKSPACE, make_members, set_people
from smtp_server import StartServer
from sqlalchemy import Engine
from sqlmodel import Session, col, select
from test_plan_import import PLAN_HEADER, good_row, plan_bytes
from test_plan_import_in_slack import share, wait_for_dm

from bot.exports.excel.plan import read_plan, write_template
from bot.exports.plaintext import plain
from handlers.context import Policy, Scope
from handlers.plan_import import ImportResult, PlanRejected, import_plan
from harness import SlackScenario
from storage.db import transaction
from storage.models import Member, OutboxMessage, Volunteer, Workspace

HEADER = [*PLAN_HEADER, "Guests"]
MAIL = replace(POLICY, email_configured=True)


@pytest.fixture
def people(engine: Engine) -> Engine:
    make_members(engine, OWNER, ADMIN)
    set_people(engine)
    return engine


def row(title: str = "Ten SEO tips", guests: str | None = None, **changes: Any) -> list[Any]:
    return [*good_row(title, **changes), guests]


def workbook(*rows: list[Any]) -> bytes:
    return plan_bytes(plan=list(rows), plan_header=HEADER)


def run_import(engine: Engine, data: bytes, *, policy: Policy = MAIL, dry_run: bool = False) -> ImportResult:
    plan = read_plan(data, file_name="plan.xlsx")
    with transaction(engine) as session:
        workspace = session.exec(select(Workspace).where(Workspace.external_id == WORKSPACE)).one()
        scope = Scope(session=session, workspace=workspace, policy=policy, now=NOW)
        return import_plan(scope, plan, actor_user_id=ADMIN, dry_run=dry_run)


def problems_of(engine: Engine, data: bytes, *, policy: Policy = MAIL) -> list[str]:
    with pytest.raises(PlanRejected) as rejected:
        run_import(engine, data, policy=policy)
    return [plain(p) for p in rejected.value.problems]


def guests_in(engine: Engine) -> list[Member]:
    with Session(engine) as session:
        return list(session.exec(select(Member).where(col(Member.is_guest)).order_by(col(Member.id))).all())


def test_guests_of_a_row_are_invited_by_the_requests_owner(people: Engine) -> None:
    data = workbook(row(guests='"Anne Holm" <Anne@Example.COM>; bo@example.org\nAnne@example.com', Needs=3))

    result = run_import(people, data)

    assert result.requests == 1
    assert "Plan!L2: invited Anne Holm <Anne@example.com>, bo@example.org to #1 by e-mail" in [
        plain(line) for line in result.lines
    ]
    anne, bo = guests_in(people)
    assert (anne.email, anne.display_name, bo.email, bo.display_name) == (
        "Anne@example.com",
        "Anne Holm",
        "bo@example.org",
        "bo",
    )
    with Session(people) as session:
        places = session.exec(select(Volunteer).order_by(col(Volunteer.id))).all()
        invitations = session.exec(select(OutboxMessage).where(OutboxMessage.kind == "guest_invitation")).all()
    assert [(p.member_id, p.via) for p in places] == [(anne.id, "guest"), (bo.id, "guest")]
    assert len(invitations) == 2


def test_a_dry_run_says_who_would_be_invited_and_writes_nothing(people: Engine) -> None:
    before = row_counts(people)
    result = run_import(people, workbook(row(guests="anne@example.com")), dry_run=True)
    assert "Plan!L2: would invite anne@example.com by e-mail" in [plain(line) for line in result.lines]
    assert row_counts(people) == before


@pytest.mark.parametrize(
    ("guests", "problem"),
    [
        (
            "Anne Holm <anne@example.com>; bo@",
            "Plan!L3: “bo@” is not an e-mail address; write guests as Anne Holm <anne@example.com>; bo@example.org",
        ),
        (
            "Anne <anne@example.com, bo@example.org>",
            "Plan!L3: “Anne <anne@example.com, bo@example.org>” is not an e-mail address; write guests as Anne "
            "Holm <anne@example.com>; bo@example.org",
        ),
        ("mette@example.com", "Plan!L3: mette@example.com belongs to a colleague who is already here, not a guest"),
    ],
    ids=["bad address", "two in one bracket", "a colleague"],
)
def test_a_bad_guest_is_a_problem_of_its_row_and_nothing_is_imported(people: Engine, guests: str, problem: str) -> None:
    before = row_counts(people)
    data = workbook(row("A good row", guests="anne@example.com"), row("Another row", guests=guests))
    assert problems_of(people, data) == [problem]
    assert row_counts(people) == before


def test_without_e_mail_a_guests_cell_is_a_problem_naming_the_settings(people: Engine) -> None:
    before = row_counts(people)
    assert problems_of(people, workbook(row(guests="anne@example.com")), policy=POLICY) == [
        "Plan!L2: guests are invited by e-mail, which is not set up: set SMTP_URL and PUBLIC_URL, or leave Guests empty"
    ]
    assert row_counts(people) == before
    assert run_import(people, workbook(row(guests=None)), policy=POLICY).requests == 1  # an empty cell is fine


def test_guests_of_a_request_with_parts_are_a_problem(people: Engine) -> None:
    [problem] = problems_of(people, workbook(row(guests="anne@example.com", Parts="Intro; Tips")))
    assert problem.startswith("Plan!L2: guests from a plan join the whole request, and this one has parts")


def test_the_template_has_a_guests_column_that_round_trips(people: Engine, tmp_path: Path) -> None:
    path = tmp_path / "plan.xlsx"
    write_template(path, today=date(2026, 11, 23))
    book = load_workbook(path)
    sheet = book["Plan"]
    headers = [c.value for c in sheet[1]]
    assert headers[-1] == "Guests"
    about = [r[0].value for r in book["About"].iter_rows() if r[0].value]
    assert "Plan: Guests" in about
    for column, value in enumerate([*good_row("From the template", Owner=OWNER), "anne@example.com"], start=1):
        sheet.cell(row=3, column=column, value=value)
    book.save(path)

    assert run_import(people, path.read_bytes()).requests == 1
    assert [g.email for g in guests_in(people)] == ["anne@example.com"]


def test_a_plan_shared_in_slack_invites_its_guests_and_the_e_mail_arrives(
    make_slack: Callable[..., SlackScenario], smtp_server: StartServer
) -> None:
    server = smtp_server()
    slack = make_slack(
        behaviour={"permissions": {"admins": ["U0ADMIN"]}},
        environment={"smtp_url": f"smtp://127.0.0.1:{server.port}", "public_url": "https://cobot.example.com"},
    )
    slack.fake.add_user("U0ADMIN", name="admin", real_name="Ada Admin")
    slack.command_reply("list", user="U0OWNER")

    share(
        slack, "U0ADMIN", workbook(row(guests="Anne Holm <anne@kunde.example.org>", Owner="U0OWNER")), comment="import"
    )
    done = wait_for_dm(slack, "U0ADMIN", count=1)
    slack.settle()

    assert "Plan!L2: invited Anne Holm &lt;anne@kunde.example.org&gt; to #1 by e-mail" in done, done
    [mail] = server.recorder.received
    assert mail.rcpt_tos == ["anne@kunde.example.org"]
    assert "Ten SEO tips" in str(mail.message()["Subject"])
