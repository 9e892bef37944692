"""One Japanese per English string: the domains' catalogs are merged by msgid, so a msgid translated two ways
reads the way of whichever catalog is merged last, on every page. A word with two meanings gets two msgids.
"""

from __future__ import annotations

from pathlib import Path

from babel.messages.pofile import read_po

from kizuna.web.i18n import LOCALE_DIR, catalog
from tests.test_i18n import CALL, SRC

# Templates whose strings were changed to tell two meanings of one English word apart ("Created" the count,
# "Created on" the date): every string they ask for has to be in a catalog.
DISAMBIGUATED_TEMPLATES = (
    "accounts/tokens.html",
    "content/index.html",
    "deals/brief.html",
    "deals/detail.html",
    "deals/index.html",
    "outreach/compose.html",
    "outreach/sequence.html",
    "portal/index.html",
)


def _translations() -> dict[str, dict[str, object]]:
    """msgid -> {catalog file -> its Japanese (a tuple for plural forms)}, for every entry with a translation."""
    found: dict[str, dict[str, object]] = {}
    for po in sorted(Path(LOCALE_DIR, "ja", "LC_MESSAGES").glob("*.po")):
        with po.open("rb") as fh:
            for m in read_po(fh, locale="ja"):
                if not m.id or not m.string:
                    continue
                msgid = str(m.id[0]) if isinstance(m.id, tuple | list) else str(m.id)
                text = tuple(m.string) if isinstance(m.string, tuple | list) else str(m.string)
                found.setdefault(msgid, {})[po.name] = text
    return found


def test_no_msgid_is_translated_two_ways_in_two_catalogs() -> None:
    translations = _translations()
    assert len(translations) > 1000 and len({f for by in translations.values() for f in by}) > 10
    clashes = [
        f"{msgid!r}: " + ", ".join(f"{name}={text!r}" for name, text in sorted(by_file.items()))
        for msgid, by_file in sorted(translations.items())
        if len(set(by_file.values())) > 1
    ]
    assert not clashes, f"{len(clashes)} msgids read differently by catalog:\n" + "\n".join(clashes)


def test_every_string_of_the_disambiguated_templates_is_in_a_catalog() -> None:
    ja = catalog("ja")
    missing = []
    for name in DISAMBIGUATED_TEMPLATES:
        text = (SRC / "web" / "templates" / name).read_text(encoding="utf-8")
        strings = {
            (m.group(1) or m.group(2)).replace('\\"', '"').replace("\\'", "'") for m in CALL.finditer(text)
        }
        assert strings, name
        missing += [f"{name}: {s!r}" for s in sorted(strings) if not ja.get(s)]
    assert not missing, "\n".join(missing)


def test_one_english_word_with_two_meanings_reads_as_two_japanese_words() -> None:
    ja = catalog("ja")
    # a count of rows written vs the date a row was written
    assert (ja["Created"], ja["Created on"]) == ("作成", "作成日")
    assert (ja["Updated"], ja["Last updated"]) == ("更新", "更新日時")
    # a deliverable's deadline vs when a sequence's next step runs
    assert (ja["Due"], ja["Due at"]) == ("期日", "予定日時")
    # an address field vs the kind of a sequence step
    assert (ja["E-mail"], ja["Automatic e-mail"]) == ("メールアドレス", "自動メール")
    # an influencer's internal notes vs the notes of a brief
    assert (ja["Notes"], ja["Additional notes"]) == ("メモ", "備考")
    # a status (an offer or task nobody answered yet) vs a link
    assert (ja["open"], ja["open post"]) == ("対応待ち", "投稿を開く")


def test_shared_words_read_as_the_product_calls_them() -> None:
    ja = catalog("ja")
    assert ja["Engagement"] == ja["Engagement rate"] == "エンゲージメント率"
    assert ja["Outreach"] == "アウトリーチ" and ja["Outreach results"].startswith("アウトリーチ")
    assert ja["Tier scheme"] == "ティア区分" and "ティア区分" in ja["Changed the workspace tier scheme"]
    assert ja["Custom bands"] == "独自の区分" and ja["Mailboxes"] == "メールボックス"
