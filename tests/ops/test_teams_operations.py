"""``cobot teams`` answers the same operations endpoints as ``cobot serve``: ``/healthz``, ``/readyz`` (the database
reachable and at head; 503 naming it when not) and ``/metrics`` (activities by type, tenant and outcome, answer
times, outbox sends), scraped over real HTTP and read with prometheus_client's parser."""

from __future__ import annotations

import json
import urllib.error
import urllib.request

from prometheus_client.parser import text_string_to_metric_families

from storage.migrate import downgrade_to
from teams_harness import OWNER, TENANT, start_teams


def get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return int(response.status), response.read().decode()
    except urllib.error.HTTPError as error:
        return int(error.code), error.read().decode()


def test_teams_serves_health_readiness_and_metrics(sqlite_url: str) -> None:
    teams = start_teams(sqlite_url)
    try:
        assert "Posted request #1" in teams.command("new Ten SEO tips due:2026-12-10", user=OWNER, in_channel=True)
        teams.settle()
        status, text = get(teams.base_url + "/metrics")
        assert status == 200
        found = {
            (sample.name, tuple(sorted(sample.labels.items()))): sample.value
            for family in text_string_to_metric_families(text)
            for sample in family.samples
        }
        requests = {labels: count for (name, labels), count in found.items() if name == "cobot_requests_total"}
        ours = [
            count
            for labels, count in requests.items()
            if dict(labels) == {"platform": "teams", "surface": "message", "outcome": "ok", "workspace": TENANT}
        ]
        assert ours and ours[0] >= 1, requests
        assert any(name == "cobot_ack_seconds_count" and ("platform", "teams") in labels for name, labels in found)
        assert any(
            name == "cobot_outbox_sends_total" and ("platform", "teams") in labels and ("result", "ok") in labels
            for name, labels in found
        )
        assert any(name == "cobot_outbox_unsent" and ("platform", "teams") in labels for name, labels in found)

        status, text = get(teams.base_url + "/readyz")
        assert (status, json.loads(text)["checks"]) == (200, {"database": "ok"})

        downgrade_to(teams.engine, "-1")
        status, text = get(teams.base_url + "/readyz")
        assert status == 503
        assert "cobot migrate" in json.loads(text)["failed"]["database"]
        assert get(teams.base_url + "/healthz")[0] == 200
    finally:
        teams.close()
