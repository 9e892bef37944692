"""Uploads: size and type limits by content (not name), generated storage names, safe serving headers."""

from __future__ import annotations

import io
from typing import Any

import pytest
from sqlalchemy import select

from kizuna.config import get_settings
from kizuna.content import uploads
from kizuna.db import unit_of_work
from kizuna.errors import NotFound, PayloadTooLarge, ValidationFailed
from kizuna.models.upload import Upload
from tests.conftest import login
from tests.deals.conftest import accepted_deal

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 64
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64
PDF = b"%PDF-1.7\n" + b"0" * 64
MP4 = b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 64
HTML = b"<html><script>alert(1)</script></html>"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'


@pytest.mark.parametrize(
    "data, ctype",
    [
        (PNG, "image/png"),
        (JPEG, "image/jpeg"),
        (PDF, "application/pdf"),
        (MP4, "video/mp4"),
        (b"GIF89a" + b"\x00" * 20, "image/gif"),
        (b"RIFF\x00\x00\x00\x00WEBPVP8 ", "image/webp"),
        (b"\x00\x00\x00\x14ftypqt  " + b"\x00" * 8, "video/quicktime"),
    ],
)
def test_sniffing_allowed_types(data: bytes, ctype: str) -> None:
    assert uploads.sniff(data[:32]) == ctype


@pytest.mark.parametrize("data", [HTML, SVG, b"MZ\x90\x00", b"PK\x03\x04", b"", b"\x00\x00\x00\x18ftypevil"])
def test_sniffing_refuses_other_types(data: bytes) -> None:
    assert uploads.sniff(data[:32]) is None


def test_store_enforces_size_and_leaves_nothing_behind(db: Any) -> None:
    folder = get_settings().uploads_dir / "77"
    before = set(folder.glob("*")) if folder.exists() else set()
    with pytest.raises(PayloadTooLarge):
        uploads.store(io.BytesIO(PNG + b"\x00" * 200_000), 77, max_bytes=100_000)
    after = set(folder.glob("*")) if folder.exists() else set()
    assert after == before
    stored = uploads.store(io.BytesIO(PNG), 77, max_bytes=100_000)
    assert stored.size == len(PNG) and stored.content_type == "image/png"
    assert stored.stored_name.endswith(".png") and len(stored.stored_name) == 36


def test_traversal_names_never_reach_the_file_system(db: Any) -> None:
    row = uploads.make_upload(
        io.BytesIO(PDF),
        workspace_id=5,
        original_name="../../../etc/passwd\x00.pdf",
        purpose="draft",
        uploaded_by="t",
    )
    assert row.original_name == "passwd.pdf"
    assert ".." not in row.stored_name and "/" not in row.stored_name
    path = uploads.path_for(row)
    assert path.parent == (get_settings().uploads_dir / "5").resolve()
    for evil in ("../../secrets.json", "..\\..\\x", ".hidden", "", "a/b"):
        row.stored_name = evil
        with pytest.raises(NotFound):
            uploads.path_for(row)


def _draft_upload(creator: Any, ctx: dict[str, Any], item_id: int, name: str, data: bytes, ctype: str) -> Any:
    return creator.post(
        ctx["link"]["path"] + f"/content/{item_id}/draft",
        data={"csrf_token": ctx["csrf"], "caption": "【PR】#ad test"},
        files={"media": (name, data, ctype)},
        headers={"Accept-Language": "en"},
        follow_redirects=False,
    )


def test_portal_upload_checks_content_not_the_name(client: Any, creator: Any, api: dict[str, Any]) -> None:
    ctx = accepted_deal(client, creator, api)
    items = client.get(f"/api/v1/w/{api['ws']}/deals/{ctx['deal']['id']}/content", headers=api["h"]).json()
    item = items[0]["id"]
    r = _draft_upload(creator, ctx, item, "cute.png", HTML, "image/png")  # HTML pretending to be a PNG
    assert r.status_code == 422 and "not accepted" in r.text
    r = _draft_upload(creator, ctx, item, "script.html", PNG, "text/html")  # a real PNG with a hostile name
    assert r.status_code == 303, r.text
    with unit_of_work() as uow:
        row = uow.session.execute(select(Upload)).scalar_one()
    assert (
        row.content_type == "image/png"
        and row.stored_name.endswith(".png")
        and row.original_name == "script.html"
    )
    # the brand downloads it: image inline with the sniffed type; nosniff and a sandbox CSP
    login(client, api["email"])
    r = client.get(f"/w/{api['ws']}/deals/files/{row.id}")
    assert r.status_code == 200 and r.content == PNG
    assert r.headers["content-type"] == "image/png"
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.headers["content-disposition"].startswith("inline")
    assert "sandbox" in r.headers["content-security-policy"]


def test_non_images_are_served_as_attachments(client: Any, creator: Any, api: dict[str, Any]) -> None:
    ctx = accepted_deal(client, creator, api)
    items = client.get(f"/api/v1/w/{api['ws']}/deals/{ctx['deal']['id']}/content", headers=api["h"]).json()
    r = _draft_upload(creator, ctx, items[0]["id"], '企画書 "v2";.pdf', PDF, "application/pdf")
    assert r.status_code == 303
    with unit_of_work() as uow:
        row = uow.session.execute(select(Upload)).scalar_one()
    r = creator.get(ctx["link"]["path"] + f"/files/{row.id}")
    assert r.status_code == 200
    disposition = r.headers["content-disposition"]
    assert disposition.startswith("attachment;") and "filename*=UTF-8''" in disposition
    assert '"v2"' not in disposition  # quotes cannot break out of the header value
    assert r.headers["content-type"] == "application/pdf"


def test_oversized_upload_is_413(
    client: Any, creator: Any, api: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    ctx = accepted_deal(client, creator, api)
    items = client.get(f"/api/v1/w/{api['ws']}/deals/{ctx['deal']['id']}/content", headers=api["h"]).json()
    monkeypatch.setattr(get_settings(), "upload_max_bytes", 1000)
    r = _draft_upload(creator, ctx, items[0]["id"], "big.png", PNG + b"\x00" * 5000, "image/png")
    assert r.status_code == 413
    with unit_of_work() as uow:
        assert uow.session.execute(select(Upload)).first() is None


def test_empty_file_is_refused(db: Any) -> None:
    with pytest.raises(ValidationFailed):
        uploads.store(io.BytesIO(b""), 1)
