"""What an uploaded file is, decided by its content (never by its name or the browser's word), against an allow-list.

PDF, Word, Excel, OpenDocument, plain text, PNG and JPEG are recognised by their signatures; Office Open XML and
OpenDocument are ZIP archives told apart by their members; legacy Word and Excel are OLE2 compound files told
apart by the name of their main stream (stored in UTF-16 in the file's directory). Anything else is refused.
"""

from __future__ import annotations

import codecs
import zipfile
from dataclasses import dataclass
from pathlib import Path

#: Bytes read for signature checks and legacy Office stream names (directories sit near the start or the end).
HEAD_BYTES = 8192
OLE2_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ODF_PREFIX = "application/vnd.oasis.opendocument."


@dataclass(frozen=True)
class FileType:
    label: str
    mime_type: str
    #: The extensions a download of this type may carry; the first one is added when the name has none of them.
    extensions: tuple[str, ...]


PDF = FileType("PDF", "application/pdf", (".pdf",))
PNG = FileType("PNG image", "image/png", (".png",))
JPEG = FileType("JPEG image", "image/jpeg", (".jpg", ".jpeg"))
TEXT = FileType("Plain text", "text/plain; charset=utf-8", (".txt", ".csv", ".md"))
DOC = FileType("Word document", "application/msword", (".doc",))
XLS = FileType("Excel workbook", "application/vnd.ms-excel", (".xls",))
DOCX = FileType("Word document", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", (".docx",))
XLSX = FileType("Excel workbook", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", (".xlsx",))
ODF_TYPES = {
    ODF_PREFIX + "text": FileType("OpenDocument text", ODF_PREFIX + "text", (".odt",)),
    ODF_PREFIX + "spreadsheet": FileType("OpenDocument spreadsheet", ODF_PREFIX + "spreadsheet", (".ods",)),
    ODF_PREFIX + "presentation": FileType("OpenDocument presentation", ODF_PREFIX + "presentation", (".odp",)),
}

BY_MIME_TYPE = {file_type.mime_type: file_type for file_type in (PDF, PNG, JPEG, TEXT, DOC, XLS, DOCX, XLSX,
                                                                  *ODF_TYPES.values())}
ALLOWED_DESCRIPTION = "PDF, Word, Excel, OpenDocument, plain text (UTF-8), PNG or JPEG"


def detect(path: Path) -> FileType | None:
    """The file's type if it is one we accept, else None."""
    with path.open("rb") as file:
        head = file.read(HEAD_BYTES)
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(OLE2_SIGNATURE):
        return _legacy_office(path)
    if head.startswith(b"PK\x03\x04"):
        return _zipped_office(path)
    return TEXT if _is_plain_text(path) else None


def _legacy_office(path: Path) -> FileType | None:
    """Word 97–2003 has a "WordDocument" stream, Excel a "Workbook" (or older "Book"); other OLE2 files
    (installers, PowerPoint, Outlook messages) have neither."""
    content = path.read_bytes()
    if "WordDocument".encode("utf-16-le") in content:
        return DOC
    if "Workbook".encode("utf-16-le") in content or "Book\x00".encode("utf-16-le") in content:
        return XLS
    return None


def _zipped_office(path: Path) -> FileType | None:
    """Office Open XML by its content-types part and main folder; OpenDocument by its ``mimetype`` member.
    Only the archive's directory and that one small member are read: nothing is extracted."""
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
            if "mimetype" in names and archive.getinfo("mimetype").file_size <= 100:
                return ODF_TYPES.get(archive.read("mimetype").decode("ascii", "replace").strip())
            if "[Content_Types].xml" in names:
                if any(name.startswith("word/") for name in names):
                    return DOCX
                if any(name.startswith("xl/") for name in names):
                    return XLSX
    except (zipfile.BadZipFile, OSError, KeyError):
        return None
    return None


def _is_plain_text(path: Path) -> bool:
    """Valid UTF-8 (a byte-order mark allowed) without NUL bytes, read in chunks."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    with path.open("rb") as file:
        while chunk := file.read(1 << 16):
            if b"\x00" in chunk:
                return False
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError:
                return False
    try:
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return path.stat().st_size > 0


def download_name(original: str, mime_type: str) -> str:
    """The original name, with the type's extension added if it has another: a file detected as a PDF is never
    offered as ``report.exe``."""
    file_type = BY_MIME_TYPE[mime_type]
    if original.lower().endswith(file_type.extensions):
        return original
    return original + file_type.extensions[0]
