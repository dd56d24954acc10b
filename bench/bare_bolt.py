"""The floor for the ack benchmark: a bare Bolt app whose listeners only acknowledge, on the same server stack as
``cobot serve`` (gunicorn, gthread workers, the same options as ``bot/entrypoints/server.py``).

    .venv/bin/python bench/bare_bolt.py --mode default|before-response --port 3100 [--workers 2 --threads 4]

``--mode default`` is Bolt's default (``process_before_response=False``: the listener runs in Bolt's thread pool
and the request thread waits for its ack); ``--mode before-response`` acks from the request thread itself, as
Cobot does. It needs ``SLACK_SIGNING_SECRET`` (the load generator signs every request) and answers
``GET /healthz``; ``SLACK_API_URL`` points it at the fake Web API for the one ``auth.test`` Bolt makes.
"""

from __future__ import annotations

import argparse
import logging
import os
from collections.abc import Callable, Iterable
from typing import Any

from gunicorn.app.base import BaseApplication
from slack_bolt import Ack, App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_sdk import WebClient


def build_app(*, process_before_response: bool, signing_secret: str, api_url: str) -> Callable[..., Iterable[bytes]]:
    bolt = App(
        # Bolt calls auth.test once, on the first request (as for Cobot): the fake Web API answers it.
        client=WebClient(token="xoxb-bench-token", base_url=api_url),
        signing_secret=signing_secret,
        process_before_response=process_before_response,
        token_verification_enabled=False,
    )

    def only_ack(ack: Ack) -> None:
        ack()

    bolt.command("/cocreate")(only_ack)
    bolt.action({"action_id": _any_action()})(only_ack)
    slack = SlackRequestHandler(bolt, path="/slack/events")

    def application(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        if environ.get("PATH_INFO") == "/healthz":
            start_response("200 OK", [("Content-Type", "application/json")])
            return [b'{"ok": true}']
        return slack(environ, start_response)

    return application


def _any_action() -> Any:
    import re

    return re.compile(".*")


class BareServer(BaseApplication):  # type: ignore[misc]
    def __init__(self, *, mode: str, signing_secret: str, options: dict[str, Any]) -> None:
        self.mode = mode
        self.signing_secret = signing_secret
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> Any:
        return build_app(
            process_before_response=self.mode == "before-response",
            signing_secret=self.signing_secret,
            api_url=os.environ.get("SLACK_API_URL", "https://slack.com/api/"),
        )


def main() -> int:
    parser = argparse.ArgumentParser(description="a bare Bolt app that only acks, under gunicorn")
    parser.add_argument("--mode", choices=["default", "before-response"], required=True)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=3100)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    BareServer(
        mode=args.mode,
        signing_secret=os.environ["SLACK_SIGNING_SECRET"],
        # The options bot/entrypoints/server.py gives gunicorn for `cobot serve`.
        options={
            "bind": f"{args.host}:{args.port}",
            "workers": args.workers,
            "threads": args.threads,
            "worker_class": "gthread",
            "timeout": 30,
            "graceful_timeout": 10,
            "accesslog": None,
            "loglevel": "warning",
        },
    ).run()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
