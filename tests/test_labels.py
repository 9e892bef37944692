"""Platform and category keys read as names, in the reader's language; unknown keys pass through unchanged."""

from __future__ import annotations

from kizuna.kit.labels import category_label, platform_label
from kizuna.web import i18n
from kizuna.web.templating import env


def test_known_keys_have_names_in_both_languages() -> None:
    assert platform_label("youtube") == "YouTube"
    assert platform_label("naver_blog", "ja") == "NAVERブログ"
    assert category_label("skincare", "ja") == "スキンケア"
    assert category_label("Skincare") == "Skincare"


def test_unknown_keys_are_shown_as_entered() -> None:
    assert platform_label("mastodon", "ja") == "mastodon"
    assert category_label("キャンプ飯", "ja") == "キャンプ飯"
    assert platform_label(None) == ""


def test_template_filters_follow_the_request_locale() -> None:
    template = env.from_string("{{ p|platform }} / {{ c|category }} / {{ x|category }}")
    values = {"p": "blog", "c": "food", "x": "<b>"}
    token = i18n.set_request_locale(i18n.RequestLocale(locale="ja"))
    try:
        assert template.render(**values) == "ブログ / グルメ / &lt;b&gt;"
    finally:
        i18n.reset_request_locale(token)
    assert template.render(**values) == "Blog / Food / &lt;b&gt;"


# --- audit actions ---------------------------------------------------------------------------------------------

# Functions that write an audit row: ``audit(action, ...)`` (Ctx, the deal Actor) takes the code first,
# ``record``/``audit_record`` (kizuna.accounts.audit) and the AuditLog model take ``action=``.
_AUDIT_WRITERS = {"audit", "record", "audit_record", "AuditLog"}
# These pass their caller's ``action`` through; every other call has to spell its codes out in the source.
_PASS_THROUGH = {("tenancy.py", "action"), ("deals/actors.py", "action"), ("accounts/audit.py", "action")}


def _written_audit_actions() -> dict[str, str]:
    """Every action code the source writes -> one place that writes it (a conditional gives both branches)."""
    import ast
    from pathlib import Path

    import kizuna

    src = Path(kizuna.__file__).parent
    found: dict[str, str] = {}
    hidden: list[str] = []
    for path in sorted(src.rglob("*.py")):
        rel = path.relative_to(src).as_posix()
        if rel.startswith("migrations/"):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), rel)):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
            if name not in _AUDIT_WRITERS:
                continue
            expr = next((kw.value for kw in node.keywords if kw.arg == "action"), None)
            if expr is None and name == "audit" and node.args:
                expr = node.args[0]
            if expr is None:
                continue
            where = f"{rel}:{node.lineno}"
            branches = [expr.body, expr.orelse] if isinstance(expr, ast.IfExp) else [expr]
            for branch in branches:
                if isinstance(branch, ast.Constant) and isinstance(branch.value, str):
                    found.setdefault(branch.value, where)
                elif not (isinstance(branch, ast.Name) and (rel, branch.id) in _PASS_THROUGH):
                    hidden.append(f"{where}: {ast.unparse(branch)}")
    assert not hidden, "audit actions built at run time cannot be checked for a label:\n" + "\n".join(hidden)
    return found


def test_every_audit_action_written_in_the_source_has_a_label() -> None:
    from kizuna.kit.labels import AUDIT_ACTIONS

    written = _written_audit_actions()
    assert len(written) > 90 and "influencer.import" in written and "deal.offer_countered" in written
    missing = sorted(f"{where}: {code}" for code, where in written.items() if code not in AUDIT_ACTIONS)
    assert not missing, "no label in kizuna.kit.labels.AUDIT_ACTIONS:\n" + "\n".join(missing)


def test_audit_action_labels_have_their_own_japanese() -> None:
    from pathlib import Path

    from babel.messages.pofile import read_po

    from kizuna.kit.labels import AUDIT_ACTIONS
    from kizuna.web.i18n import LOCALE_DIR, catalog

    english = list(AUDIT_ACTIONS.values())
    assert len(set(english)) == len(english), "two actions read the same"
    ja = catalog("ja")
    untranslated = [e for e in english if not ja.get(e) or ja[e] == e]
    assert not untranslated, untranslated
    # Catalogs are merged: the same msgid translated differently in another domain's catalog would win or lose
    # by file name, so each label is defined once.
    labels = set(english)
    elsewhere: list[str] = []
    for po in sorted(Path(LOCALE_DIR, "ja", "LC_MESSAGES").glob("*.po")):
        if po.name == "audit.po":
            continue
        with po.open("rb") as fh:
            elsewhere += [f"{po.name}: {m.id}" for m in read_po(fh, locale="ja") if m.id in labels]
    assert not elsewhere, elsewhere


def test_audit_actions_read_as_words_in_both_languages() -> None:
    from kizuna.kit.labels import audit_action_label

    assert audit_action_label("influencer.import") == "Imported influencers"
    assert audit_action_label("influencer.import", "ja") == "インフルエンサーをインポート"
    assert audit_action_label("deal.offer_countered", "ja") == "取引の条件を再提案"
    # a code without a label (newer or older than this version) still reads as words, untranslated
    assert audit_action_label("tracking.links_archived", "ja") == "Tracking: links archived"
    assert audit_action_label("legacy_thing") == "Legacy thing"
    assert audit_action_label(None) == ""


def test_audit_action_filter_follows_the_request_locale() -> None:
    template = env.from_string("{{ a|audit_action }} / {{ b|audit_action }}")
    values = {"a": "content.approved", "b": "x.<b>"}
    token = i18n.set_request_locale(i18n.RequestLocale(locale="ja"))
    try:
        assert template.render(**values) == "コンテンツを承認 / X: &lt;b&gt;"
    finally:
        i18n.reset_request_locale(token)
    assert template.render(**values) == "Approved a piece of content / X: &lt;b&gt;"
