"""Small files of each kind, built in memory: what the type detection must accept or refuse."""

from __future__ import annotations

import io
import zipfile

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 32
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 32
EXE = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 64
OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504


def ole2(stream_name: str) -> bytes:
    """A compound file whose directory names one stream (enough for the detection, not for Word)."""
    return OLE2 + stream_name.encode("utf-16-le") + b"\x00" * 64


def zipped(members: dict[str, str], mimetype: str | None = None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        if mimetype:
            archive.writestr("mimetype", mimetype)
        for name, text in members.items():
            archive.writestr(name, text)
    return buffer.getvalue()


DOCX = zipped({"[Content_Types].xml": "<Types/>", "word/document.xml": "<w:document/>"})
XLSX = zipped({"[Content_Types].xml": "<Types/>", "xl/workbook.xml": "<workbook/>"})
PPTX = zipped({"[Content_Types].xml": "<Types/>", "ppt/presentation.xml": "<p/>"})
ODT = zipped({"content.xml": "<office/>"}, mimetype="application/vnd.oasis.opendocument.text")
ODG = zipped({"content.xml": "<office/>"}, mimetype="application/vnd.oasis.opendocument.graphics")
PLAIN_ZIP = zipped({"notes.txt": "hello"})
TEXT = "Données sur la traite: 2024\nПроект закона\n".encode()
