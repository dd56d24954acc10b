"""What a file a guest hands in really is, told by its content (magic bytes and, for Office and OpenDocument files,
the zip's own table of contents), never by its name or by the Content-Type the browser sent.

Each kind has the one content type Cobot serves it with. None of them is one a browser runs (no HTML, SVG, XML or
JavaScript), and the download is always ``Content-Disposition: attachment`` with ``nosniff`` besides: a file that
claims to be a PDF but holds a script is refused here, and one that slips through is still only saved to disk.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass

# Kind → the content type it is served with, and the extension a name gets when it has none that fits.
KINDS: dict[str, tuple[str, str]] = {
    "pdf": ("application/pdf", ".pdf"),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", ".docx"),
    "pptx": ("application/vnd.openxmlformats-officedocument.presentationml.presentation", ".pptx"),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ".xlsx"),
    "odt": ("application/vnd.oasis.opendocument.text", ".odt"),
    "png": ("image/png", ".png"),
    "jpeg": ("image/jpeg", ".jpg"),
    "txt": ("text/plain; charset=utf-8", ".txt"),
    "md": ("text/plain; charset=utf-8", ".md"),  # served as plain text: a browser never renders it
}
_ZIP_MARKERS = {"docx": "word/document.xml", "pptx": "ppt/presentation.xml", "xlsx": "xl/workbook.xml"}
_ZIP_MEMBERS_LIMIT = 10_000  # a zip with more entries than any document has is not one


@dataclass(frozen=True)
class Detected:
    kind: str
    content_type: str


def detect(data: bytes, *, file_name: str, allowed: tuple[str, ...] | list[str]) -> Detected | None:
    """The kind of ``data`` among ``allowed``, or None when it is none of them (or empty). Text files (txt, md)
    are told apart by the name's extension, since their content is only "UTF-8 without control characters"."""
    kind = _kind(data, file_name=file_name)
    if kind is None or kind not in allowed:
        return None
    return Detected(kind, KINDS[kind][0])


def _kind(data: bytes, *, file_name: str) -> str | None:
    if not data:
        return None
    if data.startswith(b"%PDF-"):
        return "pdf"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if data.startswith(b"PK\x03\x04"):
        return _zip_kind(data)
    if _is_plain_text(data):
        return "md" if file_name.lower().endswith((".md", ".markdown")) else "txt"
    return None


def _zip_kind(data: bytes) -> str | None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = archive.namelist()
            if len(names) > _ZIP_MEMBERS_LIMIT:
                return None
            if "mimetype" in names and archive.read("mimetype") == b"application/vnd.oasis.opendocument.text":
                return "odt"
    except (zipfile.BadZipFile, zipfile.LargeZipFile, KeyError, ValueError, OSError):
        return None
    present = set(names)
    for kind, marker in _ZIP_MARKERS.items():
        if marker in present and "[Content_Types].xml" in present:
            return kind
    return None


def _is_plain_text(data: bytes) -> bool:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return not any(ord(c) < 32 and c not in "\t\n\r\f" for c in text)


def safe_file_name(name: str, *, kind: str) -> str:
    """The name a file is stored and offered under: no path, no control or quoting characters, at most 200
    characters, with an extension that fits what the file is (``report.exe`` that is a PDF becomes
    ``report.exe.pdf``)."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    cleaned = "".join(c for c in base if c.isprintable() and c not in '"<>:|?*;').strip(" .")
    extension = KINDS[kind][1]
    fitting = {".jpeg", ".jpg"} if kind == "jpeg" else {".markdown", ".md"} if kind == "md" else {extension}
    if not any(cleaned.lower().endswith(e) for e in fitting):
        cleaned = (cleaned or "draft")[:190] + extension
    return cleaned[-200:] if len(cleaned) > 200 else cleaned
