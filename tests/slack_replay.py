"""The recorded Slack payloads of ``../shared/slack_payloads/`` (outside the repository), made ready to send.

Each file holds one genuine payload as Slack sent it (or as a Slack SDK's tests record it), with placeholders for
the ids only a running replay knows: the fake Slack's team, app and bot user, a fresh loopback ``response_url``,
and the request cards the replay posts first (README.md of that folder). ``SlackReplay`` fills them in, makes
``event_id``, ``action_ts``, ``trigger_id`` and ``view.id`` unique per send as Slack does (except for the one
deliberate retry), and encodes the body as Slack does: Events API payloads as JSON, interactivity payloads as
``payload=<json>``, slash commands and ``ssl_check`` as form fields.
"""

from __future__ import annotations

import itertools
import json
import re
import urllib.parse
from dataclasses import dataclass, field
from typing import Any

from fake_slack import APP_ID
from harness import TEAM, SlackScenario
from shared_files import shared

SLACK_PAYLOADS = shared("slack_payloads")
TEAMS_ACTIVITIES = shared("teams_activities")

EVENTS_API_TYPES = frozenset({"event_callback", "url_verification", "app_rate_limited"})
FORM = "application/x-www-form-urlencoded"
JSON = "application/json"
DUE = "2026-12-10"
OWNER = "U0OWNER"


@dataclass(frozen=True)
class Recorded:
    """One recorded payload file."""

    name: str
    kind: str
    expect: str
    encoding: str
    data: dict[str, Any]

    @property
    def retry_of(self) -> str | None:
        value = self.data.get("retry_of")
        return str(value) if value else None


def recorded_payloads() -> list[Recorded]:
    """Every recorded payload, in file-name order (the order the folder's README says to replay them in)."""
    found = []
    for path in sorted(SLACK_PAYLOADS.glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        found.append(
            Recorded(
                name=path.stem,
                kind=str(data["kind"]),
                expect=str(data["expect"]),
                encoding=str(data["encoding"]),
                data=data,
            )
        )
    return found


@dataclass(frozen=True)
class Prepared:
    """A payload ready to send: the wire body, its content type and any extra headers."""

    name: str
    body: bytes
    content_type: str
    headers: dict[str, str]


@dataclass
class SlackReplay:
    """Fills in a recorded payload's placeholders for one running scenario."""

    slack: SlackScenario
    values: dict[str, str] = field(default_factory=dict)
    sent_event_ids: dict[str, str] = field(default_factory=dict)
    _counter: itertools.count[int] = field(default_factory=itertools.count)

    def set_up_cards(self) -> None:
        """Card A (a plain request) and card B (a request with parts), as the payloads expect them."""
        card_a = self.slack.request(self.slack.create("Ten SEO tips", due=DUE, user=OWNER))
        card_b = self.slack.request(
            self.slack.create("Marketing e-book", due=DUE, extra='parts:"Intro; Tips; PPC"', user=OWNER)
        )
        self.values.update(
            {
                "TEAM_ID": TEAM,
                "APP_ID": APP_ID,
                "BOT_USER": self.slack.fake.bot_user_id,
                "CARD_TS": str(card_a.card_ts),
                "CARD_CHANNEL": str(card_a.channel_id),
                "REQUEST": str(card_a.number),
                "CARD_TS_B": str(card_b.card_ts),
                "CARD_TS_CHANNEL_B": str(card_b.channel_id),
                "PARTS_REQUEST": str(card_b.number),
                "DUE": DUE,
            }
        )

    def last_button_value(self, action_id: str) -> str:
        """The value of the last element with ``action_id`` that Cobot sent to the fake Slack."""
        found = ""
        for call in self.slack.fake.calls:
            for element in _elements(call.params):
                if element.get("action_id") == action_id and "value" in element:
                    found = str(element["value"])
        return found

    def fill(self, text: str) -> str:
        def replace(match: re.Match[str]) -> str:
            name = match.group(1)
            if name == "RESPONSE_URL":
                return self.slack.fake.response_url()
            if name.startswith("VALUE:"):
                return self.last_button_value(name.removeprefix("VALUE:"))
            return self.values[name]

        return re.sub(r"\{\{([A-Z_]+(?::[a-z_]+)?)\}\}", replace, text)

    def prepare(self, recorded: Recorded) -> Prepared:
        serial = next(self._counter)
        headers: dict[str, str] = {}
        if recorded.encoding == "raw_form":
            raw = str(recorded.data["raw"])
            raw = raw.replace("%7B%7B", "{{").replace("%7D%7D", "}}")
            fields = urllib.parse.parse_qs(raw, keep_blank_values=True)
            if "payload" in fields:
                payload = json.loads(self.fill(fields["payload"][0]))
                self._make_unique(payload, serial)
                body = urllib.parse.urlencode({"payload": json.dumps(payload)}).encode()
            else:
                body = self.fill(raw).encode()
            return Prepared(recorded.name, body, FORM, headers)
        payload = json.loads(self.fill(json.dumps(recorded.data["payload"])))
        if recorded.encoding == "form":
            return Prepared(recorded.name, urllib.parse.urlencode(payload).encode(), FORM, headers)
        if recorded.retry_of is not None:
            payload["event_id"] = self.sent_event_ids[recorded.retry_of]
            headers = {"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"}
        else:
            self._make_unique(payload, serial)
        if payload.get("event_id"):
            self.sent_event_ids[recorded.name] = str(payload["event_id"])
        if payload.get("type") in EVENTS_API_TYPES:
            return Prepared(recorded.name, json.dumps(payload).encode(), JSON, headers)
        return Prepared(recorded.name, urllib.parse.urlencode({"payload": json.dumps(payload)}).encode(), FORM, headers)

    @staticmethod
    def _make_unique(payload: dict[str, Any], serial: int) -> None:
        if "event_id" in payload:
            payload["event_id"] = f"EvReplay{serial:06d}"
        if "trigger_id" in payload:
            payload["trigger_id"] = f"{serial}.{payload['trigger_id']}"
        actions = payload.get("actions")
        if isinstance(actions, list):
            for index, action in enumerate(actions):
                if isinstance(action, dict) and "action_ts" in action:
                    action["action_ts"] = f"1700000000.{serial:04d}{index:02d}"
        view = payload.get("view")
        if isinstance(view, dict) and "id" in view:
            view["id"] = f"VREPLAY{serial:05d}"

    def send(self, prepared: Prepared) -> tuple[int, str]:
        response = self.slack.post(prepared.body, content_type=prepared.content_type, headers=prepared.headers)
        return response.status, response.text


def _elements(node: Any) -> list[dict[str, Any]]:
    """Every dict inside ``node`` (parsed from JSON strings too), depth first, in order."""
    if isinstance(node, str) and node[:1] in "[{":
        try:
            node = json.loads(node)
        except ValueError:
            return []
    if isinstance(node, dict):
        return [node, *(item for value in node.values() for item in _elements(value))]
    if isinstance(node, list):
        return [item for value in node for item in _elements(value)]
    return []
