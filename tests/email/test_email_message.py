"""The e-mail a person outside the company receives, read back from its bytes as their mail client reads it:
Danish text intact, text and HTML, the deadline in an .ics their calendar takes, a stable Message-ID, and nothing
a name or subject held turning into a header."""

from __future__ import annotations

from email.message import EmailMessage

import pytest
from email_support import NOW, UNSUBSCRIBE, as_received, calendar_of, reminder

from bot.runtime.email import Attachment, InvalidAddress, build_message


def _received(**overrides: object) -> EmailMessage:
    return as_received(build_message(reminder(**overrides), domain="cobot.example.com", now=NOW).as_bytes())


def test_danish_subject_names_and_both_parts_arrive_intact() -> None:
    received = _received()

    assert received["Subject"] == "Påmindelse: din kladde til Ærøskøbing skal være klar på torsdag"
    assert received["From"].addresses[0].display_name == "Cobot på vegne af Søren Østergård"
    assert received["From"].addresses[0].addr_spec == "cobot@cobot.example.com"
    assert received["To"].addresses[0].display_name == "Åse Ærø"
    assert received["Reply-To"].addresses[0].addr_spec == "soren@example.com"
    assert received["Content-Language"] == "da"
    assert received["Date"].datetime == NOW
    text = received.get_body(preferencelist=("plain",))
    html = received.get_body(preferencelist=("html",))
    assert text is not None
    assert html is not None
    assert "»Ærøskøbing i foråret«" in text.get_content()
    assert "<b>Ærøskøbing i foråret</b>" in html.get_content()


def test_headers_are_plain_ascii_on_the_wire_with_lines_under_the_limit() -> None:
    raw = build_message(reminder(), domain="cobot.example.com", now=NOW).as_bytes()

    head = raw.split(b"\r\n\r\n", 1)[0]
    assert head.isascii()  # æøå travel as encoded words, which every relay passes
    assert all(len(line) <= 998 for line in raw.split(b"\r\n"))
    assert b"\r\n" in raw
    assert b"\n" not in raw.replace(b"\r\n", b"")


def test_with_an_attachment_it_is_mixed_around_the_alternatives() -> None:
    received = _received()

    assert received.get_content_type() == "multipart/mixed"
    parts = list(received.iter_parts())
    assert parts[0].get_content_type() == "multipart/alternative"
    assert [part.get_content_type() for part in parts[0].iter_parts()] == ["text/plain", "text/html"]
    attachments = list(received.iter_attachments())
    assert [(part.get_filename(), part.get_content_type()) for part in attachments] == [("frist.ics", "text/calendar")]


def test_without_attachments_it_is_just_text_and_html() -> None:
    received = _received(attachments=())

    assert received.get_content_type() == "multipart/alternative"
    assert list(received.iter_attachments()) == []


def test_the_attached_deadline_opens_in_a_calendar_as_an_all_day_event() -> None:
    attachment = next(_received().iter_attachments())
    payload = attachment.get_payload(decode=True)
    assert isinstance(payload, bytes)

    calendar = calendar_of(payload)
    assert calendar["METHOD"] == "PUBLISH"
    (event,) = calendar.walk("VEVENT")
    assert str(event["SUMMARY"]) == "Frist: Kladde til ‘Ærøskøbing i foråret’"
    assert str(event["DESCRIPTION"]) == "Din kladde til Ærøskøbing skal være klar.\nSe opgaven, skriv; del, gem."
    assert event.decoded("DTSTART").isoformat() == "2026-03-05"
    assert str(event["URL"]) == "https://cobot.example.com/requests/17"
    assert str(event["ORGANIZER"]) == "mailto:soren@example.com"
    assert event["ORGANIZER"].params["CN"] == "Søren Østergård"


def test_the_message_id_is_the_same_when_the_same_outbox_row_is_built_again() -> None:
    first = build_message(reminder(), domain="cobot.example.com", now=NOW)
    again = build_message(reminder(), domain="cobot.example.com", now=NOW.replace(hour=11))
    other = build_message(reminder(message_id_seed="outbox-124"), domain="cobot.example.com", now=NOW)

    assert first["Message-ID"] == again["Message-ID"]
    assert first["Message-ID"] != other["Message-ID"]
    assert str(first["Message-ID"]).startswith("<")
    assert str(first["Message-ID"]).endswith("@cobot.example.com>")


def test_one_click_unsubscribe_headers_carry_the_url_verbatim() -> None:
    received = _received()

    assert received["List-Unsubscribe"] == f"<{UNSUBSCRIBE}>"
    assert received["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "List-Unsubscribe" not in _received(list_unsubscribe_url=None)


@pytest.mark.parametrize(
    "url", ["http://cobot.example.com/u/1", "https://cobot.example.com/u/1>, <mailto:x@evil.example", "https://a b"]
)
def test_an_unsubscribe_url_that_is_not_one_https_link_is_refused(url: str) -> None:
    with pytest.raises(ValueError, match="list_unsubscribe_url"):
        build_message(reminder(list_unsubscribe_url=url), domain="cobot.example.com")


def test_a_name_or_subject_with_line_breaks_adds_no_header() -> None:
    received = _received(
        to_name="Eve\r\nBcc: x@evil.example",
        from_name="Cobot\nX-Injected: yes",
        subject="Hej\r\nBcc: y@evil.example\r\n\r\n<b>body</b>",
    )

    assert "Bcc" not in received
    assert "X-Injected" not in received
    assert [address.addr_spec for address in received["To"].addresses] == ["ase.aero@kunde.example.org"]
    assert received["To"].addresses[0].display_name == "Eve Bcc: x@evil.example"
    assert received["From"].addresses[0].display_name == "Cobot X-Injected: yes"
    assert received["Subject"] == "Hej Bcc: y@evil.example <b>body</b>"


def test_control_characters_and_direction_overrides_leave_names() -> None:
    received = _received(to_name="Åse\x00\x1b[31m \u202eoiccA\u202c", subject="Frist\tpå\u2028torsdag")

    assert received["To"].addresses[0].display_name == "Åse [31m oiccA"
    assert received["Subject"] == "Frist på torsdag"


@pytest.mark.parametrize(
    "address",
    [
        "x@evil.example, y@evil.example",
        "Eve <eve@evil.example>",
        "eve@evil.example\r\nBcc: y@evil.example",
        "eve",
        "eve@localhost",
        "@evil.example",
        "eve@evil..example",
        "eve@-evil.example",
        "ève@example.com",
        "eve @evil.example",
        "eve@evil.example (comment)",
        "",
    ],
)
def test_anything_but_one_plain_address_is_refused(address: str) -> None:
    with pytest.raises(InvalidAddress):
        build_message(reminder(to_address=address), domain="cobot.example.com")
    with pytest.raises(InvalidAddress):
        build_message(reminder(reply_to=address or "x"), domain="cobot.example.com")


def test_a_danish_domain_is_sent_in_its_ascii_form() -> None:
    received = _received(to_address="ole@blåbær.dk")

    assert received["To"].addresses[0].addr_spec == "ole@xn--blbr-roah.dk"


def test_an_attachment_without_a_usable_type_is_refused_and_a_path_in_its_name_is_flattened() -> None:
    with pytest.raises(ValueError, match="MIME type"):
        build_message(
            reminder(attachments=(Attachment(filename="a.ics", mime_type="text/calendar\r\nX: y", data=b"x"),)),
            domain="cobot.example.com",
        )
    received = _received(attachments=(Attachment(filename="../../etc/passwd\n", mime_type="text/plain", data=b"x"),))
    assert next(received.iter_attachments()).get_filename() == ".._.._etc_passwd"


def test_a_long_danish_subject_is_cut_not_dropped() -> None:
    subject = _received(subject="Påmindelse " + "æøå " * 100)["Subject"]

    assert subject.startswith("Påmindelse æøå")
    assert subject.endswith("…")
    assert len(subject) <= 200


@pytest.mark.parametrize("domain", ["cobot.example.com>\r\nBcc: x@evil.example", "localhost", ""])
def test_a_mail_domain_that_is_not_a_host_name_is_refused(domain: str) -> None:
    with pytest.raises(ValueError, match="mail domain"):
        build_message(reminder(), domain=domain)
