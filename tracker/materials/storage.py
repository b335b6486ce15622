"""Uploaded files on disk: under TRACKER_UPLOAD_DIR (outside the static files), under random names, written whole
before they are kept. The original name is data in the database, never a path."""

from __future__ import annotations

import hashlib
import os
import re
import secrets
from dataclasses import dataclass
from pathlib import Path

from flask import current_app
from werkzeug.datastructures import FileStorage

from tracker.materials.filetypes import ALLOWED_DESCRIPTION, FileType, detect

CHUNK = 1 << 16
STORED_NAME = re.compile(r"\A[0-9a-f]{32}\Z")


class UploadRefused(ValueError):
    """The file is empty, too large or of a type the tracker does not accept; the message says which."""


@dataclass(frozen=True)
class StoredFile:
    stored_name: str
    size_bytes: int
    sha256: str
    file_type: FileType


def upload_root() -> Path:
    return Path(current_app.config["UPLOAD_DIR"])


def path_of(stored_name: str) -> Path:
    """Where a stored file lives; a name that is not one of ours can never point elsewhere."""
    if not STORED_NAME.match(stored_name):
        raise ValueError(f"not a stored file name: {stored_name!r}")
    return upload_root() / stored_name[:2] / stored_name


def megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.0f} MB"


def store(upload: FileStorage) -> StoredFile:
    """Copy the upload in chunks (hashing and counting), check its size and type, then keep it under a random name."""
    limit = current_app.config["MAX_UPLOAD_BYTES"]
    stored_name = secrets.token_hex(16)
    final = path_of(stored_name)
    final.parent.mkdir(parents=True, exist_ok=True)
    partial = final.with_suffix(".part")
    digest, size = hashlib.sha256(), 0
    try:
        with partial.open("wb") as out:
            while chunk := upload.stream.read(CHUNK):
                size += len(chunk)
                if size > limit:
                    raise UploadRefused(f"The file is larger than {megabytes(limit)}, the most the tracker accepts.")
                digest.update(chunk)
                out.write(chunk)
        if size == 0:
            raise UploadRefused("The file is empty.")
        file_type = detect(partial)
        if file_type is None:
            raise UploadRefused(f"This kind of file is not accepted. Upload a {ALLOWED_DESCRIPTION} file.")
        os.replace(partial, final)
    finally:
        partial.unlink(missing_ok=True)
    return StoredFile(stored_name, size, digest.hexdigest(), file_type)


def discard(stored_name: str) -> None:
    """Remove a file whose database row was not saved after all."""
    path_of(stored_name).unlink(missing_ok=True)
