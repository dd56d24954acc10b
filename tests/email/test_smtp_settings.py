"""SMTP_URL as an operator writes it: the server, the kind of TLS, the credentials, and errors that say what is
wrong without ever repeating the password."""

from __future__ import annotations

import pytest

from bot.runtime.email import OutgoingEmail, SmtpSettings

SECRET = "s3cr3t-p@ss/w:rd"


def test_smtp_url_with_credentials_and_port() -> None:
    settings = SmtpSettings.from_url("smtp://cobot%40example.com:s3cr3t-p%40ss%2Fw%3Ard@mail.example.com:587")

    assert settings.host == "mail.example.com"
    assert settings.port == 587
    assert not settings.implicit_tls
    assert settings.username == "cobot@example.com"
    assert settings.password == SECRET


def test_default_ports_and_implicit_tls() -> None:
    assert SmtpSettings.from_url("smtp://relay.internal").port == 25
    smtps = SmtpSettings.from_url("smtps://u:p@mail.example.com")
    assert smtps.port == 465
    assert smtps.implicit_tls
    assert SmtpSettings.from_url("SMTPS://mail.example.com:2465").port == 2465
    assert SmtpSettings.from_url("smtp://relay.internal").username is None


def test_the_password_is_in_neither_repr_nor_str() -> None:
    settings = SmtpSettings.from_url("smtp://cobot:s3cr3t-p%40ss%2Fw%3Ard@mail.example.com:587")

    for shown in (repr(settings), str(settings), f"{settings}", repr([settings])):
        assert SECRET not in shown
        assert "s3cr3t" not in shown
    assert str(settings) == "smtp://cobot:***@mail.example.com:587"


@pytest.mark.parametrize(
    "url",
    [
        "http://u:s3cr3t-pass@mail.example.com",
        "smtp://u:s3cr3t-pass@:25",
        "smtp://u:s3cr3t-pass@mail.example.com:notaport",
        "smtp://u:s3cr3t-pass@mail.example.com:99999",
        "smtp://u:s3cr3t-pass@mail.example.com/path",
        "smtp://u:s3cr3t#pass@mail.example.com",
        "smtp://u:s3cr3t-pass@mail.example.com?x=1",
        "smtp://only-user@mail.example.com",
        "smtp://u:s3cr3t-pass@mail.example.com:0",
        "s3cr3t-pass",
        "",
    ],
)
def test_a_wrong_smtp_url_is_one_line_naming_smtp_url_without_the_password(url: str) -> None:
    with pytest.raises(ValueError, match="SMTP_URL") as raised:
        SmtpSettings.from_url(url)

    message = str(raised.value)
    assert "\n" not in message
    assert "s3cr3t" not in message
    assert raised.value.__cause__ is None  # no chained error carrying the URL into a traceback


def test_an_outgoing_email_holds_what_a_recipient_will_see() -> None:
    email = OutgoingEmail(
        to_address="ole@example.org",
        to_name="Ole Ærøe",
        from_address="cobot@example.com",
        from_name="Cobot",
        subject="Din kladde",
        text="Hej",
        html="<p>Hej</p>",
        message_id_seed="outbox-1",
        language="da",
    )

    assert email.attachments == ()
    assert email.reply_to is None
    assert email.list_unsubscribe_url is None
