"""A real SMTP server on 127.0.0.1 (aiosmtpd) for the e-mail tests (the ``smtp_server`` fixture, shared through
tests/conftest.py): it records what it received, and can be
told to answer RCPT or DATA with a reply of its own, to offer STARTTLS with a certificate made for the test, to
speak TLS from the first byte, and to require a login."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import ipaddress
import socket
import ssl
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

USER = "cobot@example.com"
PASSWORD = "pä$$w0rd:with/odd@chars"


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    data: bytes

    def message(self) -> EmailMessage:
        """The e-mail read back the way a recipient's mail client reads it."""
        parsed = email.message_from_bytes(self.data, policy=email.policy.default)
        assert isinstance(parsed, EmailMessage)
        return parsed


@dataclass
class Recorder:
    """The server's handler: scripted replies are used up in order, then it accepts."""

    rcpt_replies: list[str] = field(default_factory=list)
    data_replies: list[str] = field(default_factory=list)
    received: list[Received] = field(default_factory=list)
    logins: list[tuple[bytes, bytes]] = field(default_factory=list)

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, rcpt_options: list[str]
    ) -> str:
        if self.rcpt_replies:
            return self.rcpt_replies.pop(0)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        if self.data_replies:
            return self.data_replies.pop(0)
        assert isinstance(envelope.original_content, bytes)
        self.received.append(Received(str(envelope.mail_from), list(envelope.rcpt_tos), envelope.original_content))
        return "250 Message accepted for delivery"

    def authenticate(
        self, server: SMTP, session: Session, envelope: Envelope, mechanism: str, auth_data: Any
    ) -> AuthResult:
        assert isinstance(auth_data, LoginPassword)
        self.logins.append((auth_data.login, auth_data.password))
        ok = auth_data.login == USER.encode() and auth_data.password == PASSWORD.encode()
        return AuthResult(success=ok, handled=False)  # handled=False: the server itself answers 535


@dataclass
class Server:
    port: int
    recorder: Recorder
    certificate: Path | None = None

    def client_tls(self) -> ssl.SSLContext:
        """A client context that trusts this server's certificate and checks it."""
        assert self.certificate is not None
        return ssl.create_default_context(cafile=str(self.certificate))


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _certificate(directory: Path) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1, made fresh for the test run."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = directory / "smtp.crt", directory / "smtp.key"
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return cert_path, key_path


StartServer = Callable[..., Server]


@pytest.fixture
def smtp_server(tmp_path: Path) -> Iterator[StartServer]:
    """Starts servers on free ports; ``tls="starttls"`` or ``"implicit"``, ``login=True`` to require AUTH."""
    controllers: list[Controller] = []

    def start(
        *,
        rcpt_replies: list[str] | None = None,
        data_replies: list[str] | None = None,
        tls: str | None = None,
        login: bool = False,
    ) -> Server:
        recorder = Recorder(rcpt_replies=list(rcpt_replies or []), data_replies=list(data_replies or []))
        options: dict[str, Any] = {}
        certificate: Path | None = None
        if tls is not None:
            certificate, key = _certificate(tmp_path)
            server_tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            server_tls.load_cert_chain(str(certificate), str(key))
            options["ssl_context" if tls == "implicit" else "tls_context"] = server_tls
        if login:
            options.update(authenticator=recorder.authenticate, auth_required=True)
            # With STARTTLS the server insists on TLS first (aiosmtpd does not count implicit TLS, which is TLS
            # anyway); without TLS, only the client's own rule keeps the password back.
            options["auth_require_tls"] = tls == "starttls"
        port = free_port()
        controller = Controller(recorder, hostname="127.0.0.1", port=port, **options)
        controller.start()
        controllers.append(controller)
        return Server(port=port, recorder=recorder, certificate=certificate)

    yield start
    for controller in controllers:
        controller.stop()
