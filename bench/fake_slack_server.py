"""The fake Slack Web API (``tests/fake_slack.FakeSlack``) in a process of its own, for the benchmarks.

It prints one JSON line ``{"base_url", "api_url"}`` when it listens, then answers one JSON line per JSON command
read from standard input:

- ``{"command": "response_urls", "count": N}``: N fresh response URLs the fake accepts;
- ``{"command": "limits", "per_channel_per_second": 1.0, "workspace_per_minute": 600}``: Slack's posting limits;
- ``{"command": "cards", "cards": [[channel, ts], …]}``: messages that exist already (cards posted before the
  benchmark), so ``chat.update`` finds them;
- ``{"command": "reset"}``: forget the calls recorded so far (and the rate-limit history);
- ``{"command": "stats"}``: calls per method, accepted and rejected, and the 429 count;
- ``{"command": "dump", "path": P}``: write every recorded call (method, channel, thread, text, ok, time) to P;
- ``{"command": "stop"}``.

``--window`` shortens the sliding window the workspace-wide limit is counted over (the fake's is 60 s; the
limit scales with it, so ``workspace_per_minute`` keeps its meaning as a rate): the ``limits`` command passes it
as ``FakeSlack.set_rate_limits``'s ``workspace_window_seconds`` unless it names one itself.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from fake_slack import FakeSlack


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=0, help="users the fake knows (U9000000…), for users.info")
    parser.add_argument("--window", type=float, default=60.0, help="seconds the workspace-wide limit counts over")
    parser.add_argument("--bot-token", default="xoxb-bench-token")
    parser.add_argument("--team", default="T0BENCH")
    args = parser.parse_args()
    fake = FakeSlack(bot_token=args.bot_token, team_id=args.team).start()
    for index in range(args.users):
        fake.add_user(f"U9{index:06d}", name=f"user{index}")
    print(json.dumps({"base_url": fake.base_url, "api_url": fake.api_url}), flush=True)
    for line in sys.stdin:
        request = json.loads(line)
        command = request.pop("command")
        answer: dict[str, Any] = {"ok": True}
        if command == "response_urls":
            answer["urls"] = [fake.response_url() for _ in range(int(request["count"]))]
        elif command == "limits":
            fake.set_rate_limits(**{"workspace_window_seconds": args.window, **request})
        elif command == "cards":
            with fake._cond:
                for channel, ts in request["cards"]:
                    fake._messages.append(
                        {
                            "type": "message",
                            "channel": channel,
                            "ts": ts,
                            "text": "card",
                            "blocks": [],
                            "thread_ts": None,
                        }
                    )
        elif command == "reset":
            fake.reset()
        elif command == "stats":
            by_method: dict[str, dict[str, int]] = {}
            for call in fake.calls:
                counts = by_method.setdefault(call.method, {"ok": 0, "rejected": 0})
                counts["ok" if call.ok else "rejected"] += 1
            answer.update(methods=by_method, rejected_429=fake.rejected_count)
        elif command == "dump":
            calls = [
                {
                    "method": c.method,
                    "channel": c.params.get("channel"),
                    "thread_ts": c.params.get("thread_ts"),
                    "text": str(c.params.get("text") or "")[:200],
                    "ok": c.ok,
                    "at": c.at,
                }
                for c in fake.calls
            ]
            Path(request["path"]).write_text(json.dumps(calls), encoding="utf-8")
            answer["calls"] = len(calls)
        elif command == "stop":
            print(json.dumps(answer), flush=True)
            break
        else:
            answer = {"ok": False, "error": f"unknown command {command!r}"}
        print(json.dumps(answer), flush=True)
    fake.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
