"""Settings: where ``app.yaml`` is found, what a wrong setting tells the operator (one line, naming it), and that
secrets from the environment are checked and never shown."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.runtime.config import (
    DEFAULT_DATABASE_URL,
    DEFAULT_SLACK_API_URL,
    Behaviour,
    ConfigError,
    Settings,
    load_settings,
)

REPO = Path(__file__).resolve().parents[2]
BOT_TOKEN = "xoxb-1234-5678-abcdefSECRETTOKEN"
SIGNING_SECRET = "8f14e45fceea167a5a36dedd4bea2543"
APP_TOKEN = "xapp-1-A111-222-SECRETAPPTOKEN"


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def config_error(path: Path | None = None, environ: dict[str, str] | None = None) -> str:
    with pytest.raises(ConfigError) as caught:
        load_settings(path, environ or {})
    message = str(caught.value)
    assert "\n" not in message, "a config error is one line"
    return message


# --- where app.yaml comes from ------------------------------------------------------------------------------


def test_an_explicit_path_wins_over_the_environment_and_the_working_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    explicit = write(tmp_path / "explicit.yaml", "timezone: UTC\n")
    from_env = write(tmp_path / "env.yaml", "timezone: Europe/London\n")
    monkeypatch.chdir(tmp_path)
    write(tmp_path / "app.yaml", "timezone: America/New_York\n")
    settings = load_settings(explicit, {"COBOT_CONFIG": str(from_env)})
    assert (settings.behaviour.timezone, settings.config_path) == ("UTC", explicit)


def test_cobot_config_wins_over_the_working_directory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from_env = write(tmp_path / "env.yaml", "timezone: Europe/London\n")
    monkeypatch.chdir(tmp_path)
    write(tmp_path / "app.yaml", "timezone: America/New_York\n")
    settings = load_settings(None, {"COBOT_CONFIG": str(from_env)})
    assert (settings.behaviour.timezone, settings.config_path) == ("Europe/London", from_env)


def test_app_yaml_in_the_working_directory_is_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    write(tmp_path / "app.yaml", "permissions:\n  admins: [U0ADMIN]\n  creators: [U0MARKETER]\n")
    settings = load_settings(None, {})
    assert settings.behaviour.permissions.admins == ["U0ADMIN"]
    assert settings.behaviour.permissions.creators == ["U0MARKETER"]


def test_without_any_file_the_defaults_apply(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    settings = load_settings(None, {})
    assert settings.config_path is None
    assert settings.behaviour == Behaviour()
    assert settings.behaviour.timezone == "Europe/Copenhagen"
    assert settings.env.database_url == DEFAULT_DATABASE_URL
    assert settings.env.slack_api_url == DEFAULT_SLACK_API_URL
    assert settings.env.slack_bot_token is None


def test_an_empty_file_means_the_defaults(tmp_path: Path) -> None:
    assert load_settings(write(tmp_path / "app.yaml", "# nothing yet\n"), {}).behaviour == Behaviour()


def test_the_repositorys_commented_app_yaml_says_exactly_the_defaults() -> None:
    settings = load_settings(REPO / "app.yaml", {})
    assert settings.behaviour == Behaviour()


@pytest.mark.parametrize(
    ("config", "environ", "named"),
    [
        (Path("/nonexistent/cobot.yaml"), {}, "--config /nonexistent/cobot.yaml"),
        (None, {"COBOT_CONFIG": "/nonexistent/cobot.yaml"}, "COBOT_CONFIG=/nonexistent/cobot.yaml"),
    ],
)
def test_a_named_config_file_that_does_not_exist_is_refused(
    config: Path | None, environ: dict[str, str], named: str
) -> None:
    assert named in config_error(config, environ)


# --- wrong behaviour settings -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("yaml_text", "named"),
    [
        ("timezon: UTC\n", "timezon"),
        ("permissions:\n  admin: [U1]\n", "permissions.admin"),
        ("timezone: Mars/Olympus_Mons\n", "timezone"),
        ("timezone: ''\n", "timezone"),
        ("server:\n  port: 70000\n", "server.port"),
        ("server:\n  port: eighty\n", "server.port"),
        ("requests:\n  default_volunteers_needed: 0\n", "requests.default_volunteers_needed"),
        ("outbox:\n  max_attempts: 0\n", "outbox.max_attempts"),
        ("permissions:\n  creators: nobody\n", "permissions.creators"),
    ],
)
def test_a_wrong_setting_is_refused_in_one_line_that_names_it(tmp_path: Path, yaml_text: str, named: str) -> None:
    path = write(tmp_path / "app.yaml", yaml_text)
    message = config_error(path)
    assert message.startswith(f"{path}: {named}")


def test_the_bad_time_zone_message_says_what_to_write_instead(tmp_path: Path) -> None:
    message = config_error(write(tmp_path / "app.yaml", "timezone: Mars/Olympus_Mons\n"))
    assert "Mars/Olympus_Mons" in message
    assert "Europe/Copenhagen" in message


def test_broken_yaml_names_the_file_and_the_line(tmp_path: Path) -> None:
    path = write(tmp_path / "app.yaml", "timezone: UTC\npermissions:\n  admins: [U1\n")
    message = config_error(path)
    assert message.startswith(str(path))
    assert "line" in message
    assert "not valid YAML" in message


@pytest.mark.parametrize("yaml_text", ["- timezone: UTC\n", "just words\n", "42\n"])
def test_a_file_that_is_not_a_mapping_is_refused(tmp_path: Path, yaml_text: str) -> None:
    path = write(tmp_path / "app.yaml", yaml_text)
    assert config_error(path) == f"{path}: expected a mapping of settings at the top level"


# --- environment ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("given", "used"),
    [
        ("http://127.0.0.1:8080/api", "http://127.0.0.1:8080/api/"),
        ("https://slack-gov.com/api/", "https://slack-gov.com/api/"),
    ],
)
def test_slack_api_url_always_ends_in_one_slash(tmp_path: Path, given: str, used: str) -> None:
    settings = load_settings(write(tmp_path / "app.yaml", ""), {"SLACK_API_URL": given})
    assert settings.env.slack_api_url == used


@pytest.mark.parametrize("given", ["slack.com/api", "ftp://slack.com/api/", "  "])
def test_an_invalid_slack_api_url_is_refused_naming_it(tmp_path: Path, given: str) -> None:
    message = config_error(write(tmp_path / "app.yaml", ""), {"SLACK_API_URL": given})
    assert message.startswith("environment: SLACK_API_URL")


def test_database_url_comes_from_the_environment(tmp_path: Path) -> None:
    url = "postgresql+psycopg://cobot@db.internal/cobot"
    assert load_settings(write(tmp_path / "app.yaml", ""), {"DATABASE_URL": url}).env.database_url == url


def env_settings(**environ: str) -> Settings:
    return load_settings(REPO / "app.yaml", environ)


def test_http_mode_gets_its_token_and_secret() -> None:
    settings = env_settings(SLACK_BOT_TOKEN=BOT_TOKEN, SLACK_SIGNING_SECRET=SIGNING_SECRET)
    assert settings.require_slack_http() == (BOT_TOKEN, SIGNING_SECRET)


def test_socket_mode_gets_its_token_and_app_token() -> None:
    settings = env_settings(SLACK_BOT_TOKEN=BOT_TOKEN, SLACK_APP_TOKEN=APP_TOKEN)
    assert settings.require_slack_socket() == (BOT_TOKEN, APP_TOKEN)


@pytest.mark.parametrize(
    ("environ", "named"),
    [
        ({}, "SLACK_BOT_TOKEN is not set"),
        ({"SLACK_SIGNING_SECRET": SIGNING_SECRET}, "SLACK_BOT_TOKEN is not set"),
        ({"SLACK_BOT_TOKEN": BOT_TOKEN}, "SLACK_SIGNING_SECRET is not set"),
        ({"SLACK_BOT_TOKEN": BOT_TOKEN, "SLACK_SIGNING_SECRET": "   "}, "SLACK_SIGNING_SECRET is not set"),
        ({"SLACK_BOT_TOKEN": BOT_TOKEN, "SLACK_SIGNING_SECRET": "changeme"}, "SLACK_SIGNING_SECRET still holds"),
        ({"SLACK_BOT_TOKEN": BOT_TOKEN, "SLACK_SIGNING_SECRET": "Your-Secret-Here"}, "SLACK_SIGNING_SECRET still"),
        ({"SLACK_BOT_TOKEN": "xoxb-...", "SLACK_SIGNING_SECRET": SIGNING_SECRET}, "SLACK_BOT_TOKEN still holds"),
        ({"SLACK_BOT_TOKEN": "xoxp-1-user-token", "SLACK_SIGNING_SECRET": SIGNING_SECRET}, "SLACK_BOT_TOKEN must"),
        ({"SLACK_BOT_TOKEN": APP_TOKEN, "SLACK_SIGNING_SECRET": SIGNING_SECRET}, "SLACK_BOT_TOKEN must start"),
    ],
)
def test_http_mode_refuses_a_missing_placeholder_or_wrong_kind_of_secret(environ: dict[str, str], named: str) -> None:
    settings = env_settings(**environ)
    with pytest.raises(ConfigError) as caught:
        settings.require_slack_http()
    message = str(caught.value)
    assert message.startswith(named)
    assert "\n" not in message
    for value in environ.values():
        if len(value.strip()) > 8:
            assert value not in message, "a refusal never repeats the secret"


def test_socket_mode_checks_the_app_token_kind() -> None:
    settings = env_settings(SLACK_BOT_TOKEN=BOT_TOKEN, SLACK_APP_TOKEN=BOT_TOKEN)
    with pytest.raises(ConfigError, match=r"^SLACK_APP_TOKEN must start with 'xapp-'"):
        settings.require_slack_socket()
    with pytest.raises(ConfigError, match=r"^SLACK_APP_TOKEN is not set"):
        env_settings(SLACK_BOT_TOKEN=BOT_TOKEN).require_slack_socket()


def test_secrets_never_show_in_repr_or_str() -> None:
    settings = env_settings(SLACK_BOT_TOKEN=BOT_TOKEN, SLACK_SIGNING_SECRET=SIGNING_SECRET, SLACK_APP_TOKEN=APP_TOKEN)
    shown = " ".join([repr(settings), str(settings), repr(settings.env), str(settings.env), settings.model_dump_json()])
    for secret in (BOT_TOKEN, SIGNING_SECRET, APP_TOKEN, "SECRET"):
        assert secret not in shown
    assert "**********" in repr(settings.env)  # still visible that they are set


def test_a_client_id_without_a_bot_token_means_installs_through_oauth() -> None:
    environ = {
        "SLACK_CLIENT_ID": "1111111111.2222222222",
        "SLACK_CLIENT_SECRET": "a-real-client-secret",
        "SLACK_SIGNING_SECRET": "a-real-signing-secret",
        "PUBLIC_URL": "https://cobot.example.com/",
    }
    settings = env_settings(**environ)

    assert settings.slack_oauth_configured
    access = settings.require_slack_oauth()
    assert access.redirect_uri == "https://cobot.example.com/slack/oauth_redirect"
    assert "a-real-client-secret" not in repr(access) and "a-real-signing-secret" not in repr(access)
    # A bot token as well keeps the one-workspace mode, unchanged.
    assert not env_settings(**environ, SLACK_BOT_TOKEN=BOT_TOKEN).slack_oauth_configured


def test_installs_through_oauth_name_the_missing_secret() -> None:
    settings = env_settings(SLACK_CLIENT_ID="1111111111.2222222222", SLACK_SIGNING_SECRET="a-real-secret")

    with pytest.raises(ConfigError, match="SLACK_CLIENT_SECRET is not set"):
        settings.require_slack_oauth()
