"""Classification, templating sandbox, limits and sending windows, A/B verdicts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.message import EmailMessage

import pytest

from kizuna.integrations.mail.parse import parse
from kizuna.integrations.mail.smtp import (
    AuthSmtpError,
    PermanentSmtpError,
    QuotaSmtpError,
    TransientSmtpError,
    classify_reply,
)
from kizuna.models.outreach_mailbox import OutreachMailbox
from kizuna.outreach import classify, mailboxes, metrics, templating

CTX = {
    "influencer": {"name": "ゆき", "first_name": "ゆき", "handle": "@yuki"},
    "post": {"caption_excerpt": "春の新作", "url": "https://example.com/p/1"},
    "campaign": {"name": "春"},
    "offer": "商品提供",
    "sender": {"name": "佐藤", "company": "絆株式会社", "signature": "絆株式会社\n東京都渋谷区"},
    "unsubscribe_url": "https://k.example/u/x",
}


@pytest.mark.parametrize(
    "payload",
    [
        "{{ ''.__class__.__mro__[1].__subclasses__() }}",
        "{{ cycler.__init__.__globals__ }}",
        "{{ joiner.__init__.__globals__.os }}",
        "{{ lipsum.__globals__['os'].popen('id').read() }}",
        "{{ self._TemplateReference__context }}",
        "{{ influencer.name|attr('__class__') }}",
        "{{ ''|attr('\\x5f\\x5fclass\\x5f\\x5f') }}",
        "{% set x = influencer.update({'a': 1}) %}{{ x }}",
        "{{ namespace.__init__ }}",
        "{{ range(100000000)|list }}",
    ],
)
def test_template_injection_cannot_reach_python_internals(payload: str) -> None:
    with pytest.raises(templating.TemplateBlocked) as err:
        templating.render("s", payload, CTX)
    assert err.value.code in ("template_unsafe", "template_missing_variables", "template_error")


def test_missing_and_empty_variables_block_and_are_all_reported() -> None:
    ctx = {**CTX, "influencer": {"name": "", "handle": "@yuki"}}
    with pytest.raises(templating.TemplateBlocked) as err:
        templating.render("{{ campaign.title }}", "Hi {{ influencer.name }}, {{ post.nope }}", ctx)
    assert err.value.details["missing"] == ["campaign.title", "influencer.name", "post.nope"]


def test_starter_templates_render_in_both_languages() -> None:
    for t in templating.STARTER_TEMPLATES:
        out = templating.render(t["subject"], t["body"], CTX)
        assert "{{" not in out.body
    ja = templating.render(
        templating.STARTER_TEMPLATES[0]["subject"], templating.STARTER_TEMPLATES[0]["body"], CTX
    )
    assert (
        ja.body.startswith("ゆき様") and "突然のご連絡失礼いたします" in ja.body and "東京都渋谷区" in ja.body
    )


def _mail(subject: str, body: str, frm: str = "yuki@creator.example", **headers: str) -> bytes:
    m = EmailMessage()
    m["From"], m["To"], m["Subject"], m["Message-ID"] = frm, "s@brand.example", subject, "<x@y>"
    for k, v in headers.items():
        m[k.replace("_", "-")] = v
    m.set_content(body)
    return m.as_bytes()


@pytest.mark.parametrize(
    ("raw", "kind"),
    [
        (_mail("Re: ご相談", "ぜひお願いします！\n\n> 配信停止をご希望の場合はこちら"), "reply"),
        (_mail("Re: ご相談", "不在にしておりました、返信遅れてすみません。ぜひ。"), "reply"),
        (_mail("自動返信: 不在のお知らせ", "ただいま不在です", Auto_Submitted="auto-replied"), "auto_reply"),
        (_mail("【不在】1/10まで休暇をいただいております", "休暇中です"), "auto_reply"),
        (_mail("Automatic reply: Collaboration", "I am out of office", X_Autoreply="yes"), "auto_reply"),
        (_mail("Re: ご相談", "今後の配信停止をお願いします。"), "unsubscribe"),
        (_mail("unsubscribe", ""), "unsubscribe"),
        (_mail("Re: hi", "Please remove me from your list"), "unsubscribe"),
        (_mail("Undelivered Mail Returned to Sender", "failed", frm="MAILER-DAEMON@mx.example"), "bounce"),
    ],
)
def test_classification(raw: bytes, kind: str) -> None:
    assert classify.classify(parse(raw)) == kind


def test_iso_2022_jp_subject_and_body_are_decoded() -> None:
    raw = (
        (
            b"From: =?ISO-2022-JP?B?GyRCOjRGIxsoQg==?= <sato@example.jp>\r\nSubject: =?iso-2022-jp?b?GyRCR1s/LkRkO18bKEI=?=\r\n"
            b"Message-ID: <j@example.jp>\r\nContent-Type: text/plain; charset=ISO-2022-JP\r\n\r\n"
        )
        + "配信停止してください".encode("iso-2022-jp")
        + b"\r\n"
    )
    mail = parse(raw)
    assert mail.subject == "配信停止"
    assert classify.classify(mail) == "unsubscribe"


def test_smtp_reply_classes() -> None:
    assert classify_reply(451, "4.3.0 try later") is TransientSmtpError
    assert classify_reply(550, "5.1.1 user unknown") is PermanentSmtpError
    assert classify_reply(550, "5.4.5 Daily user sending quota exceeded") is QuotaSmtpError
    assert classify_reply(421, "4.7.28 rate limited") is QuotaSmtpError
    assert classify_reply(535, "5.7.8 bad credentials") is AuthSmtpError


def _box(**kw: object) -> OutreachMailbox:
    mb = OutreachMailbox(
        daily_limit=100,
        ramp_start=40,
        ramp_step=5,
        limits_enabled=True,
        window_start_hour=9,
        window_end_hour=18,
        weekdays_only=True,
    )
    for k, v in kw.items():
        setattr(mb, k, v)
    return mb


def test_daily_limit_ramps_up_for_new_mailboxes() -> None:
    now = datetime(2026, 11, 20, 3, 0, tzinfo=UTC)
    assert mailboxes.effective_limit(_box(created_at=now), now) == 40
    assert mailboxes.effective_limit(_box(created_at=now - timedelta(days=4)), now) == 60
    assert mailboxes.effective_limit(_box(created_at=now - timedelta(days=60)), now) == 100
    assert mailboxes.effective_limit(_box(created_at=now, limits_enabled=False), now) is None


def test_sending_window_is_in_the_recipients_time_zone() -> None:
    mb = _box()
    # Friday 2026-11-20 03:00 UTC = 12:00 in Tokyo (inside), 22:00 Thursday in New York (outside)
    now = datetime(2026, 11, 20, 3, 0, tzinfo=UTC)
    assert mailboxes.window_opening(mb, "Asia/Tokyo", now) == now
    ny = mailboxes.window_opening(mb, "America/New_York", now)
    assert ny == datetime(2026, 11, 20, 14, 0, tzinfo=UTC)  # Friday 09:00 in New York
    # Friday 20:00 in Tokyo -> next Monday 09:00 Tokyo (weekend skipped)
    late = datetime(2026, 11, 20, 11, 0, tzinfo=UTC)
    assert mailboxes.window_opening(mb, "Asia/Tokyo", late) == datetime(2026, 11, 23, 0, 0, tzinfo=UTC)


def test_rotation_prefers_the_mailbox_with_most_capacity_left() -> None:
    now = datetime(2026, 11, 20, 3, 0, tzinfo=UTC)
    a = _box(created_at=now - timedelta(days=60), status="active", paused_until=None)
    a.id = 1
    b = _box(created_at=now - timedelta(days=60), status="active", paused_until=None)
    b.id = 2
    cap = mailboxes.Capacity({1: 10, 2: 3})
    assert mailboxes.pick_mailbox([a, b], cap, now) is b
    cap = mailboxes.Capacity({1: 100, 2: 100})
    assert mailboxes.pick_mailbox([a, b], cap, now) is None
    b.paused_until = now + timedelta(hours=1)
    assert mailboxes.pick_mailbox([a, b], mailboxes.Capacity({}), now) is a


def test_ab_verdict() -> None:
    a = metrics.Row("A", 200, 200, 0, 20)
    b = metrics.Row("B", 200, 200, 0, 44)
    v = metrics.ab_verdict(a, b)
    assert v["leader"] == "B" and v["significant"] is True
    assert (
        metrics.ab_verdict(metrics.Row("A", 10, 10, 0, 1), metrics.Row("B", 10, 10, 0, 2))["significant"]
        is False
    )


def test_every_outreach_page_string_has_a_japanese_translation() -> None:
    import re
    from pathlib import Path

    from kizuna.web import i18n

    folder = Path(templating.__file__).parent.parent / "web" / "templates" / "outreach"
    found: set[str] = set()
    for path in folder.glob("*.html"):
        text = path.read_text(encoding="utf-8")
        found |= set(re.findall(r'_\("((?:[^"\\]|\\.)*)"', text)) | set(
            re.findall(r"_\('((?:[^'\\]|\\.)*)'", text)
        )
    catalog = i18n.catalog("ja")
    missing = sorted(s for s in found if s not in catalog)
    assert missing == []


def test_metrics_by_step_variant_and_tier(db: object) -> None:
    from sqlalchemy import select as sa_select

    from kizuna.db import unit_of_work
    from kizuna.kit.time import utcnow
    from kizuna.models.outreach_message import OutreachMessage
    from tests.conftest import make_user_and_workspace

    ws = make_user_and_workspace()
    with unit_of_work() as uow:
        s = uow.session
        for i in range(40):
            variant = "A" if i % 2 else "B"
            s.add(
                OutreachMessage(
                    workspace_id=ws["workspace_id"],
                    direction="out",
                    kind="sequence",
                    status="bounced" if i % 10 == 0 else "sent",
                    step_index=0,
                    variant=variant,
                    tier="micro" if i < 30 else "nano",
                    message_id=f"<m{i}@x>",
                    replied_at=utcnow() if (variant == "B" and i % 4 == 0 and i % 10) else None,
                )
            )
    with unit_of_work() as uow:
        step = metrics.breakdown(uow.session, "step")
        assert [(r.key, r.sent, r.bounced, r.delivered) for r in step] == [("step 1", 40, 4, 36)]
        by_variant = {r.key: r for r in metrics.breakdown(uow.session, "variant")}
        assert by_variant["step 1 / B"].replied > 0 and by_variant["step 1 / A"].replied == 0
        tiers = {r.key: r.sent for r in metrics.breakdown(uow.session, "tier")}
        assert tiers == {"micro": 30, "nano": 10}
        assert len(uow.session.execute(sa_select(OutreachMessage)).all()) == 40
