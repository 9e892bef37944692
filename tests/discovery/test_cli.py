"""``kizuna search``: filters, --brief, --like, --limit, --json (results with score parts)."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from kizuna.cli.main import app
from tests.discovery.conftest import Corpus

runner = CliRunner()


def test_search_json_filters(corpus: Corpus) -> None:
    r = runner.invoke(
        app,
        ["search", "--country", "JP", "--audience", "gender:female>=80%", "--sort", "followers", "--json"],
    )
    assert r.exit_code == 0, r.output
    data = json.loads(r.output)
    assert isinstance(data, list)
    assert [d["display_name"] for d in data] == ["美咲｜スキンケア", "Yui 美容日記"]
    first = data[0]
    assert {"influencer_id", "score", "parts", "handles", "followers", "engagement_rate", "contacted"} <= set(
        first
    )
    assert first["handles"][0] == {
        "platform": "instagram",
        "handle": "misaki_skin",
        "followers": 35000,
        "url": None,
    }


def test_search_json_brief_has_score_parts(embedded_corpus: Corpus) -> None:
    r = runner.invoke(
        app, ["search", "--brief", "25〜35歳の女性向けスキンケア、朝のルーティン", "--limit", "3", "--json"]
    )
    assert r.exit_code == 0, r.output
    data = json.loads(r.output)
    assert len(data) == 3
    for item in data:
        assert 0 <= item["score"] <= 1
        names = [p["name"] for p in item["parts"]]
        assert names == ["semantic", "keywords", "audience"]
        assert abs(sum(p["contribution"] for p in item["parts"]) - item["score"]) < 1e-3
        assert abs(sum(p["weight"] for p in item["parts"]) - 1) < 1e-3
    assert {d["display_name"] for d in data[:2]} == {"美咲｜スキンケア", "Yui 美容日記"}


def test_search_like_and_table_output(embedded_corpus: Corpus) -> None:
    r = runner.invoke(
        app, ["search", "--like", "@misaki_skin", "--limit", "2", "--workspace", embedded_corpus.slug]
    )
    assert r.exit_code == 0, r.output
    assert "Yui" in r.output and "matching creators" in r.output


def test_search_errors_are_one_line_and_exit_2(corpus: Corpus) -> None:
    r = runner.invoke(app, ["search", "--audience", "age:20-30>=30%"])
    assert r.exit_code == 2
    assert "invalid_audience_threshold" in r.output
    r = runner.invoke(app, ["search", "--workspace", "nope"])
    assert r.exit_code == 2 and "workspace_not_found" in r.output


def test_search_index_command(corpus: Corpus) -> None:
    r = runner.invoke(app, ["search-index", "--workspace", corpus.slug])
    assert r.exit_code == 0, r.output
    assert "7 embedded" in r.output
