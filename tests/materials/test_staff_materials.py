"""Staff attach materials to requests: upload, link, reuse from the library, share, version; bad input changes
nothing."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from tests import factories
from tests.html import csrf_token
from tests.materials import samples
from tracker.extensions import db
from tracker.models import (
    InfoRequest,
    Material,
    MaterialVersion,
    RequestMaterial,
    TimelineEntry,
    TimelineKind,
    Visibility,
)

CYRILLIC_NAME = "Закон о противодействии торговле людьми.pdf"


@pytest.fixture
def info_request() -> InfoRequest:
    return factories.info_request()


def _token(client: FlaskClient, request_id: int) -> str:
    return csrf_token(client.get(f"/requests/{request_id}/materials/new"))


def _upload(client: FlaskClient, request_id: int, content: bytes, filename: str, **fields: str):  # type: ignore[no-untyped-def]
    data = {"upload-file": (io.BytesIO(content), filename), "upload-visibility": "shared",
            "upload-csrf_token": _token(client, request_id), **fields}
    return client.post(f"/requests/{request_id}/materials/upload", data=data, content_type="multipart/form-data")


def _stored_files(app: Flask) -> list[Path]:
    root = Path(app.config["UPLOAD_DIR"])
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


def _counts() -> tuple[int, int, int]:
    return tuple(db.session.scalar(select(func.count()).select_from(model))  # type: ignore[return-value]
                 for model in (Material, MaterialVersion, RequestMaterial))


def test_an_upload_is_kept_under_a_random_name_and_downloaded_under_its_own(
    signed_in: FlaskClient, info_request: InfoRequest, app: Flask
) -> None:
    before = set(_stored_files(app))
    response = _upload(signed_in, info_request.id, samples.PDF, CYRILLIC_NAME)
    assert response.status_code == 302

    version = db.session.scalars(select(MaterialVersion)).one()
    assert version.filename == CYRILLIC_NAME and version.content_type == "application/pdf"
    assert version.size_bytes == len(samples.PDF)
    (stored,) = set(_stored_files(app)) - before
    assert stored.name == version.stored_name and "static" not in stored.parts
    assert stored.read_bytes() == samples.PDF
    material = db.session.get(Material, version.material_id)
    assert material.title == CYRILLIC_NAME  # no title given: the file's name

    download = signed_in.get(f"/materials/versions/{version.id}/download")
    assert download.status_code == 200 and download.data == samples.PDF
    assert download.headers["Content-Type"] == "application/pdf"
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    disposition = download.headers["Content-Disposition"]
    assert disposition.startswith("attachment;") and "filename*=UTF-8''" in disposition
    page = signed_in.get(f"/requests/{info_request.id}").get_data(as_text=True)
    assert CYRILLIC_NAME in page and "Shared with the delegation" in page


def test_a_file_that_is_not_what_its_name_says_is_refused_and_nothing_is_kept(
    signed_in: FlaskClient, info_request: InfoRequest, app: Flask
) -> None:
    before = set(_stored_files(app))
    response = _upload(signed_in, info_request.id, samples.EXE, "report.pdf")
    assert response.status_code == 400
    assert "This kind of file is not accepted" in response.get_data(as_text=True)
    assert _counts() == (0, 0, 0)
    assert set(_stored_files(app)) == before


def test_a_file_over_the_limit_gets_a_message(
    signed_in: FlaskClient, info_request: InfoRequest, app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    token = _token(signed_in, info_request.id)
    monkeypatch.setitem(app.config, "MAX_UPLOAD_BYTES", 1024 * 1024)
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 4 * 1024 * 1024)
    big = samples.PDF + b"0" * (2 * 1024 * 1024)
    data = {"upload-file": (io.BytesIO(big), "big.pdf"), "upload-visibility": "internal", "upload-csrf_token": token}
    response = signed_in.post(f"/requests/{info_request.id}/materials/upload", data=data,
                              content_type="multipart/form-data")
    assert response.status_code == 400 and "larger than 1 MB" in response.get_data(as_text=True)

    # Beyond the request limit, Werkzeug refuses before any view runs: still a page that says why.
    huge = samples.PDF + b"0" * (5 * 1024 * 1024)
    data = {"upload-file": (io.BytesIO(huge), "huge.pdf"), "upload-csrf_token": token}
    response = signed_in.post(f"/requests/{info_request.id}/materials/upload", data=data,
                              content_type="multipart/form-data")
    assert response.status_code == 413 and "larger than 1 MB" in response.get_data(as_text=True)
    assert _counts() == (0, 0, 0)


@pytest.mark.parametrize("url", ["javascript:alert(1)", "file:///etc/passwd", "example.org/report", "https://"])
def test_only_web_links_are_accepted(signed_in: FlaskClient, info_request: InfoRequest, url: str) -> None:
    data = {"link-url": url, "link-title": "Report", "link-visibility": "shared",
            "link-csrf_token": _token(signed_in, info_request.id)}
    response = signed_in.post(f"/requests/{info_request.id}/materials/link", data=data)
    assert response.status_code == 400 and "web address starting with https://" in response.get_data(as_text=True)
    assert _counts() == (0, 0, 0)


def test_a_link_is_added_and_opens_by_redirect(signed_in: FlaskClient, info_request: InfoRequest) -> None:
    data = {"link-url": "https://example.org/best-practice", "link-title": "Best practice", "link-visibility":
            "internal", "link-csrf_token": _token(signed_in, info_request.id)}
    assert signed_in.post(f"/requests/{info_request.id}/materials/link", data=data).status_code == 302
    version = db.session.scalars(select(MaterialVersion)).one()
    response = signed_in.get(f"/materials/versions/{version.id}/download")
    assert response.status_code == 302 and response.headers["Location"] == "https://example.org/best-practice"


def test_one_material_is_delivered_to_two_delegations_and_a_new_version_names_who_had_the_old_one(
    signed_in: FlaskClient, info_request: InfoRequest
) -> None:
    first = factories.material(info_request, title="Comparative analysis of victim-protection laws")
    moldova = db.session.get(InfoRequest, info_request.id)
    other = factories.info_request(factories.delegation(country=factories.country("THA")))

    token = _token(signed_in, other.id)
    reuse = {"reuse-material_id": str(first.material_id), "reuse-visibility": "shared", "reuse-csrf_token": token}
    assert signed_in.post(f"/requests/{other.id}/materials/reuse", data=reuse).status_code == 302
    again = signed_in.post(f"/requests/{other.id}/materials/reuse", data=reuse)
    assert again.status_code == 400  # no longer offered: it is attached already
    assert db.session.scalar(select(func.count(RequestMaterial.id))) == 2

    form = signed_in.get(f"/materials/{first.material_id}/versions/new")
    data = {"url": "https://example.org/report-v2", "note": "Adds 2024 data", "csrf_token": csrf_token(form)}
    response = signed_in.post(f"/materials/{first.material_id}/versions/new", data=data, follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "Version 2 saved" in page
    assert "Moldova" in page and "Thailand" in page
    numbers = db.session.scalars(select(MaterialVersion.number).where(MaterialVersion.material_id == first.material_id))
    assert sorted(numbers) == [1, 2]
    lines = db.session.scalars(select(TimelineEntry.request_id).where(TimelineEntry.kind == TimelineKind.MATERIAL))
    assert sorted(lines) == sorted([moldova.id, other.id, other.id])  # reuse on one, new version on both


def test_sharing_and_hiding_a_material_is_recorded(signed_in: FlaskClient, info_request: InfoRequest) -> None:
    attachment = factories.material(info_request, shared=False)
    page = signed_in.get(f"/requests/{info_request.id}")
    data = {"visibility": "shared", "csrf_token": csrf_token(page)}
    url = f"/requests/{info_request.id}/materials/{attachment.id}/visibility"
    assert signed_in.post(url, data=data).status_code == 302
    saved = db.session.get(RequestMaterial, attachment.id)
    assert saved.visibility is Visibility.SHARED and saved.shared_at is not None
    assert signed_in.post(url, data={**data, "visibility": "public"}).status_code == 302
    db.session.expire_all()
    assert db.session.get(RequestMaterial, attachment.id).visibility is Visibility.SHARED

    other_request = factories.info_request()
    assert signed_in.post(f"/requests/{other_request.id}/materials/{attachment.id}/visibility",
                          data=data).status_code == 404


def test_a_comment_can_be_made_visible_to_the_delegation(signed_in: FlaskClient, info_request: InfoRequest) -> None:
    token = csrf_token(signed_in.get(f"/requests/{info_request.id}"))
    url = f"/requests/{info_request.id}/comments"
    signed_in.post(url, data={"body": "Internal note", "csrf_token": token})
    signed_in.post(url, data={"body": "We are drafting it", "shared_with_delegation": "y", "csrf_token": token})
    shared = dict(db.session.execute(select(TimelineEntry.body, TimelineEntry.shared_with_delegation)
                                     .where(TimelineEntry.kind == TimelineKind.COMMENT)).all())
    assert shared == {"Internal note": False, "We are drafting it": True}
    assert "Visible to the delegation" in signed_in.get(f"/requests/{info_request.id}").get_data(as_text=True)


def test_the_library_lists_materials_with_their_deliveries(signed_in: FlaskClient, info_request: InfoRequest) -> None:
    attachment = factories.material(info_request, title="Victim identification checklist")
    listing = signed_in.get("/materials/?q=checklist").get_data(as_text=True)
    assert "Victim identification checklist" in listing
    detail = signed_in.get(f"/materials/{attachment.material_id}").get_data(as_text=True)
    assert "Moldova" in detail and "v1" in detail
