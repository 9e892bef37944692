"""File imports: real exports, API payloads, encodings, idempotency, dry runs, row errors and bad files."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from kizuna.db import unit_of_work
from kizuna.errors import KizunaError
from kizuna.influencers import importer, service
from kizuna.models.influencer import Influencer
from kizuna.models.metric_snapshot import MetricSnapshot
from kizuna.models.post import Post
from kizuna.models.social_account import SocialAccount
from kizuna.tenancy import bind_workspace
from tests.conftest import SHARED, shared_file
from tests.influencers.conftest import count, import_path, run_in_ctx

CREATOR_FILES = sorted(p.relative_to(SHARED) for p in (SHARED / "data" / "creators").glob("*/*.csv"))


def test_creator_fixtures_are_present() -> None:
    assert len(CREATOR_FILES) == 16, "expected the 16 CSV files of ../shared/data/creators"


@pytest.mark.parametrize("relative", CREATOR_FILES, ids=lambda p: p.name)
def test_every_creator_file_imports(owner: dict[str, Any], relative: Path) -> None:
    path = shared_file(str(relative))
    result = import_path(owner, path)
    assert result.rows > 0
    assert result.rows == result.imported + result.updated + result.unchanged + result.rejected
    assert len({(e.row) for e in result.errors}) == result.rejected
    for e in result.errors:
        assert e.row >= 2 and e.reason
    # a second run changes nothing
    again = import_path(owner, path)
    assert again.imported == 0 and again.updated == 0
    assert again.rejected == result.rejected


def test_top_instagram_numbers(owner: dict[str, Any]) -> None:
    path = shared_file("data/creators/top_instagram_influencers_2022/top_insta_influencers_data.csv")
    result = import_path(owner, path)
    assert result.rejected == 0, result.errors
    with unit_of_work() as uow:
        bind_workspace(uow.session, owner["workspace_id"])
        acc = uow.session.execute(
            select(SocialAccount).where(SocialAccount.handle_key == "cristiano")
        ).scalar_one()
        assert acc.platform == "instagram"
        assert acc.followers == 475_800_000
        assert acc.posts_count == 3_300
        assert acc.avg_likes == pytest.approx(8_700_000)
        assert acc.engagement_rate == pytest.approx(0.0139)
        assert acc.engagement_definition == "imported:60_day_eng_rate"
        inf = uow.session.get(Influencer, acc.influencer_id)
        assert (
            inf is not None
            and inf.tier == "mega"
            and inf.country == "ES"
            and inf.max_followers == 475_800_000
        )


def test_youtube_channels_then_videos(owner: dict[str, Any]) -> None:
    ch = import_path(owner, shared_file("data/api_shapes/youtube_channels_list.json"))
    assert (ch.rows, ch.imported, ch.rejected) == (1, 1, 0)
    vids = import_path(owner, shared_file("data/api_shapes/youtube_videos_list.json"))
    assert vids.rejected == 0
    with unit_of_work() as uow:
        bind_workspace(uow.session, owner["workspace_id"])
        acc = uow.session.execute(select(SocialAccount)).scalar_one()
        assert (acc.platform, acc.handle, acc.external_id) == (
            "youtube",
            "@examplechannel",
            "UCxxxxxxxxxxxxxxxxxxxxxx",
        )
        assert (acc.followers, acc.posts_count) == (45_600, 321)
        post = uow.session.execute(select(Post)).scalar_one()
        assert (post.views, post.likes, post.comments, post.post_type) == (98_765, 4_321, 210, "video")
        assert acc.engagement_definition == "view:median_last_1_posts"
        assert acc.engagement_rate == pytest.approx((4321 + 210) / 98765, rel=1e-4)
        inf = uow.session.get(Influencer, acc.influencer_id)
        assert inf is not None and inf.country == "GB" and inf.categories == ["Food"]
    # importing the videos again changes nothing
    again = import_path(owner, shared_file("data/api_shapes/youtube_videos_list.json"))
    assert again.updated == 0 and count(owner, Post) == 1


def test_videos_for_unknown_channel_are_row_errors(owner: dict[str, Any]) -> None:
    result = import_path(owner, shared_file("data/api_shapes/youtube_videos_list.json"))
    assert result.rejected == 1 and "channels.list" in result.errors[0].reason


def test_instagram_business_discovery(owner: dict[str, Any]) -> None:
    result = import_path(owner, shared_file("data/api_shapes/instagram_business_discovery.json"))
    assert (result.imported, result.rejected) == (1, 0)
    with unit_of_work() as uow:
        bind_workspace(uow.session, owner["workspace_id"])
        acc = uow.session.execute(select(SocialAccount)).scalar_one()
        assert (acc.handle, acc.followers, acc.following, acc.posts_count) == (
            "example_creator",
            48_210,
            612,
            845,
        )
        posts = {p.platform_post_id: p for p in uow.session.execute(select(Post)).scalars()}
        reel = posts["17900000000000001"]
        assert reel.post_type == "reel" and reel.likes is None and reel.comments == 57  # hidden likes
        assert reel.is_sponsored and "brand" in reel.mentions
        # per-follower median over posts with like counts only: (1893 + 44) / 48210
        assert acc.engagement_definition == "follower:median_last_1_posts"
        assert acc.engagement_rate == pytest.approx((1893 + 44) / 48210, rel=1e-4)


def test_tiktok_user_info_needs_the_username(owner: dict[str, Any]) -> None:
    path = shared_file("data/api_shapes/tiktok_research_user_info.json")
    without = import_path(owner, path)
    assert without.rejected == 1 and without.errors[0].column == "username"
    result = import_path(owner, path, handle="example.creator")
    assert result.imported == 1
    with unit_of_work() as uow:
        bind_workspace(uow.session, owner["workspace_id"])
        acc = uow.session.execute(select(SocialAccount)).scalar_one()
        assert (acc.platform, acc.followers, acc.verified) == ("tiktok", 120_345, False)


def _csv(tmp_path: Path, text: str, encoding: str = "utf-8", name: str = "f.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


JA = "アカウント名,SNS,フォロワー数,投稿数,エンゲージメント率,国,カテゴリ\nhanako,インスタ,1.2万,35,3.5%,日本,美容\ntaro,TikTok,35万,120,N/A,台湾,グルメ\n"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp932"])
def test_japanese_csv_in_every_excel_encoding(owner: dict[str, Any], tmp_path: Path, encoding: str) -> None:
    result = import_path(owner, _csv(tmp_path, JA, encoding))
    assert (result.rows, result.imported, result.rejected) == (2, 2, 0), result.errors
    assert result.encoding == encoding
    with unit_of_work() as uow:
        bind_workspace(uow.session, owner["workspace_id"])
        rows = {a.handle: a for a in uow.session.execute(select(SocialAccount)).scalars()}
        assert rows["hanako"].followers == 12_000 and rows["hanako"].platform == "instagram"
        assert rows["taro"].followers == 350_000 and rows["taro"].engagement_rate is None
        inf = uow.session.get(Influencer, rows["hanako"].influencer_id)
        assert (
            inf is not None and inf.country == "JP" and inf.primary_category == "美容" and inf.tier == "micro"
        )


def test_xlsx_import(owner: dict[str, Any], tmp_path: Path) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["Name", "Platform", "Handle", "Followers", "Avg likes", "Avg comments"])
    ws.append(["Hanako", "instagram", "@hanako", 15000, 600, 30])
    ws.append(["Bad", "instagram", "@bad", "many", None, None])
    path = tmp_path / "list.xlsx"
    wb.save(path)
    result = import_path(owner, path)
    assert (result.rows, result.imported, result.rejected) == (2, 1, 1)
    assert result.errors[0].as_dict() == {
        "row": 3,
        "column": "Followers",
        "value": "many",
        "reason": "not a number",
    }
    with unit_of_work() as uow:
        bind_workspace(uow.session, owner["workspace_id"])
        acc = uow.session.execute(select(SocialAccount)).scalar_one()
        assert acc.engagement_definition == "follower:average_counts"
        assert acc.engagement_rate == pytest.approx(630 / 15000)


def test_reimport_is_idempotent_and_changes_record_snapshots(owner: dict[str, Any], tmp_path: Path) -> None:
    text = "handle,platform,followers,name\n@a,instagram,1000,A\n@b,instagram,2000,B\n"
    first = import_path(owner, _csv(tmp_path, text))
    assert (first.imported, first.updated) == (2, 0)
    snaps = count(owner, MetricSnapshot)
    second = import_path(owner, _csv(tmp_path, text))
    assert (second.imported, second.updated, second.unchanged) == (0, 0, 2)
    assert count(owner, MetricSnapshot) == snaps and count(owner, SocialAccount) == 2
    third = import_path(owner, _csv(tmp_path, text.replace("2000", "2500")))
    assert (third.imported, third.updated, third.unchanged) == (0, 1, 1)
    assert count(owner, MetricSnapshot) == snaps + 1
    with unit_of_work() as uow:
        bind_workspace(uow.session, owner["workspace_id"])
        b = uow.session.execute(select(Influencer).where(Influencer.display_name == "B")).scalar_one()
        assert b.max_followers == 2500


def test_dry_run_writes_nothing_and_counts_like_a_real_run(owner: dict[str, Any], tmp_path: Path) -> None:
    text = "handle,platform,followers\n@a,instagram,1000\n@b,instagram,x\n@c,youtube,3k\n"
    dry = import_path(owner, _csv(tmp_path, text), dry_run=True)
    assert (dry.rows, dry.imported, dry.rejected) == (3, 2, 1)
    assert (
        count(owner, Influencer) == 0
        and count(owner, SocialAccount) == 0
        and count(owner, MetricSnapshot) == 0
    )
    real = import_path(owner, _csv(tmp_path, text))
    assert real.as_json() == dry.as_json()


def test_row_errors_are_listed_and_valid_rows_still_import(owner: dict[str, Any], tmp_path: Path) -> None:
    text = (
        "name,handle,platform,followers,email\n"
        "Ok,@ok,instagram,1.5k,ok@example.com\n"
        "No handle,,instagram,100,\n"
        "Bad number,@bad,instagram,abc,\n"
        "Bad mail,@mail,instagram,10,nope\n"
        "Negative,@neg,instagram,-5,\n"
    )
    result = import_path(owner, _csv(tmp_path, text))
    assert result.as_json() == {
        "rows": 5,
        "imported": 1,
        "updated": 0,
        "rejected": 4,
        "errors": [
            {"row": 3, "column": "handle", "value": "", "reason": "handle missing"},
            {"row": 4, "column": "followers", "value": "abc", "reason": "not a number"},
            {"row": 5, "column": "email", "value": "nope", "reason": "not an e-mail address"},
            {"row": 6, "column": "followers", "value": "-5", "reason": "a count cannot be negative"},
        ],
    }
    assert count(owner, SocialAccount) == 1
    csv_text = importer.rejected_rows_csv(result.errors)
    assert csv_text.splitlines()[0] == "row,column,value,reason" and len(csv_text.splitlines()) == 5


def test_accounts_of_one_creator_are_grouped(owner: dict[str, Any], tmp_path: Path) -> None:
    text = (
        "name,platform,handle,followers,email\n"
        "Mizuki,youtube,@mizuki,14634,m@example.com\n"
        "Mizuki,tiktok,@mizuki.t,2036,m@example.com\n"
        "Zoe,tiktok,@zoe,5165,\n"
        "Zoe,instagram,@zoe,311,\n"
        "Other,instagram,@other,50,\n"
    )
    result = import_path(owner, _csv(tmp_path, text))
    assert result.imported == 5
    assert count(owner, Influencer) == 3
    with unit_of_work() as uow:
        bind_workspace(uow.session, owner["workspace_id"])
        m = uow.session.execute(select(Influencer).where(Influencer.display_name == "Mizuki")).scalar_one()
        assert m.max_followers == 14634 and m.followers_total == 14634 + 2036 and m.tier == "micro"


@pytest.mark.parametrize(
    ("content", "name", "code"),
    [
        (b"", "empty.csv", "import_empty_file"),
        (b"\n\n  \n", "blank.csv", "import_empty_file"),
        (b"handle,followers\n", "header.csv", "import_empty_file"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00", "image.csv", "import_not_tabular"),
        ("caf\xe9 ol\xe9,x\n\xe9t\xe9 ,y\n".encode("latin-1"), "latin.csv", "import_unknown_encoding"),
        (b"Dear team,\nplease find attached the creators.\n", "letter.txt", "import_not_tabular"),
        (b"{not json", "broken.json", "import_not_tabular"),
        (b'{"hello": "world"}', "object.json", "import_not_tabular"),
        (b"PK\x03\x04garbage", "fake.xlsx", "import_not_tabular"),
        (b"\xd0\xcf\x11\xe0old", "old.xls", "import_not_tabular"),
    ],
)
def test_bad_files_give_one_clear_error(
    owner: dict[str, Any], tmp_path: Path, content: bytes, name: str, code: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(KizunaError) as exc:
        import_path(owner, path)
    assert exc.value.code == code
    assert count(owner, Influencer) == 0


def test_file_over_the_size_limit(owner: dict[str, Any], tmp_path: Path) -> None:
    path = _csv(tmp_path, "handle,platform\n@a,instagram\n")
    with pytest.raises(KizunaError) as exc:
        importer.open_source(path, size_limit=10)
    assert exc.value.code == "import_file_too_large"
    assert exc.value.details["limit"] == 10


def test_export_reimports_without_changes(owner: dict[str, Any], tmp_path: Path) -> None:
    from kizuna.influencers import exporter
    from kizuna.influencers.repository import ListQuery

    import_path(owner, _csv(tmp_path, JA))
    for fmt in ("csv", "xlsx", "json"):
        out = tmp_path / f"export.{fmt}"
        n = run_in_ctx(owner, lambda c, f=fmt, o=out: exporter.write(c.session, ListQuery(), f, o))
        assert n == 2
        again = import_path(owner, out)
        assert (again.rows, again.imported, again.updated, again.rejected) == (2, 0, 0, 0), (
            fmt,
            again.errors,
        )
    doc = json.loads((tmp_path / "export.json").read_text(encoding="utf-8"))
    assert {i["accounts"][0]["handle"] for i in doc["influencers"]} == {"hanako", "taro"}


def test_background_job_records_progress(owner: dict[str, Any], tmp_path: Path) -> None:
    from kizuna.influencers.tasks import run_import_job_now
    from kizuna.models.import_job import ImportJob

    lines = (
        ["handle,platform,followers"] + [f"@u{i},instagram,{1000 + i}" for i in range(2500)] + ["@bad,x,??"]
    )
    path = _csv(tmp_path, "\n".join(lines) + "\n")

    def start(c: Any) -> int:
        job = service.start_upload(c, filename="big.csv", source=path)
        c.session.flush()
        return int(job.id)

    job_id = run_in_ctx(owner, start)
    summary = run_import_job_now(job_id, owner["workspace_id"])
    assert summary["status"] == "done" and summary["imported"] == 2500 and summary["rejected"] == 1
    with unit_of_work() as uow:
        bind_workspace(uow.session, owner["workspace_id"])
        job = uow.session.get(ImportJob, job_id)
        assert job is not None and job.processed_rows == 2501 and job.errors[0]["row"] == 2502
    assert count(owner, SocialAccount) == 2500


def test_exports_neutralise_formulas_and_still_reimport(owner: dict[str, Any], tmp_path: Path) -> None:
    from openpyxl import load_workbook

    from kizuna.influencers import exporter
    from kizuna.influencers.repository import ListQuery

    text = (
        'name,handle,platform,followers,bio\n"=HYPERLINK(""http://x.example"")",@evil,instagram,1000,"+cmd"\n'
    )
    assert import_path(owner, _csv(tmp_path, text)).imported == 1
    out = tmp_path / "export.xlsx"
    run_in_ctx(owner, lambda c: exporter.write(c.session, ListQuery(), "xlsx", out))
    ws = load_workbook(out).active
    assert ws is not None
    cells = [c.value for c in ws[2]]
    assert '\'=HYPERLINK("http://x.example")' in cells and "'+cmd" in cells and "'@evil" in cells
    assert all(getattr(c, "data_type", "s") != "f" for c in ws[2])
    again = import_path(owner, out)
    assert (again.imported, again.updated, again.rejected) == (0, 0, 0)
