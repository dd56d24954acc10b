"""Sending through a real SMTP server on 127.0.0.1: what arrives, and how each kind of trouble tells the outbox
to retry (a 451, a server that is down, slow or hangs up) or to give up (a 550, an address that is not one)."""

from __future__ import annotations

import logging
import socket
import threading
from collections.abc import Iterator
from email.message import EmailMessage
from typing import Any

import pytest
from email_support import NOW, as_received, calendar_of, reminder
from smtp_server import PASSWORD, USER, Server, StartServer, free_port

from bot.runtime.delivery import RetryLater, SendFailed
from bot.runtime.email import SmtpSettings, SmtpTransport, build_message


def _message(**overrides: Any) -> EmailMessage:
    return build_message(reminder(**overrides), domain="cobot.example.com", now=NOW)


def _transport(server: Server, *, scheme: str = "smtp", login: bool = False, **options: Any) -> SmtpTransport:
    credentials = "cobot%40example.com:p%C3%A4%24%24w0rd%3Awith%2Fodd%40chars@" if login else ""
    settings = SmtpSettings.from_url(f"{scheme}://{credentials}127.0.0.1:{server.port}")
    if server.certificate is not None:
        options.setdefault("tls_context", server.client_tls())
    return SmtpTransport(settings, timeout=5, **options)


def test_a_reminder_arrives_as_the_recipient_reads_it(smtp_server: StartServer) -> None:
    server = smtp_server()

    _transport(server).send(_message())

    (arrived,) = server.recorder.received
    assert arrived.mail_from == "cobot@cobot.example.com"
    assert arrived.rcpt_tos == ["ase.aero@kunde.example.org"]
    received = as_received(arrived.data)
    assert received["Subject"] == "Påmindelse: din kladde til Ærøskøbing skal være klar på torsdag"
    assert received["To"].addresses[0].display_name == "Åse Ærø"
    assert received["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    text = received.get_body(preferencelist=("plain",))
    html = received.get_body(preferencelist=("html",))
    assert text is not None
    assert html is not None
    assert "Ærøskøbing i foråret" in text.get_content()
    assert "Ærøskøbing i foråret" in html.get_content()
    payload = next(received.iter_attachments()).get_payload(decode=True)
    assert isinstance(payload, bytes)
    (event,) = calendar_of(payload).walk("VEVENT")
    assert str(event["SUMMARY"]) == "Frist: Kladde til ‘Ærøskøbing i foråret’"


def test_an_injected_bcc_reaches_no_one(smtp_server: StartServer) -> None:
    server = smtp_server()

    _transport(server).send(_message(to_name="Eve\r\nBcc: x@evil.example", subject="Hi\r\nBcc: y@evil.example"))

    (arrived,) = server.recorder.received
    assert arrived.rcpt_tos == ["ase.aero@kunde.example.org"]
    assert "Bcc" not in as_received(arrived.data)


def test_451_is_retried_and_the_resend_carries_the_same_message_id(smtp_server: StartServer) -> None:
    server = smtp_server(data_replies=["451 4.3.0 Try again later"])
    transport = _transport(server)

    with pytest.raises(RetryLater, match="451") as raised:
        transport.send(_message())
    assert raised.value.seconds is None  # the outbox's own backoff decides when
    transport.send(_message())

    (arrived,) = server.recorder.received
    assert as_received(arrived.data)["Message-ID"] == _message()["Message-ID"]


def test_a_451_for_the_recipient_is_retried(smtp_server: StartServer) -> None:
    server = smtp_server(rcpt_replies=["451 4.7.1 Greylisted, come back later"])

    with pytest.raises(RetryLater, match="451"):
        _transport(server).send(_message())
    assert server.recorder.received == []


def test_550_for_the_recipient_fails_for_good(smtp_server: StartServer) -> None:
    server = smtp_server(rcpt_replies=["550 5.1.1 No such user here"])

    with pytest.raises(SendFailed, match=r"550 .*No such user"):
        _transport(server).send(_message())
    assert server.recorder.received == []


def test_550_for_the_message_fails_for_good(smtp_server: StartServer) -> None:
    server = smtp_server(data_replies=["554 5.7.1 Message rejected as spam"])

    with pytest.raises(SendFailed, match="554"):
        _transport(server).send(_message())


def test_a_closed_port_is_retried() -> None:
    settings = SmtpSettings.from_url(f"smtp://127.0.0.1:{free_port()}")

    with pytest.raises(RetryLater, match="unreachable"):
        SmtpTransport(settings, timeout=2).send(_message())


@pytest.fixture
def silent_port() -> Iterator[int]:
    """A port that accepts connections and never says a word."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(5)
        yield listener.getsockname()[1]


def test_a_server_that_never_answers_is_retried_after_the_timeout(silent_port: int) -> None:
    transport = SmtpTransport(SmtpSettings.from_url(f"smtp://127.0.0.1:{silent_port}"), timeout=0.5)

    with pytest.raises(RetryLater, match="timed out"):
        transport.send(_message())


def test_a_server_that_hangs_up_is_retried() -> None:
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)

    def hang_up() -> None:
        connection, _ = listener.accept()
        connection.close()

    thread = threading.Thread(target=hang_up)
    thread.start()
    try:
        transport = SmtpTransport(SmtpSettings.from_url(f"smtp://127.0.0.1:{listener.getsockname()[1]}"), timeout=2)
        with pytest.raises(RetryLater, match="hung up"):
            transport.send(_message())
    finally:
        thread.join(5)
        listener.close()


def test_login_over_starttls_sends_and_logs_neither_password_nor_body(
    smtp_server: StartServer, caplog: pytest.LogCaptureFixture
) -> None:
    server = smtp_server(tls="starttls", login=True)
    caplog.set_level(logging.DEBUG)

    _transport(server, login=True).send(_message())

    assert server.recorder.logins == [(USER.encode(), PASSWORD.encode())]
    assert len(server.recorder.received) == 1
    ours = "\n".join(record.getMessage() for record in caplog.records if record.name.startswith("bot"))
    assert "sent <cobot." in ours
    assert PASSWORD not in ours
    assert "Ærøskøbing" not in ours
    assert "Hej Åse" not in ours


def test_a_wrong_password_fails_without_showing_it(smtp_server: StartServer) -> None:
    server = smtp_server(tls="starttls", login=True)
    settings = SmtpSettings.from_url(f"smtp://cobot:not-the-s3cret@127.0.0.1:{server.port}")

    with pytest.raises(SendFailed, match="535") as raised:
        SmtpTransport(settings, tls_context=server.client_tls()).send(_message())
    assert "s3cret" not in str(raised.value)
    assert server.recorder.received == []


def test_a_certificate_that_does_not_check_out_is_retried_and_the_password_stays_home(
    smtp_server: StartServer,
) -> None:
    server = smtp_server(tls="starttls", login=True)

    with pytest.raises(RetryLater, match="TLS"):
        _transport(server, login=True, tls_context=None).send(_message())  # the system's CAs don't know it
    assert server.recorder.logins == []


@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")  # what this test is about
def test_no_password_goes_to_a_server_without_starttls(smtp_server: StartServer) -> None:
    server = smtp_server(login=True)

    with pytest.raises(RetryLater, match="STARTTLS"):
        _transport(server, login=True).send(_message())
    assert server.recorder.logins == []
    assert server.recorder.received == []


@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")  # aiosmtpd: implicit TLS is TLS
def test_smtps_speaks_tls_from_the_start(smtp_server: StartServer) -> None:
    server = smtp_server(tls="implicit", login=True)

    _transport(server, scheme="smtps", login=True).send(_message())

    assert server.recorder.logins == [(USER.encode(), PASSWORD.encode())]
    assert len(server.recorder.received) == 1


def test_a_message_with_more_than_one_recipient_is_not_sent(smtp_server: StartServer) -> None:
    server = smtp_server()
    message = _message()
    message["Cc"] = "x@evil.example"

    with pytest.raises(SendFailed, match="one address"):
        _transport(server).send(message)
    assert server.recorder.received == []


def test_the_transport_shows_no_password() -> None:
    transport = SmtpTransport(SmtpSettings.from_url("smtps://cobot:s3cr3t@mail.example.com"))

    assert "s3cr3t" not in repr(transport)
    assert "s3cr3t" not in str(transport)
