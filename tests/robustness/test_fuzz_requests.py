"""A fixed-seed fuzz of Slack's endpoint: a few thousand mutations of the recorded payloads (and of the repository's
samples), signed and unsigned, sent to the served WSGI app. None is answered 5xx and none logs an ERROR: every
mutation is handled, acknowledged, refused 400 (malformed) or 401 (not signed).
"""

from __future__ import annotations

import io
import json
import logging
import random
import time
import urllib.parse
from typing import Any
from wsgiref.util import setup_testing_defaults

import pytest

from harness import PAYLOADS, SlackScenario, sign
from slack_replay import Prepared, SlackReplay, recorded_payloads

SEED = 14_13
ROUNDS = 2500
ODD_VALUES: list[Any] = [
    None,
    0,
    -1,
    5,
    1.5,
    True,
    "",
    "x",
    "\u00e6\u00f8\u00e5",
    "{",
    [],
    [1],
    {},
    {"id": 5},
    "9" * 40,
]


def samples(replay: SlackReplay) -> list[Prepared]:
    prepared = [replay.prepare(item) for item in recorded_payloads()]
    for path in sorted(PAYLOADS.glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        if "response_url" in data:  # the samples' hooks.slack.com is not reachable from tests: the fake's instead
            data["response_url"] = replay.slack.fake.response_url()
        if data.get("type") == "event_callback":
            prepared.append(Prepared(path.stem, json.dumps(data).encode(), "application/json", {}))
        elif "command" in data:
            prepared.append(
                Prepared(path.stem, urllib.parse.urlencode(data).encode(), "application/x-www-form-urlencoded", {})
            )
        else:
            body = urllib.parse.urlencode({"payload": json.dumps(data)}).encode()
            prepared.append(Prepared(path.stem, body, "application/x-www-form-urlencoded", {}))
    return prepared


def decode(sample: Prepared) -> tuple[dict[str, Any], str]:
    """The sample's JSON object and how it travels: ``json``, ``payload`` or ``form``."""
    text = sample.body.decode()
    if sample.content_type == "application/json":
        return json.loads(text), "json"
    fields = dict(urllib.parse.parse_qsl(text, keep_blank_values=True))
    if "payload" in fields:
        return json.loads(fields["payload"]), "payload"
    return fields, "form"


def encode(data: Any, how: str) -> bytes:
    if how == "json":
        return json.dumps(data).encode()
    if how == "payload":
        return urllib.parse.urlencode({"payload": json.dumps(data)}).encode()
    return urllib.parse.urlencode(data if isinstance(data, dict) else {"x": data}).encode()


def paths(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix] if prefix else []
    if isinstance(node, dict):
        for key, value in node.items():
            found += paths(value, (*prefix, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found += paths(value, (*prefix, index))
    return found


def mutate(rng: random.Random, sample: Prepared) -> bytes:
    data, how = decode(sample)
    choice = rng.randrange(10)
    if choice == 0:  # the wire bytes cut short or with a byte changed
        raw = bytearray(sample.body[: rng.randrange(len(sample.body) + 1)])
        if raw and rng.random() < 0.5:
            raw[rng.randrange(len(raw))] = rng.randrange(256)
        return bytes(raw)
    if choice == 1:  # the payload replaced by something that is not an object
        odd = rng.choice(['"text"', "[]", "[{}]", "{", "null", "5", "{}"])
        return odd.encode() if how == "json" else b"payload=" + urllib.parse.quote(odd).encode()
    targets = paths(data)
    for _ in range(rng.randrange(1, 4)):
        if not targets:
            break
        where = rng.choice(targets)
        parent = data
        for step in where[:-1]:
            parent = parent[step]
        if rng.random() < 0.3 and isinstance(parent, dict):
            parent.pop(where[-1], None)
        else:
            parent[where[-1]] = rng.choice(ODD_VALUES)
        targets = paths(data)
    return encode(data, how)


def call(app: Any, body: bytes, *, content_type: str, signed: bool, headers: dict[str, str]) -> int:
    environ: dict[str, Any] = {}
    setup_testing_defaults(environ)
    now = int(time.time())
    environ.update(
        REQUEST_METHOD="POST",
        PATH_INFO="/slack/events",
        CONTENT_TYPE=content_type,
        CONTENT_LENGTH=str(len(body)),
        HTTP_X_SLACK_REQUEST_TIMESTAMP=str(now),
        HTTP_X_SLACK_SIGNATURE=sign(body, timestamp=now) if signed else "v0=" + "0" * 64,
        **{"wsgi.input": io.BytesIO(body)},
    )
    for name, value in headers.items():
        environ["HTTP_" + name.upper().replace("-", "_")] = value
    statuses: list[str] = []
    for _chunk in app(environ, lambda status, _headers, *_: statuses.append(status)):
        pass
    return int(statuses[0].split()[0])


def test_mutated_requests_never_get_a_5xx_or_log_an_error(
    slack: SlackScenario, caplog: pytest.LogCaptureFixture
) -> None:
    replay = SlackReplay(slack)
    replay.set_up_cards()
    prepared = samples(replay)
    app = slack.service.wsgi()
    rng = random.Random(SEED)
    caplog.set_level(logging.WARNING)
    started = time.monotonic()
    problems: list[str] = []
    for round_number in range(ROUNDS):
        sample = rng.choice(prepared)
        body = mutate(rng, sample)
        signed = rng.random() < 0.8
        content_type = sample.content_type if rng.random() < 0.9 else rng.choice(["application/json", "text/plain"])
        status = call(app, body, content_type=content_type, signed=signed, headers=sample.headers)
        if status >= 500 or (not signed and status != 401):
            problems.append(f"round {round_number} ({sample.name}, signed={signed}): HTTP {status} for {body[:300]!r}")
        errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
        if errors:
            problems.append(f"round {round_number} ({sample.name}): {errors[0].name} {errors[0].getMessage()} {body!r}")
            caplog.clear()
        if len(problems) > 20:
            break
    assert problems == [], "\n".join(problems)
    assert time.monotonic() - started < 30
