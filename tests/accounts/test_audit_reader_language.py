"""Who did it and the coded values of the audit log read in the reader's language.

The stored ``actor_label`` stays as written ("creator: Mia Wright", "system"): the dashboard, the audit page and
an influencer's activity translate the known words around the name, old rows included. Data values that are
codes (roles, stages, statuses, verdicts, channels) read as words; free text and addresses never change.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from sqlalchemy import select

from kizuna.accounts.audit import detail_label, record
from kizuna.db import unit_of_work
from kizuna.kit.labels import ACTOR_LABELS, actor_label, code_label
from kizuna.models.audit_log import AuditLog
from kizuna.tenancy import bind_workspace
from kizuna.web import i18n
from kizuna.web.templating import env
from tests.conftest import login

AUDIT = "/w/acme/settings/audit"


def _log(
    workspace_id: int, action: str, data: dict[str, Any] | None = None, label: str | None = None
) -> None:
    with unit_of_work() as uow:
        record(
            uow.session,
            action=action,
            workspace_id=workspace_id,
            actor=None,
            object_type="influencers",
            data=data,
            actor_label=label,
        )


def _page(client: Any, path: str, lang: str) -> str:
    r = client.get(path, headers={"Accept-Language": lang})
    assert r.status_code == 200, r.text
    return str(r.text)


# --- who did it ------------------------------------------------------------------------------------------------


def test_actor_labels_translate_the_known_words_only() -> None:
    assert actor_label("creator: Mia Wright", "ja") == "クリエイター: Mia Wright"
    assert actor_label("creator: Mia Wright", "en") == "Creator: Mia Wright"
    assert actor_label("creator: 佐藤 花", "ja") == "クリエイター: 佐藤 花"
    assert actor_label("system", "ja") == "システム" and actor_label("system") == "System"
    assert actor_label("import job", "ja") == "インポート処理"
    assert actor_label("recipient", "ja") == "受信者"
    # a member's e-mail, an unknown label and a name that merely looks like a prefix are left alone
    assert actor_label("owner@example.com", "ja") == "owner@example.com"
    assert actor_label("importer-bot", "ja") == "importer-bot"
    assert actor_label("system", "ja", member=True) == "system"
    assert actor_label("creator: x", "ja", member=True) == "creator: x"
    assert actor_label(None, "ja") == ""
    ja = i18n.catalog("ja")
    assert all(ja.get(english) for english in ACTOR_LABELS.values())


def test_the_actor_filter_escapes_the_name() -> None:
    template = env.from_string("{{ label|actor }}")
    token = i18n.set_request_locale(i18n.RequestLocale(locale="ja"))
    try:
        assert template.render(label="creator: <b>Mia</b>") == "クリエイター: &lt;b&gt;Mia&lt;/b&gt;"
    finally:
        i18n.reset_request_locale(token)


def test_a_creators_portal_action_is_stored_as_before_and_shown_in_japanese(
    client: Any, owner: dict[str, Any]
) -> None:
    from kizuna.deals.actors import Actor

    ws = owner["workspace_id"]
    with unit_of_work() as uow:
        bind_workspace(uow.session, ws)
        Actor.creator(uow.session, ws, "Mia <b>Wright</b>", "203.0.113.9").audit(
            "deal.offer_countered", None, {"version": 2}
        )
    _log(ws, "influencer.import", {"rows": 3}, label="import job")  # an old row from a background job
    _log(ws, "outreach.unsubscribed", {"email": "a@example.com", "source": "one-click"}, label="recipient")
    _log(ws, "payment.overdue", {"gross_minor": 1000}, label=None)  # "system"
    with unit_of_work() as uow:
        bind_workspace(uow.session, ws)
        stored = set(uow.session.execute(select(AuditLog.actor_label)).scalars())
    assert {"creator: Mia <b>Wright</b>", "import job", "recipient", "system"} <= stored  # rows unchanged

    login(client, owner["email"])
    ja = _page(client, AUDIT, "ja")
    for shown in ("クリエイター: Mia &lt;b&gt;Wright&lt;/b&gt;", "インポート処理", "受信者", "システム"):
        assert f"<td>{shown}</td>" in ja, shown
    assert "creator: Mia" not in ja and "<td>system</td>" not in ja and "<td>import job</td>" not in ja
    assert "<td>owner@example.com</td>" in ja  # the owner's own rows (signing in) name them as they are
    en = _page(client, AUDIT, "en")
    assert "<td>Creator: Mia &lt;b&gt;Wright&lt;/b&gt;</td>" in en and "<td>System</td>" in en

    dash = _page(client, "/w/acme", "ja")
    assert "クリエイター: Mia &lt;b&gt;Wright&lt;/b&gt; · " in dash and "creator: Mia" not in dash
    assert "</span> システム · " in dash


# --- coded values ----------------------------------------------------------------------------------------------

# (action, data, key, English shown, Japanese shown)
CODED = [
    ("content.approved", {"verdict": "compliant"}, "verdict", "compliant", "適合"),
    ("content.draft_submitted", {"verdict": "needs_review"}, "verdict", "needs review", "要確認"),
    ("campaign.post_registered", {"disclosure": "non_compliant"}, "disclosure", "non compliant", "不適合"),
    ("member.added", {"role": "viewer"}, "role", "viewer", "閲覧者"),
    ("member.role_changed", {"from": "member", "to": "admin"}, "from", "member", "メンバー"),
    ("member.role_changed", {"from": "member", "to": "admin"}, "to", "admin", "管理者"),
    ("outreach.stage_changed", {"from": "prospect", "to": "content"}, "from", "Prospect", "候補"),
    ("outreach.stage_changed", {"from": "prospect", "to": "content"}, "to", "Creating content", "制作中"),
    ("outreach.sequence_status", {"status": "archived"}, "status", "archived", "アーカイブ"),
    ("content.reuse_registered", {"channel": "paid_ads"}, "channel", "paid ads", "有料広告"),
    ("payee.saved", {"entity_type": "company"}, "entity_type", "company", "法人"),
    ("deal.offer_proposed", {"author": "brand"}, "author", "brand", "ブランド"),
    ("outreach.uncertain_resolved", {"outcome": "resend"}, "outcome", "resend", "再送"),
    ("outreach.enrollment_stopped", {"reason": "manual"}, "reason", "manual", "手動"),
    ("workspace.tier_scheme", {"scheme": "japan"}, "scheme", "japan", "日本"),
    ("agreement.issued", {"language": "ja"}, "language", "Japanese", "日本語"),
    # a new offer's changed terms, stored as dotted paths
    ("deal.offer_countered", {"changed": ["compensation.fee_minor"]}, "changed", "Fee", "報酬"),
]
# free text and addresses under keys that hold codes for other actions: never translated
FREE = [
    ("outreach.reply_queued", {"to": "member"}, "to", "member"),  # an e-mail address field
    ("deal.offer_declined", {"reason": "manual"}, "reason", "manual"),  # what the creator wrote
    ("influencer_list.create", {"name": "needs_review"}, "name", "needs_review"),
]


def _details(html: str) -> list[str]:
    return re.findall(r'<td class="audit-object">.*?</td>\s*<td>(.*?)</td></tr>', html, flags=re.S)


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_coded_values_read_as_words_and_free_text_as_written(
    client: Any, owner: dict[str, Any], lang: str
) -> None:
    for action, data, _key, *_shown in CODED:
        _log(owner["workspace_id"], action, data, label="tester")
    for action, data, _key, _shown in FREE:
        _log(owner["workspace_id"], action, data, label="tester")
    login(client, owner["email"])
    cells = "\n".join(_details(_page(client, AUDIT, lang)))
    for action, _data, key, english, japanese in CODED:
        shown = japanese if lang == "ja" else english
        assert f"<dt>{detail_label(action, key, lang)}</dt><dd>{shown}</dd>" in cells, (action, key)
    for action, _data, key, text in FREE:
        assert f"<dt>{detail_label(action, key, lang)}</dt><dd>{text}</dd>" in cells, (action, key)
    # no code shows as a code in the Details column (the raw JSON below it is for support and keeps them);
    # only the list named "needs_review" by a person keeps its name
    shown_values = re.findall(r"<dd[^>]*>(.*?)</dd>", cells)
    assert [v for v in shown_values if "_" in v] == ["needs_review"], shown_values


def test_every_code_the_log_can_hold_has_japanese() -> None:
    from kizuna.deals.terms import USAGE_CHANNELS
    from kizuna.models.campaign_influencer import STAGES
    from kizuna.models.membership import ROLES
    from kizuna.payments.service import ENTITY_TYPES

    codes = {*ROLES, *STAGES, *USAGE_CHANNELS, *ENTITY_TYPES}
    codes |= {"compliant", "needs_review", "non_compliant", "unchecked"}  # verdicts
    codes |= {"active", "archived", "sent", "resend", "brand", "creator", "manual", "one-click"}
    codes |= {"global", "japan", "custom"}
    untranslated = sorted(c for c in codes if code_label(c, "ja") in (c, c.replace("_", " ")))
    assert not untranslated, untranslated
    assert code_label("in_review", "en") == "in review" and code_label("in_review", "ja") == "レビュー中"
    assert code_label("some_new_code", "ja") == "some new code" and code_label(None) == ""
