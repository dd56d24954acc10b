"""app.yaml's ``tracking:`` and ``COBOT_TRACKING_SECRET``: wrong templates and weak secrets are refused at start with
one line naming the setting; and ``cobot serve`` without Slack secrets still sends readers on through tracked links."""

from __future__ import annotations

import threading
from pathlib import Path
from wsgiref.simple_server import make_server

import pytest
from factories import OWNER, posted_request, run_as
from sqlmodel import Session, select
from tracked_support import open_link

from bot.entrypoints.server import CobotServer
from bot.runtime.config import Behaviour, ConfigError, Environment, Settings, load_settings
from handlers.calendar import mark_published
from harness import _QuietHandler, _ThreadingWSGIServer
from storage.db import make_engine
from storage.migrate import upgrade_to_head
from storage.models import TrackedLink


def config_error(tmp_path: Path, yaml: str, environ: dict[str, str] | None = None) -> str:
    path = tmp_path / "app.yaml"
    path.write_text(yaml, encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_settings(path, environ or {})
    message = str(caught.value)
    assert "\n" not in message
    return message


def test_the_defaults_and_a_valid_section(tmp_path: Path) -> None:
    assert load_settings(None, {}).behaviour.tracking.campaign == "cobot-{number}"
    path = tmp_path / "app.yaml"
    path.write_text("tracking:\n  medium: 'social-{slot}'\n  trust_forwarded_for: true\n", encoding="utf-8")
    tracking = load_settings(path, {}).behaviour.tracking
    assert tracking.medium == "social-{slot}" and tracking.trust_forwarded_for is True


@pytest.mark.parametrize(
    ("yaml", "named"),
    [
        ("tracking:\n  campaign: 'cobot-{id}'\n", "tracking.campaign uses unknown fields ['id']"),
        ("tracking:\n  source: '{number}'\n", "tracking.source uses unknown fields ['number']"),
        ("tracking:\n  medium: 'two words'\n", "tracking.medium: 'two words' must be"),
        ("tracking:\n  default_medium: ''\n", "tracking.default_medium"),
        ("tracking:\n  campaign: 'x{'\n", "unbalanced braces"),
        ("tracking:\n  counting: true\n", "tracking.counting"),
    ],
)
def test_a_wrong_tracking_setting_is_named(tmp_path: Path, yaml: str, named: str) -> None:
    assert named in config_error(tmp_path, yaml)


def test_a_weak_tracking_secret_is_refused_and_a_good_one_never_shows(tmp_path: Path) -> None:
    message = config_error(tmp_path, "{}\n", {"COBOT_TRACKING_SECRET": "changeme"})
    assert "COBOT_TRACKING_SECRET" in message and "16 characters" in message and "changeme" not in message
    settings = load_settings(None, {"COBOT_TRACKING_SECRET": "3f1a9c0e5b7d2468ace13579bdf02468"})
    assert settings.env.cobot_tracking_secret is not None
    assert "3f1a9c0e" not in repr(settings)


def test_serve_without_slack_secrets_still_serves_tracked_links(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'cobot.db'}"
    engine = make_engine(url)
    upgrade_to_head(engine)
    number = posted_request(engine)
    run_as(engine, OWNER, lambda ctx: mark_published(ctx, number=number, url="https://example.com/seo"))
    with Session(engine) as session:
        code = session.exec(select(TrackedLink.code)).one()
    settings = Settings(behaviour=Behaviour(), env=Environment.model_validate({"database_url": url}))

    app = CobotServer(settings, token=None, signing_secret=None, options={}).load()
    server = make_server("127.0.0.1", 0, app, server_class=_ThreadingWSGIServer, handler_class=_QuietHandler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        base = f"http://127.0.0.1:{server.server_port}"
        answer = open_link(base, f"/r/{code}")
        assert answer.status == 302 and answer.location is not None
        assert answer.location.startswith("https://example.com/seo?utm_source=cobot")
        assert open_link(base, "/r/unknown000").status == 404
    finally:
        server.shutdown()
        server.server_close()
    with Session(engine) as session:
        assert session.exec(select(TrackedLink.clicks)).one() == 1
    engine.dispose()
