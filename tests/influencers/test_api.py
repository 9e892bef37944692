"""JSON API: CRUD, accounts, merge, lists, bulk upsert, file import and export, with stable error codes."""

from __future__ import annotations

from typing import Any

from tests.conftest import login, shared_file


def _api(client: Any, owner: dict[str, Any]) -> tuple[Any, str, dict[str, str]]:
    csrf = login(client, owner["email"])
    return client, f"/api/v1/w/{owner['slug']}", {"X-CSRF-Token": csrf}


def test_crud_and_accounts(client: Any, owner: dict[str, Any]) -> None:
    c, base, h = _api(client, owner)
    body = {
        "display_name": "花子",
        "emails": ["Hanako@Example.com"],
        "country": "日本",
        "categories": ["beauty"],
        "accounts": [
            {
                "platform": "Instagram",
                "handle": "@hanako",
                "followers": 12000,
                "avg_likes": 500,
                "avg_comments": 20,
            }
        ],
    }
    r = c.post(f"{base}/influencers", json=body, headers=h)
    assert r.status_code == 201, r.text
    inf = r.json()
    assert inf["country"] == "JP" and inf["emails"] == ["hanako@example.com"] and inf["tier"] == "micro"
    acc = inf["accounts"][0]
    assert acc["platform"] == "instagram" and acc["engagement_definition"] == "follower:average_counts"
    assert abs(acc["engagement_rate"] - 520 / 12000) < 1e-6
    iid = inf["id"]
    r = c.get(f"{base}/influencers/{iid}")
    assert r.status_code == 200 and r.json()["display_name"] == "花子"
    r = c.patch(f"{base}/influencers/{iid}", json={"tags": ["spring"], "country": "Atlantis"}, headers=h)
    assert r.status_code == 422 and r.json()["error"]["code"] == "invalid_country"
    r = c.patch(f"{base}/influencers/{iid}", json={"tags": ["spring"]}, headers=h)
    assert r.status_code == 200 and r.json()["tags"] == ["spring"]
    # a second influencer cannot claim the same account
    dup = {"display_name": "Copy", "accounts": [{"platform": "instagram", "handle": "HANAKO"}]}
    r = c.post(f"{base}/influencers", json=dup, headers=h)
    assert r.status_code == 409 and r.json()["error"]["code"] == "account_exists"
    r = c.post(
        f"{base}/influencers/{iid}/accounts",
        json={"platform": "tiktok", "handle": "hanako_tt", "followers": 150000},
        headers=h,
    )
    assert r.status_code == 201 and r.json()["max_followers"] == 150000 and r.json()["tier"] == "mid"
    tiktok = next(a for a in r.json()["accounts"] if a["platform"] == "tiktok")
    r = c.patch(f"{base}/influencers/{iid}/accounts/{tiktok['id']}", json={"followers": 90000}, headers=h)
    assert r.status_code == 200 and r.json()["max_followers"] == 90000
    r = c.delete(f"{base}/influencers/{iid}/accounts/{tiktok['id']}", headers=h)
    assert r.status_code == 204
    r = c.get(f"{base}/influencers", params={"country": "JP", "sort": "-followers"})
    assert r.status_code == 200 and r.json()["total"] == 1
    r = c.get(f"{base}/influencers", params={"sort": "bogus"})
    assert r.status_code == 422 and r.json()["error"]["code"] == "invalid_sort"
    r = c.delete(f"{base}/influencers/{iid}", headers=h)
    assert r.status_code == 204
    assert c.get(f"{base}/influencers/{iid}").status_code == 404


def test_bulk_upsert_and_row_errors(client: Any, owner: dict[str, Any]) -> None:
    c, base, h = _api(client, owner)
    rows = [
        {"platform": "instagram", "handle": "a", "name": "A", "followers": "3.3k"},
        {"platform": "youtube", "handle": "b", "followers": "1.2万"},
        {"platform": "instagram", "handle": "", "followers": 5},
    ]
    r = c.post(f"{base}/influencers/bulk-upsert", json={"rows": rows, "dry_run": True}, headers=h)
    assert r.status_code == 200 and r.json()["imported"] == 2
    assert c.get(f"{base}/influencers").json()["total"] == 0
    r = c.post(f"{base}/influencers/bulk-upsert", json={"rows": rows}, headers=h)
    out = r.json()
    assert (out["rows"], out["imported"], out["updated"], out["rejected"]) == (3, 2, 0, 1)
    assert out["errors"][0]["row"] == 3 and out["errors"][0]["reason"] == "handle missing"
    rows[0]["followers"] = "4k"
    out = c.post(f"{base}/influencers/bulk-upsert", json={"rows": rows[:2]}, headers=h).json()
    assert (out["imported"], out["updated"], out["unchanged"]) == (0, 1, 1)
    r = c.post(f"{base}/influencers/bulk-upsert", json={"rows": []}, headers=h)
    assert r.status_code == 422


def test_merge_and_lists(client: Any, owner: dict[str, Any]) -> None:
    c, base, h = _api(client, owner)
    a = c.post(
        f"{base}/influencers",
        json={
            "display_name": "Mika",
            "accounts": [{"platform": "instagram", "handle": "mika", "followers": 5000}],
        },
        headers=h,
    ).json()
    b = c.post(
        f"{base}/influencers",
        json={
            "display_name": "Mika",
            "emails": ["m@example.com"],
            "accounts": [{"platform": "youtube", "handle": "mika_yt", "followers": 20000}],
        },
        headers=h,
    ).json()
    lst = c.post(f"{base}/influencer-lists", json={"name": "Spring"}, headers=h).json()
    r = c.post(f"{base}/influencer-lists/{lst['id']}/members", json={"influencer_ids": [b["id"]]}, headers=h)
    assert r.json()["members"] == 1
    r = c.post(f"{base}/influencers/{a['id']}/merge", json={"duplicate_ids": [b["id"]]}, headers=h)
    merged = r.json()
    assert {x["platform"] for x in merged["accounts"]} == {"instagram", "youtube"}
    assert merged["emails"] == ["m@example.com"] and merged["max_followers"] == 20000
    assert c.get(f"{base}/influencers").json()["total"] == 1
    listed = c.get(f"{base}/influencers", params={"list_id": lst["id"]}).json()
    assert [i["id"] for i in listed["items"]] == [a["id"]]
    r = c.post(f"{base}/influencers/{a['id']}/merge", json={"duplicate_ids": [a["id"]]}, headers=h)
    assert r.json()["error"]["code"] == "merge_self"
    r = c.post(f"{base}/influencer-lists", json={"name": "Spring"}, headers=h)
    assert r.status_code == 409 and r.json()["error"]["code"] == "list_exists"


def test_file_import_and_export(client: Any, owner: dict[str, Any]) -> None:
    c, base, h = _api(client, owner)
    path = shared_file("data/creators/top_instagram_influencers_2022/top_insta_influencers_data.csv")
    with path.open("rb") as fh:
        r = c.post(f"{base}/influencers/import", files={"file": (path.name, fh, "text/csv")}, headers=h)
    assert r.status_code == 200, r.text
    assert r.json()["imported"] == 200 and r.json()["rejected"] == 0
    r = c.post(f"{base}/influencers/import", files={"file": ("e.csv", b"", "text/csv")}, headers=h)
    assert r.status_code == 422 and r.json()["error"]["code"] == "import_empty_file"
    r = c.get(f"{base}/influencers/export", params={"format": "json", "tier": "mega"})
    assert r.status_code == 200 and len(r.json()["influencers"]) == 200
    r = c.get(f"{base}/influencers/export", params={"format": "csv"})
    assert r.status_code == 200 and r.text.count("\n") == 201
    page = c.get(f"{base}/influencers", params={"limit": 25}).json()
    assert len(page["items"]) == 25 and page["next_cursor"]
    nxt = c.get(f"{base}/influencers", params={"limit": 25, "after": page["next_cursor"]}).json()
    assert not {i["id"] for i in page["items"]} & {i["id"] for i in nxt["items"]}
    followers = [i["max_followers"] for i in page["items"] + nxt["items"]]
    assert followers == sorted(followers, reverse=True)
    bad = c.get(f"{base}/influencers", params={"after": "%%%"})
    assert bad.status_code == 422 and bad.json()["error"]["code"] == "invalid_cursor"


def test_large_upload_becomes_a_job(client: Any, owner: dict[str, Any], monkeypatch: Any) -> None:
    from kizuna.influencers import service
    from kizuna.influencers.tasks import run_import_job_now

    monkeypatch.setattr(service, "BACKGROUND_BYTES", 20_000)
    c, base, h = _api(client, owner)
    lines = ["handle,platform,followers"] + [f"@user{i:06d},instagram,{1000 + i}" for i in range(2400)]
    data = ("\n".join(lines) + "\n").encode()
    assert len(data) > service.BACKGROUND_BYTES
    r = c.post(f"{base}/influencers/import", files={"file": ("big.csv", data, "text/csv")}, headers=h)
    assert r.status_code == 202, r.text
    job = r.json()
    assert job["status"] == "queued"
    run_import_job_now(job["id"], owner["workspace_id"])  # what the worker does
    done = c.get(f"{base}/influencers/imports/{job['id']}").json()
    assert (done["status"], done["imported"], done["processed_rows"]) == ("done", 2400, 2400)
