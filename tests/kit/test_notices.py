"""Import warnings are stored in English with their msgid, and shown in the reader's language."""

from __future__ import annotations

import pickle
from pathlib import Path
from typing import Any

from kizuna.influencers import importer
from kizuna.kit.notices import Notice, encode, lines, translated
from tests.conftest import login

DUPLICATES = (
    "%(count)s rows repeat a platform + handle that appears later in the same batch of the file; "
    "the later row was used (counted as unchanged)"
)


def test_a_notice_is_its_english_text_and_translates_later() -> None:
    n = Notice(DUPLICATES, count=4)
    assert isinstance(n, str)
    assert n == (
        "4 rows repeat a platform + handle that appears later in the same batch of the file; the later row was "
        "used (counted as unchanged)"
    )
    assert n.translated("en") == n
    ja = n.translated("ja")
    assert ja.startswith("4 行は") and "重複" in ja
    assert pickle.loads(pickle.dumps(n)).translated("ja") == ja
    assert translated("plain text", "ja") == "plain text"


def test_stored_notices_read_back_in_either_language_and_old_text_stays() -> None:
    stored = encode([Notice(DUPLICATES, count=2), "a failure message"])
    assert lines(stored, "ja")[0].startswith("2 行は")
    assert lines(stored, "en") == [str(Notice(DUPLICATES, count=2)), "a failure message"]
    assert lines("line one\nline two", "ja") == ["line one", "line two"]  # a message stored before notices
    assert lines('{"not": "ours"}', "ja") == ['{"not": "ours"}']
    assert lines("", "ja") == [] and encode([]) == ""


def test_every_import_warning_has_a_japanese_translation(tmp_path: Path) -> None:
    """A file that gets all three warnings: platform guessed from the file name, a numeric-looking column whose
    values are not numbers, and handles repeated in one batch."""
    path = tmp_path / "tiktok export.csv"
    path.write_text(
        "handle,followers,posts\n@a,100,Spain\n@b,200,France\n@a,300,Italy\n@c,5,Peru\n", encoding="utf-8"
    )
    source = importer.open_source(path)
    found = [w for w in source.warnings if isinstance(w, Notice)]
    assert len(found) == 2 and len(found) == len(source.warnings)
    assert any("'tiktok'" in w for w in found) and any("'posts'" in w for w in found)
    for w in [*found, Notice(DUPLICATES, count=3)]:  # the third is made by run_import
        assert w.translated("en") == str(w)
        ja = w.translated("ja")
        assert ja != str(w) and all(str(v) in ja for v in w.params.values())


def test_import_page_shows_warnings_in_the_readers_language(client: Any, owner: dict[str, Any]) -> None:
    csrf = login(client, owner["email"])
    base = f"/w/{owner['slug']}/influencers"
    r = client.post(
        f"{base}/import",
        data={"csrf_token": csrf, "format": "auto"},
        files={"file": ("tiktok export.csv", b"handle,followers\n@a,100\n@b,200\n", "text/csv")},
        follow_redirects=False,
    )
    assert r.status_code == 303, r.text
    job_url = r.headers["location"]
    en = client.get(job_url, headers={"Accept-Language": "en"}).text
    ja = client.get(job_url, headers={"Accept-Language": "ja"}).text
    assert "platform &#39;tiktok&#39; inferred from the headers or file name" in en
    assert "プラットフォーム &#39;tiktok&#39; を見出しまたはファイル名から推定しました" in ja
    assert "inferred from the headers" not in ja
