"""Rule packs are data: a new jurisdiction is a JSON file, and a broken file fails loudly at load time."""

from __future__ import annotations

import copy
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from kizuna.compliance.engine import check
from kizuna.compliance.packs import (
    DEFAULT_REGISTRY,
    FINDING_CODES,
    RULES_DIR,
    RULES_PATH_ENV,
    RulePackError,
    UnknownJurisdiction,
    UnknownPlatform,
    load_pack,
    load_registry,
)

GERMAN_PACK: dict[str, Any] = {
    "schema_version": 1,
    "code": "de",
    "name": {"en": "Germany", "ja": "ドイツ"},
    "authority": {"en": "UWG §5a(4), Medienstaatsvertrag §22", "ja": "独UWG5a条4項・メディア州際協定22条"},
    "in_force_since": "2022-05-28",
    "sources": [
        {
            "title": "Die Medienanstalten, Leitfaden Werbekennzeichnung",
            "url": "https://www.die-medienanstalten.de/",
        }
    ],
    "suggested_label": "Werbung",
    "suggested_sentence": {
        "en": "Werbung: bezahlte Kooperation mit {brand}.",
        "ja": "Werbung: bezahlte Kooperation mit {brand}.",
    },
    "labels": [
        {"id": "werbung", "text": "Werbung", "strength": "clear", "forms": ["hashtag", "bracket", "leading"]},
        {"id": "anzeige", "text": "Anzeige", "strength": "clear", "forms": ["hashtag", "bracket", "leading"]},
        {"id": "sponsored", "text": "sponsored", "strength": "ambiguous", "forms": ["hashtag"]},
    ],
    "phrases": [
        {"id": "bezahlte_kooperation", "pattern": "\\bbezahlte\\s+Kooperation\\b", "strength": "clear"}
    ],
    "contradictions": [{"id": "keine_werbung", "pattern": "\\bkeine\\s+Werbung\\b", "severity": "violation"}],
    "placement": {"cluster_min_tags": 4, "cluster_leading_allowed": 1},
    "video": {"require": "any", "absent": "violation"},
    "platform_tool": "supplementary",
}


def write_pack(directory: Path, pack: dict[str, Any], name: str | None = None) -> Path:
    path = directory / f"{name or pack['code']}.json"
    path.write_text(json.dumps(pack, ensure_ascii=False), encoding="utf-8")
    return path


def test_builtin_packs_cover_the_four_jurisdictions() -> None:
    assert DEFAULT_REGISTRY.jurisdictions == ["in", "jp", "uk", "us"]
    for code in DEFAULT_REGISTRY.jurisdictions:
        pack = DEFAULT_REGISTRY.pack(code)
        assert pack.sources, code
        assert any(label.strength == "clear" for label in pack.labels)
        assert any(label.strength == "ambiguous" for label in pack.labels)
    jp = DEFAULT_REGISTRY.pack("JP ")
    assert {"広告", "PR", "プロモーション", "提供", "タイアップ"} <= {label.text for label in jp.labels}
    assert str(jp.in_force_since) == "2023-10-01"


def test_every_builtin_file_is_valid_on_its_own() -> None:
    for path in sorted(RULES_DIR.glob("*.json")):
        assert load_pack(path).code == path.stem


def test_platform_folds_are_data() -> None:
    _, instagram = DEFAULT_REGISTRY.platform("Instagram")
    assert (instagram.fold_chars, instagram.fold_lines) == (125, 3)
    assert DEFAULT_REGISTRY.platform("twitter")[0] == "x"
    assert DEFAULT_REGISTRY.platform(None)[0] == "generic"
    assert DEFAULT_REGISTRY.platform("tiktok")[1].video
    with pytest.raises(UnknownPlatform):
        DEFAULT_REGISTRY.platform("myspace")


def test_unknown_jurisdiction_is_a_typed_error() -> None:
    with pytest.raises(UnknownJurisdiction) as err:
        check("#ad", jurisdiction="fr")
    assert err.value.code == "compliance_unknown_jurisdiction"
    assert "in, jp, uk, us" in err.value.message


def test_a_new_jurisdiction_loads_from_a_directory_without_code_changes(tmp_path: Path) -> None:
    write_pack(tmp_path, GERMAN_PACK)
    registry = load_registry([tmp_path])
    assert registry.jurisdictions == ["de", "in", "jp", "uk", "us"]

    ok = check("Werbung: Mein neuer Lieblingskaffee von @roestwerk", jurisdiction="de", registry=registry)
    assert ok.verdict == "compliant"
    assert (
        check("Bezahlte Kooperation mit @brand", jurisdiction="de", registry=registry).verdict == "compliant"
    )

    missing = check("Mein neuer Lieblingskaffee", jurisdiction="de", registry=registry)
    assert missing.codes == ["disclosure_missing"]
    assert "UWG" in missing.findings[0].message.en
    assert missing.findings[0].fix.en.startswith("Start the caption with “Werbung”")

    assert check("Kaffee! #sponsored", jurisdiction="de", registry=registry).codes == [
        "ambiguous_disclosure_only"
    ]
    buried = check("Kaffee #a #b #c #werbung", jurisdiction="de", registry=registry)
    assert buried.codes == ["disclosure_buried_in_hashtags"]  # this pack calls 4 tags a wall
    contradicted = check("#Werbung aber eigentlich keine Werbung", jurisdiction="de", registry=registry)
    assert contradicted.codes == ["disclosure_contradicted"]


def test_a_pack_dir_replaces_a_builtin_pack_of_the_same_code(tmp_path: Path) -> None:
    stricter_us = json.loads((RULES_DIR / "us.json").read_text(encoding="utf-8"))
    stricter_us["placement"]["cluster_min_tags"] = 2
    write_pack(tmp_path, stricter_us)
    registry = load_registry([tmp_path])
    text = "Loving it #skincare #ad"
    assert check(text, jurisdiction="us").verdict == "compliant"
    assert check(text, jurisdiction="us", registry=registry).codes == ["disclosure_buried_in_hashtags"]


def test_pack_message_overrides_replace_the_catalog_text(tmp_path: Path) -> None:
    pack = copy.deepcopy(GERMAN_PACK)
    pack["messages"] = {
        "disclosure_missing": {
            "message": {"en": "Kennzeichnung fehlt ({authority}).", "ja": "表示がありません（{authority}）。"}
        }
    }
    write_pack(tmp_path, pack)
    result = check("Kaffee", jurisdiction="de", registry=load_registry([tmp_path]))
    assert result.findings[0].message.en == "Kennzeichnung fehlt (UWG §5a(4), Medienstaatsvertrag §22)."
    assert result.findings[0].fix.en.startswith("Start the caption")  # fix falls back to the catalog


def broken(**changes: Any) -> dict[str, Any]:
    pack = copy.deepcopy(GERMAN_PACK)
    for dotted, value in changes.items():
        target: Any = pack
        *parents, last = dotted.split("__")
        for key in parents:
            target = target[int(key)] if isinstance(target, list) else target[key]
        if isinstance(target, list):
            target[int(last)] = value
        else:
            target[last] = value
    return pack


@pytest.mark.parametrize(
    ("pack", "fragment"),
    [
        (broken(labels__0__inline_not_before="(unclosed"), "labels.0.inline_not_before"),
        (broken(phrases__0__pattern="[a-"), "invalid regular expression"),
        (broken(phrases__0__pattern="x*"), "matches the empty string"),
        (broken(labels__0__strength="strong"), "labels.0.strength"),
        (broken(labels__0__forms=["hashtag", "hashtag"]), "forms must not repeat"),
        (broken(labels__1__id="werbung"), "repeated: werbung"),
        (broken(labels__0__surprise=True), "labels.0.surprise"),
        (broken(sources=[]), "sources"),
        (broken(suggested_sentence={"en": "Ad by {brnad}", "ja": "x"}), "unknown placeholder {brnad}"),
        (broken(messages={"no_such_code": {}}), "unknown finding codes: no_such_code"),
        (
            broken(suggested_sentence={"en": "Ad ({authority})", "ja": "x"}),
            "only use the {brand} placeholder",
        ),
        (
            broken(placement={"cluster_min_tags": 1, "cluster_leading_allowed": 1}),
            "placement.cluster_min_tags",
        ),
        (
            broken(
                labels=[{"id": "sp", "text": "sp", "strength": "ambiguous", "forms": ["hashtag"]}], phrases=[]
            ),
            "strength 'clear'",
        ),
        (broken(name={"en": "Germany"}), "name.ja"),
    ],
)
def test_broken_packs_give_a_clear_error_naming_file_and_field(
    tmp_path: Path, pack: dict[str, Any], fragment: str
) -> None:
    path = write_pack(tmp_path, pack)
    with pytest.raises(RulePackError) as err:
        load_registry([tmp_path])
    assert fragment in err.value.message
    assert str(path) in err.value.message
    assert err.value.code == "compliance_rule_pack_invalid"


def test_file_name_must_match_the_code(tmp_path: Path) -> None:
    write_pack(tmp_path, GERMAN_PACK, name="at")
    with pytest.raises(RulePackError, match="does not match the file name 'at'"):
        load_registry([tmp_path])


def test_malformed_json_is_reported(tmp_path: Path) -> None:
    (tmp_path / "de.json").write_text('{"schema_version": 1,', encoding="utf-8")
    with pytest.raises(RulePackError, match="cannot read"):
        load_registry([tmp_path])


def test_missing_directory_is_reported(tmp_path: Path) -> None:
    with pytest.raises(RulePackError, match="does not exist"):
        load_registry([tmp_path / "nope"])


def test_catalog_defines_every_finding_code() -> None:
    assert set(DEFAULT_REGISTRY.catalog.findings) == set(FINDING_CODES)


def _run_with_rules_path(directory: Path, code: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, RULES_PATH_ENV: str(directory)}
    return subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60)


def test_deployments_add_packs_through_the_environment(tmp_path: Path) -> None:
    write_pack(tmp_path, GERMAN_PACK)
    proc = _run_with_rules_path(
        tmp_path,
        "from kizuna.compliance.engine import check; print(check('Anzeige | Neue Schuhe', jurisdiction='de').verdict)",
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "compliant"


def test_a_broken_pack_stops_the_import(tmp_path: Path) -> None:
    write_pack(tmp_path, broken(phrases__0__pattern="(oops"))
    proc = _run_with_rules_path(tmp_path, "import kizuna.compliance.engine")
    assert proc.returncode != 0
    assert "RulePackError" in proc.stderr
    assert "phrases.0.pattern" in proc.stderr
