"""Pages render through the real app: list, profile, edit, lists, tiers and the import wizard."""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import select

from kizuna.db import unit_of_work
from kizuna.models.influencer import Influencer
from kizuna.tenancy import bind_workspace
from tests.conftest import login, shared_file


def _seed(owner: dict[str, Any]) -> int:
    from kizuna.influencers import service
    from tests.influencers.conftest import run_in_ctx

    path = shared_file(
        "data/creators/social_media_influencers_2022/social media influencers-YOUTUBE - --DEC 2022.csv"
    )
    run_in_ctx(owner, lambda c: service.import_file(c, path))
    with unit_of_work() as uow:
        bind_workspace(uow.session, owner["workspace_id"])
        return int(
            uow.session.execute(select(Influencer.id).order_by(Influencer.max_followers.desc()))
            .scalars()
            .first()
        )


def test_list_profile_and_edit(client: Any, owner: dict[str, Any]) -> None:
    top = _seed(owner)
    csrf = login(client, owner["email"])
    base = f"/w/{owner['slug']}/influencers"
    r = client.get(f"/w/{owner['slug']}")
    assert f'href="{base}"' in r.text  # the nav item appears
    r = client.get(base, params={"country": "IN", "sort": "-followers"})
    assert r.status_code == 200 and "T-Series" in r.text
    assert "Next page" in r.text
    r = client.get(base, params={"q": "pewdie"})
    assert "PewDiePie" in r.text and "T-Series" not in r.text
    r = client.get(f"{base}/{top}")
    assert r.status_code == 200
    assert "T-Series" in r.text and "view" in r.text and "vs. benchmark" in r.text
    r = client.post(
        f"{base}/{top}/notes", data={"notes": "call in May", "csrf_token": csrf}, follow_redirects=False
    )
    assert r.status_code == 303
    r = client.post(f"{base}/{top}/tags", data={"tag": "music", "csrf_token": csrf}, follow_redirects=False)
    r = client.get(f"{base}/{top}")
    assert "call in May" in r.text and "Tagged an influencer" in r.text and "influencer.tag" not in r.text
    r = client.post(
        f"{base}/{top}/manager",
        data={"name": "Tokyo Talent", "email": "desk@talent.example", "csrf_token": csrf},
        follow_redirects=False,
    )
    assert r.status_code == 303 and "Tokyo Talent" in client.get(f"{base}/{top}").text
    r = client.get(f"{base}/{top}/edit")
    assert r.status_code == 200 and "Tokyo Talent" in r.text
    r = client.post(
        f"{base}/{top}/edit",
        data={
            "display_name": "T-Series Music",
            "csrf_token": csrf,
            "country": "IN",
            "emails": "a@example.com",
        },
        follow_redirects=False,
    )
    assert r.status_code == 303
    assert "T-Series Music" in client.get(f"{base}/{top}").text
    client.cookies.set("kizuna_lang", "ja")
    r = client.get(f"{base}/{top}")
    assert r.status_code == 200 and "アカウントとエンゲージメント" in r.text and "再生数" in r.text
    assert "インフルエンサーにタグを付与" in r.text  # the activity list in Japanese
    # the edit's changed fields as the form names them, not the column names
    assert "名前、メールアドレス" in r.text
    assert "display_name" not in r.text.split("アクティビティ", 1)[-1]
    assert "すべてのインフルエンサー" in client.get(base).text


def test_bulk_lists_and_merge(client: Any, owner: dict[str, Any]) -> None:
    _seed(owner)
    csrf = login(client, owner["email"])
    base = f"/w/{owner['slug']}/influencers"
    client.post(f"{base}/lists", data={"name": "Shortlist", "csrf_token": csrf})
    assert "Shortlist" in client.get(f"{base}/lists").text
    page = client.get(base, params={"limit": 25}).text
    ids = re.findall(r'name="ids" value="(\d+)"', page)[:3]
    list_id = re.search(r'<option value="(\d+)">Shortlist</option>', page)
    assert list_id
    r = client.post(
        f"{base}/bulk",
        data={"ids": ids, "action": "add_to_list", "list_id": list_id.group(1), "csrf_token": csrf},
        follow_redirects=False,
    )
    assert r.status_code == 303
    assert "(3)" in client.get(base).text
    r = client.post(
        f"{base}/bulk", data={"ids": ids[:2], "action": "merge", "csrf_token": csrf}, follow_redirects=False
    )
    assert r.status_code == 303 and "/merge?with=" in r.headers["location"]
    r = client.get(r.headers["location"])
    assert r.status_code == 200
    r = client.post(
        f"{base}/{ids[0]}/merge", data={"duplicate_ids": [ids[1]], "csrf_token": csrf}, follow_redirects=False
    )
    assert r.status_code == 303
    r = client.post(
        f"{base}/bulk", data={"ids": ids, "action": "export", "format": "csv", "csrf_token": csrf}
    )
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")


def test_import_wizard(client: Any, owner: dict[str, Any]) -> None:
    csrf = login(client, owner["email"])
    base = f"/w/{owner['slug']}/influencers"
    assert client.get(f"{base}/import").status_code == 200
    text = "アカウント名,フォロワー数,国,名前\nhanako,1.2万,日本,花子\n,5,日本,名無し\n"
    r = client.post(
        f"{base}/import",
        data={"csrf_token": csrf, "format": "auto"},
        files={"file": ("list.csv", text.encode("cp932"), "text/csv")},
        follow_redirects=False,
    )
    assert r.status_code == 303, r.text
    job_url = r.headers["location"]
    page = client.get(job_url).text
    assert "cp932" in page and "hanako" in page
    assert 'name="col_0"' in page and '<option value="handle" selected' in page
    # no platform column or hint: choose it in the mapping step
    r = client.post(
        f"{job_url}/mapping",
        data={
            "csrf_token": csrf,
            "col_0": "handle",
            "col_1": "followers",
            "col_2": "country",
            "col_3": "display_name",
            "platform": "instagram",
        },
        follow_redirects=False,
    )
    assert r.status_code == 303
    r = client.post(f"{job_url}/run", data={"csrf_token": csrf, "dry_run": "1"}, follow_redirects=False)
    page = client.get(job_url).text
    assert "dry run" in page and "Would be imported" in page
    with unit_of_work() as uow:
        bind_workspace(uow.session, owner["workspace_id"])
        assert uow.session.execute(select(Influencer)).first() is None
    client.post(f"{job_url}/run", data={"csrf_token": csrf, "dry_run": "0"})
    page = client.get(job_url).text
    assert "Rejected rows" in page and "handle missing" in page
    r = client.get(f"{job_url}/rejected.csv")
    assert r.status_code == 200 and "row,column,value,reason" in r.text and "handle missing" in r.text
    progress = client.get(f"{job_url}/progress")
    assert progress.status_code == 200 and "<strong>Done</strong>" in progress.text  # the status as a word
    progress = client.get(f"{job_url}/progress", headers={"Accept-Language": "ja"})
    assert "<strong>完了</strong>" in progress.text
    r = client.post(f"{base}/import", data={"csrf_token": csrf}, files={"file": ("e.csv", b"", "text/csv")})
    assert r.status_code == 422 and "empty" in r.text


def test_tiers_page(client: Any, owner: dict[str, Any]) -> None:
    csrf = login(client, owner["email"])
    base = f"/w/{owner['slug']}/influencers"
    assert client.get(f"{base}/tiers").status_code == 200
    r = client.post(
        f"{base}/tiers",
        data={"csrf_token": csrf, "scheme": "custom", "custom": "small, 0, 1万, Small\nbig, 1万, , Big"},
        follow_redirects=False,
    )
    assert r.status_code == 303
    page = client.get(f"{base}/tiers").text
    assert "small, 0, 10000, Small" in page
    r = client.post(f"{base}/tiers", data={"csrf_token": csrf, "scheme": "custom", "custom": "a, 10, 5"})
    assert r.status_code == 422
