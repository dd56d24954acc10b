"""`/cocreate results` and the results form on Slack, through signed requests and the fake Slack Web API: the
owner types a published piece's figures (in English or Danish), or opens the form from the command or from the
"Add results" button on the published card; anyone else, an unpublished request and bad figures are refused
politely with nothing stored."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from factories import row_counts
from sqlmodel import Session, col, select

from bot.slack import ids
from handlers.figures import OTHER_FIELD
from handlers.outcomes import KNOWN_METRICS
from harness import SlackScenario, message_text
from storage.models import Member, PieceResult, ResultSource

OWNER = "U0OWNER"
ANNA = "U0ANNA"
URL = "https://blog.example.com/seo"


def _published(scenario: SlackScenario, title: str = "Ten SEO tips") -> int:
    number = scenario.create(title, user=OWNER)
    reply = scenario.command_reply(f"published {number} {URL}", user=OWNER)
    assert "published" in reply.casefold(), reply
    scenario.settle()
    return number


def _stored(scenario: SlackScenario) -> list[tuple[str, int, ResultSource, str | None]]:
    with Session(scenario.engine) as session:
        rows = session.exec(select(PieceResult).order_by(col(PieceResult.metric))).all()
        members = {m.id: m.user_id for m in session.exec(select(Member)).all()}
        return [(r.metric, r.value, r.source, members.get(r.recorded_by_id)) for r in rows]


def test_the_owner_types_the_figures_and_the_answer_shows_them(slack: SlackScenario) -> None:
    number = _published(slack)

    reply = slack.command_reply(f"results {number} views:1200 clicks:86 leads:3", user=OWNER)

    assert reply == f"Saved. #{number} *Ten SEO tips* so far: 1200 views · 86 clicks · 3 leads"
    assert _stored(slack) == [
        ("clicks", 86, ResultSource.TYPED, OWNER),
        ("leads", 3, ResultSource.TYPED, OWNER),
        ("views", 1200, ResultSource.TYPED, OWNER),
    ]
    # A later total replaces the earlier one of the same day; other metrics stay.
    again = slack.command_reply(f"results {number} views:1 500", user=OWNER)
    assert again == f"Saved. #{number} *Ten SEO tips* so far: 1500 views · 86 clicks · 3 leads"


def test_in_danish_with_danish_words_separators_and_a_metric_of_its_own(
    make_slack: Callable[..., SlackScenario],
) -> None:
    scenario = make_slack(behaviour={"languages": {"default": "da"}})
    number = _published(scenario)
    scenario.command_reply("sprog da", user=OWNER)

    reply = scenario.command_reply(
        f"resultater #{number} Visninger:1.200 klik:1,086 kundeemner:3 delinger:0 Webinar-Gæster:40", user=OWNER
    )

    assert reply == (
        f"Gemt. #{number} *Ten SEO tips* indtil nu: 1200 visninger · 1086 klik · 3 kundeemner · 0 delinger · "
        "webinar-gæster: 40"
    )
    assert {metric for metric, *_ in _stored(scenario)} == {"views", "clicks", "leads", "shares", "webinar-gæster"}


@pytest.mark.parametrize(
    ("typed", "answer"),
    [
        ("views:12x", "“12x” is not a whole number of at least 0."),
        ("views:-5", "“-5” is not a whole number of at least 0."),
        ("views:1.5", "“1.5” is not a whole number of at least 0."),
        ("views:99999999999999999999", "“99999999999999999999” is too big to be a count"),
        ("visninger:2", "“visninger” is given twice"),
        ("<!channel>:3", "can't be a metric's name"),
        ("views:", "“—” is not a whole number"),
        ("lots of views", "Name the published request and its figures so far: `/cocreate results 1 views:1200"),
    ],
    ids=["letters", "negative", "decimal", "huge", "twice", "markup", "empty", "no pairs"],
)
def test_bad_figures_are_explained_with_the_usage_and_nothing_is_stored(
    slack: SlackScenario, typed: str, answer: str
) -> None:
    number = _published(slack)
    before = row_counts(slack.engine)

    reply = slack.command_reply(f"results {number} views:10 {typed}", user=OWNER)

    assert answer in reply
    assert "`/cocreate results" in reply
    slack.settle()
    assert row_counts(slack.engine) == before


def test_someone_else_and_an_unpublished_request_are_refused(slack: SlackScenario) -> None:
    number = _published(slack)
    open_one = slack.create("Still open", user=OWNER)
    slack.command_reply("mine", user=ANNA)
    slack.settle()
    before = row_counts(slack.engine)

    refused = slack.command_reply(f"results {number} views:5", user=ANNA)
    not_yet = slack.command_reply(f"results {open_one} views:5", user=OWNER)
    nowhere = slack.command_reply("results 999 views:5", user=OWNER)

    assert refused == f"Only the request's owner (<@{OWNER}>) or an admin can give the results of #{number}."
    assert not_yet.startswith(f"Request #{open_one} is open, not published yet")
    assert nowhere.startswith("There is no request #999.")
    slack.settle()
    assert row_counts(slack.engine) == before


def test_an_admin_may_give_the_results(make_slack: Callable[..., SlackScenario]) -> None:
    scenario = make_slack(behaviour={"permissions": {"admins": [ANNA]}})
    number = _published(scenario)

    assert scenario.command_reply(f"results {number} leads:2", user=ANNA).startswith("Saved.")
    assert _stored(scenario) == [("leads", 2, ResultSource.TYPED, ANNA)]


def test_help_names_the_command(slack: SlackScenario) -> None:
    assert "`/cocreate results &lt;id&gt; views:1200 clicks:86 leads:3`" in slack.command_reply("help")


# --- the form -----------------------------------------------------------------------------------------------------


def _buttons(card: dict[str, Any]) -> list[dict[str, Any]]:
    return [e for b in card["blocks"] if b["type"] == "actions" for e in b["elements"]]


def _submit(scenario: SlackScenario, number: int, typed: dict[str, str], *, user: str = OWNER) -> Any:
    values: dict[str, dict[str, Any]] = {
        ids.results_block(field): {ids.INPUT: {"type": "number_input", "value": typed.get(field) or None}}
        for field in KNOWN_METRICS
    }
    values[ids.results_block(OTHER_FIELD)] = {ids.INPUT: typed.get(OTHER_FIELD, "")}
    response = scenario.submit_view(ids.RESULTS_VIEW, private_metadata=str(number), values=values, user=user)
    assert response.status == 200
    return response


def test_the_published_card_has_add_results_and_its_form_stores_the_figures(slack: SlackScenario) -> None:
    number = _published(slack)
    [button] = _buttons(slack.card(number))
    assert (button["action_id"], button["value"], button["text"]["text"]) == (
        ids.ADD_RESULTS,
        str(number),
        "Add results",
    )

    assert slack.click(ids.ADD_RESULTS, str(number), user=OWNER).status == 200
    [opened] = slack.fake.wait_for("views.open")
    view = opened.params["view"]
    assert (view["callback_id"], view["private_metadata"]) == (ids.RESULTS_VIEW, str(number))
    inputs = {b["block_id"]: b for b in view["blocks"] if b["type"] == "input"}
    assert list(inputs) == [ids.results_block(m) for m in (*KNOWN_METRICS, OTHER_FIELD)]
    assert inputs[ids.results_block("views")]["label"]["text"] == "Views"
    assert inputs[ids.results_block("views")]["element"]["type"] == "number_input"
    assert all(b.get("optional") for b in inputs.values())

    response = _submit(slack, number, {"views": "1200", "leads": "3", OTHER_FIELD: "webinar-guests: 40"})
    assert response.json() is None  # the modal closes
    slack.settle()

    assert _stored(slack) == [
        ("leads", 3, ResultSource.TYPED, OWNER),
        ("views", 1200, ResultSource.TYPED, OWNER),
        ("webinar-guests", 40, ResultSource.TYPED, OWNER),
    ]
    dm = " ".join(message_text(m) for m in slack.fake.messages(OWNER))
    assert f"Saved. #{number} *Ten SEO tips* so far: 1200 views · 3 leads · webinar-guests: 40" in dm


def test_the_command_without_figures_opens_the_form(slack: SlackScenario) -> None:
    number = _published(slack)

    response = slack.command(f"results {number}", user=OWNER)

    assert response.status == 200
    [opened] = slack.fake.wait_for("views.open")
    assert opened.params["view"]["callback_id"] == ids.RESULTS_VIEW
    assert opened.params["view"]["private_metadata"] == str(number)


def test_bad_input_in_the_form_is_an_error_beside_its_field_and_nothing_is_stored(slack: SlackScenario) -> None:
    number = _published(slack)
    slack.settle()
    before = row_counts(slack.engine)

    empty = _submit(slack, number, {})
    bad = _submit(slack, number, {"views": "12", "clicks": "-3", OTHER_FIELD: "lots"})

    assert empty.json() == {
        "response_action": "errors",
        "errors": {ids.results_block("views"): "Fill in at least one figure."},
    }
    assert bad.json() == {
        "response_action": "errors",
        "errors": {
            ids.results_block("clicks"): "“-3” is not a whole number of at least 0.",
            ids.results_block(OTHER_FIELD): (
                "Write other metrics as name: number, separated by commas, e.g. webinar-guests: 40"
            ),
        },
    }
    slack.settle()
    assert row_counts(slack.engine) == before


def test_someone_else_is_refused_before_any_form_opens_and_a_forged_submission_too(slack: SlackScenario) -> None:
    number = _published(slack)
    slack.command_reply("mine", user=ANNA)
    slack.settle()

    assert slack.click(ids.ADD_RESULTS, str(number), user=ANNA).status == 200
    [answer] = slack.fake.wait_for("response_url")
    assert message_text(answer.params) == (
        f"Only the request's owner (<@{OWNER}>) or an admin can give the results of #{number}."
    )
    assert slack.fake.calls_to("views.open") == []
    slack.settle()
    before = row_counts(slack.engine)

    forged = _submit(slack, number, {"views": "5"}, user=ANNA)

    assert "can give the results of" in forged.json()["errors"][ids.results_block("views")]
    slack.settle()
    assert row_counts(slack.engine) == before


def test_an_open_request_has_no_add_results_button(slack: SlackScenario) -> None:
    number = slack.create(user=OWNER)
    assert ids.ADD_RESULTS not in [b.get("action_id") for b in _buttons(slack.card(number))]
