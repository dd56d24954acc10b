"""app.yaml's ``profiles:`` section: a title pattern must compile and name its ``department`` group, refused at
start with a line that says what is wrong; the manifest asks for ``users.profile:read`` only with a field."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.runtime.config import ConfigError, load_settings
from bot.slack.manifest import build_manifest


def settings_with(tmp_path: Path, profiles: str) -> object:
    config = tmp_path / "app.yaml"
    config.write_text(f"profiles:\n{profiles}\n", encoding="utf-8")
    return load_settings(config, {})


@pytest.mark.parametrize(
    ("profiles", "problem"),
    [
        ('  title_pattern: "^([^,]+),"', "no group (?P<department>...)"),
        ('  title_pattern: "^(?P<department>[^,+"', "is not a regular expression"),
        ("  department_feld: Department", "department_feld"),
    ],
)
def test_a_bad_profiles_section_is_refused_at_start(tmp_path: Path, profiles: str, problem: str) -> None:
    with pytest.raises(ConfigError) as refused:
        settings_with(tmp_path, profiles)
    assert problem in str(refused.value)


def test_a_good_section_is_read(tmp_path: Path) -> None:
    settings = settings_with(tmp_path, '  department_field: Department\n  title_pattern: "^(?P<department>[^,]+),"')
    profiles = settings.behaviour.profiles  # type: ignore[attr-defined]
    assert profiles.department_field == "Department"


def test_the_manifest_asks_for_profile_fields_only_with_the_setting() -> None:
    def scopes(fields: bool) -> list[str]:
        manifest = build_manifest(request_url=None, socket_mode=True, profile_fields=fields)
        return list(manifest["oauth_config"]["scopes"]["bot"])

    assert "users.profile:read" not in scopes(False)
    assert "users.profile:read" in scopes(True)
    events = build_manifest(request_url=None, socket_mode=True)["settings"]["event_subscriptions"]["bot_events"]
    assert "user_change" in events
