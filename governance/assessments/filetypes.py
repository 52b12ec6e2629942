"""Recognise evidence files by their content, never by their name or the browser's claim.

Only formats a reviewer needs and that are inert when downloaded are accepted: PDF, PNG,
JPEG, Word/Excel/PowerPoint (OOXML) and plain UTF-8 text or CSV. Everything else, including
HTML, SVG and XML, which a browser could execute, is refused.
"""

from __future__ import annotations

import io
import zipfile

PDF = "application/pdf"
PNG = "image/png"
JPEG = "image/jpeg"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
TEXT = "text/plain"
CSV = "text/csv"

ACCEPTED_DESCRIPTION = "PDF, PNG, JPEG, Word, Excel, PowerPoint, plain text or CSV"

# The part every OOXML package of that kind contains; a ZIP without one is just an archive.
_OOXML_PARTS = (
    ("word/document.xml", DOCX),
    ("xl/workbook.xml", XLSX),
    ("ppt/presentation.xml", PPTX),
)
# Text that a browser would render as a page or an image with scripts.
_MARKUP_PREFIXES = (b"<!doctype", b"<html", b"<?xml", b"<svg", b"<script", b"<head", b"<body")


class UnsupportedFileType(ValueError):
    pass


def _ooxml_type(content: bytes) -> str | None:
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, ValueError, OSError):
        return None
    if "[Content_Types].xml" not in names:
        return None
    for part, mime in _OOXML_PARTS:
        if part in names:
            return mime
    return None


def _text_type(content: bytes, name: str) -> str | None:
    if b"\x00" in content:
        return None
    try:
        text = content.decode("utf-8")
    except UnicodeDecodeError:
        return None
    head = text.lstrip("\ufeff \t\r\n")[:64].lower().encode()
    if head.startswith(_MARKUP_PREFIXES):
        return None
    # Control characters other than tab, newline, carriage return and form feed mean binary.
    if any(ord(c) < 32 and c not in "\t\n\r\f" for c in text[:65536]):
        return None
    return CSV if name.lower().endswith(".csv") else TEXT


def sniff(content: bytes, name: str = "") -> str:
    """The MIME type of `content`, or UnsupportedFileType with a readable message."""
    if content.startswith(b"%PDF-"):
        return PDF
    if content.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if content.startswith(b"\xff\xd8\xff"):
        return JPEG
    if content.startswith(b"PK\x03\x04"):
        mime = _ooxml_type(content)
        if mime:
            return mime
        raise UnsupportedFileType(
            "This ZIP archive is not a Word, Excel or PowerPoint document. "
            f"Accepted types: {ACCEPTED_DESCRIPTION}."
        )
    mime = _text_type(content, name)
    if mime:
        return mime
    raise UnsupportedFileType(
        f"This file type is not accepted as evidence. Accepted types: {ACCEPTED_DESCRIPTION}."
    )
