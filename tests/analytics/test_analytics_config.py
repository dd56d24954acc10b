"""app.yaml's ``analytics:`` and ``PLAUSIBLE_API_KEY``: a wrong or missing setting stops the start with one line
naming it, and the key never shows up in a repr or a message."""

from __future__ import annotations

from pathlib import Path

import pytest
from analytics_support import KEY

from bot.runtime.config import ConfigError, load_settings

SECTION = "analytics:\n  base_url: https://plausible.example.com\n  site_id: example.com\n"


def _config(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "app.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def _refusal(path: Path, environ: dict[str, str]) -> str:
    with pytest.raises(ConfigError) as caught:
        load_settings(path, environ)
    message = str(caught.value)
    assert "\n" not in message
    assert KEY not in message
    return message


def test_a_configured_server_with_its_key_gives_the_documented_defaults(tmp_path: Path) -> None:
    settings = load_settings(_config(tmp_path, SECTION), {"PLAUSIBLE_API_KEY": KEY})
    analytics = settings.behaviour.analytics
    assert analytics is not None
    assert (analytics.provider, analytics.poll_at, analytics.published_within_days) == ("plausible", "06:30", 90)
    assert analytics.metrics == {"pageviews": "views", "visitors": "visitors"}
    assert settings.require_analytics() == (analytics, KEY)
    assert KEY not in repr(settings)


def test_analytics_without_its_key_is_refused_at_start_naming_the_variable(tmp_path: Path) -> None:
    message = _refusal(_config(tmp_path, SECTION), {})
    assert message.startswith("PLAUSIBLE_API_KEY is not set")
    assert "analytics:" in message
    assert _refusal(_config(tmp_path, SECTION), {"PLAUSIBLE_API_KEY": "changeme"}).startswith(
        "PLAUSIBLE_API_KEY still holds a placeholder"
    )


def test_no_analytics_section_needs_no_key(tmp_path: Path) -> None:
    assert load_settings(_config(tmp_path, "timezone: UTC\n"), {}).behaviour.analytics is None


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        ("  poll_at: '6.30'\n", "analytics.poll_at: '6.30' is not a time; write it as HH:MM"),
        ("  metrics: {bounce_rate: bounces}\n", "'bounce_rate' is not a daily count Plausible gives"),
        ("  metrics: {pageviews: Views!}\n", "pageviews: 'Views!' is not a metric key"),
        ("  metrics: {pageviews: views, visits: views}\n", "stored as the same key"),
        ("  published_within_days: 0\n", "analytics.published_within_days"),
        ("  provider: matomo\n", "analytics.provider"),
        ("  sites: [example.com]\n", "analytics.sites"),
    ],
)
def test_a_wrong_analytics_setting_is_named_in_one_line(tmp_path: Path, extra: str, expected: str) -> None:
    assert expected in _refusal(_config(tmp_path, SECTION + extra), {"PLAUSIBLE_API_KEY": KEY})


@pytest.mark.parametrize(
    ("section", "expected"),
    [
        ("analytics:\n  base_url: plausible.example.com\n  site_id: example.com\n", "analytics.base_url"),
        ("analytics:\n  base_url: https://p.example.com\n  site_id: https://example.com/\n", "is not a domain"),
        ("analytics:\n  site_id: example.com\n", "analytics.base_url: Field required"),
    ],
)
def test_the_server_and_site_must_be_an_address_and_a_domain(tmp_path: Path, section: str, expected: str) -> None:
    assert expected in _refusal(_config(tmp_path, section), {"PLAUSIBLE_API_KEY": KEY})


def test_the_example_in_app_yaml_is_valid_and_says_the_defaults() -> None:
    import yaml

    from bot.runtime.config import AnalyticsSettings

    text = (Path(__file__).resolve().parents[2] / "app.yaml").read_text(encoding="utf-8")
    example = text[text.index("# analytics:\n") :].splitlines()
    section = yaml.safe_load("\n".join(line.removeprefix("# ") for line in example if line.startswith("# ")))
    parsed = AnalyticsSettings.model_validate(section["analytics"])
    defaults = AnalyticsSettings(base_url=parsed.base_url, site_id=parsed.site_id)
    assert parsed == defaults
