"""Unit tests for the pieces under the guest's page: what a file is, told by its content; the names files are
offered under; the page's URL; the sliding-window limit; forms (urlencoded and multipart) read from bytes."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib

import pytest

from bot.web.core import SlidingWindow, WebRequest
from bot.web.guest import guest_page_url
from handlers.guest_files import KINDS, detect, safe_file_name

ALL = tuple(KINDS)


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _png() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\x00\x00")) + chunk(b"IEND", b"")
    )


OFFICE = {"[Content_Types].xml": b"<Types/>"}


@pytest.mark.parametrize(
    ("data", "name", "kind"),
    [
        (b"%PDF-1.7\n%%EOF", "x.bin", "pdf"),
        (_png(), "photo", "png"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", "a.jpg", "jpeg"),
        (_zip({**OFFICE, "word/document.xml": b"<w/>"}), "a.docx", "docx"),
        (_zip({**OFFICE, "ppt/presentation.xml": b"<p/>"}), "a.pptx", "pptx"),
        (_zip({**OFFICE, "xl/workbook.xml": b"<x/>"}), "a.xlsx", "xlsx"),
        (_zip({"mimetype": b"application/vnd.oasis.opendocument.text", "content.xml": b"<o/>"}), "a.odt", "odt"),
        ("Æblegrød og fløde\n".encode(), "notes.txt", "txt"),
        (b"# Title\n\n*words*", "draft.md", "md"),
    ],
)
def test_files_are_told_apart_by_their_content(data: bytes, name: str, kind: str) -> None:
    found = detect(data, file_name=name, allowed=ALL)
    assert found is not None and found.kind == kind
    assert "html" not in found.content_type and "javascript" not in found.content_type


@pytest.mark.parametrize(
    ("data", "name"),
    [
        (b"MZ\x90\x00\x03\x00\x00\x00", "report.pdf"),  # a Windows program named as a PDF
        (b"\x7fELF\x02\x01\x01", "draft.docx"),
        (b"<html>\x00<script>alert(1)</script>", "page.html"),
        (_zip({"payload.exe": b"MZ"}), "draft.docx"),  # a zip, but no document in it
        (b"PK\x03\x04 broken", "draft.xlsx"),
        ("caf\xe9".encode("latin-1"), "notes.txt"),  # not UTF-8
        (b"", "empty.pdf"),
    ],
)
def test_anything_else_is_refused(data: bytes, name: str) -> None:
    assert detect(data, file_name=name, allowed=ALL) is None


def test_only_the_allowed_kinds_are_taken() -> None:
    assert detect(b"%PDF-1.7", file_name="a.pdf", allowed=("png",)) is None


def test_file_names_lose_paths_and_quoting_and_get_an_extension_that_fits() -> None:
    assert safe_file_name("C:\\Users\\anne\\Mit udkast.pdf", kind="pdf") == "Mit udkast.pdf"
    assert safe_file_name("../../etc/passwd", kind="txt") == "passwd.txt"
    assert safe_file_name("report.exe", kind="pdf") == "report.exe.pdf"
    assert safe_file_name('"><script>.txt', kind="txt") == "script.txt"
    assert safe_file_name("photo.JPEG", kind="jpeg") == "photo.JPEG"
    assert len(safe_file_name("x" * 500 + ".pdf", kind="pdf")) <= 200
    assert safe_file_name("", kind="png") == "draft.png"


def test_the_page_url_is_the_public_url_and_the_token() -> None:
    assert guest_page_url("https://cobot.example.com/", "abc_DEF-123") == "https://cobot.example.com/guest/abc_DEF-123"
    assert guest_page_url("https://example.com/cobot", "t") == "https://example.com/cobot/guest/t"


def test_the_sliding_window_allows_the_limit_per_key_in_any_window() -> None:
    now = [0.0]
    window = SlidingWindow(limit=2, seconds=60, clock=lambda: now[0])
    assert [window.allow("a"), window.allow("a"), window.allow("a"), window.allow("b")] == [True, True, False, True]
    now[0] = 59.9
    assert not window.allow("a")
    now[0] = 60.1
    assert window.allow("a")


def test_the_sliding_window_forgets_keys_past_its_bound() -> None:
    window = SlidingWindow(limit=1, max_keys=10)
    for i in range(100):
        assert window.allow(str(i))
    assert len(window._events) <= 10


def test_forms_are_read_from_urlencoded_and_multipart_bodies() -> None:
    plain = WebRequest(
        method="POST",
        path="/",
        headers={"content-type": "application/x-www-form-urlencoded"},
        body=b"text=%C3%86ble+%26+p%C3%A6re&empty=",
    )
    assert dict(plain.form().fields) == {"text": "Æble & pære", "empty": ""}
    body = (
        b'--XyZ\r\nContent-Disposition: form-data; name="form_token"\r\n\r\nabc\r\n'
        b'--XyZ\r\nContent-Disposition: form-data; name="file"; filename="\xc3\xa6.pdf"\r\n'
        b"Content-Type: application/pdf\r\n\r\n%PDF-1.4\r\n\r\n--XyZ--\r\n"
    )
    multipart = WebRequest(
        method="POST", path="/", headers={"content-type": "multipart/form-data; boundary=XyZ"}, body=body
    ).form()
    assert multipart.get("form_token") == "abc"
    assert multipart.files["file"].data == b"%PDF-1.4\r\n"
    assert multipart.files["file"].file_name == "æ.pdf"
    flood = WebRequest(
        method="POST", path="/", headers={"content-type": "application/x-www-form-urlencoded"}, body=b"a=1&" * 500
    )
    assert flood.form().fields == {}
    broken = WebRequest(method="POST", path="/", headers={"content-type": "multipart/form-data"}, body=b"\xff\xfe")
    assert broken.form().fields == {} and broken.form().files == {}


def test_upload_settings_name_what_is_wrong() -> None:
    from pydantic import ValidationError

    from bot.runtime.config import Behaviour

    assert Behaviour.model_validate({"guests": {"uploads": {"types": ["pdf"]}}}).guests.uploads.max_bytes == 10485760
    with pytest.raises(ValidationError, match="unknown file type 'exe'"):
        Behaviour.model_validate({"guests": {"uploads": {"types": ["pdf", "exe"]}}})
    with pytest.raises(ValidationError):
        Behaviour.model_validate({"guests": {"uploads": {"max_bytes": 10}}})
