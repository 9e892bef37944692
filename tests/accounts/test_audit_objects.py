"""The audit page names each row's object and lists its data as labelled values, in the reader's language, looking
names up in bulk and only inside the reader's workspace."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from contextlib import contextmanager
from html import unescape
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, event, select

import kizuna
from kizuna.accounts.audit import (
    ACTION_DETAIL_KEYS,
    DETAIL_KEYS,
    FIELD_NAMES,
    OBJECT_KINDS,
    SHORT,
    detail_label,
    field_name,
    object_kind_label,
)
from kizuna.db import unit_of_work
from kizuna.models import Base
from kizuna.models.campaign import Campaign
from kizuna.models.influencer import Influencer
from kizuna.models.membership import Membership
from tests.conftest import login, make_user_and_workspace
from tests.factories import make_row

AUDIT = "/w/acme/settings/audit"

# Tables no code writes audit rows for (their rows change as a side effect of an audited change, or are internal).
# A new model has to be added either here or to OBJECT_KINDS, so that a new audited type is never forgotten.
NOT_AUDITED = {
    "audit_log",
    "login_attempts",
    "webhook_receipts",
    "click_events",
    "click_daily",
    "order_daily",
    "shop_orders",
    "promo_codes",
    "posts",
    "post_metric_snapshots",
    "metric_snapshots",
    "campaign_posts",
    "audience_profiles",
    "audience_quality_scores",
    "audience_quality_overrides",
    "follower_samples",
    "comment_samples",
    "influencer_embeddings",
    "influencer_list_members",
    "managers",
    "saved_searches",
    "outreach_sequence_versions",
    "content_checks",
}


# --- helpers ---------------------------------------------------------------------------------------------------


def _log(
    workspace_id: int, action: str, obj: Any = None, data: dict[str, Any] | None = None, **kw: Any
) -> None:
    from kizuna.accounts.audit import record

    with unit_of_work() as uow:
        entry = record(
            uow.session,
            action=action,
            workspace_id=workspace_id,
            actor=None,
            obj=obj,
            data=data,
            actor_label="tester",
            object_type=kw.get("object_type"),
        )
        if "object_id" in kw:
            entry.object_id = kw["object_id"]


def _influencer(workspace_id: int, name: str) -> Influencer:
    with unit_of_work() as uow:
        inf = make_row(uow.session, Influencer, workspace_id)
        inf.display_name = name
        uow.session.flush()
        uow.session.expunge(inf)
        return inf  # type: ignore[no-any-return]


def _campaign(workspace_id: int, name: str) -> Campaign:
    with unit_of_work() as uow:
        row = make_row(uow.session, Campaign, workspace_id)
        row.name = name
        uow.session.flush()
        uow.session.expunge(row)
        return row  # type: ignore[no-any-return]


@contextmanager
def _statements(engine: Engine) -> Iterator[list[str]]:
    """Every SQL statement sent to the database inside the block."""
    seen: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        seen.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", count)


def _cells(html: str) -> list[tuple[str, str]]:
    """(object cell, details cell) of each row of the audit table, as HTML."""
    return re.findall(r'<td class="audit-object">(.*?)</td>\s*<td>(.*?)</td></tr>', html, flags=re.S)


def _page(client: Any, lang: str = "en") -> str:
    r = client.get(AUDIT, headers={"Accept-Language": lang})
    assert r.status_code == 200, r.text
    return str(r.text)


# --- what the page shows ---------------------------------------------------------------------------------------


def test_objects_read_as_type_and_name_linked_to_their_page(client: Any, owner: dict[str, Any]) -> None:
    ws = owner["workspace_id"]
    inf = _influencer(ws, "Aiko Tanaka")
    camp = _campaign(ws, "Spring skincare launch")
    _log(ws, "influencer.update", inf, {"fields": ["bio", "display_name"]})
    _log(ws, "campaign.shortlist", camp, {"influencer_id": inf.id, "fee": 50000})
    dup = _influencer(ws, "Aiko T. (old profile)")
    _log(ws, "influencer.merge", inf, {"merged": [dup.id, 999999], "accounts_moved": 3})
    login(client, owner["email"])

    html = _page(client)
    assert "Influencer" in html and "Campaign" in html
    assert f'<a href="/w/acme/influencers/{inf.id}">Aiko Tanaka</a>' in html
    assert f'<a href="/w/acme/campaigns/{camp.id}">Spring skincare launch</a>' in html
    assert f"influencers {inf.id}" not in html and "campaigns " not in html
    # details: labelled values, the influencer id in the data named too
    assert "<dt>Changed fields</dt><dd>Bio, Name</dd>" in html
    assert "<dt>Fee</dt><dd>50,000</dd>" in html
    assert f'<dt>Influencer</dt><dd><a href="/w/acme/influencers/{inf.id}">Aiko Tanaka</a></dd>' in html
    # a list of ids names each row; one that is gone reads as its id
    assert (
        f'<dt>Merged profiles</dt><dd><a href="/w/acme/influencers/{dup.id}">Aiko T. (old profile)</a>, '
        '<span class="muted">#999999 (deleted)</span></dd>'
    ) in html
    assert "<dt>Accounts moved</dt><dd>3</dd>" in html
    # the raw JSON stays available for support
    assert '<details class="audit-raw"><summary>Raw data (JSON)</summary>' in html
    assert "&#34;fee&#34;: 50000" in html

    ja = _page(client, "ja")
    assert "インフルエンサー" in ja and "キャンペーン" in ja
    assert "<dt>変更した項目</dt><dd>自己紹介、名前</dd>" in ja
    assert "<dt>報酬</dt><dd>50,000</dd>" in ja
    assert "元データ（JSON）" in ja
    assert f'<a href="/w/acme/influencers/{inf.id}">Aiko Tanaka</a>' in ja


def test_a_deleted_object_reads_as_its_id(client: Any, owner: dict[str, Any]) -> None:
    ws = owner["workspace_id"]
    inf = _influencer(ws, "Gone Girl")
    _log(ws, "influencer.delete", inf, {"name": "Gone Girl"})
    with unit_of_work() as uow:
        uow.session.delete(uow.session.get(Influencer, inf.id))
    # a row written with a type and an id that never existed
    _log(ws, "deal.cancelled", object_type="deals", object_id=987654, data={"reason": "budget cut"})
    login(client, owner["email"])

    html = _page(client)
    assert len(_cells(html)) == 3  # and "Created the workspace"
    assert f"#{inf.id} (deleted)" in html and "#987654 (deleted)" in html
    assert f'href="/w/acme/influencers/{inf.id}"' not in html
    # the deleted influencer's name is still in its own data
    assert "<dt>Name</dt><dd>Gone Girl</dd>" in html
    assert "<dt>Reason</dt><dd>budget cut</dd>" in html

    ja = _page(client, "ja")
    assert f"#{inf.id}（削除済み）" in ja and "取引" in ja and "<dt>理由</dt>" in ja


def test_another_workspaces_object_with_the_same_id_never_shows_its_name(
    client: Any, owner: dict[str, Any]
) -> None:
    ws = owner["workspace_id"]
    other = make_user_and_workspace("rival@example.com", "rival")
    secret = _influencer(other["workspace_id"], "Rival Secret Creator")
    secret_campaign = _campaign(other["workspace_id"], "Rival Secret Campaign")
    # acme's log names rival's ids (as a forged or corrupted row would)
    _log(ws, "influencer.update", object_type="influencers", object_id=secret.id, data={"fields": ["bio"]})
    _log(
        ws,
        "deal.created",
        object_type="campaigns",
        object_id=secret_campaign.id,
        data={"campaign_id": secret_campaign.id},
    )
    _log(ws, "workspace.updated", object_type="workspaces", object_id=other["workspace_id"], data={})
    login(client, owner["email"])

    for lang in ("en", "ja"):
        html = _page(client, lang)
        assert "Rival" not in html and "rival" not in html
        assert f"#{secret.id}" in html and f"#{secret_campaign.id}" in html
        assert f"/influencers/{secret.id}" not in html and f"/campaigns/{secret_campaign.id}" not in html
    # the same ids read as names in their own workspace
    _log(other["workspace_id"], "influencer.update", secret, {"fields": ["bio"]})
    client.cookies.clear()
    login(client, "rival@example.com")
    r = client.get("/w/rival/settings/audit")
    assert r.status_code == 200 and "Rival Secret Creator" in r.text


def test_detail_values_are_escaped_shortened_and_compact(client: Any, owner: dict[str, Any]) -> None:
    ws = owner["workspace_id"]
    inf = _influencer(ws, "<img src=x onerror=alert(1)>")
    long_reason = "The creator asked to move the launch " + "again and again " * 10 + "<b>end</b>"
    _log(
        ws,
        "deal.offer_declined",
        inf,
        {
            "reason": long_reason,
            "note": "<script>alert('x')</script>",
            "changed": {"fee_minor": [1000, 2000], "deliverables": {"count": 2}},
            "active": True,
            "dry_run": False,
            "gross_minor": 123400,
            "currency": "JPY",
            "platform": "naver_blog",
            "mystery_key": None,
            "override_id": 12345,
            "rows": 12000,
            "tags": [1500, "vip", True],
            "expires_at": "2026-12-01T03:00:00+00:00",
            "for": "next <i>week</i>",
        },
    )
    login(client, owner["email"])
    html = _page(client)
    assert "<script>" not in html.split("</head>", 1)[1].replace('<script src="', "")
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in html
    assert "<img src=x" not in html and "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "<b>end</b>" not in html
    # a long value: shortened on the page, whole in the title
    obj, details = _cells(html)[0]
    assert f'<a href="/w/acme/influencers/{inf.id}">&lt;img src=x onerror=alert(1)&gt;</a>' in obj
    m = re.search(r'<dt>Reason</dt><dd title="([^"]*)">([^<]*)</dd>', details)
    assert m is not None
    assert unescape(m.group(1)) == long_reason
    shown = unescape(m.group(2))
    assert shown.endswith("…") and len(shown) <= SHORT and long_reason.startswith(shown[:-1])
    # nested values on one line, booleans and money as words and amounts, unknown keys as their words
    assert (
        "<dt>Changed terms</dt><dd>deliverables: {&#34;count&#34;:2}, fee_minor: [1000,2000]</dd>" in details
    )
    assert "<dt>Enabled</dt><dd>Yes</dd>" in details and "<dt>Dry run</dt><dd>No</dd>" in details
    assert "<dt>Gross</dt><dd>¥123,400</dd>" in details
    assert "<dt>Platform</dt><dd>Naver Blog</dd>" in details
    assert "<dt>Mystery key</dt><dd>—</dd>" in details
    assert "<dt>Override</dt><dd>#12345</dd>" in details and "<dt>Rows</dt><dd>12,000</dd>" in details
    assert "<dt>Tags</dt><dd>1500, vip, Yes</dd>" in details
    # a timestamp in the reader's zone (Asia/Tokyo), like the When column; text that is not one as it is
    m = re.search(
        r'<dt>Expires</dt><dd><time datetime="2026-12-01T03:00:00\+00:00">([^<]*)</time></dd>', details
    )
    assert m is not None and "12:00" in m.group(1), details
    assert "<dt>Scheduled for</dt><dd>next &lt;i&gt;week&lt;/i&gt;</dd>" in details
    ja = _cells(_page(client, "ja"))[0][1]
    assert "<dt>ドライラン</dt><dd>なし</dd>" in ja and "<dt>プラットフォーム</dt><dd>NAVERブログ</dd>" in ja
    assert "<dt>総額</dt><dd>￥123,400</dd>" in ja
    assert '<time datetime="2026-12-01T03:00:00+00:00">2026/12/01 12:00</time>' in ja


def test_api_tokens_link_only_for_their_owner(client: Any, owner: dict[str, Any]) -> None:
    from kizuna.accounts import service
    from kizuna.models.user import User
    from kizuna.models.workspace import Workspace

    colleague = make_user_and_workspace("colleague@example.com", "acme", role="admin")
    with unit_of_work() as uow:
        s = uow.session
        ws = s.get(Workspace, owner["workspace_id"])
        mine = service.create_api_token(s, ws, s.get(User, owner["user_id"]), name="my-ci").row.id
        theirs = service.create_api_token(s, ws, s.get(User, colleague["user_id"]), name="their-ci").row.id
    login(client, owner["email"])
    html = _page(client)
    assert '<a href="/w/acme/settings/tokens">my-ci</a>' in html
    assert "their-ci" in html and '<a href="/w/acme/settings/tokens">their-ci</a>' not in html
    assert mine != theirs


# --- bulk look-ups ---------------------------------------------------------------------------------------------


def _statements_for_page(client: Any, engine: Engine) -> list[str]:
    with _statements(engine) as seen:
        _page(client)
    return seen


def test_the_number_of_queries_does_not_grow_with_the_rows(
    client: Any, owner: dict[str, Any], db: Engine
) -> None:
    ws = owner["workspace_id"]
    login(client, owner["email"])

    def add_rows(n: int) -> None:
        for i in range(n):
            inf = _influencer(ws, f"Creator {i}")
            camp = _campaign(ws, f"Campaign {i}")
            _log(ws, "campaign.shortlist", camp, {"influencer_id": inf.id})
            _log(ws, "influencer.update", inf, {"fields": ["bio"]})

    add_rows(2)
    few = _statements_for_page(client, db)
    add_rows(20)
    many = _statements_for_page(client, db)
    assert len(many) == len(few), "\n".join(many)
    html = _page(client)
    assert "Creator 19" in html and "Campaign 19" in html and "Creator 0" in html
    # one statement for influencers (the rows' objects and the ids in their data together), one for campaigns
    assert sum(1 for s in many if re.search(r"\bFROM influencers\b", s)) == 1
    assert sum(1 for s in many if re.search(r"\bFROM campaigns\b", s)) == 1


def _make_objects(workspace_id: int) -> dict[str, int]:
    """One row of every table the audit page names, each with an audit row about it."""
    ids: dict[str, int] = {}
    cache: dict[type, Any] = {}
    with unit_of_work() as uow:
        for table, kind in OBJECT_KINDS.items():
            if kind.model is Membership:  # one per user: the owner's
                ids[table] = uow.session.execute(
                    select(Membership.id).where(Membership.workspace_id == workspace_id)
                ).scalar_one()
            elif kind.model is not None:
                ids[table] = make_row(uow.session, kind.model, workspace_id, cache).id
    for table, object_id in ids.items():
        _log(workspace_id, "test.touched", object_type=table, object_id=object_id)
    return ids


def test_every_kind_of_object_is_named_with_one_query_per_kind(
    client: Any, owner: dict[str, Any], db: Engine
) -> None:
    login(client, owner["email"])
    empty = _statements_for_page(client, db)
    ids = _make_objects(owner["workspace_id"])
    seen = _statements_for_page(client, db)
    assert len(seen) <= len(empty) + len(ids), "\n".join(seen)

    html = _page(client)
    assert "(deleted)" not in html
    cells = _cells(html)
    assert len(cells) == len(ids) + 1  # and "Created the workspace"
    for table in ids:
        assert object_kind_label(table, "en") in html, table
    # every link goes to a page the app has (the generic rows are too bare for some pages to render)
    links = sorted(
        {unescape(h) for h in re.findall(r'<a href="(/w/acme/[^"]+)">', "".join(c for c, _d in cells))}
    )
    assert len(links) >= 20
    pages = [r for r in client.app.routes if "GET" in getattr(r, "methods", ()) and hasattr(r, "path_regex")]
    for href in links:
        path = href.split("#")[0].split("?")[0]
        assert any(r.path_regex.fullmatch(path) for r in pages), href
    assert client.get(f"/w/acme/influencers/{ids['influencers']}").status_code == 200

    ja = _page(client, "ja")
    assert "削除済み" not in ja
    for table in ids:
        assert object_kind_label(table, "ja") in ja, table


# --- labels cover what the code writes -------------------------------------------------------------------------

_AUDIT_WRITERS = {"audit", "record", "audit_record", "AuditLog"}


def _audit_calls() -> Iterator[tuple[str, ast.Call]]:
    src = Path(kizuna.__file__).parent
    for path in sorted(src.rglob("*.py")):
        rel = path.relative_to(src).as_posix()
        if rel.startswith("migrations/"):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), rel)):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
            if name in _AUDIT_WRITERS:
                yield f"{rel}:{node.lineno}", node


def test_every_table_has_an_object_label_or_is_known_not_to_be_audited() -> None:
    tables = {t.name for t in Base.metadata.sorted_tables}
    assert set(OBJECT_KINDS) <= tables, set(OBJECT_KINDS) - tables
    unknown = sorted(tables - set(OBJECT_KINDS) - NOT_AUDITED)
    assert not unknown, f"add these tables to OBJECT_KINDS (or to NOT_AUDITED here): {unknown}"
    assert not NOT_AUDITED & set(OBJECT_KINDS)


def test_every_object_type_and_data_key_written_has_a_label() -> None:
    types: dict[str, str] = {}
    keys: dict[str, str] = {}
    for where, call in _audit_calls():
        kw = {k.arg: k.value for k in call.keywords}
        ot = kw.get("object_type")
        if isinstance(ot, ast.Constant) and isinstance(ot.value, str):
            types.setdefault(ot.value, where)
        data = kw.get("data") or (call.args[2] if len(call.args) > 2 else None)
        if isinstance(data, ast.Dict):
            for k in data.keys:
                if isinstance(k, ast.Constant) and isinstance(k.value, str):
                    keys.setdefault(k.value, where)
    assert "influencers" in types and "outreach_suppressions" in types
    assert len(keys) > 80 and "campaign_id" in keys
    missing = [f"{w}: {t}" for t, w in sorted(types.items()) if t not in OBJECT_KINDS]
    missing += [f"{w}: data key {k!r}" for k, w in sorted(keys.items()) if k not in DETAIL_KEYS]
    assert not missing, "no label in kizuna.accounts.audit:\n" + "\n".join(missing)


def test_object_and_data_labels_have_japanese() -> None:
    from kizuna.web.i18n import catalog

    ja = catalog("ja")
    english = {k.label for k in OBJECT_KINDS.values()} | set(DETAIL_KEYS.values())
    english |= set(ACTION_DETAIL_KEYS.values()) | {"Yes", "No", "#%(id)s (deleted)", "Raw data (JSON)"}
    english |= set(FIELD_NAMES.values())
    untranslated = sorted(e for e in english if not ja.get(e) or (ja[e] == e and e != "URL"))
    assert not untranslated, untranslated
    assert object_kind_label("influencers", "ja") == "インフルエンサー"
    assert object_kind_label("tracking_links", "en") == "Tracking link"
    assert object_kind_label("click_events", "ja") == "Click events"  # no label: its words
    assert detail_label("member.role_changed", "to", "ja") == "変更後"
    assert detail_label("outreach.reply_queued", "to", "ja") == "宛先"
    assert detail_label("x.y", "some_key", "ja") == "Some key"


def test_every_field_an_edit_can_list_has_a_name() -> None:
    """The ``fields`` of influencer, account and campaign edits read as the form's words in both languages."""
    from kizuna.influencers.service import ACCOUNT_FIELDS, INFLUENCER_FIELDS

    campaign_fields = ("name", "objective", "status", "description", "platforms", "starts_on", "ends_on")
    campaign_fields += ("attribution_window_days", "kpis", "target", "budget", "emv_values")
    missing = [f for f in (*INFLUENCER_FIELDS, *ACCOUNT_FIELDS, *campaign_fields) if f not in FIELD_NAMES]
    assert not missing, missing
    assert field_name("display_name", "ja") == "名前" and field_name("display_name", "en") == "Name"
    assert field_name("manager_id", "ja") == "マネージャー/事務所"
    assert field_name("some_new_column", "ja") == "Some new column"  # not listed: its words


def test_an_edits_fields_read_as_words(client: Any, owner: dict[str, Any]) -> None:
    from kizuna.accounts.audit import record

    with unit_of_work() as uow:
        record(
            uow.session,
            action="influencer.update",
            workspace_id=owner["workspace_id"],
            actor=None,
            object_type="influencers",
            data={"fields": ["display_name", "manager_id", "tags"]},
        )
    login(client, owner["email"])
    ja = client.get("/w/acme/settings/audit", headers={"Accept-Language": "ja"}).text
    assert "名前、マネージャー/事務所、タグ" in ja
    en = client.get("/w/acme/settings/audit", headers={"Accept-Language": "en"}).text
    assert "Name, Manager / agency, Tags" in en and "display_name, manager_id" not in en
