"""Uploads are typed by their content, against an allow-list; the name a file arrives with decides nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.materials import samples
from tracker.materials import filetypes


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (samples.PDF, filetypes.PDF),
        (samples.PNG, filetypes.PNG),
        (samples.JPEG, filetypes.JPEG),
        (samples.DOCX, filetypes.DOCX),
        (samples.XLSX, filetypes.XLSX),
        (samples.ODT, filetypes.ODF_TYPES["application/vnd.oasis.opendocument.text"]),
        (samples.ole2("WordDocument"), filetypes.DOC),
        (samples.ole2("Workbook"), filetypes.XLS),
        (samples.TEXT, filetypes.TEXT),
        ("\ufeffcountry,tier\nMDA,2\n".encode(), filetypes.TEXT),
    ],
)
def test_accepted_types_are_recognised_by_content(tmp_path: Path, content: bytes, expected: filetypes.FileType) -> None:
    path = tmp_path / "upload"
    path.write_bytes(content)
    assert filetypes.detect(path) == expected


@pytest.mark.parametrize(
    "content",
    [
        samples.EXE,
        samples.PPTX,
        samples.ODG,
        samples.PLAIN_ZIP,
        samples.ole2("PowerPoint Document"),
        b"PK\x03\x04 not really a zip",
        "Latin-1 caf\xe9".encode("latin-1"),
        b"text with a NUL \x00 byte",
        b"",
    ],
    ids=["exe", "pptx", "odg", "zip", "ppt", "broken-zip", "latin-1", "nul", "empty"],
)
def test_other_content_is_refused(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "upload.pdf"
    path.write_bytes(content)
    assert filetypes.detect(path) is None


@pytest.mark.parametrize(
    ("original", "mime_type", "offered"),
    [
        ("Закон о противодействии.pdf", "application/pdf", "Закон о противодействии.pdf"),
        ("report.PDF", "application/pdf", "report.PDF"),
        ("setup.exe", "application/pdf", "setup.exe.pdf"),
        ("photo.jpeg", "image/jpeg", "photo.jpeg"),
        ("notes", "text/plain; charset=utf-8", "notes.txt"),
    ],
)
def test_the_download_name_always_ends_with_the_detected_type(original: str, mime_type: str, offered: str) -> None:
    assert filetypes.download_name(original, mime_type) == offered
