"""Builders for the e-mail tests: a Danish reminder with a deadline's .ics, and reading received bytes back the
way a recipient's mail client would."""

from __future__ import annotations

import email
import email.policy
from dataclasses import replace
from datetime import UTC, date, datetime
from email.message import EmailMessage
from typing import Any

import icalendar

from bot.runtime.email import Attachment, OutgoingEmail, ics_event

NOW = datetime(2026, 3, 2, 8, 30, tzinfo=UTC)
UNSUBSCRIBE = "https://cobot.example.com/email/unsubscribe/" + "t0k3n" * 20


def deadline_ics(**overrides: Any) -> bytes:
    fields: dict[str, Any] = {
        "uid": "request-17-deadline@cobot.example.com",
        "summary": "Frist: Kladde til ‘Ærøskøbing i foråret’",
        "description": "Din kladde til Ærøskøbing skal være klar.\nSe opgaven, skriv; del, gem.",
        "start": date(2026, 3, 5),
        "url": "https://cobot.example.com/requests/17",
        "organizer_name": "Søren Østergård",
        "organizer_email": "soren@example.com",
        "now": NOW,
    }
    fields.update(overrides)
    return ics_event(**fields)


def reminder(**overrides: Any) -> OutgoingEmail:
    base = OutgoingEmail(
        to_address="ase.aero@kunde.example.org",
        to_name="Åse Ærø",
        from_address="cobot@cobot.example.com",
        from_name="Cobot på vegne af Søren Østergård",
        reply_to="soren@example.com",
        subject="Påmindelse: din kladde til Ærøskøbing skal være klar på torsdag",
        text="Hej Åse\n\nDin kladde til »Ærøskøbing i foråret« skal være klar torsdag.\n",
        html="<p>Hej Åse</p><p>Din kladde til <b>Ærøskøbing i foråret</b> skal være klar torsdag.</p>",
        attachments=(Attachment(filename="frist.ics", mime_type="text/calendar", data=deadline_ics()),),
        message_id_seed="outbox-123",
        list_unsubscribe_url=UNSUBSCRIBE,
        language="da",
    )
    return replace(base, **overrides)


def as_received(raw: bytes) -> EmailMessage:
    parsed = email.message_from_bytes(raw, policy=email.policy.default)
    assert isinstance(parsed, EmailMessage)
    return parsed


def calendar_of(data: bytes) -> icalendar.Calendar:
    return icalendar.Calendar.from_ical(data)
